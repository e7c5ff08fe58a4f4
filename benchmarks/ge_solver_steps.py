"""One-sector GE kernel: accelerated steps to 1e-12 with jahan's step and with ge_gravity's.

Run: ``.venv/bin/python benchmarks/ge_solver_steps.py [--theta 5]``

jahan's fixed-point map divides each country's log gap by the own-market diagonal of the
Jacobian (``jahan.ge._solver._System.step``); ``ge_gravity``'s divides it by ``1 + theta``. Both
are accelerated alike (Anderson mixing) and stop at the same tolerance. The worlds: the
synthetic worlds of ``ge_vs_gegravity.py`` (50 to 1,000 countries, its four-country agreement),
and the built-in world of 2016 with two random shocks (``t^(-theta)`` times a lognormal with
sd 0.3 on every pair) and an EAEU-style one (the five members' mutual trade costs down so that
``t^(-theta)`` rises by half), each with fixed and multiplicative imbalances. Prints the steps
of each case and the totals, and checks that both reach the same prices (1e-9).
"""

from __future__ import annotations

import argparse
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
from ge_call_overhead import synthetic  # noqa: E402

from jahan.ge import _solver  # noqa: E402
from jahan.world import World  # noqa: E402

EAEU = ("ARM", "BLR", "KAZ", "KGZ", "RUS")


def worlds() -> list[tuple[str, np.ndarray, np.ndarray]]:
    cases = []
    for n, seed in [
        (50, 4),
        (100, 6),
        (200, 0),
        (200, 1),
        (200, 2),
        (400, 5),
        (1000, 0),
        (1000, 3),
    ]:
        _, _, X, B = synthetic(n, seed)
        cases.append((f"synthetic N={n} seed {seed}", X, B))
    flows = World.builtin().flows_frame()
    codes = sorted(set(flows["exporter"]))
    n = len(codes)
    X = (
        flows.pivot(index="exporter", columns="importer", values="value")
        .loc[codes, codes]
        .to_numpy()
    )
    rng = np.random.default_rng(1)
    for k in range(2):
        B = np.exp(rng.normal(0.0, 0.3, (n, n)))
        np.fill_diagonal(B, 1.0)
        cases.append((f"built-in N={n} random shock {k + 1}", X, B))
    members = [codes.index(c) for c in EAEU]
    B = np.ones((n, n))
    B[np.ix_(members, members)] = 1.5
    np.fill_diagonal(B, 1.0)
    cases.append((f"built-in N={n} EAEU-style", X, B))
    return cases


def ge_gravity_step(self, residual, parts):
    return residual / (1.0 + self.theta)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--theta", type=float, default=5.0)
    args = parser.parse_args()
    jahan_step = _solver._System.step
    totals = {"jahan": 0, "ge_gravity": 0}
    print(f"{'world':<34} {'imbalances':<15} {'jahan':>6} {'ge_gravity':>11}")
    for name, X, B in worlds():
        Y, E = X.sum(axis=1), X.sum(axis=0)
        for imbalances in ("fixed", "multiplicative"):
            found = {}
            for label, step in (("jahan", jahan_step), ("ge_gravity", ge_gravity_step)):
                _solver._System.step = step
                try:
                    found[label] = _solver.solve_hat(
                        X,
                        Y,
                        E,
                        B,
                        args.theta,
                        imbalances=imbalances,
                        column_scale=1.0 / E,
                        max_iter=1000,
                    )
                finally:
                    _solver._System.step = jahan_step
                totals[label] += found[label].iterations
            a, b = found["jahan"], found["ge_gravity"]
            gap = float(np.abs(a.factory_price / b.factory_price - 1.0).max())
            if gap > 1e-9:
                raise SystemExit(f"{name}, {imbalances}: the two prices differ by {gap:.2g}")
            print(f"{name:<34} {imbalances:<15} {a.iterations:>6} {b.iterations:>11}")
    print(f"{'total':<50} {totals['jahan']:>6} {totals['ge_gravity']:>11}")


if __name__ == "__main__":
    main()
