"""Results as an Excel workbook with headers in kk, ru or en; openpyxl is a dependency."""

from __future__ import annotations

import pandas as pd
import pytest
from test_scenario import BASE, tiny_world
from typer.testing import CliRunner

from jahan._i18n import catalog, tr
from jahan.cli import app
from jahan.report.spreadsheet import _HEADERS, header, result_sheets
from jahan.scenario import Scenario

runner = CliRunner()


@pytest.fixture(scope="module")
def result():
    return Scenario.from_toml(BASE, "s.toml").run(tiny_world(), draws=6, seed=1)


def test_pandas_writes_excel_out_of_the_box(result, tmp_path):
    path = tmp_path / "countries.xlsx"
    result.countries.to_excel(path)  # failed before: no openpyxl
    back = pd.read_excel(path, index_col=0)
    assert back.loc["KAZ", "welfare_pct"] == pytest.approx(
        result.countries.loc["KAZ", "welfare_pct"]
    )


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_header_is_translated(lang):
    missing = [
        m
        for m in [*_HEADERS.values(), "{header}, 5th percentile", "{header}, 95th percentile"]
        if m not in catalog(lang)
    ]
    assert not missing
    assert header("welfare_pct_p95", lang) == tr(
        "{header}, 95th percentile", lang, header=tr("Welfare, %", lang)
    )


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_run_writes_a_workbook_with_localized_headers(result, tmp_path, monkeypatch, lang):
    import jahan._cli.run as cli_run

    world = tiny_world()
    monkeypatch.setattr(cli_run, "_world", lambda spec: world)
    toml = tmp_path / "s.toml"
    toml.write_text(BASE, encoding="utf-8")
    out = tmp_path / "out"
    res = runner.invoke(
        app,
        [
            "run",
            str(toml),
            "--draws",
            "6",
            "--seed",
            "1",
            "--lang",
            lang,
            "--format",
            "xlsx",
            "--out",
            str(out),
        ],
        env={"COLUMNS": "200"},
    )
    assert res.exit_code == 0, res.output
    book = pd.read_excel(out / f"results_{lang}.xlsx", sheet_name=None)
    countries = book[tr("Countries", lang)]
    assert list(countries.columns[:3]) == [
        tr("ISO3 code", lang),
        tr("Country", lang),
        tr("Welfare, %", lang),
    ]
    row = countries.set_index(tr("ISO3 code", lang)).loc["KAZ"]
    assert row[tr("Country", lang)] == world.name("KAZ", lang)
    # The numbers are the result's, unrounded.
    assert row[tr("Welfare, %", lang)] == pytest.approx(
        result.countries.loc["KAZ", "welfare_pct"], rel=1e-12
    )
    shocks = book[tr("Shocks", lang)]
    assert shocks[tr("Type", lang)].tolist() == [tr("agreement", lang)]
    # CSV keeps the machine names scripts read.
    assert "welfare_pct" in pd.read_csv(out / "countries.csv").columns


def test_unknown_format_is_refused_before_solving(tmp_path):
    res = runner.invoke(
        app, ["run", "eaeu_customs_union", "--format", "ods", "--out", str(tmp_path / "o")]
    )
    assert res.exit_code != 0 and "--format 'ods'" in str(res.exception)
    assert not (tmp_path / "o").exists()


def test_sheets_match_the_result_tables(result):
    sheets = result_sheets(result, "en")
    assert len(sheets["Countries"]) == len(result.countries)
    assert len(sheets["Parameters"]) == len(result.parameters)
