"""The built-in world: coverage, geography, groups, GDP against its source, observed flows."""

from __future__ import annotations

import numpy as np
import pytest

from jahan.world import World

REQUIRED = "KAZ KGZ TJK TKM UZB RUS BLR ARM CHN AZE GEO TUR IRN AFG MNG USA DEU JPN KOR IND".split()


@pytest.fixture(scope="module")
def world() -> World:
    return World.builtin()


def test_builtin_is_labelled_observed_and_independent(world):
    other = World.builtin()
    assert other is not world and other.iso3 == world.iso3
    other.countries.loc["KAZ", "gdp_usd"] = -1.0
    assert World.builtin().country("KAZ")["gdp_usd"] > 0
    assert world.flows_kind == "observed"
    assert world.baseline_year == 2016
    assert "observed" in repr(world)
    assert (
        "ITPD-E" in world.meta["flows_source"]
        and "GDP minus gross exports" in world.meta["domestic_rule"]
    )
    modelled = World.builtin(flows="modelled")
    assert modelled.flows_kind == "modelled" and modelled.iso3 == world.iso3


def test_coverage_and_required_countries(world):
    assert len(world.iso3) >= 175
    assert set(REQUIRED) <= set(world.iso3)
    c = world.countries
    assert c.index.is_unique
    for col in ("name_en", "name_ru", "name_kk", "region", "capital", "currency", "languages"):
        assert c[col].notna().all(), col
    assert (c["gdp_usd"] > 0).all() and (c["population"] > 0).all() and (c["area_km2"] > 0).all()
    assert c["lat"].between(-90, 90).all() and c["lon"].between(-180, 180).all()


def test_names_in_three_languages(world):
    assert world.name("KAZ", lang="kk") == "Қазақстан"
    assert world.name("KAZ", lang="ru") == "Казахстан"
    assert world.name("KAZ") == "Kazakhstan"
    assert world.name("CHN", lang="kk") == "Қытай"


def test_kazakhstan_borders_exactly_its_five_neighbours(world):
    assert world.neighbours("KAZ") == ["CHN", "KGZ", "RUS", "TKM", "UZB"]


def test_distance_and_contiguity_are_symmetric_and_complete(world):
    n = len(world.iso3)
    p = world.pairs
    assert len(p) == n * n and p.index.is_unique
    for col in ("distance_km", "contiguity", "common_language", "common_currency", "rta"):
        m = p[col].unstack("importer").loc[world.iso3, world.iso3].to_numpy()
        assert np.array_equal(m, m.T), col
    d = p["distance_km"].unstack("importer").loc[world.iso3, world.iso3].to_numpy()
    assert (d > 0).all()
    # Astana-Moscow is about 2,270 km by great circle
    assert p.loc[("KAZ", "RUS"), "distance_km"] == pytest.approx(2270, rel=0.03)
    # Head-Mayer internal distance of Kazakhstan: 0.67 sqrt(2,717,300 / pi) = 623 km
    assert p.loc[("KAZ", "KAZ"), "distance_km"] == pytest.approx(623.1, rel=1e-3)
    assert set(np.unique(p["contiguity"])) <= {0, 1}
    assert p.loc[("KAZ", "KAZ"), "contiguity"] == 0


def test_pair_attributes(world):
    p = world.pairs
    assert p.loc[("KAZ", "RUS"), "common_language"] == 1  # Russian is official in both
    assert p.loc[("KAZ", "CHN"), "common_language"] == 0
    assert p.loc[("DEU", "FRA"), "common_currency"] == 1
    assert p.loc[("KAZ", "UZB"), "same_former_state"] == 1
    assert p.loc[("CZE", "SVK"), "same_former_state"] == 1
    assert p.loc[("KAZ", "CHN"), "same_former_state"] == 0
    assert p.loc[("KAZ", "RUS"), "eaeu"] == 1 and p.loc[("KAZ", "RUS"), "rta"] == 1
    assert p.loc[("KAZ", "CHN"), "rta"] == 0
    assert p.loc[("KAZ", "TKM"), "landlocked_exporter"] == 1
    assert p.loc[("RUS", "KAZ"), "landlocked_exporter"] == 0
    assert p.loc[("RUS", "KAZ"), "landlocked_importer"] == 1


