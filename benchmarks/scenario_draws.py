"""Scenario draws: 1,000 uncertainty draws of eaeu_customs_union on the built-in world.

Run: ``.venv/bin/python benchmarks/scenario_draws.py [--draws 1000] [--workers 1 2]``

Prints draws per second for each worker count (goal: 1,000 draws in under 60 s on a 2-core
machine), checks that every worker count gives identical results for the same seed, and sets
the scenario machinery against its floor measured in the same run: a bare loop calling
``GEModel.simulate`` on the same cost matrices (no compilation, no result assembly, no pool).
"""

from __future__ import annotations

import argparse
import os
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--floor-draws", type=int, default=200)
    args = parser.parse_args()

    from jahan.ge import GEModel
    from jahan.scenario import Scenario
    from jahan.scenario.draws import draw_parameters
    from jahan.world import World

    world = World.builtin()
    scenario = Scenario.load("eaeu_customs_union")
    print(
        f"eaeu_customs_union on the built-in world ({len(world.iso3)} countries), "
        f"{args.draws} draws, seed {args.seed}, {os.cpu_count()} CPUs"
    )

    # Floor: bare GE solves of the same draws, in this process.
    model = GEModel(world, trade_elasticity=scenario.spec.model.trade_elasticity)
    compiled = scenario.compile(world, model.countries)
    values = draw_parameters(compiled, args.floor_draws, args.seed)
    matrices = [compiled.build(v)[0] for v in values]
    start = time.perf_counter()
    for cost in matrices:
        model.simulate(cost)
    floor_rate = args.floor_draws / (time.perf_counter() - start)
    print(
        f"  floor (bare GEModel.simulate loop, {args.floor_draws} solves): "
        f"{floor_rate:8.1f} solves/s"
    )

    results = {}
    for workers in args.workers:
        start = time.perf_counter()
        out = scenario.run(world, draws=args.draws, seed=args.seed, workers=workers)
        seconds = time.perf_counter() - start
        results[workers] = out
        rate = args.draws / seconds
        goal = "meets" if seconds < 60 else "MISSES"
        print(
            f"  workers={workers}: {seconds:7.2f} s, {rate:8.1f} draws/s "
            f"({goal} the 60 s goal; {rate / floor_rate:.2f} x the single-process floor)"
        )
    base = results[args.workers[0]].countries.to_numpy()
    same = all(np.array_equal(base, r.countries.to_numpy()) for r in results.values())
    print(f"  identical results for every worker count: {same}")
    if len(args.workers) > 1:
        t = {w: r.settings["seconds"] for w, r in results.items()}
        first, last = args.workers[0], args.workers[-1]
        print(f"  speed-up {last} vs {first} workers: {t[first] / t[last]:.2f} x")
    kaz = results[args.workers[0]].countries.loc["KAZ"]
    print(
        f"  KAZ welfare: {kaz['welfare_pct']:+.4f}% "
        f"[{kaz['welfare_pct_p05']:+.4f}; {kaz['welfare_pct_p95']:+.4f}]"
    )


if __name__ == "__main__":
    main()
