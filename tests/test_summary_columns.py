"""Summaries show each distinct output once, and no bands when nothing is uncertain."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_scenario import BASE, tiny_world
from typer.testing import CliRunner

from jahan._i18n import tr
from jahan.cli import app
from jahan.report.columns import distinct_outputs
from jahan.scenario import Scenario, library

runner = CliRunner()

SURE = """
[scenario]
name = "embargo"
focus = ["KAZ"]

[[shocks]]
type = "sanctions"
between = "RUS"
and = "DEU"

[uncertainty]
draws = 20
seed = 1
"""


def test_equal_columns_are_shown_once_with_a_note():
    rng = np.random.default_rng(1)
    w = rng.normal(size=5)
    x = rng.normal(size=5)
    frame = pd.DataFrame(
        {
            "welfare_pct": w,
            "real_gdp_pct": w + 1e-13,
            "exports_pct": x,
            "imports_pct": x,
            "welfare_pct_p05": w - 1,
            "real_gdp_pct_p05": w - 1,
            "exports_pct_p05": x - 1,
            "imports_pct_p05": x - 2,
        }
    )
    labels = [
        ("welfare_pct", "Welfare"),
        ("real_gdp_pct", "Real GDP"),
        ("exports_pct", "Exports"),
        ("imports_pct", "Imports"),
    ]
    kept, notes = distinct_outputs(frame, labels, "en")
    # imports differ from exports in their band, so both stay; real GDP repeats welfare.
    assert [c for c, _ in kept] == ["welfare_pct", "exports_pct", "imports_pct"]
    assert notes == ["Column Real GDP is the same as Welfare in every country: shown once."]
    frame["real_gdp_pct"] += 1e-3
    assert len(distinct_outputs(frame, labels, "en")[0]) == 4


def test_run_without_uncertainty_has_no_bands_and_no_zero_draws(tmp_path, monkeypatch):
    import jahan._cli.run as cli_run

    world = tiny_world()
    monkeypatch.setattr(cli_run, "_world", lambda spec: world)
    toml = tmp_path / "sure.toml"
    toml.write_text(SURE, encoding="utf-8")
    res = runner.invoke(
        app,
        ["run", str(toml), "--lang", "en", "--out", str(tmp_path / "o")],
        env={"COLUMNS": "200"},
    )
    assert res.exit_code == 0, res.output
    assert (
        "0 draws" not in res.output and "[" not in res.output.split("Kazakhstan")[1].splitlines()[0]
    )
    assert "one central run, so no bands" in res.output
    html = (tmp_path / "o" / "report_en.html").read_text(encoding="utf-8")
    assert 'class="band"' not in html and "over 0 draws" not in html
    assert (
        tr("No parameter of this scenario is uncertain: one central run, so no bands.", "en")
        in html
    )


def test_run_with_uncertainty_keeps_bands(tmp_path, monkeypatch):
    import jahan._cli.run as cli_run

    world = tiny_world()
    monkeypatch.setattr(cli_run, "_world", lambda spec: world)
    toml = tmp_path / "s.toml"
    toml.write_text(BASE, encoding="utf-8")
    res = runner.invoke(
        app,
        ["run", str(toml), "--draws", "8", "--lang", "en", "--out", str(tmp_path / "o")],
        env={"COLUMNS": "200"},
    )
    assert res.exit_code == 0, res.output
    assert "8 draws" in res.output and "percentile" in res.output
    # Without a terminal the progress shows as plain lines.
    assert "Solving draws: 8 of 8" in res.output


@pytest.mark.parametrize("name", list(library().index))
def test_library_files_ask_for_draws_only_when_something_is_uncertain(name):
    from jahan.world import World

    sc = Scenario.load(name)
    if sc.spec.uncertainty.draws == 0 or getattr(sc, "has_sectors", False):
        return
    try:
        compiled = sc.compile(World.builtin())
    except Exception as exc:  # a sectoral scenario needs a world with sectors
        pytest.skip(f"{name}: not compilable on the built-in world ({exc})")
    uncertain = any(p.se > 0 or p.coefficient for p in compiled.parameters)
    assert uncertain, (
        f"{name} asks for {sc.spec.uncertainty.draws} draws but nothing in it is uncertain"
    )
