"""Observed trade for the built-in world: ITPD-E bilateral flows, GDP by year, domestic flows.

Used by tools/build_world.py. Inputs (SOURCES.md names each with commit, path and licence):

- ``itpde_r01/itpd_aggregated.rds``: USITC ITPD-E release 1 summed over its 170 industries, an R list
  of 17 exporter x importer matrices for 2000..2016, stored at 2010 prices (the aggregating
  repository divided current USD by the US CPI-U of the year over that of 2010);
  ``itpde_r01/country_list.RData`` names the rows (column ``iso3``).
- ``pwt91/pwt91.parquet``: nominal GDP in current USD, ``cgdpo * pl_gdpo`` (Penn World Table 9.1).
- ``worldbank/openintro_gdp_countries_WB.csv``: World Bank GDP in current USD every ten years, for
  economies outside PWT 9.1 (log-linear between the decade years).
- ``worldbank/gt_countrypops_WB.csv``: World Bank population by year.

Domestic flows. ITPD-E's own domestic trade (production minus exports) is missing or partial where
production data are (for 2016 Russia's is 35 bn USD against a GDP of 1,285 bn). Domestic sales of
gross output are at least GDP minus gross exports (gross output >= value added), so:

- rule ``itpde``: ITPD-E's domestic flow where it reaches that lower bound (taken as complete);
- rule ``gdp_net_exports``: otherwise GDP minus gross exports (the lower bound itself);
- rule ``itpde_partial``: where the lower bound is not positive, ITPD-E's flow if it has one.

An economy with none of the three has no domestic flow that year and stays out of that year's trade
model (the build lists it). The alternative rule ``itpde_first`` (ITPD-E's flow wherever positive,
else the lower bound) is stored beside it so users can see how much the choice matters.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

YEARS = tuple(range(2000, 2017))

# US CPI-U, all items, U.S. city average, 1982-84 = 100, annual averages (BLS series CUUR0000SA0),
# as listed with the ITPD-E extract: the factor CPI(year) / CPI(2010) returns its stored 2010-price
# values to current USD.
CPI_U = {
    2000: 172.2, 2001: 177.1, 2002: 179.9, 2003: 184.0, 2004: 188.9, 2005: 195.3, 2006: 201.6,
    2007: 207.342, 2008: 215.303, 2009: 214.537, 2010: 218.056, 2011: 224.939, 2012: 229.594,
    2013: 232.957, 2014: 236.736, 2015: 237.017, 2016: 240.007,
}  # fmt: skip

# Codes of the aggregating repository's country list that are not ISO 3166-1 alpha-3.
ITPDE_CODE_FIXES = {
    "ARU": "ABW",
    "KOS": "XKX",
    "MON": "MCO",
    "TMP": "TLS",
    "ROM": "ROU",
    "ZAR": "COD",
}

# An economy whose gross exports exceed this share of GDP is a re-export or processing-trade hub:
# GDP minus gross exports understates its domestic sales (the named reason for a low domestic share).
HUB_EXPORTS_TO_GDP = 0.6

DOMESTIC_RULES = ("default", "itpde_first")


def read_itpde(sources: Path) -> pd.DataFrame:
    """Long table exporter, importer, year, value (USD millions, current), every nonzero cell.

    Domestic cells (exporter == importer) are ITPD-E's own, incomplete domestic trade.
    """
    import rdata

    folder = sources / "itpde_r01"
    with warnings.catch_warnings():
        # country_list is a data.table; rdata reads it as a data.frame and says so.
        warnings.simplefilter("ignore", UserWarning)
        matrices = rdata.conversion.convert(rdata.parser.parse_file(folder / "itpd_aggregated.rds"))
        clist = rdata.conversion.convert(rdata.parser.parse_file(folder / "country_list.RData"))
    clist = clist["country_list"]
    if len(matrices) != len(YEARS):
        raise ValueError(
            f"{folder / 'itpd_aggregated.rds'}: expected {len(YEARS)} matrices (2000-2016), got {len(matrices)}"
        )
    name_to_iso = {
        str(n): ITPDE_CODE_FIXES.get(str(c), str(c))
        for n, c in zip(clist["V1"], clist["iso3"], strict=True)
    }
    frames = []
    for year, arr in zip(YEARS, matrices, strict=True):
        rows = [name_to_iso[str(n)] for n in arr.coords[arr.dims[0]].values]
        cols = [name_to_iso[str(n)] for n in arr.coords[arr.dims[1]].values]
        if rows != cols:
            raise ValueError(f"ITPD-E {year}: row and column names differ")
        values = np.asarray(arr, dtype=float) * (CPI_U[year] / CPI_U[2010]) / 1e6
        if np.isnan(values).any() or (values < 0).any():
            raise ValueError(f"ITPD-E {year}: missing or negative cells")
        e, i = np.nonzero(values)
        frames.append(
            pd.DataFrame(
                {
                    "exporter": np.asarray(rows, dtype=object)[e],
                    "importer": np.asarray(cols, dtype=object)[i],
                    "year": year,
                    "value": values[e, i],
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    bad = out[(out["exporter"].str.len() != 3) | (out["importer"].str.len() != 3)]
    if len(bad):
        raise ValueError(
            f"ITPD-E: trade recorded for rows without an ISO3 code: {bad.head().to_dict('records')}"
        )
    return out


def trading_economies(itpde: pd.DataFrame) -> dict[int, set[str]]:
    """Economies with international trade (exports or imports) in each year."""
    intl = itpde[itpde["exporter"] != itpde["importer"]]
    return {
        int(y): set(g["exporter"]) | set(g["importer"]) for y, g in intl.groupby("year", sort=True)
    }


def gdp_by_year(sources: Path, codes: list[str], wb_names: dict[str, str]) -> pd.DataFrame:
    """GDP in current USD for each code and year 2000-2016: PWT 9.1, else World Bank interpolated.

    Returns a long frame iso3, year, gdp_usd, gdp_source (``pwt91`` or ``worldbank_interpolated``;
    NaN where neither has a figure). ``wb_names`` maps World Bank country names to ISO3.
    """
    pwt = pd.read_parquet(
        sources / "pwt91" / "pwt91.parquet", columns=["isocode", "year", "cgdpo", "pl_gdpo"]
    )
    pwt = pwt.assign(isocode=pwt["isocode"].astype(str), year=pwt["year"].astype(int))
    pwt = pwt[pwt["year"].between(YEARS[0], YEARS[-1])]
    pwt_gdp = (pwt["cgdpo"] * pwt["pl_gdpo"] * 1e6).set_axis(
        pd.MultiIndex.from_frame(pwt[["isocode", "year"]])
    )
    pwt_gdp = pwt_gdp.dropna()
    pwt_gdp = pwt_gdp[pwt_gdp > 0]

    wb = pd.read_csv(sources / "worldbank" / "openintro_gdp_countries_WB.csv")
    wb = (
        wb[wb["description"] == "GDP"]
        .assign(iso3=lambda d: d["country"].map(wb_names))
        .dropna(subset=["iso3"])
    )
    wb = wb.set_index("iso3")[["year_2000", "year_2010", "year_2020"]]
    wb.columns = [2000, 2010, 2020]

    rows = []
    for iso3 in codes:
        for year in YEARS:
            key = (iso3, year)
            if key in pwt_gdp.index:
                rows.append((iso3, year, float(pwt_gdp.loc[key]), "pwt91"))
                continue
            value = np.nan
            if iso3 in wb.index:
                known = wb.loc[iso3].dropna()
                known = known[known > 0]
                if len(known):
                    xs = np.array(known.index, dtype=float)
                    # Log-linear between the decade figures; the nearest one outside their range.
                    value = float(np.exp(np.interp(year, xs, np.log(known.to_numpy(dtype=float)))))
            rows.append(
                (iso3, year, value, "worldbank_interpolated" if np.isfinite(value) else None)
            )
    return pd.DataFrame(rows, columns=["iso3", "year", "gdp_usd", "gdp_source"])


def population_by_year(sources: Path, codes: list[str]) -> pd.DataFrame:
    """World Bank population, long frame iso3, year, population (2000-2016)."""
    df = pd.read_csv(sources / "worldbank" / "gt_countrypops_WB.csv")
    df = df[df["year"].between(YEARS[0], YEARS[-1]) & df["country_code_3"].isin(codes)]
    return df.rename(columns={"country_code_3": "iso3"})[["iso3", "year", "population"]]


def construct_domestic(
    itpde: pd.DataFrame, gdp: pd.DataFrame, trading: dict[int, set[str]]
) -> pd.DataFrame:
    """Domestic flows by economy and year under the documented rules (see the module docstring).

    Returns iso3, year, exports, imports, gdp_usd, itpde_domestic, lower_bound, domestic (default
    rule), domestic_rule, domestic_itpde_first, low_share_reason (all values in USD millions).
    """
    intl = itpde[itpde["exporter"] != itpde["importer"]]
    exports = intl.groupby(["exporter", "year"])["value"].sum().rename_axis(["iso3", "year"])
    imports = intl.groupby(["importer", "year"])["value"].sum().rename_axis(["iso3", "year"])
    dom = itpde[itpde["exporter"] == itpde["importer"]]
    itpde_dom = dom.set_index(["exporter", "year"])["value"].rename_axis(["iso3", "year"])
    g = gdp.set_index(["iso3", "year"])
    rows = []
    for year, codes in trading.items():
        for iso3 in sorted(codes):
            key = (iso3, year)
            ex = float(exports.get(key, 0.0))
            im = float(imports.get(key, 0.0))
            own = float(itpde_dom.get(key, 0.0))
            gdp_usd = float(g["gdp_usd"].get(key, np.nan)) if key in g.index else np.nan
            bound = gdp_usd / 1e6 - ex if np.isfinite(gdp_usd) else np.nan
            if np.isfinite(bound) and bound > 0:
                if own >= bound:
                    value, rule = own, "itpde"
                else:
                    value, rule = bound, "gdp_net_exports"
                first = own if own > 0 else bound
            elif own > 0:
                value, rule, first = own, "itpde_partial", own
            else:
                value, rule, first = np.nan, None, np.nan
            reason = None
            if np.isfinite(value) and value / (value + im) < 0.2:
                if np.isfinite(gdp_usd) and ex / (gdp_usd / 1e6) > HUB_EXPORTS_TO_GDP:
                    reason = f"gross exports {ex / (gdp_usd / 1e6):.0%} of GDP (re-export or processing hub)"
                elif im / (gdp_usd / 1e6) > HUB_EXPORTS_TO_GDP if np.isfinite(gdp_usd) else False:
                    reason = f"gross imports {im / (gdp_usd / 1e6):.0%} of GDP (recorded imports far above domestic value added)"
                else:
                    reason = "domestic share below 0.2 with no hub or import-dependence signature"
            rows.append(
                {
                    "iso3": iso3,
                    "year": year,
                    "exports": ex,
                    "imports": im,
                    "gdp_usd": gdp_usd,
                    "itpde_domestic": own,
                    "lower_bound": bound,
                    "domestic": value,
                    "domestic_rule": rule,
                    "domestic_itpde_first": first,
                    "low_share_reason": reason,
                }
            )
    return pd.DataFrame(rows)
