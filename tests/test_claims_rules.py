"""Verdict rules of the claims analysis on constructed inputs, and the pure measures behind the
claims (closed forms and small constructed data)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from jahan._i18n import tr
from jahan.analysis.claims import (
    MIXED,
    NOT_SUPPORTED,
    SUPPORTED,
    UNTESTABLE,
    Claim,
    ClaimsResult,
    Figure,
    claim_verdict,
    combine,
    figure_verdict,
)
from jahan.analysis.claims.pwt_measures import ols_hc1, openness_growth
from jahan.analysis.claims.sections import top_share

NAN = float("nan")


def test_band_excluding_zero_in_the_claimed_direction_supports():
    assert figure_verdict(0.1, 0.9, +1) == SUPPORTED
    assert figure_verdict(-0.9, -0.1, -1) == SUPPORTED


def test_band_including_zero_does_not_support():
    assert figure_verdict(-0.1, 0.9, +1) == NOT_SUPPORTED
    assert figure_verdict(-0.9, 0.1, -1) == NOT_SUPPORTED


def test_band_excluding_zero_the_other_way_does_not_support():
    assert figure_verdict(-0.9, -0.1, +1) == NOT_SUPPORTED
    assert figure_verdict(0.1, 0.9, -1) == NOT_SUPPORTED


def test_threshold_other_than_zero():
    assert figure_verdict(0.55, 0.8, +1, threshold=0.5) == SUPPORTED
    assert figure_verdict(0.45, 0.8, +1, threshold=0.5) == NOT_SUPPORTED


def test_missing_data_assumptions_and_descriptions_cannot_be_tested():
    assert figure_verdict(NAN, 0.9, +1) == UNTESTABLE
    assert figure_verdict(0.1, 0.9, +1, counts=False) == UNTESTABLE
    assert figure_verdict(0.1, 0.9, 0) == UNTESTABLE


def test_combining_figures():
    assert combine([SUPPORTED, SUPPORTED, UNTESTABLE]) == SUPPORTED
    assert combine([NOT_SUPPORTED, UNTESTABLE]) == NOT_SUPPORTED
    assert combine([SUPPORTED, NOT_SUPPORTED]) == MIXED
    assert combine([UNTESTABLE, UNTESTABLE]) == UNTESTABLE
    assert combine([]) == UNTESTABLE


def _fig(key, value, low, high, **kw):
    return Figure(
        key,
        "EAEU effect on members' trade",
        value,
        low,
        high,
        "log points",
        kw.pop("direction", +1),
        **kw,
    )


def test_claim_with_missing_data_is_reported_as_cannot_be_tested_not_as_supported_or_refuted():
    claim = Claim(
        8,
        "currency_union",
        "A EurAsEC currency union",
        (_fig("a", NAN, NAN, NAN), _fig("b", 0.2, 0.04, 0.36, counts=False)),
        decide="Trade of countries that entered or left currency unions like the proposed one",
    )
    assert claim.verdict == UNTESTABLE
    result = ClaimsResult((claim,))
    for lang in ("en", "kk", "ru"):
        text = result.summary(lang=lang)
        assert tr("cannot be tested with the data here", lang) in text
        assert f": {tr('supported', lang)}" not in text and tr("not supported", lang) not in text
        assert (
            tr(
                "Trade of countries that entered or left currency unions like the proposed one",
                lang,
            )
            in text
        )
    assert result.to_frame()["claim_verdict"].tolist() == [UNTESTABLE, UNTESTABLE]


def test_a_missing_part_does_not_decide_a_claim_that_has_a_tested_part():
    claim = Claim(
        2,
        "shelter",
        "The Customs Union shelters Kazakhstan from global crises",
        (_fig("observed", 0.3, 0.1, 0.5), _fig("model", NAN, NAN, NAN)),
    )
    assert claim_verdict(claim.figures) == SUPPORTED
    claim = Claim(
        2,
        "shelter",
        "The Customs Union shelters Kazakhstan from global crises",
        (_fig("observed", -0.3, -0.5, 0.1), _fig("model", NAN, NAN, NAN)),
    )
    assert claim.verdict == NOT_SUPPORTED


def test_results_are_sealed():
    table = pd.DataFrame({"x": [1.0, 2.0]})
    claim = Claim(1, "k", "A EurAsEC currency union", (_fig("a", 0.3, 0.1, 0.5),), _table=table)
    table.loc[0, "x"] = 99.0  # the caller's frame is not the claim's
    assert claim.table["x"].tolist() == [1.0, 2.0]
    copy = claim.table
    copy.loc[0, "x"] = 5.0
    assert claim.table["x"].tolist() == [1.0, 2.0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        claim.number = 3  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        claim.figures[0].value = 1.0  # type: ignore[misc]
    result = ClaimsResult((claim,), settings={"draws": 10})
    with pytest.raises(TypeError):
        result.settings["draws"] = 5  # type: ignore[index]
    with pytest.raises(ValueError):
        claim._table["x"].to_numpy()[0] = 3.0


def test_top_share_closed_forms():
    pop = np.array([10.0, 20.0, 30.0, 40.0])
    # Equal gains per head: any fifth of the people holds a fifth of the gain.
    assert top_share(pop * 3.0, pop) == pytest.approx(0.2)
    # All of the gain to a country with a tenth of the people: the top fifth takes it all.
    assert top_share(np.array([5.0, 0.0, 0.0, 0.0]), pop) == pytest.approx(1.0)
    # Two gainers: 10 people gaining 4 each (40), 20 people gaining 1 each (20); the top fifth
    # (20 people) is the first country plus half of the second: (40 + 10) / 60.
    assert top_share(np.array([40.0, 20.0, 0.0, 0.0]), pop) == pytest.approx(50.0 / 60.0)
    # Losses are not fruits: they leave the total unchanged.
    assert top_share(np.array([40.0, 20.0, -30.0, 0.0]), pop) == pytest.approx(50.0 / 60.0)
    assert math.isnan(top_share(np.array([-1.0, 0.0, 0.0, 0.0]), pop))


def test_ols_hc1_recovers_exact_coefficients_and_matches_the_textbook_formula():
    rng = np.random.default_rng(3)
    X = np.column_stack([np.ones(40), rng.normal(size=40), rng.normal(size=40)])
    y = X @ np.array([1.0, 2.0, -0.5]) + rng.normal(scale=0.1, size=40)
    beta, se = ols_hc1(y, X)
    e = y - X @ beta
    bread = np.linalg.inv(X.T @ X)
    slow = bread @ sum(e[i] ** 2 * np.outer(X[i], X[i]) for i in range(40)) @ bread * 40 / 37
    np.testing.assert_allclose(se, np.sqrt(np.diag(slow)), rtol=1e-12)
    np.testing.assert_allclose(beta, np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-10)


def test_openness_growth_recovers_a_constructed_slope():
    # 30 countries, constant growth g_i = 1 + 0.3 * openness_i / 10 - 0.2 ln y0_i (percent a year).
    rng = np.random.default_rng(5)
    rows = []
    codes = [f"C{k:02d}" for k in range(30)]
    for code in codes:
        openness = rng.uniform(20, 120)
        y0 = rng.uniform(1_000, 30_000)
        g = 1.0 + 0.3 * openness / 10.0 - 0.2 * np.log(y0)
        for t, year in enumerate(range(1970, 2018)):
            level = y0 * np.exp(g / 100.0 * t)
            rows.append(
                {
                    "isocode": code,
                    "year": year,
                    "rgdpe": level,
                    "rgdpna": level,
                    "pop": 1.0,
                    "csh_x": openness / 200.0,
                    "csh_m": -openness / 200.0,
                }
            )
    out = openness_growth(pd.DataFrame(rows), codes)
    assert out["slope"] == pytest.approx(0.3, abs=1e-9)
    assert out["countries"] == 30


def test_summary_and_report_default_to_the_language_given(tmp_path):
    claim = Claim(
        3, "closed", "Economically closed countries have no future", (_fig("a", 0.3, 0.1, 0.5),)
    )
    result = ClaimsResult((claim,), settings={"lang": "ru"})
    assert result.summary().startswith(tr("The founding texts, tested", "ru"))
    assert tr("supported", "ru") in result.summary()
    page = result.report(tmp_path / "r.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in page and tr("supported", "ru") in page
    assert result.summary(lang="en").startswith("The founding texts, tested")


def test_autarky_cost_closed_form_equals_the_ge_model_on_a_balanced_world():
    """ACR (2012): the welfare cost of autarky from the domestic share equals the full GE
    autarky counterfactual on a world with balanced trade."""
    from types import SimpleNamespace

    from jahan.analysis.claims.trade import autarky_costs
    from jahan.ge import GEModel

    codes = ["AAA", "BBB", "CCC", "DDD"]
    rng = np.random.default_rng(7)
    X = rng.uniform(1.0, 5.0, size=(4, 4)) + np.diag([40.0, 25.0, 60.0, 15.0])
    X = (X + X.T) / 2.0  # symmetric flows: every country's trade is balanced
    index = pd.MultiIndex.from_product([codes, codes], names=["exporter", "importer"])
    flows = pd.Series(X.ravel(), index=index, name="value")
    theta = 4.0
    closed = autarky_costs(SimpleNamespace(flows=flows), theta)
    model = GEModel(flows.reset_index(), trade_elasticity=theta, imbalances="balanced")
    for k, code in enumerate(codes):
        B = np.ones((4, 4))
        B[k, :] = 0.0
        B[:, k] = 0.0
        B[k, k] = 1.0
        welfare = model.simulate(B).countries.loc[code, "welfare_pct"]
        assert -welfare == pytest.approx(closed[code], rel=1e-6)


def test_small_figures_keep_two_significant_digits():
    from jahan.analysis.claims.result import figure_line

    small = Figure(
        "s",
        "Model shelter: crisis loss without the union minus with it",
        0.00033,
        0.00024,
        0.00047,
        "percent",
        +1,
    )
    assert "0.00033 [0.00024; 0.00047]" in figure_line(small, "en")
    assert "0,00033 [0,00024; 0,00047]" in figure_line(small, "kk")
    large = Figure("l", "EAEU effect on members' trade", -0.1583, -0.279, -0.038, "log points", +1)
    assert "-0.158 [-0.279; -0.038]" in figure_line(large, "en")
