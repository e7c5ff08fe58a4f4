"""The estimation adapter checks the sample before pyfixest's compiled code runs: no process
crash, no silent dummies from a stray text cell, no infinite standard error without a word."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import jahan as jh
from jahan.cli import app
from jahan.errors import DataError, DataWarning

SRC = Path(__file__).resolve().parents[1] / "src"
runner = CliRunner()


def _panel(n: int = 200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "ex": rng.integers(0, 10, n).astype(str),
            "im": rng.integers(0, 10, n).astype(str),
            "x": rng.normal(size=n),
        }
    )
    frame["y"] = np.exp(1 + 0.5 * frame["x"] + 0.3 * rng.normal(size=n))
    return frame


@pytest.mark.parametrize(
    ("outcome", "message"),
    [("0.0", "is zero in all 200 usable rows"), ("one", "is positive in one row only (row 3)")],
)
def test_all_zero_outcome_is_an_error_not_a_process_abort(outcome, message):
    # In a child process: on the unguarded adapter this aborts the interpreter (exit 134).
    code = textwrap.dedent(f"""
        import sys; sys.path.insert(0, {str(SRC)!r}); sys.path.insert(0, {str(Path(__file__).parent)!r})
        import jahan as jh
        from test_estimate_guard import _panel
        df = _panel()
        df["y"] = 0.0
        if {outcome!r} == "one":
            df.loc[3, "y"] = 5.0
        try:
            jh.fepois("y ~ x | ex + im", data=df)
        except jh.errors.DataError as exc:
            print("DataError:", exc)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "DataError:" in done.stdout and message in done.stdout


def test_one_text_cell_in_a_regressor_is_named_not_turned_into_dummies():
    df = _panel()
    df["x"] = df["x"].astype(object)
    df.loc[5, "x"] = "n/a"
    with pytest.raises(
        DataError, match=r"regressor column 'x' mixes numbers and text.*'n/a' in row 5.*C\(x\)"
    ):
        jh.fepois("y ~ x | ex + im", data=df)


def test_text_categories_written_with_c_are_still_allowed():
    df = _panel()
    df["kind"] = np.where(df["x"] > 0, "high", "low")
    est = jh.fepois("y ~ x + C(kind) | ex + im", data=df)
    assert "x" in est.coef.index and est.converged


def test_outcome_that_overflows_is_blamed_not_separation():
    df = _panel()
    df.loc[3, "y"] = 1e308
    with pytest.raises(DataError, match=r"values up to 1e\+308 \(row 3\).*Rescale the outcome"):
        jh.fepois("y ~ x | ex + im", data=df)


def test_rescaling_the_outcome_leaves_the_slope_unchanged():
    # The fix the overflow message gives must be true: PPML slopes are scale invariant.
    df = _panel()
    a = jh.fepois("y ~ x | ex + im", data=df).coef["x"]
    df["y"] = df["y"] * 1e6
    b = jh.fepois("y ~ x | ex + im", data=df).coef["x"]
    assert b == pytest.approx(a, rel=1e-7)


def test_too_few_rows_are_refused_and_infinite_se_is_warned():
    df = pd.DataFrame({"y": [1.0, 2.0, 3.0], "x": [0.1, 0.5, 0.2], "g": ["a", "a", "b"]})
    with pytest.raises(DataError, match=r"2 usable row\(s\) for 2 coefficient\(s\)"):
        jh.fepois("y ~ x", data=df.iloc[:2])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = jh.fepois("y ~ x | g", data=df)
    assert not np.isfinite(est.se["x"])
    assert any(
        issubclass(w.category, DataWarning)
        and "standard error of x" in str(w.message)
        and "not finite" in str(w.message)
        for w in caught
    )


def test_cli_estimate_on_one_observation_is_a_message(tmp_path):
    path = tmp_path / "one.csv"
    pd.DataFrame({"trade": [5.0], "ln_dist": [1.2]}).to_csv(path, index=False)
    result = runner.invoke(app, ["estimate", "trade ~ ln_dist", "--data", str(path)])
    assert isinstance(result.exception, DataError), result.output
    assert "positive in one row only" in str(result.exception)
