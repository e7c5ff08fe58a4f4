"""Draws on a Dask cluster the way users run one: ``dask scheduler`` and ``dask worker`` processes,
``jahan run ... --scheduler tcp://...`` through the command line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("distributed")

from jahan._parallel import run_tasks  # noqa: E402
from jahan.errors import JahanError  # noqa: E402

SRC = Path(__file__).resolve().parents[1] / "src"
DASK = Path(sys.executable).parent / "dask"

TOML = """
[scenario]
name = "Cluster test"
focus = ["KAZ", "RUS"]

[[shocks]]
type = "agreement"
members = "EAEU"
effect = 0.5
se = 0.1

[[shocks]]
type = "trade_cost"
exporters = "CHN"
importers = "KAZ"
change_pct = -10.0
se_pct = 3.0
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _square(x: int) -> int:
    return x * x


def test_an_unreachable_scheduler_is_a_message_not_a_traceback():
    address = f"tcp://127.0.0.1:{_free_port()}"  # nothing listens there
    started = time.monotonic()
    with pytest.raises(
        JahanError, match=rf"cannot reach the Dask scheduler '{address}'.*dask scheduler"
    ):
        run_tasks(_square, [1, 2, 3], scheduler=address)
    assert time.monotonic() - started < 30


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def _wait_for_workers(address: str, n: int, timeout: float = 90.0) -> None:
    from dask.distributed import Client

    deadline = time.monotonic() + timeout
    while True:
        try:
            with Client(address, timeout=5, set_as_default=False) as client:
                client.wait_for_workers(n, timeout=max(1.0, deadline - time.monotonic()))
                return
        except (OSError, TimeoutError):
            if time.monotonic() > deadline:
                raise


@pytest.mark.slow
@pytest.mark.skipif(not DASK.exists(), reason="the dask command is not installed beside Python")
def test_cli_run_on_a_real_scheduler_equals_the_local_run_bit_for_bit(tmp_path):
    from test_scenario import tiny_world

    world = tiny_world().write(tmp_path / "world")
    scenario = tmp_path / "cluster.toml"
    scenario.write_text(TOML, encoding="utf-8")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = _env()
    logs = [open(tmp_path / f"{name}.log", "w") for name in ("scheduler", "worker1", "worker2")]  # noqa: SIM115
    procs = [
        subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            env=env,
            stdout=logs[0],
            stderr=subprocess.STDOUT,
        )
    ]
    try:
        for log in logs[1:]:
            procs.append(
                subprocess.Popen(
                    [
                        str(DASK),
                        "worker",
                        address,
                        "--nworkers",
                        "1",
                        "--nthreads",
                        "1",
                        "--no-dashboard",
                    ],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        _wait_for_workers(address, 2)
        outs = {}
        for name, extra in (("cluster", ["--scheduler", address]), ("local", [])):
            outs[name] = tmp_path / name
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "jahan.cli",
                    "run",
                    str(scenario),
                    "--world",
                    str(world),
                    "--draws",
                    "40",
                    "--seed",
                    "7",
                    "--lang",
                    "en",
                    "--out",
                    str(outs[name]),
                    *extra,
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        for table in ("countries.csv", "shocks.csv", "parameters.csv"):
            assert (outs["cluster"] / table).read_bytes() == (outs["local"] / table).read_bytes(), (
                table
            )
        pd.testing.assert_frame_equal(
            pd.read_parquet(outs["cluster"] / "countries.parquet"),
            pd.read_parquet(outs["local"] / "countries.parquet"),
            check_exact=True,
        )
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=20)
        for log in logs:
            log.close()
    assert all(proc.poll() is not None for proc in procs)