def test_groups_with_years(world):
    assert world.group("EAEU", year=2019) == ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    assert world.group("EAEU") == ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    # counted from the customs union of 2010; Armenia and Kyrgyzstan joined in 2015
    assert world.group("EAEU", year=2014) == ["BLR", "KAZ", "RUS"]
    assert world.group("EAEU", year=2009) == []
    assert world.group("CU", year=2010) == ["BLR", "KAZ", "RUS"]
    assert world.group("CA5") == ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
    assert "KAZ" not in world.group("WTO", year=2014)
    assert "KAZ" in world.group("WTO", year=2015)
    assert "GBR" in world.group("EU", year=2019) and "GBR" not in world.group("EU", year=2020)
    assert len(world.group("EU", year=2019)) == 28
    assert len(world.group("OECD", year=2019)) == 36
    assert world.group("USMCA", year=2019) == ["CAN", "MEX", "USA"]
    assert "EAEU" in world.groups_of("KAZ") and "EU" not in world.groups_of("KAZ")
    assert {
        "EU",
        "CU",
        "EAEU",
        "CIS",
        "SCO",
        "CSTO",
        "WTO",
        "OECD",
        "ASEAN",
        "MERCOSUR",
        "USMCA",
        "GCC",
        "AfCFTA",
        "BRICS",
        "CA5",
    } <= set(world.group_names())
    assert world.groups["source"].notna().all()


def test_gdp_is_pwt_nominal_gdp_of_the_baseline_year(world, sources_file):
    import pandas as pd

    pwt = pd.read_parquet(
        sources_file("pwt91/pwt91.parquet"), columns=["isocode", "year", "cgdpo", "pl_gdpo"]
    )
    row = pwt[(pwt["isocode"].astype(str) == "KAZ") & (pwt["year"] == 2016)].iloc[0]
    assert world.country("KAZ")["gdp_usd"] == pytest.approx(
        row["cgdpo"] * row["pl_gdpo"] * 1e6, rel=1e-12
    )
    assert world.country("KAZ")["gdp_source"] == "pwt91_2016"
    assert set(world.countries["gdp_source"]) <= {"pwt91_2016", "worldbank_interpolated_2016"}
    # a 2016 world total of 70-80 trillion USD (World Bank: about 76 trillion)
    assert 70e12 < world.countries["gdp_usd"].sum() < 80e12


def test_flows_nonnegative_and_domestic_positive(world):
    f = world.flows
    assert f.name == "value"
    assert len(f) == len(world.iso3) ** 2
    assert np.isfinite(f.to_numpy()).all() and (f >= 0).all()
    m = world.flows_matrix()
    assert (np.diag(m.to_numpy()) > 0).all()
    world.check(require_domestic=True)


def test_modelled_option_balances_output_and_expenditure_to_gdp():
    world = World.builtin(flows="modelled")
    gdp_musd = world.countries["gdp_usd"] / 1e6
    for total in (world.output(), world.expenditure()):
        rel = ((total - gdp_musd).abs() / gdp_musd).max()
        assert rel < 1e-6


def test_flows_frame_is_long(world):
    df = world.flows_frame()
    assert list(df.columns) == ["exporter", "importer", "value"]
    assert len(df) == len(world.flows)


def test_restrict_keeps_tables_consistent(world):
    sub = world.restrict(["KAZ", "RUS", "CHN"])
    assert sub.iso3 == ["KAZ", "RUS", "CHN"]
    assert len(sub.pairs) == 9 and len(sub.flows) == 9
    assert sub.flows[("KAZ", "RUS")] == world.flows[("KAZ", "RUS")]
    assert sub.group("EAEU") == ["KAZ", "RUS"]
    assert sub.flows_kind == "observed"


def test_contiguity_corrections(world):
    assert world.neighbours("USA") == ["CAN", "MEX"]  # no land border with Cuba
    assert "ALB" not in world.neighbours("SRB")  # only through Kosovo
