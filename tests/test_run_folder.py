"""Run outputs: written whole into one folder, never mixed with an earlier run, with a manifest."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from jahan.cli import app
from jahan.report.run_folder import (
    MANIFEST,
    OutputError,
    read_manifest,
    remove_stale_staging,
    staging_folders,
    write_run_folder,
)

SRC = Path(__file__).resolve().parents[1] / "src"
runner = CliRunner()


def _files(tag: str, names=("a.csv", "b.csv", "report.html")) -> dict:
    return {name: (lambda p, t=tag: p.write_text(t, encoding="utf-8")) for name in names}


def _assert_whole(folder: Path) -> str:
    """The folder holds exactly one run's files (the manifest's) and all carry its tag."""
    record = read_manifest(folder)
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([*record["files"], MANIFEST]), names
    tags = {(folder / name).read_text(encoding="utf-8") for name in record["files"]}
    assert tags == {record["tag"]}, f"mixed outputs in {folder}: {tags}"
    return record["tag"]


def test_a_second_run_into_the_same_folder_is_refused_without_force(tmp_path):
    out = tmp_path / "run"
    write_run_folder(_files("first"), out, manifest={"tag": "first"})
    with pytest.raises(OutputError, match=r"already holds a run; pass --force"):
        write_run_folder(_files("second"), out, manifest={"tag": "second"})
    assert _assert_whole(out) == "first"


def test_force_replaces_the_folder_whole(tmp_path):
    out = tmp_path / "run"
    write_run_folder(
        _files("old", ("a.csv", "b.csv", "old_only.csv")), out, manifest={"tag": "old"}
    )
    written = write_run_folder(_files("new"), out, manifest={"tag": "new"}, force=True)
    assert _assert_whole(out) == "new"
    assert not (out / "old_only.csv").exists()  # nothing of the earlier run survives
    assert sorted(written) == sorted(["a.csv", "b.csv", "report.html", MANIFEST])
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_a_folder_that_is_not_a_run_is_never_replaced(tmp_path):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "thesis.docx").write_text("years of work")
    with pytest.raises(OutputError, match="not a jahan run folder"):
        write_run_folder(_files("x"), out, manifest={"tag": "x"}, force=True)
    assert (out / "thesis.docx").read_text() == "years of work"


def test_a_run_folder_from_before_manifests_can_be_replaced_with_force(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    for name in ("report_kk.html", "countries.csv", "countries.parquet", "shocks.csv"):
        (out / name).write_text("old")
    with pytest.raises(OutputError, match="already holds a run"):
        write_run_folder(_files("new"), out, manifest={"tag": "new"})
    write_run_folder(_files("new"), out, manifest={"tag": "new"}, force=True)
    assert _assert_whole(out) == "new"


def test_out_naming_a_file_is_one_clear_error(tmp_path):
    target = tmp_path / "results.csv"
    target.write_text("keep me")
    with pytest.raises(OutputError, match="this is a file, not a folder"):
        write_run_folder(_files("x"), target, manifest={})
    assert target.read_text() == "keep me"


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EROFS, "read-only"),
        (errno.EACCES, "permission denied"),
    ],
)
def test_write_faults_name_the_folder_and_leave_it_unchanged(tmp_path, code, words):
    out = tmp_path / "run"
    write_run_folder(_files("old"), out, manifest={"tag": "old"})

    def failing(path):
        raise OSError(code, os.strerror(code), str(path))

    files = {**_files("new"), "flows.parquet": failing}
    with pytest.raises(OutputError, match=words) as err:
        write_run_folder(files, out, manifest={"tag": "new"}, force=True)
    assert str(out) in str(err.value) and "nothing was changed" in str(err.value)
    assert _assert_whole(out) == "old"
    assert staging_folders(out) == []


def test_a_name_too_long_is_a_message(tmp_path):
    with pytest.raises(OutputError, match="name is too long"):
        write_run_folder(_files("x"), tmp_path / ("x" * 300), manifest={})
    assert list(tmp_path.iterdir()) == []


def test_staging_of_dead_processes_is_removed_and_live_ones_kept(tmp_path):
    out = tmp_path / "run"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = tmp_path / f".run.jahan-staging.{dead.stdout.strip()}.abcd"
    stale.mkdir()
    (stale / "a.csv").write_text("half")
    live = tmp_path / f".run.jahan-staging.{os.getppid()}.ef01"
    live.mkdir()
    assert remove_stale_staging(out) == [stale]
    assert not stale.exists() and live.exists()


_WRITER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {src!r})
    from jahan.report.run_folder import write_run_folder
    out, tag = sys.argv[1], sys.argv[2]

    def slow(text):
        def write(path):
            with open(path, "w") as fh:  # half now, half later: a partial file for a while
                fh.write(text[:2]); fh.flush(); time.sleep(0.08)
                fh.write(text[2:])
        return write

    files = {{name: slow(tag) for name in ("report.html", "countries.csv", "shocks.csv",
                                         "parameters.csv", "countries.parquet")}}
    print("ready", flush=True)
    write_run_folder(files, out, manifest={{"tag": tag}}, force=True)
    """
)


