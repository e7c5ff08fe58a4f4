"""Inequality of gains: Gini and Theil worked by hand, exact decomposition, winners and losers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jahan.errors import DataError
from jahan.index.inequality import (
    gini,
    inequality_of_gains,
    members_vs_outsiders,
    theil,
    theil_decomposition,
    welfare_changes,
)

PCT = pd.Series({"AAA": 10.0, "BBB": -5.0, "CCC": 0.0, "DDD": 20.0})
POP = pd.Series({"AAA": 1.0, "BBB": 2.0, "CCC": 3.0, "DDD": 4.0})


def test_gini_and_theil_by_hand():
    x = [1.10, 0.95, 1.00, 1.20]
    mu = sum(x) / 4
    pairs = sum(abs(a - b) for a in x for b in x)
    assert gini(1 + PCT / 100) == pytest.approx(pairs / (2 * 16 * mu), rel=1e-12)
    assert theil(1 + PCT / 100) == pytest.approx(
        sum(v / mu * math.log(v / mu) for v in x) / 4, rel=1e-12
    )
    s = [0.1, 0.2, 0.3, 0.4]
    mu_w = sum(a * b for a, b in zip(s, x, strict=True))
    g_w = sum(s[i] * s[j] * abs(x[i] - x[j]) for i in range(4) for j in range(4)) / (2 * mu_w)
    assert gini(1 + PCT / 100, POP) == pytest.approx(g_w, rel=1e-12)
    t_w = sum(si * v / mu_w * math.log(v / mu_w) for si, v in zip(s, x, strict=True))
    assert theil(1 + PCT / 100, POP) == pytest.approx(t_w, rel=1e-12)


def test_equal_gains_have_zero_inequality():
    same = pd.Series({"AAA": 1.03, "BBB": 1.03, "CCC": 1.03})
    assert gini(same) == pytest.approx(0.0, abs=1e-15)
    assert theil(same) == pytest.approx(0.0, abs=1e-15)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-60, 200), min_size=2, max_size=30),
    st.data(),
)
def test_theil_decomposition_adds_up_exactly(changes, data):
    n = len(changes)
    codes = [f"C{i:02d}" for i in range(n)]
    ratio = pd.Series([1 + c / 100 for c in changes], index=codes)
    labels = pd.Series(
        data.draw(st.lists(st.sampled_from("xyz"), min_size=n, max_size=n)), index=codes
    )
    pop = pd.Series(data.draw(st.lists(st.floats(0.01, 1e9), min_size=n, max_size=n)), index=codes)
    for weights in (None, pop):
        dec = theil_decomposition(ratio, labels, weights)
        assert dec.between + dec.within == pytest.approx(dec.total, rel=1e-9, abs=1e-14)
        assert dec.between >= -1e-15 and dec.within >= -1e-15


def test_decomposition_by_hand():
    ratio = 1 + PCT / 100
    dec = theil_decomposition(ratio, {"AAA": "g", "BBB": "g", "CCC": "h", "DDD": "h"})
    mu = (1.10 + 0.95 + 1.00 + 1.20) / 4
    mu_g, mu_h = (1.10 + 0.95) / 2, (1.00 + 1.20) / 2
    between = 0.5 * mu_g / mu * math.log(mu_g / mu) + 0.5 * mu_h / mu * math.log(mu_h / mu)
    assert dec.between == pytest.approx(between, rel=1e-12)
    t_g = (1.10 / mu_g * math.log(1.10 / mu_g) + 0.95 / mu_g * math.log(0.95 / mu_g)) / 2
    assert dec.groups.at["g", "theil"] == pytest.approx(t_g, rel=1e-12)
    assert dec.total == pytest.approx(dec.between + dec.within, rel=1e-12)


def test_members_vs_outsiders():
    table = members_vs_outsiders(PCT, ["AAA", "DDD"], POP)
    assert table.at["members", "mean_pct"] == pytest.approx(15.0)
    assert table.at["outsiders", "weighted_mean_pct"] == pytest.approx((-5 * 2 + 0 * 3) / 5)
    assert table.at["outsiders", "losers"] == 1
    with pytest.raises(DataError, match="ZZZ"):
        members_vs_outsiders(PCT, ["ZZZ"])


def test_accepts_result_objects_and_checks_values():
    class Result:
        countries = pd.DataFrame({"welfare_pct": PCT})

    pd.testing.assert_series_equal(welfare_changes(Result()), PCT.rename("welfare_pct"))
    with pytest.raises(DataError, match="-100%"):
        welfare_changes(pd.Series({"AAA": -100.0}))
    with pytest.raises(DataError, match="welfare_pct"):
        welfare_changes(pd.DataFrame({"gain": PCT}))


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_headline_names_largest_winners_and_losers(lang):
    res = inequality_of_gains(PCT, population=POP, members=["AAA", "DDD"], names={"DDD": "Delta"})
    line = res.headline(lang)
    assert "Delta" in line and "AAA" in line and "BBB" in line
    assert line.index("Delta") < line.index("AAA")  # largest first
    assert "CCC" not in line  # no change is neither a gain nor a loss
    assert res.decomposition_totals["total"] == pytest.approx(
        res.decomposition_totals["between"] + res.decomposition_totals["within"], rel=1e-12
    )
    assert res.summary(lang).startswith(line)
    if lang != "en":
        assert line != res.headline("en")


@pytest.mark.validation
def test_eu_enlargement_winners_match_published_welfare(validation_file):
    """Baier, Yotov and Zylkin (2019) EU enlargement: Stata ge_gravity welfare ratios (w_eu)."""
    path = validation_file("byz2019_eu/TradeData0014_Results.csv")
    frame = pd.read_csv(path)
    base = frame[(frame.year == 2000) & frame.w_eu.notna()]
    pct = (base.groupby("exporter")["w_eu"].first() - 1) * 100
    res = inequality_of_gains(pct, members=["MLT", "HUN", "SVN", "DEU"])
    assert list(res.winners().index) == ["MLT", "HUN", "SVN"]
    np.testing.assert_allclose(res.winners().to_numpy(), [1.5349, 1.4043, 1.1802], atol=6e-5)
    assert "RUS" in res.changes_pct.index and res.changes_pct["RUS"] == pytest.approx(
        -0.0202, abs=6e-5
    )
    assert res.measures.at["gini", "unweighted"] > 0
