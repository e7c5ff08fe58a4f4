"""The test summary names skipped groups loudly; under CI a skipped validation/browser test fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CONFTEST = Path(__file__).resolve().parent / "conftest.py"

INNER = """
import pytest

@pytest.mark.browser
def test_needs_chromium():
    pytest.skip("headless Chromium is required: apt-get install chromium")

def test_uses_validation_data(validation_file):
    validation_file("no/such/file.csv")

def test_plain():
    assert True

@pytest.mark.skip(reason="not relevant here")
def test_other():
    pass
"""


def _run(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess:
    (tmp_path / "conftest.py").write_text(CONFTEST.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "test_inner.py").write_text(INNER, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    env["JAHAN_VALIDATION_DIR"] = str(tmp_path / "nowhere")
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "-c",
            os.devnull,
            "--rootdir",
            str(tmp_path),
            str(tmp_path / "test_inner.py"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def test_skipped_groups_are_named_with_their_reasons(tmp_path):
    run = _run(tmp_path, ci=False)
    assert run.returncode == 0, run.stdout
    out = run.stdout
    assert "SKIPPED TEST GROUPS" in out
    assert "browser: 1 test(s) skipped" in out and "apt-get install chromium" in out
    assert "validation: 1 test(s) skipped" in out and "JAHAN_VALIDATION_DIR" in out
    assert "other: 1 test(s) skipped" in out and "not relevant here" in out


@pytest.mark.parametrize("ci", [True])
def test_under_ci_a_skipped_browser_or_validation_test_fails_the_run(tmp_path, ci):
    run = _run(tmp_path, ci=ci)
    assert run.returncode == 1, run.stdout
    assert "2 failed" in run.stdout and "1 passed" in run.stdout and "1 skipped" in run.stdout
    assert "a browser test must run, but it was skipped" in run.stdout