def _writer(tmp_path: Path) -> Path:
    script = tmp_path / "writer.py"
    script.write_text(_WRITER.format(src=str(SRC)), encoding="utf-8")
    return script


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_during_staging_leaves_the_old_run_and_no_staging(tmp_path, sig):
    out = tmp_path / "run"
    write_run_folder(_files("old"), out, manifest={"tag": "old"})
    proc = subprocess.Popen(
        [sys.executable, str(_writer(tmp_path)), str(out), "new"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(0.15)  # inside the slow writers, long before the swap
    proc.send_signal(sig)
    proc.wait(timeout=30)
    assert proc.returncode != 0
    assert _assert_whole(out) == "old"
    assert staging_folders(out) == [], "staging folder left behind after a signal"


@pytest.mark.slow
def test_sigkill_at_random_points_never_leaves_a_mixed_folder(tmp_path):
    """25 runs killed with SIGKILL at random moments: the folder is always one whole run, and
    the next write removes any staging folder the killed process could not."""
    out = tmp_path / "run"
    write_run_folder(
        _files("gen0", ("report.html", "countries.csv")), out, manifest={"tag": "gen0"}
    )
    script = _writer(tmp_path)
    rng = np.random.default_rng(20261130)
    seen = set()
    for trial in range(1, 26):
        tag = f"gen{trial}"
        proc = subprocess.Popen(
            [sys.executable, str(script), str(out), tag],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(float(rng.uniform(0.0, 0.7)))  # the writers take about 0.5 s in all
        proc.kill()
        proc.wait(timeout=30)
        seen.add(_assert_whole(out) == tag)
        # What SIGKILL left (at most this process's staging folder) goes with the next write.
        assert len(staging_folders(out)) <= 1
        remove_stale_staging(out)
        assert staging_folders(out) == []
    assert seen == {True, False}, "the kills should land both before and after the swap"


# -- through the command line -------------------------------------------------------------
TOML = """
[scenario]
name = "Outputs test"
focus = ["KAZ"]

[[shocks]]
type = "agreement"
members = "EAEU"
effect = 0.4
se = 0.1
"""


@pytest.fixture(scope="module")
def cli_inputs(tmp_path_factory):
    from test_scenario import tiny_world

    base = tmp_path_factory.mktemp("cli")
    world = tiny_world().write(base / "world")
    scenario = base / "outputs.toml"
    scenario.write_text(TOML, encoding="utf-8")
    return world, scenario


def _run(cli_inputs, out: Path, *extra: str):
    world, scenario = cli_inputs
    return runner.invoke(
        app,
        ["run", str(scenario), "--world", str(world), "--lang", "en", "--out", str(out), *extra],
    )


def test_cli_run_twice_refuses_then_force_replaces_whole(cli_inputs, tmp_path):
    out = tmp_path / "run"
    first = _run(cli_inputs, out, "--draws", "30", "--seed", "3")
    assert first.exit_code == 0, first.output
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["draws"] == 30 and manifest["seed"] == 3
    assert manifest["scenario"]["source"].endswith("outputs.toml")
    assert manifest["data"]["n_countries"] == 6 and manifest["versions"]["jahan"]
    assert set(manifest["files"]) | {MANIFEST} == {p.name for p in out.iterdir()}

    second = _run(cli_inputs, out, "--draws", "20")
    assert second.exit_code != 0
    assert isinstance(second.exception, OutputError) and "--force" in str(second.exception)
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8"))["draws"] == 30

    third = _run(cli_inputs, out, "--draws", "20", "--force")
    assert third.exit_code == 0, third.output
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8"))["draws"] == 20
    assert "20 draws" in (out / "report_en.html").read_text(encoding="utf-8").replace("\u00a0", " ")
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_cli_out_naming_a_file_is_refused_before_the_run(cli_inputs, tmp_path):
    target = tmp_path / "taken.txt"
    target.write_text("x")
    result = _run(cli_inputs, target)
    assert isinstance(result.exception, OutputError) and "not a folder" in str(result.exception)
    assert target.read_text() == "x"
