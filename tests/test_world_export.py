"""``jahan world export``: estimation-ready tables whose columns match the docs' formulas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from jahan.cli import app
from jahan.errors import DataError
from jahan.world import World
from jahan.world.export import FORMULA_NAMES, export_table

runner = CliRunner()

CODES = ["KAZ", "KGZ", "RUS", "UZB", "CHN", "TJK", "TKM", "DEU", "FRA", "TUR", "IRN", "IND"]
BETA = {"ln_dist": -0.9, "cntg": 0.6, "international": -2.0}


@pytest.fixture(scope="module")
def gravity_world():
    """Real countries and pairs; flows made exactly by a PPML gravity equation with known beta."""
    base = World.builtin().restrict(CODES)
    pairs = base.pairs.reset_index()
    rng = np.random.default_rng(3)
    origin = dict(zip(CODES, rng.normal(8, 1, len(CODES)), strict=True))
    dest = dict(zip(CODES, rng.normal(0, 1, len(CODES)), strict=True))
    log_x = (
        pairs["exporter"].map(origin)
        + pairs["importer"].map(dest)
        + BETA["ln_dist"] * np.log(pairs["distance_km"])
        + BETA["cntg"] * pairs["contiguity"]
        + BETA["international"] * pairs["international"]
    )
    flows = pairs[["exporter", "importer"]].assign(value=np.exp(log_x))
    return World.from_frames(base.countries, base.pairs, flows, base.groups, baseline_year=2019)


def test_flows_table_keeps_every_flow_and_names_columns_as_formulas_do(gravity_world):
    frame = export_table(gravity_world, "flows")
    assert len(frame) == len(CODES) ** 2
    for old, new in FORMULA_NAMES.items():
        assert old not in frame.columns and new in frame.columns
    merged = frame.set_index(["exporter", "importer"])
    flows = gravity_world.flows
    assert np.allclose(merged.loc[flows.index, "trade"], flows.to_numpy())
    assert np.allclose(merged["ln_dist"], np.log(merged["dist"]))
    pairs = gravity_world.pairs
    assert (merged.loc[pairs.index, "cntg"].to_numpy() == pairs["contiguity"].to_numpy()).all()
    assert (frame["year"] == 2019).all()
    assert frame["pair_id"].is_unique


@pytest.mark.parametrize("suffix", ["csv", "parquet", "xlsx"])
def test_readme_estimation_runs_on_the_exported_file(gravity_world, tmp_path, monkeypatch, suffix):
    import jahan._cli.world as world_cli

    monkeypatch.setattr(world_cli, "_load", lambda: gravity_world)
    target = tmp_path / f"flows.{suffix}"
    res = runner.invoke(app, ["world", "export", "flows", "--out", str(target), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert target.is_file() and not list(tmp_path.glob("*.tmp"))
    if suffix == "xlsx":
        back = pd.read_excel(target, engine="openpyxl")
        assert list(back.columns[:4]) == ["exporter", "importer", "year", "trade"]
        return
    fml = "trade ~ ln_dist + cntg + international | exporter + importer"
    res = runner.invoke(app, ["estimate", fml, "--data", str(target), "--json"])
    assert res.exit_code == 0, res.output
    import json

    coefs = json.loads(res.output)["coefficients"]
    for name, value in BETA.items():  # exact data: PPML recovers beta to solver precision
        assert coefs[name]["estimate"] == pytest.approx(value, abs=1e-5)


def test_pairs_countries_and_unknown_tables(gravity_world):
    pairs = export_table(gravity_world, "pairs")
    assert {"dist", "ln_dist", "cntg", "lang"} <= set(pairs.columns) and "trade" not in pairs
    countries = export_table(gravity_world, "countries")
    assert countries["iso3"].tolist() == CODES
    with pytest.raises(DataError, match="Did you mean 'flows'"):
        export_table(gravity_world, "flow")


def test_panel_is_taken_from_the_world_when_it_has_one(gravity_world):
    class PanelWorld:
        """A world exposing only a trade_panel(), as the observed built-in world does."""

        def trade_panel(self):
            return pd.DataFrame(
                {
                    "exporter": ["KAZ", "KAZ"],
                    "importer": ["KAZ", "RUS"],
                    "year": [2015, 2016],
                    "value": [10.0, 2.0],
                    "distance_km": [300.0, 2000.0],
                    "contiguity": [0, 1],
                    "both_EAEU": [1, 1],
                }
            )

    panel = export_table(PanelWorld(), "panel")
    assert list(panel.columns) == [
        "exporter",
        "importer",
        "year",
        "trade",
        "dist",
        "ln_dist",
        "cntg",
        "both_EAEU",
        "pair_id",
    ]
    assert panel["ln_dist"].tolist() == pytest.approx(np.log([300.0, 2000.0]).tolist())
    if not hasattr(gravity_world, "trade_panel"):
        with pytest.raises(DataError, match="no multi-year trade panel"):
            export_table(gravity_world, "panel")


def test_unknown_format_is_one_clear_error(tmp_path):
    res = runner.invoke(app, ["world", "export", "flows", "--out", str(tmp_path / "flows.txt")])
    assert res.exit_code != 0
    assert "flows.txt" in str(res.exception) and ".xlsx" in str(res.exception)
