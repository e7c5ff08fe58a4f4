"""Indicators computed from the built-in world alone (no outside data, nothing invented).

Each indicator is defined from the world's countries, pairs, flows and group memberships for the
baseline year. Indicators computed from the flows (trade openness, export partner diversity) state
the kind of flows in their source: the built-in flows are observed (ITPD-E); a world whose flows
are modelled (``World.flows_kind == "modelled"``) marks them so, and every output that shows them
says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jahan.errors import DataError, Message

# Groups that are trade agreements (free-trade areas, customs unions, single markets).
TRADE_AGREEMENT_GROUPS: tuple[str, ...] = (
    "EU",
    "CU",
    "EAEU",
    "CISFTA",
    "ASEAN",
    "MERCOSUR",
    "USMCA",
    "GCC",
    "AfCFTA",
)
# Groups that are international organisations with members (CA5 is a region, not an organisation;
# CU, CISFTA, USMCA and AfCFTA are agreements counted above).
ORGANISATION_GROUPS: tuple[str, ...] = (
    "EU",
    "EAEU",
    "CIS",
    "SCO",
    "CSTO",
    "WTO",
    "OECD",
    "ASEAN",
    "MERCOSUR",
    "GCC",
    "BRICS",
)


@dataclass(frozen=True)
class BuiltinIndicator:
    """Definition of a built-in indicator.

    ``kof_parent`` is the node of the KOF-structured framework it is placed under, and
    ``stands_for`` the KOF variable it approximates (empty when it approximates none).
    """

    code: str
    name: str
    units: str
    direction: int
    kof_parent: str
    stands_for: str
    definition: str
    modelled: bool = False


BUILTIN_INDICATORS: tuple[BuiltinIndicator, ...] = (
    BuiltinIndicator(
        "trade_openness",
        "Trade openness (from baseline flows)",
        "% of GDP",
        1,
        "trade_de_facto",
        "trade_goods",
        "(exports + imports, international only, from the world's baseline flows) / GDP x 100",
        modelled=True,
    ),
    BuiltinIndicator(
        "export_partner_diversity",
        "Export partner diversity (from baseline flows)",
        "effective number of partners",
        1,
        "trade_de_facto",
        "trade_partner_diversity",
        "1 / sum_j s_ij^2 with s_ij the share of partner j in i's international exports",
        modelled=True,
    ),
    BuiltinIndicator(
        "trade_agreements_count",
        "Trade agreements in force (among the world's groups)",
        "count",
        1,
        "trade_de_jure",
        "trade_agreements",
        "number of the trade agreements "
        + ", ".join(TRADE_AGREEMENT_GROUPS)
        + " the country is in, "
        "once per lineage (CISFTA, CU and EAEU are one)",
    ),
    BuiltinIndicator(
        "international_organisations_count",
        "Memberships of international organisations (among the world's groups)",
        "count",
        1,
        "political_de_jure",
        "international_organisations",
        "number of the organisations " + ", ".join(ORGANISATION_GROUPS) + " the country belongs to",
    ),
    BuiltinIndicator(
        "remoteness_km",
        "Remoteness (GDP-weighted distance to other countries)",
        "km",
        -1,
        "trade_de_facto",
        "",
        "sum_j (GDP_j / sum_k GDP_k) distance_ij over all other countries j, k",
    ),
    BuiltinIndicator(
        "shared_language_population_pct",
        "Population of other countries sharing an official language",
        "% of world population outside the country",
        1,
        "cultural_de_facto",
        "",
        "population of countries sharing an official language / population of all other countries x 100",
    ),
)


def _members(world, names: tuple[str, ...], year: int | None) -> pd.Series:
    """Memberships among ``names``, once per lineage: the CIS free-trade area, the Customs Union
    and the EAEU are one agreement (jahan.world.globalization.LINEAGES)."""
    from jahan.world.globalization import lineage

    present = set(world.group_names())
    lines: dict[str, set[str]] = {}
    for name in names:
        if name in present:
            for code in world.group(name, year=year):
                lines.setdefault(code, set()).add(lineage(name))
    codes = pd.Index(world.iso3, name="country")
    return pd.Series([float(len(lines.get(c, ()))) for c in codes], index=codes)


def builtin_indicators(world) -> pd.DataFrame:
    """The built-in indicators as a long table (country, year, indicator, value).

    Parameters
    ----------
    world : World
        The world to measure (e.g. :meth:`jahan.World.builtin`).

    Returns
    -------
    DataFrame
        Columns country, year, indicator, value, source, modelled. The year is the world's baseline
        year; ``modelled`` is True for values computed from modelled flows.
    """
    year = world.baseline_year
    if year is None:
        raise DataError(Message("the world has no baseline year: set it in its metadata"))
    countries = world.countries
    codes = pd.Index(world.iso3, name="country")
    columns: dict[str, pd.Series] = {}
    sources: dict[str, str] = {}

    if world.has_flows:
        kind = world.flows_kind
        flows = world.flows
        intl = flows[flows.index.get_level_values(0) != flows.index.get_level_values(1)]
        exports = intl.groupby(level=0).sum().reindex(codes)
        imports = intl.groupby(level=1).sum().reindex(codes)
        gdp_musd = countries["gdp_usd"].reindex(codes) / 1e6
        columns["trade_openness"] = (exports + imports) / gdp_musd * 100.0
        shares = intl / intl.groupby(level=0).transform("sum")
        columns["export_partner_diversity"] = (1.0 / (shares**2).groupby(level=0).sum()).reindex(
            codes
        )
        sources["trade_openness"] = f"{kind}: world baseline flows {year} and GDP"
        sources["export_partner_diversity"] = f"{kind}: world baseline flows {year}"

    columns["trade_agreements_count"] = _members(world, TRADE_AGREEMENT_GROUPS, year)
    columns["international_organisations_count"] = _members(world, ORGANISATION_GROUPS, year)
    sources["trade_agreements_count"] = f"world group memberships in {year}"
    sources["international_organisations_count"] = f"world group memberships in {year}"

    pairs = world.pairs
    exporter = pairs.index.get_level_values(0)
    importer = pairs.index.get_level_values(1)
    other = exporter != importer
    if "distance_km" in pairs.columns:
        gdp = countries["gdp_usd"]
        partner_gdp = pd.Series(gdp.reindex(importer).to_numpy(), index=pairs.index)[other]
        dist = pairs["distance_km"][other]
        weights = partner_gdp / partner_gdp.groupby(level=0).transform("sum")
        columns["remoteness_km"] = (weights * dist).groupby(level=0).sum(min_count=1).reindex(codes)
        sources["remoteness_km"] = "world capital distances and GDP"
    if "common_language" in pairs.columns:
        pop = countries["population"]
        partner_pop = pd.Series(pop.reindex(importer).to_numpy(), index=pairs.index)[other]
        shared = (partner_pop * pairs["common_language"][other]).groupby(level=0).sum()
        total = partner_pop.groupby(level=0).sum()
        columns["shared_language_population_pct"] = (shared / total * 100.0).reindex(codes)
        sources["shared_language_population_pct"] = "world official languages and population"

    frame = pd.DataFrame(columns)
    frame.index.name = "country"
    long = frame.reset_index().melt(id_vars="country", var_name="indicator", value_name="value")
    long = long[np.isfinite(long["value"].astype(float))]
    long.insert(1, "year", int(year))
    long["source"] = long["indicator"].map(sources)
    from_flows = {"trade_openness", "export_partner_diversity"}
    long["modelled"] = long["indicator"].isin(from_flows) & (
        world.has_flows and world.flows_kind == "modelled"
    )
    return long.reset_index(drop=True)


def builtin_definitions() -> pd.DataFrame:
    """The definitions of the built-in indicators as a table (code, name, units, direction, ...)."""
    return pd.DataFrame([b.__dict__ for b in BUILTIN_INDICATORS]).set_index("code")
