"""Time of the whole claims report, "The founding texts, tested", in the default set-up: the built-in
observed world, offline, from a fresh process (world load, both PPML estimates, every GE run with
its draws, the PWT measures, the language projection, the HTML report). The target is under two
minutes on a two-core machine; the script prints the time of each step and the total.

    .venv/bin/python benchmarks/claims_report.py                  # 50 draws, Kazakh report
    .venv/bin/python benchmarks/claims_report.py --draws 200 --lang ru
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

TARGET_SECONDS = 120.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lang", default="kk")
    args = parser.parse_args()

    started = time.perf_counter()
    import jahan as jh
    from jahan.analysis.claims.sections import SECTIONS, Inputs
    from jahan.world import pwt_panel

    world = jh.World.builtin()
    inputs = Inputs(world=world, pwt=pwt_panel(), draws=args.draws, seed=args.seed)
    loaded = time.perf_counter()
    print(f"world and PWT loaded: {loaded - started:6.1f} s")
    sections = []
    for section in SECTIONS:
        t0 = time.perf_counter()
        sections.append(section(inputs))
        print(
            f"claim {sections[-1].number:2d}: {time.perf_counter() - t0:6.1f} s  {sections[-1].verdict}"
        )
    result = jh.ClaimsResult(
        tuple(sections),
        settings={
            "baseline_year": world.baseline_year,
            "flows_kind": world.flows_kind,
            "countries": len(world.countries),
            "draws": args.draws,
            "seed": args.seed,
            "seconds": time.perf_counter() - loaded,
        },
    )
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        page = result.report(Path(folder) / f"claims_{args.lang}.html", lang=args.lang)
        size = page.stat().st_size
    print(f"report ({size / 1e6:.1f} MB): {time.perf_counter() - t0:6.1f} s")
    total = time.perf_counter() - started
    verdict = "within" if total < TARGET_SECONDS else "OVER"
    print(
        f"total: {total:.1f} s ({verdict} the {TARGET_SECONDS:.0f} s target; {args.draws} draws, "
        f"{os.cpu_count()} CPUs)"
    )


if __name__ == "__main__":
    main()
