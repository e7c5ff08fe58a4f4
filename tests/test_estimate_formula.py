"""A malformed formula is one clear error naming the part at fault, not a parser traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import jahan as jh
from jahan.errors import DataError

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(2)
    n = 60
    return pd.DataFrame(
        {
            "trade": rng.gamma(2.0, 1.0, n),
            "ln_dist": rng.uniform(5, 9, n),
            "cntg": rng.integers(0, 2, n),
            "exporter": rng.integers(0, 6, n),
            "importer": rng.integers(0, 6, n),
            "year": 2016,
        }
    )


@pytest.mark.parametrize(
    ("formula", "part"),
    [
        ("trade ~ ln_dist + cntg | exporter importer", "fixed effects part 'exporter importer'"),
        ("trade ~ ln_dist + cntg + | exporter + importer", "regressors part 'ln_dist + cntg +'"),
        ("trade ~ ln_dist | exporter +", "fixed effects part 'exporter +'"),
        ("trade ~ | exporter", "regressors part is empty"),
    ],
)
def test_malformed_formula_names_the_part(data, formula, part):
    with pytest.raises(DataError, match="formula") as info:
        jh.fepois(formula, data)
    assert part in str(info.value) and "ln_dist + cntg | exporter + importer" in str(info.value)


@pytest.mark.parametrize(
    "formula",
    [
        "trade ~ ln_dist + cntg | exporter^year + importer",
        "trade ~ ln_dist:cntg + i(cntg) | exporter",
        "trade ~ np.log(ln_dist) + C(cntg) | exporter + importer",
    ],
)
def test_fixest_operators_are_accepted(data, formula):
    assert jh.fepois(formula, data).converged


def test_command_line_prints_one_line_instead_of_a_traceback(tmp_path, data):
    path = tmp_path / "flows.csv"
    data.to_csv(path, index=False)
    # English: the message and its "error:" prefix are in the command's language.
    env = {**os.environ, "PYTHONPATH": str(SRC), "JAHAN_LANG": "en"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "jahan.cli",
            "estimate",
            "trade ~ ln_dist + cntg | exporter importer",
            "--data",
            str(path),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr + run.stdout
    lines = [li for li in run.stderr.splitlines() if li.strip()]
    assert lines[0].startswith("error:") and "exporter importer" in run.stderr
    assert len(lines) <= 3  # one message, wrapped at most
