"""One-sector GE: the whole ``GEModel(...).simulate(shock)`` call against a bare NumPy fixed point.

Run: ``.venv/bin/python benchmarks/ge_call_overhead.py [--sizes 200 1000] [--repeats 7]
[--profile]``

Both sides solve the same counterfactual on the same synthetic world: a four-country trade
agreement (``t_ij^(-theta)`` up by ``exp(0.45)`` among the members) with fixed additive imbalances and
theta = 5. jahan's time covers the whole call a user makes: building the model from a long
DataFrame of labelled flows (validation, alignment), aligning a shock Series on all N^2
(exporter, importer) labels, solving, and assembling the labelled result. The reference takes the
flow and shock matrices as given and runs the plain fixed point of Zylkin's ``ge_gravity``,
``w_i <- w_i (S_i / (w_i Y_i))^(1/(1+theta))`` with the world-output numeraire, written as
plainly as possible (no acceleration), until the largest change in ``log w`` is below 1e-12.
Both answers are compared (welfare to 1e-8 percent) before any time is reported.

Prints the median of ``--repeats`` runs for each side (in blocks that take turns) and their ratio (reference / jahan; above
1 means the whole jahan call is faster than the bare fixed point). ``--profile`` adds a cProfile
of one jahan call at the largest size, showing which share of the time the kernel takes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from ge_vs_gegravity import COEF, MEMBERS, synthetic_world  # noqa: E402

THETA = 5.0


def synthetic(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.Series, np.ndarray, np.ndarray]:
    """Long flows frame, full shock Series, and the same flows and shock as matrices.

    The world is ``ge_vs_gegravity.synthetic_world`` (lognormal sizes, distance, contiguity,
    agreements, a border effect); the shock is its four-country agreement,
    ``B_ij = exp(b_pta)`` among the members.
    """
    world = synthetic_world(n, seed)
    codes = np.asarray(world["exporter"].unique(), dtype=object)
    X = world["trade"].to_numpy().reshape(n, n)
    B = np.ones((n, n))
    B[:MEMBERS, :MEMBERS] = np.exp(COEF["pta"])
    np.fill_diagonal(B, 1.0)
    exporter = np.repeat(codes, n)
    importer = np.tile(codes, n)
    frame = pd.DataFrame({"exporter": exporter, "importer": importer, "value": X.ravel()})
    shock = pd.Series(
        B.ravel(),
        index=pd.MultiIndex.from_arrays([exporter, importer], names=["exporter", "importer"]),
    )
    return frame, shock, X, B


def bare_fixed_point(
    X: np.ndarray, B: np.ndarray, theta: float, tol: float = 1e-12, max_iter: int = 100_000
) -> tuple[np.ndarray, int]:
    """Welfare change (percent) by the plain ge_gravity fixed point; fixed imbalances."""
    Y = X.sum(axis=1)
    E = X.sum(axis=0)
    D = E - Y
    M = X / E * B
    w = np.ones(Y.size)
    it = 0
    while it < max_iter:
        it += 1
        u = w ** (-theta)
        phi = u @ M
        e_new = w * Y + D
        sales = u * (M @ (e_new / phi))
        w_new = w * (sales / (w * Y)) ** (1.0 / (1.0 + theta))
        w_new *= Y.sum() / (w_new @ Y)
        step = np.abs(np.log(w_new / w)).max()
        w = w_new
        if step < tol:
            break
    u = w ** (-theta)
    phi = u @ M
    welfare = (w * Y + D) / E * phi ** (1.0 / theta)
    return 100.0 * (welfare - 1.0), it


def jahan_call(frame: pd.DataFrame, shock: pd.Series):
    from jahan.ge import GEModel

    return GEModel(frame, trade_elasticity=THETA).simulate(shock)


def timed_pair(first, second, repeats: int, rounds: int = 3) -> tuple[float, object, float, object]:
    """Median times of two calls and their answers, measured in blocks that take turns.

    Each side runs in blocks of about ``repeats / rounds`` calls (caches warm, as a caller who
    solves several times has them), and the blocks alternate so that a change in the machine's
    load falls on both sides alike.
    """
    block = max(1, -(-repeats // rounds))
    times: tuple[list[float], list[float]] = ([], [])
    out: list[object] = [None, None]
    for _ in range(rounds):
        for k, fn in enumerate((first, second)):
            for _ in range(block):
                start = time.perf_counter()
                out[k] = fn()
                times[k].append(time.perf_counter() - start)
    return statistics.median(times[0]), out[0], statistics.median(times[1]), out[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    import jahan.ge.model  # noqa: F401  (import cost is not part of a call)

    print(
        f"theta {THETA}, fixed imbalances, {MEMBERS}-country agreement, "
        f"median of {args.repeats} runs"
    )
    print(
        f"{'N':>6} {'jahan call (ms)':>16} {'bare FP (ms)':>13} {'FP iters':>9} "
        f"{'ratio FP/jahan':>15} {'max |dW| (pp)':>14}"
    )
    for n in args.sizes:
        frame, shock, X, B = synthetic(n)
        jahan_call(frame, shock)  # warm caches (imports, BLAS) before timing
        t_j, res, t_r, (ref, iters) = timed_pair(
            lambda f=frame, s=shock: jahan_call(f, s),
            lambda x=X, b=B: bare_fixed_point(x, b, THETA),
            args.repeats,
        )
        gap = float(np.abs(res.countries["welfare_pct"].to_numpy() - ref).max())
        if gap > 1e-8:
            raise SystemExit(f"N={n}: jahan and the fixed point disagree by {gap:.3g} pp")
        print(
            f"{n:>6} {1e3 * t_j:>16.1f} {1e3 * t_r:>13.1f} {iters:>9d} {t_r / t_j:>15.2f} "
            f"{gap:>14.1e}"
        )
    if args.profile:
        n = max(args.sizes)
        frame, shock, _, _ = synthetic(n)
        prof = cProfile.Profile()
        prof.enable()
        jahan_call(frame, shock)
        prof.disable()
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf).sort_stats("cumulative")
        stats.print_stats(18)
        total = stats.total_tt
        kernel = sum(v[3] for k, v in stats.stats.items() if k[2] == "solve_hat")
        print(
            f"\nprofile of one call at N={n}: total {1e3 * total:.1f} ms, kernel (solve_hat) "
            f"{1e3 * kernel:.1f} ms = {100 * kernel / total:.0f}% of the call"
        )
        print(buf.getvalue())


if __name__ == "__main__":
    main()
