"""``make run`` / ``make test`` set-up shows progress instead of a silent install."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

MAKEFILE = Path(__file__).resolve().parents[1] / "Makefile"


def _recipe(target_pattern: str) -> list[str]:
    lines = MAKEFILE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, li in enumerate(lines) if re.match(target_pattern, li))
    recipe = []
    for li in lines[start + 1 :]:
        if not li.startswith("\t"):
            break
        recipe.append(li.strip())
    return recipe


def test_setup_recipe_is_not_quiet_and_announces_each_step():
    recipe = _recipe(r"^\$\(STAMP\):")
    installs = [li for li in recipe if "pip install" in li]
    assert len(installs) == 2
    assert not any("--quiet" in li or re.search(r"\s-q\b", li) for li in installs)
    steps = [li for li in recipe if li.startswith("@echo") and "setup [" in li]
    assert len(steps) == 3  # a plain line before each step, readable without a terminal


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_dry_run_of_run_and_test_prints_the_progress_lines(tmp_path):
    for target in ("run", "test"):
        res = subprocess.run(
            ["make", "-n", "-f", str(MAKEFILE), target, f"VENV={tmp_path / 'venv'}"],
            capture_output=True,
            text=True,
            cwd=MAKEFILE.parent,
            check=False,
            timeout=60,
        )
        assert res.returncode == 0, res.stderr
        assert "jahan setup [3/3]" in res.stdout and "pip install" in res.stdout
        assert "--quiet" not in res.stdout
