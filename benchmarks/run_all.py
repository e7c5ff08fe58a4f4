"""Run every benchmark in turn, each in its own process, and print their reports.

Each script compares jahan with a peer measured in the same run (gegravity 0.3, a bare NumPy
fixed point, raw pyfixest,
a plain nested reference of the Caliendo-Parro algorithm, a per-draw pandas loop) and prints
the ratios. Run with ``make bench`` or ``python benchmarks/run_all.py [NAME ...]``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = {
    "ge": "ge_vs_gegravity.py",
    "ge-call": "ge_call_overhead.py",
    "estimate": "estimate_overhead.py",
    "multisector": "multisector_cp2015.py",
    "scenario": "scenario_draws.py",
    "index": "index_uncertainty.py",
    "ex_post": "ex_post_ppml.py",
    "claims": "claims_report.py",
}


def main(argv: list[str]) -> int:
    names = argv or list(SCRIPTS)
    unknown = [n for n in names if n not in SCRIPTS]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {', '.join(SCRIPTS)}", file=sys.stderr)
        return 2
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    failed = []
    for name in names:
        print(f"\n=== {name}: {SCRIPTS[name]}", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(HERE / SCRIPTS[name])], env=env)
        print(f"=== {name}: exit {code}, {time.perf_counter() - start:.1f} s", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
