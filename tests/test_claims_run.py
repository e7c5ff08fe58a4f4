"""The whole claims analysis on the built-in observed world: sections, verdicts, outputs, CLI.

Expectations come from the rules and identities, not from the numbers of the current world.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from typer.testing import CliRunner

from jahan._i18n import catalog, tr
from jahan.analysis.claims import VERDICTS, claims
from jahan.analysis.claims.verdict import claim_verdict

DRAWS = 10


@pytest.fixture(scope="module")
def result():
    return claims(draws=DRAWS, seed=1)


def test_every_claim_has_a_section_figures_and_a_verdict(result):
    assert [c.number for c in result.claims] == list(range(1, 11))
    for c in result.claims:
        assert c.verdict in VERDICTS
        assert c.verdict == claim_verdict(c.figures)
        assert c.figures and c.reproduce
        for lang in ("en", "kk", "ru"):
            assert c.quote(lang) and c.quote_source(lang)
    # Claims 8-10 rest on assumptions, synthetic data or missing measures: never decided here.
    for n in (8, 9, 10):
        assert result.claim(n).verdict == "untestable"
        assert result.claim(n).decide


def test_observed_estimates_carry_their_bands(result):
    frame = result.to_frame().set_index("figure")
    trade = frame.loc["eaeu_trade_effect"]
    # The 90% band of an estimate is symmetric: estimate plus and minus 1.645 s.e.
    assert trade["value"] - trade["low"] == pytest.approx(trade["high"] - trade["value"], rel=1e-9)
    for key in (
        "eaeu_welfare_kaz",
        "corridor_gain_min",
        "neighbours_growth_kaz",
        "top_fifth_share",
    ):
        row = frame.loc[key]
        assert row["low"] <= row["high"]
    # Autarky costs are positive for every country (ACR: lambda_jj < 1 whenever a country trades).
    table = result.claim(3).table
    assert (table["cost_pct"] > 0).all() and (table["cost_p05"] <= table["cost_pct"]).all()
    assert (table["cost_pct"] <= table["cost_p95"]).all()


def test_the_shelter_model_part_is_untestable_until_it_is_wired(result):
    figure = next(f for f in result.claim(2).figures if f.key == "shelter_model")
    try:
        from jahan.scenario import crisis_shelter  # noqa: F401
    except ImportError:
        assert not figure.testable and figure.verdict == "untestable"
    else:
        assert figure.testable


def test_frame_parquet_and_summary(result, tmp_path):
    frame = result.to_frame()
    assert set(frame["claim"]) == set(range(1, 11))
    path = result.to_parquet(tmp_path / "claims.parquet")
    back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(back, frame)
    text = result.summary(lang="kk")
    for c in result.claims:
        assert tr(c.title, "kk") in text


def test_every_text_of_the_result_is_translated(result):
    ids = set()
    for c in result.claims:
        ids |= {c.title, *(m for m, _ in c.notes)} | ({c.decide} if c.decide else set())
        for f in c.figures:
            ids |= {f.label, f.unit} | ({f.data} if f.data else set())
    for lang in ("kk", "ru"):
        missing = sorted(i for i in ids if i not in catalog(lang))
        assert not missing, f"{lang}: {missing}"


def test_report_has_every_section_and_verdict_in_kazakh(result, tmp_path):
    page = result.report(tmp_path / "claims_kk.html", lang="kk").read_text(encoding="utf-8")
    assert '<html lang="kk">' in page
    for c in result.claims:
        assert f'id="claim-{c.number}"' in page
        assert f'id="verdict-{c.number}" data-verdict="{c.verdict}"' in page
    for verdict in {c.verdict for c in result.claims}:
        from jahan.analysis.claims import verdict_text

        assert verdict_text(verdict, "kk") in page
    assert "https://" not in page.split("<script>")[0]


def test_draws_below_ten_is_one_clear_error():
    from jahan.errors import DataError

    with pytest.raises(DataError, match="at least 10 draws"):
        claims(draws=3)
    with pytest.raises(DataError, match="numbered 1 to 10"):
        claims(draws=10, only=(11,))


def test_cli_writes_the_report(tmp_path, monkeypatch, result):
    import jahan
    from jahan.cli import app

    monkeypatch.setattr(jahan, "claims", lambda **kw: result, raising=False)
    run = CliRunner().invoke(app, ["claims", "--lang", "kk", "--out", str(tmp_path)])
    assert run.exit_code == 0, run.output
    assert (tmp_path / "claims_kk.html").is_file() and (tmp_path / "claims.parquet").is_file()
    assert tr("The founding texts, tested", "kk") in run.output
    assert math.isfinite(result.settings["seconds"])
