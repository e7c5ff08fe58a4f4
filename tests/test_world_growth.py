"""Growth of real GDP in the built-in world: PWT 9.1 rgdpna, 2000-2017, mean and s.d. in percent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jahan.world import World


@pytest.fixture(scope="module")
def world():
    return World.builtin()


def test_growth_window_and_source_are_stated(world):
    assert world.meta["growth_years"] == [2000, 2017]
    assert world.meta["growth_source"] == "Penn World Table 9.1"
    used_for = world.sources.set_index("key").at["pwt91", "used_for"]
    assert "rgdpna" in used_for and "2000-2017" in used_for


def test_kazakhstan_growth_equals_a_direct_computation(world, sources_file):
    pwt = pd.read_parquet(
        sources_file("pwt91/pwt91.parquet"), columns=["isocode", "year", "rgdpna"]
    )
    kaz = pwt[pwt["isocode"].astype(str) == "KAZ"].set_index("year")["rgdpna"].sort_index()
    growth = [100.0 * (kaz[float(t)] / kaz[float(t - 1)] - 1.0) for t in range(2000, 2018)]
    assert len(growth) == 18
    row = world.countries.loc["KAZ"]
    assert row["gdp_growth_mean_pct"] == pytest.approx(np.mean(growth), rel=1e-12)
    assert row["gdp_growth_sd_pct"] == pytest.approx(np.std(growth, ddof=1), rel=1e-12)


def test_growth_is_nan_exactly_where_pwt_lacks_a_year(world, sources_file):
    pwt = pd.read_parquet(
        sources_file("pwt91/pwt91.parquet"), columns=["isocode", "year", "rgdpna"]
    )
    window = pwt[(pwt["year"] >= 1999) & (pwt["year"] <= 2017)]
    counts = window.dropna(subset=["rgdpna"]).groupby(window["isocode"].astype(str)).size()
    complete = set(counts[counts == 19].index)
    c = world.countries
    has = set(c.index[c["gdp_growth_sd_pct"].notna()])
    assert has == complete & set(c.index)
    assert c.loc[list(has), "gdp_growth_mean_pct"].notna().all()
    # Afghanistan is not in PWT 9.1: its growth stays missing, never invented.
    assert np.isnan(c.at["AFG", "gdp_growth_sd_pct"]) and np.isnan(
        c.at["AFG", "gdp_growth_mean_pct"]
    )
    assert (c["gdp_growth_sd_pct"].dropna() > 0).all()


def test_user_worlds_without_growth_columns_still_load():
    w = World.from_frames(
        pd.DataFrame(
            {
                "iso3": ["AAA", "BBB"],
                "gdp_usd": [1.0, 2.0],
                "lat": [0.0, 1.0],
                "lon": [0.0, 1.0],
                "area_km2": [1e4, 2e4],
            }
        ),
    )
    assert "gdp_growth_sd_pct" not in w.countries.columns
