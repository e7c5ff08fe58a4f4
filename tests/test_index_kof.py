"""KOF-structured preset and the built-in indicators."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jahan.errors import DataError
from jahan.index.builtin import BUILTIN_INDICATORS, ORGANISATION_GROUPS, builtin_indicators
from jahan.index.kof import KOF_VARIABLES, SUBINDICES, kof_framework, kof_index


@pytest.fixture(scope="module")
def world():
    from jahan.world import World

    return World.builtin()


@pytest.fixture(scope="module")
def builtin(world):
    return builtin_indicators(world)


def test_kof_framework_has_43_variables_in_six_subindices():
    assert len(KOF_VARIABLES) == 43
    fw = kof_framework(builtin=False)
    assert len(fw.indicators) == 43
    assert fw.children("kof") == ("economic", "social", "political")
    for sub in SUBINDICES:
        assert sub in fw

    # economic: 15 variables, social: 22, political: 6 (Gygli et al. 2019, Table 1)
    def leaves(code):
        kids = fw.children(code)
        return sum(leaves(k) for k in kids) if kids else 1

    assert (leaves("economic"), leaves("social"), leaves("political")) == (15, 22, 6)


def test_builtin_indicators_are_computed_from_the_world(world, builtin):
    assert set(builtin["indicator"]) == {b.code for b in BUILTIN_INDICATORS}
    assert (builtin["year"] == world.baseline_year).all()
    kaz = builtin[builtin.country == "KAZ"].set_index("indicator")["value"]
    # memberships recomputed by hand from the world's groups
    orgs = sum(1 for g in world.groups_of("KAZ") if g in ORGANISATION_GROUPS)
    assert kaz["international_organisations_count"] == orgs
    # the CIS free-trade area, the Customs Union and the EAEU are one agreement, not three
    assert {"CISFTA", "CU", "EAEU"} <= set(world.groups_of("KAZ"))
    assert kaz["trade_agreements_count"] == 1
    # trade openness: international exports + imports over GDP
    flows = world.flows
    intl = flows[flows.index.get_level_values(0) != flows.index.get_level_values(1)]
    trade = intl.xs("KAZ", level=0).sum() + intl.xs("KAZ", level=1).sum()
    assert kaz["trade_openness"] == pytest.approx(
        trade * 1e6 / world.countries.at["KAZ", "gdp_usd"] * 100
    )
    # indicators from the modelled baseline say so
    flagged = set(builtin.loc[builtin.modelled, "indicator"])
    if world.flows_kind == "modelled":
        assert flagged == {"trade_openness", "export_partner_diversity"}
        assert (
            builtin.loc[builtin.indicator == "trade_openness", "source"]
            .str.startswith("modelled")
            .all()
        )
    assert np.isfinite(builtin["value"]).all()


def test_kof_preset_on_builtin_states_what_is_missing(builtin):
    res = kof_index(builtin)
    assert res.kof_variables_used == ()
    assert len(res.kof_variables_missing) == 43
    assert res.proxies["trade_openness"] == "trade_goods"
    assert res.proxies["remoteness_km"] == ""
    assert res.modelled == ()  # the built-in flows are observed
    table = res.table()
    assert list(table.columns[-6:]) == list(SUBINDICES)
    # nothing in the data measures social de jure or political de facto: missing, not zero
    assert table["social_de_jure"].isna().all() and table["political_de_facto"].isna().all()
    assert table["kof"].notna().all()
    assert table["kof"].between(1, 100).all()
    assert "missing" in res.summary()


def test_kof_preset_on_given_kof_variables_only_uses_them():
    rng = np.random.default_rng(0)
    rows = [
        {"country": c, "year": y, "indicator": v, "value": rng.uniform(0, 100)}
        for c in ("AAA", "BBB", "CCC", "DDD", "EEE")
        for y in (2018, 2019)
        for v in ("trade_goods", "trade_services", "fdi", "press_freedom", "embassies")
    ]
    res = kof_index(pd.DataFrame(rows))
    assert set(res.kof_variables_used) == {
        "trade_goods",
        "trade_services",
        "fdi",
        "press_freedom",
        "embassies",
    }
    assert len(res.kof_variables_missing) == 38
    assert res.proxies == {}
    assert res.result.choices["normalisation"] == "kof"
    # two trade variables are PCA-weighted inside trade de facto
    w = res.result.weights
    assert w["trade_goods"] + w["trade_services"] == pytest.approx(1.0)


def test_extra_indicators_are_placed_and_checked():
    fw = kof_framework({"my_migration": ("interpersonal_de_facto", 1)})
    assert fw["my_migration"].parent == "interpersonal_de_facto"
    with pytest.raises(DataError, match="not a KOF node"):
        kof_framework({"x": ("nowhere", 1)})
