"""One-sector GE: jahan against gegravity 0.3 on the same synthetic worlds.

Run: ``.venv/bin/python benchmarks/ge_vs_gegravity.py [--sizes 30 60 100] [--timeout 120]``

For each size, both tools solve the same problem: baseline multilateral resistances from trade
costs ``t^(1-sigma) = exp(b'z)``, output and expenditure (sigma = 5, multiplicative imbalances),
then the full-endowment GE of a four-country trade agreement. jahan's time covers the whole
pipeline (levels baseline, model construction from a long DataFrame, counterfactual). gegravity
runs in a child process with a time limit. Then jahan alone solves 1,000 countries, and peak
memory (tracemalloc) is measured at several sizes to show O(N^2) growth.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import tracemalloc
import warnings

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

SIGMA = 5.0
COEF = {"lndist": -0.9, "contiguity": 0.5, "pta": 0.45, "international": -2.5}
MEMBERS = 4  # countries 0..3 sign a trade agreement
RESCALES = (1, 10, 100, 1000, 0.1)  # gegravity's omr_rescale, its default first


def synthetic_world(n: int, seed: int = 0) -> pd.DataFrame:
    """Long frame with exporter, importer, year, trade, Y, E and cost variables."""
    rng = np.random.default_rng(seed)
    codes = [f"C{k:04d}" for k in range(n)]
    pos = rng.uniform(0, 50, (n, 2))
    dist = np.sqrt(((pos[:, None] - pos[None]) ** 2).sum(-1)) + 1.0
    contig = (dist < 6).astype(float) * (1 - np.eye(n))
    pta = (rng.uniform(size=(n, n)) < 0.15).astype(float)
    pta = np.maximum(pta, pta.T) * (1 - np.eye(n))
    pta[:MEMBERS, :MEMBERS] = 0.0
    intl = 1 - np.eye(n)
    size = rng.lognormal(0, 1.2, n)
    cost = np.exp(
        COEF["lndist"] * np.log(dist)
        + COEF["contiguity"] * contig
        + COEF["pta"] * pta
        + COEF["international"] * intl
    )
    trade = np.outer(size, size) * cost * rng.lognormal(0, 0.3, (n, n)) * 1000
    Y, E = trade.sum(axis=1), trade.sum(axis=0)
    return pd.DataFrame(
        {
            "exporter": np.repeat(codes, n),
            "importer": np.tile(codes, n),
            "year": "2020",
            "trade": trade.ravel(),
            "Y": np.repeat(Y, n),
            "E": np.tile(E, n),
            "lndist": np.log(dist).ravel(),
            "contiguity": contig.ravel(),
            "pta": pta.ravel(),
            "international": intl.ravel(),
        }
    )


def experiment(frame: pd.DataFrame) -> pd.DataFrame:
    exp = frame.copy()
    codes = sorted(frame["exporter"].unique())[:MEMBERS]
    inside = exp["exporter"].isin(codes) & exp["importer"].isin(codes)
    exp.loc[inside & (exp["exporter"] != exp["importer"]), "pta"] = 1.0
    return exp


def run_jahan(frame: pd.DataFrame) -> tuple[float, pd.Series, bool]:
    """Whole pipeline: levels baseline, model construction, counterfactual."""
    from jahan.ge import GEModel
    from jahan.ge.levels import multilateral_resistances

    start = time.perf_counter()
    codes = sorted(frame["exporter"].unique())
    n = len(codes)
    index = pd.Index(codes)
    i = index.get_indexer(frame["exporter"])
    j = index.get_indexer(frame["importer"])
    z = sum(b * frame[k].to_numpy() for k, b in COEF.items())
    T = np.zeros((n, n))
    T[i, j] = np.exp(z)
    Y = np.zeros(n)
    Y[i] = frame["Y"].to_numpy()
    E = np.zeros(n)
    E[j] = frame["E"].to_numpy()
    base = multilateral_resistances(T, Y, E, reference=n - 1)
    flows = pd.DataFrame(
        {"exporter": frame["exporter"], "importer": frame["importer"], "value": base.flows[i, j]}
    )
    model = GEModel(flows, trade_elasticity=SIGMA - 1, imbalances="multiplicative")
    exp = experiment(frame)
    shock = np.ones((n, n))
    shock[i, j] = np.exp(COEF["pta"] * (exp["pta"].to_numpy() - frame["pta"].to_numpy()))
    result = model.simulate(shock)
    elapsed = time.perf_counter() - start
    return elapsed, result.countries["real_gdp_pct"], result.converged


def run_gegravity_child(n: int) -> None:
    """Entry point of the child process: solve with gegravity and print JSON."""
    import gegravity as ge

    frame = synthetic_world(n)
    coeffs = ge.CostCoeffs(
        estimates=pd.DataFrame({"var": list(COEF), "coeff": list(COEF.values())}),
        identifier_col="var",
        coeff_col="coeff",
    )
    attempts = []
    for rescale in RESCALES:
        start = time.perf_counter()
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                baseline = ge.BaselineData(
                    frame,
                    imp_var_name="importer",
                    exp_var_name="exporter",
                    year_var_name="year",
                    trade_var_name="trade",
                    expend_var_name="E",
                    output_var_name="Y",
                )
                model = ge.OneSectorGE(
                    baseline,
                    year="2020",
                    expend_var_name="E",
                    output_var_name="Y",
                    cost_coeff_values=coeffs,
                    cost_variables=list(COEF),
                    reference_importer=sorted(frame["exporter"].unique())[-1],
                    sigma=SIGMA,
                    quiet=True,
                )
                model.build_baseline(omr_rescale=rescale)
                model.define_experiment(experiment(frame))
                model.simulate()
        except Exception as exc:  # gegravity raises ValueError on bad resistances
            attempts.append(
                {
                    "omr_rescale": rescale,
                    "seconds": time.perf_counter() - start,
                    "error": f"{type(exc).__name__}: {str(exc)[:60]}",
                }
            )
            continue
        elapsed = time.perf_counter() - start
        diag = model.solver_diagnostics
        converged = {k: bool(getattr(v, "success", False)) for k, v in diag.items()}
        gdp = model.country_results["GDP change (percent)"]
        prices = model.factory_gate_prices.iloc[:, 0]
        attempts.append(
            {
                "omr_rescale": rescale,
                "seconds": elapsed,
                "converged": converged,
                "negative_prices": int((prices <= 0).sum()),
                "warnings": sorted({str(w.message).strip()[:80] for w in caught}),
                "gdp": {str(k): float(v) for k, v in gdp.items()},
            }
        )
        if all(converged.values()):
            break
    print(json.dumps({"attempts": attempts}))


def run_gegravity(n: int, timeout: float) -> dict:
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--gegravity-child", str(n)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"seconds": None, "error": f"timed out after {timeout:.0f} s"}
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode != 0 or not lines:
        tail = (out.stderr.strip().splitlines() or ["no output"])[-1]
        return {"seconds": None, "error": f"failed: {tail[:120]}"}
    return json.loads(lines[-1])


def peak_memory(n: int) -> tuple[float, float]:
    frame = synthetic_world(n)
    tracemalloc.start()
    elapsed, _, _ = run_jahan(frame)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[30, 60, 100])
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--large", type=int, default=1000)
    parser.add_argument("--gegravity-child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.gegravity_child is not None:
        run_gegravity_child(args.gegravity_child)
        return

    print("One-sector GE: jahan vs gegravity 0.3 (sigma 5, four-country agreement)")
    print(
        f"{'N':>5} {'jahan s':>9} {'gegravity s':>12} {'ratio':>8}  gegravity status; "
        "largest real-GDP gap (pp)"
    )
    for n in args.sizes:
        frame = synthetic_world(n)
        run_jahan(synthetic_world(10))  # warm imports
        times = []
        for _ in range(3):
            t, gdp, ok = run_jahan(frame)
            times.append(t)
        t_jahan = min(times)
        peer = run_gegravity(n, args.timeout)
        if "attempts" not in peer:
            print(f"{n:>5} {t_jahan:>9.4f} {'-':>12} {'-':>8}  {peer['error']}")
            continue
        notes = []
        for a in peer["attempts"]:
            if "error" in a:
                notes.append(f"omr_rescale={a['omr_rescale']}: {a['error']}")
            elif not all(a["converged"].values()):
                bad = ", ".join(k for k, v in a["converged"].items() if not v)
                notes.append(f"omr_rescale={a['omr_rescale']}: not converged ({bad})")
        good = [a for a in peer["attempts"] if "gdp" in a and all(a["converged"].values())]
        total = sum(a["seconds"] for a in peer["attempts"])
        if not good:
            print(
                f"{n:>5} {t_jahan:>9.4f} {total:>12.3f} {total / t_jahan:>7.0f}x  "
                f"no converged gegravity run ({total:.1f} s spent)"
            )
        else:
            a = good[0]
            gap = (pd.Series(a["gdp"]).reindex(gdp.index) - gdp).abs().max()
            neg = f"; {a['negative_prices']} non-positive prices" if a["negative_prices"] else ""
            print(
                f"{n:>5} {t_jahan:>9.4f} {a['seconds']:>12.3f} "
                f"{a['seconds'] / t_jahan:>7.0f}x  converged with omr_rescale="
                f"{a['omr_rescale']}{neg}; gap {gap:.4f} pp; all attempts {total:.2f} s "
                f"({total / t_jahan:.0f}x)"
            )
        for note in notes:
            print(f"{'':>38}{note}")
        if not ok:
            print(f"{'':>38}jahan did not converge")

    n = args.large
    t_large, gdp, ok = run_jahan(synthetic_world(n))
    print(f"\njahan, {n} countries: {t_large:.2f} s (goal < 10 s), converged: {ok}")

    print("\nPeak memory of the jahan pipeline (tracemalloc):")
    print(f"{'N':>6} {'MB':>9} {'bytes / N^2':>12}")
    for n in (100, 300, args.large):
        _, peak = peak_memory(n)
        print(f"{n:>6} {peak / 2**20:>9.1f} {peak / n**2:>12.0f}")


if __name__ == "__main__":
    main()
