"""The HTML report: self-contained, offline, translated; outputs written all or nothing."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from jahan._i18n import tr
from jahan.report.figures import country_geometry
from jahan.report.html import GEO_STUB, render_report
from jahan.report.outputs import output_files, write_outputs
from jahan.scenario import Scenario

TOML = """
[scenario]
name = "EAEU test"
name_kk = "ЕАЭО сынағы"
name_ru = "Тест ЕАЭС"
description = "Members integrate."
description_kk = "Мүшелер интеграцияланады."
description_ru = "Члены интегрируются."
claim = "\\"Economically closed countries have no future\\" (003)"
source = "003"
focus = ["KAZ", "RUS"]

[[shocks]]
type = "agreement"
members = "EAEU"
effect = 0.5
se = 0.1
"""


@pytest.fixture(scope="module")
def result():
    from test_scenario import tiny_world

    return Scenario.from_toml(TOML, "report.toml").run(tiny_world(), draws=20, seed=1)


def test_geometry_is_embedded_and_keyed_by_iso3():
    geo = country_geometry()
    ids = {f["id"] for f in geo["features"]}
    assert len(ids) >= 170
    assert {"KAZ", "RUS", "CHN", "FRA", "NOR", "KGZ", "TJK"} <= ids
    assert "Natural Earth" in geo["source"]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_report_is_self_contained_and_translated(result, lang):
    html = render_report(result, lang=lang)
    # Nothing is loaded from the network: plotly and geometry inline, no external src/href in
    # the page (the plotly bundle's own code mentions URLs it never fetches for this figure).
    markup = re.sub(r"<script>.*?</script>", "<script></script>", html, flags=re.S)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", markup, re.I)
    assert "<script src" not in html and "<link" not in markup
    assert len(html) > 3_000_000  # plotly.js is embedded
    assert GEO_STUB in html
    assert '"featureidkey":"id"' in html and '"KAZ"' in html
    assert 'id="map"' in html and 'id="focus-table"' in html and 'id="bars"' in html
    assert f'<html lang="{lang}">' in html
    for label in (
        "Welfare change by country",
        "Focus countries",
        "Model settings",
        "Modelled baseline",
        "Claim tested",
    ):
        assert tr(label, lang) in html
    if lang != "en":
        assert tr("Welfare change by country", lang) != "Welfare change by country"
    names = {
        "kk": ("ЕАЭО сынағы", "Қазақстан"),
        "ru": ("Тест ЕАЭС", "Казахстан"),
        "en": ("EAEU test", "Kazakhstan"),
    }[lang]
    for text in names:
        assert text in html
    assert "Economically closed countries have no future" in html


def test_observed_baseline_has_no_modelled_notice(result):
    from test_scenario import tiny_world

    world = tiny_world()
    observed = type(world).from_frames(
        world.countries,
        flows=world.flows,
        groups=world.groups,
        baseline_year=2019,
        flows_kind="observed",
    )
    out = Scenario.from_toml(TOML).run(observed, draws=0)
    html = render_report(out, lang="en")
    assert 'id="modelled-baseline"' not in html
    assert 'id="modelled-baseline"' in render_report(result, lang="en")


def test_outputs_are_complete_and_atomic(result, tmp_path):
    out_dir = tmp_path / "run"
    written = write_outputs(result, out_dir, lang="kk")
    assert sorted(written) == sorted(output_files("kk"))
    frame = pd.read_parquet(out_dir / "countries.parquet")
    assert set(frame["output"]) >= {"welfare_pct", "exports_pct"}
    csv = pd.read_csv(out_dir / "countries.csv")
    assert {"country", "welfare_pct", "welfare_pct_p05", "welfare_pct_p95"} <= set(csv.columns)
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # no staging folder left behind


def test_failed_write_leaves_nothing_half_written(result, tmp_path, monkeypatch):
    out_dir = tmp_path / "run"

    def broken(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    with pytest.raises(OSError, match="disk full"):
        write_outputs(result, out_dir, lang="ru")
    assert not out_dir.exists()
    assert list(tmp_path.iterdir()) == []


def test_report_method_writes_file(result, tmp_path):
    path = result.report(tmp_path / "r.html", lang="ru", focus=["KGZ"])
    html = path.read_text(encoding="utf-8")
    assert "Киргизия (KGZ)" in html
    assert not list(tmp_path.glob("*.tmp"))
