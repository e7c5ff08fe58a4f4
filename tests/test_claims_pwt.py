"""Inequality of GDP per head across countries over time, recomputed from the PWT 9.1 file.

One year is computed by hand (plain loops over countries) from the shared source file, and the
vectorised series is checked against the slow reference functions of jahan.index.inequality.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from jahan.analysis.claims.pwt_measures import (
    inequality_over_time,
    neighbour_growth_correlation,
    theil_change,
)
from jahan.errors import DataError
from jahan.index.inequality import gini, theil, theil_decomposition
from jahan.world import PWT_COLUMNS, World, pwt_panel


@pytest.fixture(scope="module")
def world():
    return World.builtin()


@pytest.fixture(scope="module")
def source(sources_file):
    return pd.read_parquet(sources_file("pwt91/pwt91.parquet"))


def test_extract_equals_the_source_file(source):
    extract = pwt_panel()
    src = source[list(PWT_COLUMNS)].assign(
        isocode=source["isocode"].astype(str), year=source["year"].astype(int)
    )
    src = src.sort_values(["isocode", "year"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(extract.reset_index(drop=True), src, check_dtype=False)


@pytest.mark.parametrize("year", [1990, 2017])
def test_one_year_by_hand_from_the_pwt_file(source, world, year):
    regions = world.countries["region"]
    rows = source[(source["year"] == year) & source["isocode"].astype(str).isin(regions.index)]
    x, p, g = [], [], []
    for _, r in rows.iterrows():
        if pd.notna(r["rgdpe"]) and pd.notna(r["pop"]) and r["rgdpe"] > 0 and r["pop"] > 0:
            x.append(r["rgdpe"] / r["pop"])
            p.append(r["pop"])
            g.append(regions[str(r["isocode"])])
    n = len(x)
    mean = sum(x) / n
    gini_hand = sum(abs(a - b) for a in x for b in x) / (2 * n * n * mean)
    theil_hand = sum((a / mean) * math.log(a / mean) for a in x) / n
    total_p = sum(p)
    wmean = sum(pi * a for pi, a in zip(p, x, strict=True)) / total_p
    wgini_hand = sum(
        pi * pj * abs(a - b) for pi, a in zip(p, x, strict=True) for pj, b in zip(p, x, strict=True)
    ) / (2 * total_p**2 * wmean)
    wtheil_hand = sum(
        pi / total_p * (a / wmean) * math.log(a / wmean) for pi, a in zip(p, x, strict=True)
    )
    # Between regions, countries equal: sum over regions of n_g/n * (mu_g/mu) ln(mu_g/mu).
    between_hand = 0.0
    for label in set(g):
        members = [a for a, lab in zip(x, g, strict=True) if lab == label]
        mu_g = sum(members) / len(members)
        between_hand += len(members) / n * (mu_g / mean) * math.log(mu_g / mean)

    series = inequality_over_time(pwt_panel(), regions)
    row = series.loc[year]
    assert row["countries"] == n
    assert row["gini"] == pytest.approx(gini_hand, rel=1e-10)
    assert row["theil"] == pytest.approx(theil_hand, rel=1e-10)
    assert row["gini_weighted"] == pytest.approx(wgini_hand, rel=1e-10)
    assert row["theil_weighted"] == pytest.approx(wtheil_hand, rel=1e-10)
    assert row["theil_between"] == pytest.approx(between_hand, rel=1e-10)
    assert row["theil_between"] + row["theil_within"] == pytest.approx(row["theil"], rel=1e-12)


def test_every_year_agrees_with_the_slow_reference(world):
    pwt = pwt_panel()
    groups = world.countries["income_group"].dropna()
    series = inequality_over_time(pwt, groups)
    assert series.index.min() == 1950 and series.index.max() == 2017
    for year in (1950, 1975, 2000):
        rows = pwt[(pwt["year"] == year) & pwt["isocode"].isin(groups.index)].dropna(
            subset=["rgdpe", "pop"]
        )
        x = (rows["rgdpe"] / rows["pop"]).set_axis(rows["isocode"])
        w = rows["pop"].set_axis(rows["isocode"])
        dec = theil_decomposition(x, groups[x.index], w)
        assert series.at[year, "gini"] == pytest.approx(gini(x), rel=1e-10)
        assert series.at[year, "theil"] == pytest.approx(theil(x), rel=1e-10)
        assert series.at[year, "theil_weighted_between"] == pytest.approx(dec.between, rel=1e-10)
        assert series.at[year, "theil_weighted_within"] == pytest.approx(dec.within, rel=1e-10)


def test_theil_change_on_the_balanced_panel(world):
    pwt = pwt_panel()
    out = theil_change(pwt, world.countries.index, 1960, 2017, draws=200, seed=1)
    both = pwt[pwt["year"].isin([1960, 2017]) & pwt["isocode"].isin(world.countries.index)]
    both = both.dropna(subset=["rgdpe", "pop"])
    keep = both.groupby("isocode").size()
    keep = keep[keep == 2].index
    for year, column in ((1960, "first"), (2017, "last")):
        rows = both[(both["year"] == year) & both["isocode"].isin(keep)]
        x = (rows["rgdpe"] / rows["pop"]).set_axis(rows["isocode"])
        assert out.at["unweighted", column] == pytest.approx(theil(x), rel=1e-12)
        assert out.at["population_weighted", column] == pytest.approx(
            theil(x, rows["pop"].set_axis(rows["isocode"])), rel=1e-12
        )
    assert (out["countries"] == len(keep)).all()
    assert (out["p05"] <= out["p95"]).all()


def test_neighbour_correlation_on_a_constructed_panel():
    # 12 pairs of neighbours; the two countries of a pair share a common shock, and countries of
    # different pairs are independent: the correlation gap is about 1 / (1 + 0.3^2) = 0.92.
    rng = np.random.default_rng(0)
    years = range(1990, 2018)
    series = {}
    for k in range(12):
        common = rng.normal(size=len(years))
        series[f"A{k:02d}"] = common + 0.3 * rng.normal(size=len(years))
        series[f"B{k:02d}"] = common + 0.3 * rng.normal(size=len(years))
    rows = []
    for code, g in series.items():
        level = np.exp(np.cumsum(g / 100.0))
        rows += [
            {
                "isocode": code,
                "year": y,
                "rgdpe": lv,
                "rgdpna": lv,
                "pop": 1.0,
                "csh_x": 0.1,
                "csh_m": -0.1,
            }
            for y, lv in zip(years, level, strict=True)
        ]
    codes = list(series)
    index = pd.MultiIndex.from_product([codes, codes], names=["exporter", "importer"])
    contiguity = pd.Series(0, index=index)
    for k in range(12):
        contiguity[(f"A{k:02d}", f"B{k:02d}")] = contiguity[(f"B{k:02d}", f"A{k:02d}")] = 1
    out = neighbour_growth_correlation(pd.DataFrame(rows), contiguity, seed=2)
    assert out["neighbour_pairs"] == 12 and out["other_pairs"] == 24 * 23 // 2 - 12
    assert out["difference"] == pytest.approx(1 / 1.09, abs=0.1)
    assert out["p05"] > 0.5
    with pytest.raises(DataError, match="neighbouring pairs"):
        neighbour_growth_correlation(pd.DataFrame(rows), contiguity, min_years=40)
