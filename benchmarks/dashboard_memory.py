"""Dashboard memory: resident set size after N finished runs of D draws each.

Run: ``.venv/bin/python benchmarks/dashboard_memory.py [--runs 40] [--draws 2000]``

Starts the dashboard in this process (``jahan.web.server.start_in_thread``, default limits: 40
finished runs kept), submits ``--runs`` runs of ``eaeu_customs_union`` through ``POST /api/run``
(two at a time, as the server's two workers take them), waits for each to finish, opens every
run's results page once, and prints the process's resident set size (VmRSS from /proc) before the
first run, after the first finished run and after the last. Linux only.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import time
import urllib.request

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def rss_mb() -> float:
    """Resident set size of this process in MB (VmRSS)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError("VmRSS not found in /proc/self/status")


def _post(url: str, payload: dict) -> dict:
    request = urllib.request.Request(
        url, json.dumps(payload).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=600) as response:
        return response.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--parallel", type=int, default=2)
    args = parser.parse_args()

    from jahan.web.server import start_in_thread
    from jahan.world import World

    world = World.builtin()
    server = start_in_thread(world=world)
    try:
        _get(server.url + "/builder?lang=en")  # warm up pages and imports
        start = rss_mb()
        started = time.perf_counter()
        pending: list[str] = []
        finished: list[str] = []
        after_first = None
        submitted = 0
        while len(finished) < args.runs:
            while submitted < args.runs and len(pending) < args.parallel:
                answer = _post(
                    server.url + "/api/run",
                    {"scenario": "eaeu_customs_union", "draws": args.draws, "seed": submitted + 1},
                )
                pending.append(answer["job"])
                submitted += 1
            time.sleep(0.5)
            for job in list(pending):
                state = json.loads(_get(f"{server.url}/api/jobs/{job}"))
                if state["status"] in ("queued", "running"):
                    continue
                if state["status"] != "done":
                    raise SystemExit(f"run {job} ended {state['status']}: {state['error']}")
                pending.remove(job)
                finished.append(job)
                _get(f"{server.url}/results/{job}?lang=en")
                if after_first is None:
                    gc.collect()
                    after_first = rss_mb()
                if len(finished) % 5 == 0:
                    gc.collect()
                    print(
                        f"  {len(finished):3d} runs finished: RSS {rss_mb():8.1f} MB "
                        f"({time.perf_counter() - started:.0f} s)",
                        flush=True,
                    )
        gc.collect()
        end = rss_mb()
        seconds = time.perf_counter() - started
    finally:
        server.stop()
    print(f"{args.runs} runs x {args.draws} draws in {seconds:.0f} s")
    print(f"RSS before runs:         {start:8.1f} MB")
    print(f"RSS after 1 run:         {after_first:8.1f} MB")
    print(f"RSS after {args.runs} runs:       {end:8.1f} MB")
    print(f"growth per run after 1:  {(end - after_first) / max(1, args.runs - 1):8.2f} MB")


if __name__ == "__main__":
    main()
