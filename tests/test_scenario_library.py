"""Every built-in scenario runs on the built-in world; signs fixed by theory hold; results are finite."""

from __future__ import annotations

import numpy as np
import pytest

from jahan.scenario import OUTPUTS, Scenario, compare, library_names


@pytest.fixture(scope="module")
def world():
    from jahan.world import World

    return World.builtin()


def _estimate(world, scenario):
    """For a scenario that estimates its effect from the panel ([estimate]): the estimate on a
    sub-world with the bloc's members (the full panel run is in test_analysis_ex_post, slow)."""
    from jahan.estimate.bloc import estimate_bloc

    settings = scenario.spec.estimate
    if settings is None:
        return None
    members = {c for y in settings.years for c in world.group(settings.bloc, year=y)}
    keep = sorted(members | {"CHN", "DEU", "USA", "UZB", "TUR", "UKR", "TJK", "GEO", "IND", "JPN"})
    return estimate_bloc(world.restrict(keep), settings.bloc, years=settings.years).estimate


@pytest.fixture(scope="module")
def results(world):
    out = {}
    for name in library_names():
        sc = Scenario.load(name)
        out[name] = sc.run(world, draws=4, seed=1, estimate=_estimate(world, sc))
    return out


def test_every_library_scenario_runs_and_is_finite(results):
    assert len(results) >= 8
    for name, out in results.items():
        frame = out.countries
        values = frame[[c for o in OUTPUTS for c in (o, f"{o}_p05", f"{o}_p95")]].to_numpy()
        assert np.all(np.isfinite(values)), name
        assert out.settings["central_converged"], name
        assert all(code in frame.index for code in out.focus), name
        assert (frame["price_index_pct"] > -100).all(), name  # prices stay positive


@pytest.mark.parametrize(
    "name",
    [
        "eaeu_customs_union",
        "eurasec_currency_union",
        "central_asia_corridor",
        "china_kazakhstan_corridor",
    ],
)
def test_cheaper_trade_raises_trade_among_the_pairs(results, name):
    shocks = results[name].shocks
    assert (shocks["trade_pct"].dropna() > 0).all()


def test_new_agreement_members_trade_more_with_each_other(results, world):
    out = results["eaeu_customs_union"]
    flows = out.flows.set_index(["exporter", "importer"])
    members = world.group("EAEU")
    for i in members:
        for j in members:
            if i != j:
                assert flows.loc[(i, j), "change_pct"] > 0, (i, j)


def test_autarky_lowers_welfare(results):
    out = results["kazakhstan_autarky"]
    assert out.countries.loc["KAZ", "welfare_pct"] < 0
    assert out.shocks.loc[1, "trade_pct"] == pytest.approx(-100.0, abs=1e-6)


def test_prohibitive_sanction_cuts_the_pair_to_near_zero(results, world):
    out = results["sanctions_russia_eu"]
    flows = out.flows.set_index(["exporter", "importer"])
    for member in world.group("EU")[:5]:
        for pair in (("RUS", member), (member, "RUS")):
            row = flows.loc[pair]
            assert row["counterfactual"] <= 1e-9 * max(row["baseline"], 1.0), pair
    assert out.shocks.loc[1, "trade_pct"] == pytest.approx(-100.0, abs=1e-6)


def test_productivity_shocks_move_the_shocked_countries(results):
    growth = results["neighbours_growth"].countries
    assert growth.loc["KGZ", "real_gdp_pct"] > 0 and growth.loc["TJK", "real_gdp_pct"] > 0
    crisis = results["global_crisis_without_eaeu"].countries
    assert crisis.loc["USA", "real_gdp_pct"] < 0


def test_crisis_with_and_without_the_bloc_share_crisis_draws(results):
    a, b = results["global_crisis_without_eaeu"], results["global_crisis_with_eaeu"]
    np.testing.assert_array_equal(a.draw_values().iloc[:, :2], b.draw_values().iloc[:, :2])
    table = compare(a, b)
    assert table.attrs["paired"]
    assert np.isfinite(table.loc["KAZ", ["difference", "difference_p05", "difference_p95"]]).all()


def test_kazakhstan_common_external_tariff_diverts_imports_to_the_union(results):
    out = results["kazakhstan_cet_2010"]
    f = out.flows.set_index(["exporter", "importer"])["change_pct"]
    assert f[("RUS", "KAZ")] > 0 > f[("CHN", "KAZ")]
    kaz = out.countries.loc["KAZ"]
    assert kaz["tariff_revenue_income_pct"] > 0
    # Russia's and Belarus's tariffs are stated equal to the common tariff: theirs do not move.
    assert f[("CHN", "RUS")] > 0  # only through Kazakhstan's diverted demand


def test_kazakhstan_leaving_the_eaeu_cuts_its_trade_with_the_members(results):
    f = results["kazakhstan_leaves_eaeu"].flows.set_index(["exporter", "importer"])["change_pct"]
    assert f[("KAZ", "RUS")] < 0 and f[("RUS", "KAZ")] < 0
    assert results["kazakhstan_leaves_eaeu"].countries.loc["KAZ", "welfare_pct"] < 0


def test_crisis_scenario_measures_its_shelter(results):
    shelter = results["global_crisis_with_eaeu"].settings["shelter"]
    kaz = shelter["countries"]["KAZ"]
    assert shelter["countries"]["USA"]["loss_without"] > 1  # the crisis economy loses
    assert kaz["shelter_p05"] <= kaz["shelter"] <= kaz["shelter_p95"]
    assert kaz["shelter"] == pytest.approx(kaz["loss_without"] - kaz["loss_with"], abs=1e-12)
