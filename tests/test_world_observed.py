"""The built-in world's observed flows: ITPD-E values, domestic construction, the panel."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from jahan.errors import DataError
from jahan.world import World

CA5 = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
# US CPI-U annual averages (BLS CUUR0000SA0), as listed with the ITPD-E extract.
CPI_2010, CPI_2016 = 218.056, 240.007


@pytest.fixture(scope="module")
def world() -> World:
    return World.builtin()


@pytest.fixture(scope="module")
def itpde_2016(sources_file) -> pd.DataFrame:
    """The raw 2016 matrix read straight from the R file, at 2010 prices, labelled by ISO3."""
    rdata = pytest.importorskip("rdata")
    rds = sources_file("itpde_r01/itpd_aggregated.rds")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        matrices = rdata.conversion.convert(rdata.parser.parse_file(rds))
        clist = rdata.conversion.convert(rdata.parser.parse_file(rds.parent / "country_list.RData"))
    names = dict(zip(clist["country_list"]["V1"], clist["country_list"]["iso3"], strict=True))
    m = matrices[16]  # the list runs 2000..2016
    labels = [names[str(n)] for n in m.coords[m.dims[0]].values]
    return pd.DataFrame(np.asarray(m), index=labels, columns=labels)


@pytest.mark.parametrize(
    "exporter,importer", [("RUS", "KAZ"), ("KAZ", "CHN"), ("TKM", "CHN"), ("KAZ", "RUS")]
)
def test_flows_equal_itpde_in_current_usd(world, itpde_2016, exporter, importer):
    raw = itpde_2016.loc[exporter, importer]  # USD at 2010 prices
    expected_musd = raw * CPI_2016 / CPI_2010 / 1e6
    assert world.flows[(exporter, importer)] == pytest.approx(expected_musd, rel=0.005)


def test_the_readme_check_values_of_the_source(itpde_2016):
    # the source README's own check values (USD at 2010 prices)
    assert itpde_2016.loc["KAZ", "RUS"] == pytest.approx(3.468e9, rel=1e-3)
    assert itpde_2016.loc["RUS", "KAZ"] == pytest.approx(9.279e9, rel=1e-3)


def test_russia_and_china_are_kazakhstans_largest_partners(world):
    m = world.flows_matrix()
    exports = m.loc["KAZ"].drop("KAZ")
    imports = m["KAZ"].drop("KAZ")
    total = (exports + imports).sort_values(ascending=False)
    assert list(total.index[:2]) == ["RUS", "CHN"]
    assert imports["RUS"] > 2 * exports["RUS"]  # trade is not balanced pair by pair
    eaeu = ["RUS", "BLR", "ARM", "KGZ"]
    assert 0.3 < imports[eaeu].sum() / imports.sum() < 0.5


def _domestic_share(world: World) -> pd.Series:
    m = world.flows_matrix().to_numpy()
    return pd.Series(np.diag(m) / m.sum(axis=0), index=world.iso3)


def test_domestic_shares_are_plausible(world):
    share = _domestic_share(world)
    for big in ("USA", "CHN", "JPN", "IND", "BRA", "RUS"):
        assert 0.75 <= share[big] <= 0.99, (big, share[big])
    for small in ("SGP", "BEL", "NLD", "IRL", "EST"):
        assert share[small] < share["USA"], small
    assert (share > 0).all()


def test_every_low_domestic_share_has_a_named_reason():
    # every year of the panel: a share below 0.2 must carry its reason
    from jahan.world._builtin import builtin_tables

    cy = builtin_tables().country_years
    share = cy["domestic"] / (cy["domestic"] + cy["imports"])
    low = cy[share < 0.2]
    assert len(low) > 0  # Singapore, Ireland, Viet Nam ... are low in 2016
    assert low["low_share_reason"].notna().all(), low[low["low_share_reason"].isna()][
        ["iso3", "year"]
    ]
    sgp = cy[(cy["iso3"] == "SGP") & (cy["year"] == 2016)].iloc[0]
    assert "hub" in sgp["low_share_reason"]


def test_domestic_rule_is_named_per_country(world):
    rules = world.countries["domestic_rule"]
    assert set(rules) <= {"itpde", "gdp_net_exports", "itpde_partial"}
    assert rules["USA"] == "itpde"  # ITPD-E's domestic flow is complete for the United States
    assert rules["RUS"] == "gdp_net_exports"  # ... and a small fraction of output for Russia
    # the lower bound itself: GDP minus gross exports to every ITPD-E partner (a few of them,
    # e.g. North Korea, are outside the world, so the world's own rows sum to a little less)
    from jahan.world._builtin import builtin_tables

    cy = builtin_tables().country_years.set_index(["iso3", "year"])
    exports = cy.loc[("RUS", 2016), "exports"]
    m = world.flows_matrix()
    gdp = world.country("RUS")["gdp_usd"] / 1e6
    assert m.loc["RUS", "RUS"] == pytest.approx(gdp - exports, rel=1e-9)
    assert 0.999 * exports <= m.loc["RUS"].drop("RUS").sum() <= exports


def test_the_alternative_domestic_rule(world):
    alt = World.builtin(domestic="itpde_first")
    assert alt.iso3 == world.iso3
    m, a = world.flows_matrix(), alt.flows_matrix()
    off = ~np.eye(len(world.iso3), dtype=bool)
    assert np.array_equal(m.to_numpy()[off], a.to_numpy()[off])  # international flows unchanged
    assert a.loc["KAZ", "KAZ"] < m.loc["KAZ", "KAZ"]  # ITPD-E's partial domestic flow is lower
    with pytest.raises(DataError, match="itpde_first"):
        World.builtin(domestic="guess")


@pytest.mark.parametrize("year", [2000, 2009, 2016])
def test_central_asia_is_in_the_trade_model_every_year(year):
    w = World.builtin(year)
    assert set(CA5) <= set(w.iso3)
    m = w.flows_matrix()
    for c in CA5:
        assert m.loc[c, c] > 0
        assert m.loc[c].drop(c).sum() > 0 and m[c].drop(c).sum() > 0


def test_year_outside_the_data_names_the_range():
    with pytest.raises(DataError, match="2000-2016"):
        World.builtin(1999)
    with pytest.raises(DataError, match="2000-2016"):
        World.builtin(2019)
    with pytest.raises(DataError, match="2016 only"):
        World.builtin(2009, flows="modelled")


def test_unknown_bloc_suggests_the_nearest(world):
    with pytest.raises(DataError, match="Did you mean 'EAEU'"):
        world.group("EAUE")


@pytest.fixture(scope="module")
def panel(world) -> pd.DataFrame:
    return world.trade_panel()


def test_panel_columns_and_years(panel, world):
    for col in (
        "exporter",
        "importer",
        "year",
        "value",
        "ln_dist",
        "contiguity",
        "international",
        "pair_id",
        "rta",
        "both_EAEU",
        "both_CU",
        "both_EU",
    ):
        assert col in panel.columns, col
    assert sorted(panel["year"].unique()) == list(range(2000, 2017))
    assert not panel.duplicated(["exporter", "importer", "year"]).any()
    assert (panel["value"] >= 0).all() and np.isfinite(panel["value"]).all()
    # one pair_id per ordered pair, the same in every year
    ids = panel.groupby(["exporter", "importer"])["pair_id"].nunique()
    assert (ids == 1).all()
    assert panel.loc[panel["exporter"] == panel["importer"], "international"].eq(0).all()


def test_panel_agrees_with_the_world_of_each_year(panel):
    for year in (2005, 2016):
        w = World.builtin(year)
        p = panel[panel["year"] == year].set_index(["exporter", "importer"])["value"]
        f = w.flows.reindex(p.index)
        assert np.allclose(p.to_numpy(), f.to_numpy(), rtol=1e-12)


def test_both_eaeu_follows_the_membership_years(panel, world):
    for year in (2009, 2010, 2014, 2015, 2016):
        members = set(world.group("EAEU", year=year))
        rows = panel[panel["year"] == year]
        expected = (
            rows["exporter"].isin(members)
            & rows["importer"].isin(members)
            & (rows["exporter"] != rows["importer"])
        )
        assert (rows["both_EAEU"].astype(bool) == expected).all(), year
    kaz_rus = panel[(panel["exporter"] == "KAZ") & (panel["importer"] == "RUS")].set_index("year")
    assert kaz_rus.loc[2009, "both_EAEU"] == 0 and kaz_rus.loc[2010, "both_EAEU"] == 1
    kaz_kgz = panel[(panel["exporter"] == "KAZ") & (panel["importer"] == "KGZ")].set_index("year")
    assert kaz_kgz.loc[2014, "both_EAEU"] == 0 and kaz_kgz.loc[2015, "both_EAEU"] == 1


def test_panel_of_a_sub_world_and_of_chosen_years(world):
    sub = world.restrict(["KAZ", "RUS", "CHN", "UZB"])
    p = sub.trade_panel(years=[2004, 2012])
    assert set(p["exporter"]) == {"KAZ", "RUS", "CHN", "UZB"}
    assert sorted(p["year"].unique()) == [2004, 2012] and len(p) == 2 * 16
    with pytest.raises(DataError, match="2000-2016"):
        sub.trade_panel(years=[1995])


def test_user_world_has_no_panel():
    w = World.from_frames(pd.DataFrame({"iso3": ["AAA", "BBB"]}))
    with pytest.raises(DataError, match="World.builtin"):
        w.trade_panel()


def test_left_out_economies_are_listed_with_reasons(world):
    from jahan.world._builtin import builtin_tables

    left = {row["iso3"]: row["reason"] for row in builtin_tables().meta["left_out"]}
    assert "HKG" in left and "no trade recorded" in left["HKG"]
    assert "PRK" in left and "no GDP" in left["PRK"]
    assert not set(left) & set(world.iso3)


def test_migrants_of_the_builtin_world(world, sources_file):
    m = world.migrants
    assert list(m.columns) == ["origin", "destination", "year", "persons"]
    assert set(m["origin"]) <= set(world.iso3) and set(m["destination"]) <= set(world.iso3)
    assert sorted(m["year"].unique()) == [1990, 1995, 2000, 2005, 2010, 2015, 2019]
    assert (m["persons"] > 0).all()
    # persons born in Kazakhstan living in Russia, 2019, straight from the UN DESA file
    raw = pd.read_csv(
        sources_file(
            "undesa_migrant_stock_2019/UN_MigrantStockByOriginAndDestination_2019_clean.csv"
        )
    )
    row = raw[(raw["Year"] == 2019) & (raw["Dest"] == "Russian Federation")].iloc[0]
    expected = float(str(row["Kazakhstan"]).replace(",", "").replace(" ", ""))
    got = m[(m["origin"] == "KAZ") & (m["destination"] == "RUS") & (m["year"] == 2019)]["persons"]
    assert got.iloc[0] == pytest.approx(expected, rel=1e-12)
    m.loc[m.index[0], "persons"] = -1.0  # a copy: the world is unchanged
    assert (world.migrants["persons"] > 0).all()
