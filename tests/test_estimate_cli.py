"""``jahan estimate`` on the command line."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from jahan.cli import app


def _write(tmp_path):
    rng = np.random.default_rng(5)
    rows = []
    for a in range(8):
        for b in range(8):
            d = 0.0 if a == b else rng.uniform(5, 8)
            rows.append((f"X{a}", f"X{b}", d, rng.gamma(2.0, np.exp(6 - 0.7 * d) / 2)))
    frame = pd.DataFrame(rows, columns=["exporter", "importer", "ln_dist", "trade"])
    path = tmp_path / "flows.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_cli_prints_table_and_json(tmp_path):
    path, frame = _write(tmp_path)
    runner = CliRunner()
    fml = "trade ~ ln_dist | exporter + importer"
    res = runner.invoke(app, ["estimate", fml, "--data", str(path), "--vcov", "stata_robust"])
    assert res.exit_code == 0, res.output
    assert "ln_dist" in res.output and "Stata ppmlhdfe" in res.output
    res_kk = runner.invoke(app, ["estimate", fml, "--data", str(path), "--lang", "kk"])
    assert res_kk.exit_code == 0 and "Бақылаулар" in res_kk.output
    res_json = runner.invoke(app, ["estimate", fml, "--data", str(path), "--json"])
    assert res_json.exit_code == 0, res_json.output
    payload = json.loads(res_json.output)
    assert payload["nobs"] == len(frame) and payload["converged"] is True
    assert payload["coefficients"]["ln_dist"]["estimate"] < 0


def test_cli_reports_bad_column(tmp_path):
    path, _ = _write(tmp_path)
    res = CliRunner().invoke(app, ["estimate", "trade ~ ln_dst | exporter", "--data", str(path)])
    assert res.exit_code != 0
    assert "ln_dist" in str(res.exception)
