"""One-sector GE: the whole ``GEModel(...).simulate(shock)`` call against a bare NumPy fixed point.

Run: ``.venv/bin/python benchmarks/ge_call_overhead.py [--sizes 200 1000] [--repeats 21]
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

jahan is timed twice:

- ``same table``: the model is rebuilt on one flows frame and solved with one shock Series, as a
  caller does who varies the elasticity or runs the draws of a scenario. jahan keeps what it read
  from the table's (immutable) Arrow label columns and the shock's pair index, so only the
  numbers are read again.
- ``new table``: every call gets a flows frame and a shock it has never seen (separately built
  copies, set up before the clock starts), so the N^2 labels are read and checked each time.

Prints the median of ``--repeats`` runs of each and the ratios reference / jahan (above 1 means
the whole jahan call is faster than the bare fixed point). Each jahan figure is timed against the
reference in its own run, the two sides taking turns in short blocks so that a change in the
machine's load falls on both alike; the reference column shows the first of the two runs. ``--profile`` adds a cProfile of ten
same-table calls at the largest size, showing which share of the time the kernel takes.
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


def timed_turns(calls, repeats: int, block: int = 2) -> list[tuple[float, object]]:
    """Median time and last answer of each call, the calls taking turns in short blocks.

    Each call runs ``block`` times in a row (its caches warm, as a caller who solves several
    times has them), then the next call; the turns repeat until each has run ``repeats`` times.
    """
    times: list[list[float]] = [[] for _ in calls]
    out: list[object] = [None] * len(calls)
    while len(times[0]) < repeats:
        for k, fn in enumerate(calls):
            for _ in range(min(block, repeats - len(times[k]))):
                start = time.perf_counter()
                out[k] = fn()
                times[k].append(time.perf_counter() - start)
    return [(statistics.median(t), o) for t, o in zip(times, out, strict=True)]


def fresh_copies(n: int, count: int) -> list[tuple[pd.DataFrame, pd.Series]]:
    """``count`` flows frames and shock Series of one world, each built anew (own Arrow labels)."""
    frame, shock, _, _ = synthetic(n)
    exporter = frame["exporter"].to_numpy(dtype=object)
    importer = frame["importer"].to_numpy(dtype=object)
    values, shock_values = frame["value"].to_numpy(), shock.to_numpy()
    copies = []
    for _ in range(count):
        index = pd.MultiIndex.from_arrays(
            [exporter.copy(), importer.copy()], names=["exporter", "importer"]
        )
        copies.append(
            (
                pd.DataFrame(
                    {"exporter": exporter.copy(), "importer": importer.copy(), "value": values}
                ),
                pd.Series(shock_values.copy(), index=index),
            )
        )
    return copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    import jahan.ge.model  # noqa: F401  (import cost is not part of a call)

    print(
        f"theta {THETA}, fixed imbalances, {MEMBERS}-country agreement, "
        f"median of {args.repeats} runs"
    )
    print(
        f"{'N':>6} {'bare FP (ms)':>13} {'FP iters':>9} {'jahan, same table':>18} "
        f"{'ratio':>6} {'jahan, new table':>17} {'ratio':>6} {'max |dW| (pp)':>14}"
    )
    for n in args.sizes:
        frame, shock, X, B = synthetic(n)
        fresh = iter(fresh_copies(n, args.repeats))
        jahan_call(frame, shock)  # warm caches (imports, BLAS) before timing
        # Each jahan figure is timed against the reference in its own alternation, so the
        # new-table calls (which read far more memory) do not disturb the same-table ones.
        (t_r, (ref, iters)), (t_same, res) = timed_turns(
            [
                lambda x=X, b=B: bare_fixed_point(x, b, THETA),
                lambda f=frame, s=shock: jahan_call(f, s),
            ],
            args.repeats,
        )
        (t_r2, _), (t_new, res_new) = timed_turns(
            [
                lambda x=X, b=B: bare_fixed_point(x, b, THETA),
                lambda it=fresh: jahan_call(*next(it)),
            ],
            args.repeats,
        )
        gap = max(
            float(np.abs(r.countries["welfare_pct"].to_numpy() - ref).max()) for r in (res, res_new)
        )
        if gap > 1e-8:
            raise SystemExit(f"N={n}: jahan and the fixed point disagree by {gap:.3g} pp")
        print(
            f"{n:>6} {1e3 * t_r:>13.1f} {iters:>9d} {1e3 * t_same:>15.1f} ms "
            f"{t_r / t_same:>6.2f} {1e3 * t_new:>14.1f} ms {t_r2 / t_new:>6.2f} {gap:>14.1e}"
        )
    if args.profile:
        n = max(args.sizes)
        frame, shock, _, _ = synthetic(n)
        jahan_call(frame, shock)
        calls = 10  # one call is a few milliseconds: the shares of several are steadier
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(calls):
            jahan_call(frame, shock)
        prof.disable()
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf).sort_stats("cumulative")
        stats.print_stats(18)
        total = stats.total_tt
        kernel = sum(v[3] for k, v in stats.stats.items() if k[2] == "solve_hat")
        print(
            f"\nprofile of {calls} same-table calls at N={n}: {1e3 * total / calls:.1f} ms a call, "
            f"kernel (solve_hat) {1e3 * kernel / calls:.1f} ms = {100 * kernel / total:.0f}% of it"
        )
        print(buf.getvalue())


if __name__ == "__main__":
    main()
