"""Measured globalization variables of the built-in world, for every year the data allow.

Each variable is a flow, or a policy or institution that enables flows, in the sense of the KOF
Globalisation Index (Gygli, Haelg, Potrafke and Sturm 2019). Nothing here is modelled, and no
income, education or other development measure enters. docs/index.md lists every variable with
its source, years, transformation and direction; :data:`GLOBALIZATION_VARIABLES` holds the same.

Agreements are counted once per lineage: a customs union or an economic union that deepens a
free-trade area among the same countries continues that agreement (the CIS free-trade area, the
Customs Union of 2010 and the Eurasian Economic Union are one lineage), see :data:`LINEAGES`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from jahan.errors import DataError, Message


@dataclass(frozen=True)
class Variable:
    """A measured globalization variable: where it comes from and what it means.

    ``node`` is the sub-dimension it belongs to (see :mod:`jahan.index.measured`); ``direction``
    is +1 when a higher value means more globalized.
    """

    code: str
    name: str
    node: str
    units: str
    direction: int
    source: str
    years: str
    definition: str


ITPDE = "ITPD-E release 1 (USITC; Borchert, Larch, Shikher and Yotov 2021), all 170 industries"
DESA = "UN DESA International Migrant Stock 2019 (bilateral), CC BY 3.0 IGO"
PWT = "Penn World Table 9.1 (Feenstra, Inklaar and Timmer 2015), CC BY 4.0"
GROUPS = (
    "the world's group memberships with entry years (tools/world_groups.csv, wto_accessions.csv)"
)

GLOBALIZATION_VARIABLES: tuple[Variable, ...] = (
    Variable(
        "trade_openness",
        "Trade openness (observed flows)",
        "trade_de_facto",
        "% of GDP",
        1,
        ITPDE,
        "2000-2016",
        "(international exports + imports, ITPD-E, USD millions current) / GDP x 100",
    ),
    Variable(
        "trade_share_pwt",
        "Exports and imports (PWT national accounts)",
        "trade_de_facto",
        "% of GDP",
        1,
        PWT,
        "2000-2016",
        "100 (csh_x pl_x - csh_m pl_m) / pl_gdpo: nominal shares from shares at current PPPs",
    ),
    Variable(
        "export_partner_breadth",
        "Export partner breadth",
        "trade_de_facto",
        "effective number of partners",
        1,
        ITPDE,
        "2000-2016",
        "1 / sum_j s_ij^2, s_ij the share of partner j in i's international exports",
    ),
    Variable(
        "import_partner_breadth",
        "Import partner breadth",
        "trade_de_facto",
        "effective number of partners",
        1,
        ITPDE,
        "2000-2016",
        "1 / sum_i s_ij^2, s_ij the share of partner i in j's international imports",
    ),
    Variable(
        "trade_agreements",
        "Trade agreements in force, once per lineage",
        "trade_de_jure",
        "count",
        1,
        GROUPS,
        "2000-2016",
        "number of agreement lineages (LINEAGES) with at least one agreement in force",
    ),
    Variable(
        "agreement_partners",
        "Partners in a trade agreement",
        "trade_de_jure",
        "count",
        1,
        GROUPS,
        "2000-2016",
        "number of other economies that share at least one agreement in force",
    ),
    Variable(
        "wto_years",
        "Years of WTO membership",
        "trade_de_jure",
        "years",
        1,
        GROUPS,
        "2000-2016",
        "year - WTO entry year + 1 for members (founders: 1995), 0 otherwise",
    ),
    Variable(
        "immigrant_share",
        "Immigrant stock",
        "migration_de_facto",
        "% of population",
        1,
        DESA,
        "2000-2016",
        "immigrants from other economies / population x 100",
    ),
    Variable(
        "emigrant_share",
        "Emigrant stock",
        "migration_de_facto",
        "% of population",
        1,
        DESA,
        "2000-2016",
        "emigrants living in other economies / population x 100",
    ),
    Variable(
        "immigrant_origin_breadth",
        "Breadth of immigrant origins",
        "migration_de_facto",
        "effective number of countries",
        1,
        DESA,
        "2000-2016",
        "1 / sum_o s_o^2, s_o the share of origin o among the immigrants",
    ),
    Variable(
        "diaspora_breadth",
        "Diaspora breadth",
        "migration_de_facto",
        "effective number of countries",
        1,
        DESA,
        "2000-2016",
        "1 / sum_d s_d^2, s_d the share of destination d among the emigrants",
    ),
    Variable(
        "organisation_memberships",
        "Memberships of international organisations, once per lineage",
        "political_de_jure",
        "count",
        1,
        GROUPS,
        "2000-2016",
        "number of organisation lineages (LINEAGES) among ORGANISATIONS the country belongs to",
    ),
)

AGREEMENTS: tuple[str, ...] = (
    "EU", "CISFTA", "CU", "EAEU", "ASEAN", "MERCOSUR", "USMCA", "GCC", "AfCFTA",
)  # fmt: skip
"""Groups of the world that are trade agreements (free-trade areas, customs unions, unions)."""

ORGANISATIONS: tuple[str, ...] = (
    "EU", "CU", "EAEU", "CIS", "SCO", "CSTO", "OECD", "ASEAN", "MERCOSUR", "GCC", "BRICS",
)  # fmt: skip
"""Groups that are international organisations (WTO counts as its own variable; CA5 is a region)."""

LINEAGES: dict[str, str] = {
    "CISFTA": "CIS free trade -> Customs Union -> EAEU",
    "CU": "CIS free trade -> Customs Union -> EAEU",
    "EAEU": "CIS free trade -> Customs Union -> EAEU",
}
"""Groups that continue one another. A country counts a lineage once however many of its groups
it is in: the Customs Union of Belarus, Kazakhstan and Russia (2010) deepened the CIS free-trade
area among them, and the Eurasian Economic Union (2015; counted from the 2010 union) continued the
Customs Union. Every other group is its own lineage. As organisations, the CU and the EAEU are one
(the Eurasian Economic Commission runs both); the CIS is a different organisation."""

DESA_YEARS: tuple[int, ...] = (1990, 1995, 2000, 2005, 2010, 2015, 2019)


def lineage(group: str) -> str:
    """The agreement lineage a group belongs to (the group itself unless in :data:`LINEAGES`)."""
    return LINEAGES.get(group, group)


def lineage_counts(groups: pd.DataFrame, names: Sequence[str], year: int) -> pd.Series:
    """Per ISO3: the number of distinct lineages among ``names`` with membership in ``year``.

    ``groups`` has columns group, iso3, entry_year, exit_year (exit is the first year out).
    """
    g = groups[groups["group"].isin(list(names))]
    entered = g["entry_year"].isna() | (g["entry_year"] <= year)
    not_left = g["exit_year"].isna() | (g["exit_year"] > year)
    active = g[(entered & not_left).fillna(False).astype(bool)]
    lines = active.assign(lineage=active["group"].map(lineage))
    return lines.groupby("iso3")["lineage"].nunique()


def agreement_partner_counts(groups: pd.DataFrame, codes: Sequence[str], year: int) -> pd.Series:
    """Per ISO3 of ``codes``: other economies of ``codes`` sharing an agreement in force in ``year``."""
    g = groups[groups["group"].isin(AGREEMENTS)]
    entered = g["entry_year"].isna() | (g["entry_year"] <= year)
    not_left = g["exit_year"].isna() | (g["exit_year"] > year)
    active = g[(entered & not_left).fillna(False).astype(bool) & g["iso3"].isin(list(codes))]
    pairs = active.merge(active, on="group", suffixes=("", "_partner"))
    pairs = pairs[pairs["iso3"] != pairs["iso3_partner"]]
    counts = pairs.groupby("iso3")["iso3_partner"].nunique()
    return counts.reindex(list(codes), fill_value=0).astype(float)


def wto_years(groups: pd.DataFrame, codes: Sequence[str], year: int) -> pd.Series:
    """Per ISO3: years of WTO membership up to and including ``year`` (0 for non-members)."""
    g = groups[(groups["group"] == "WTO") & groups["iso3"].isin(list(codes))]
    entry = g.set_index("iso3")["entry_year"].astype(float)
    exit_ = g.set_index("iso3")["exit_year"].astype(float)
    member = (entry <= year) & (exit_.isna() | (exit_ > year))
    years = (year - entry + 1).where(member, 0.0)
    return years.reindex(list(codes), fill_value=0.0).astype(float)


def effective_number(values: pd.Series, by: pd.Series) -> pd.Series:
    """1 / sum of squared shares of ``values`` within each ``by`` group (NaN where the total is 0)."""
    total = values.groupby(by).transform("sum")
    share = values / total.where(total > 0)
    hhi = (share**2).groupby(by).sum(min_count=1)
    return 1.0 / hhi.where(hhi > 0)


def stocks_in_year(migrants: pd.DataFrame, year: int) -> pd.DataFrame:
    """Bilateral stocks in ``year``, linear between the two UN DESA years around it.

    ``migrants`` has columns origin, destination, year, persons. A pair missing in one of the two
    years counts as 0 there (DESA leaves out empty cells).
    """
    known = sorted(int(y) for y in migrants["year"].unique())
    if year < known[0] or year > known[-1]:
        raise DataError(
            Message(
                "migrant stocks cover {first}-{last}; year {year} is outside that range",
                first=known[0],
                last=known[-1],
                year=year,
            )
        )
    lower = max(y for y in known if y <= year)
    upper = min(y for y in known if y >= year)
    keys = ["origin", "destination"]
    a = migrants[migrants["year"] == lower].set_index(keys)["persons"]
    if upper == lower:
        return a.rename("persons").reset_index()
    b = migrants[migrants["year"] == upper].set_index(keys)["persons"]
    a, b = a.align(b, fill_value=0.0)
    t = (year - lower) / (upper - lower)
    return ((1.0 - t) * a + t * b).rename("persons").reset_index()


@cache
def _pwt_trade() -> pd.DataFrame:
    with (resources.files("jahan") / "data" / "pwt_trade.parquet").open("rb") as fh:
        return pd.read_parquet(fh)


def _year_variables(
    year: int,
    codes: list[str],
    trade: pd.DataFrame,
    people: pd.DataFrame,
    groups: pd.DataFrame,
    migrants: pd.DataFrame | None,
    pwt: pd.DataFrame | None,
) -> dict[str, pd.Series]:
    idx = pd.Index(codes, name="country")
    gdp_musd = people["gdp_usd"].reindex(idx) / 1e6
    pop = people["population"].reindex(idx)
    out: dict[str, pd.Series] = {}
    t = trade[(trade["exporter"] != trade["importer"]) & (trade["value"] > 0)]
    t = t[t["exporter"].isin(codes) & t["importer"].isin(codes)]
    exports = t.groupby("exporter")["value"].sum().reindex(idx, fill_value=0.0)
    imports = t.groupby("importer")["value"].sum().reindex(idx, fill_value=0.0)
    out["trade_openness"] = (exports + imports) / gdp_musd * 100.0
    out["export_partner_breadth"] = effective_number(t["value"], t["exporter"]).reindex(idx)
    out["import_partner_breadth"] = effective_number(t["value"], t["importer"]).reindex(idx)
    if pwt is not None:
        p = pwt[pwt["year"] == year].set_index("iso3")
        out["trade_share_pwt"] = (p["exports_pct_gdp"] + p["imports_pct_gdp"]).reindex(idx)
    out["trade_agreements"] = lineage_counts(groups, AGREEMENTS, year).reindex(idx, fill_value=0)
    out["agreement_partners"] = agreement_partner_counts(groups, codes, year).reindex(idx)
    out["wto_years"] = wto_years(groups, codes, year).reindex(idx)
    out["organisation_memberships"] = lineage_counts(groups, ORGANISATIONS, year).reindex(
        idx, fill_value=0
    )
    if migrants is not None:
        s = stocks_in_year(migrants, year)
        s = s[s["origin"].isin(codes) & s["destination"].isin(codes)]
        s = s[(s["origin"] != s["destination"]) & (s["persons"] > 0)]
        immigrants = s.groupby("destination")["persons"].sum().reindex(idx, fill_value=0.0)
        emigrants = s.groupby("origin")["persons"].sum().reindex(idx, fill_value=0.0)
        out["immigrant_share"] = immigrants / pop * 100.0
        out["emigrant_share"] = emigrants / pop * 100.0
        out["immigrant_origin_breadth"] = effective_number(s["persons"], s["destination"]).reindex(
            idx
        )
        out["diaspora_breadth"] = effective_number(s["persons"], s["origin"]).reindex(idx)
    return out


def globalization_variables(years: Sequence[int] | None = None) -> pd.DataFrame:
    """The measured globalization variables of the built-in world as a long table.

    Parameters
    ----------
    years : sequence of int, optional
        Years to compute (default: every year of the observed trade, 2000-2016).

    Returns
    -------
    DataFrame
        Columns country, year, indicator, value, source: one row per economy of the built-in
        world in that year (observed trade, GDP and population) and variable with a finite value.
        Codes, definitions and sources are in :data:`GLOBALIZATION_VARIABLES`.
    """
    from jahan.world._builtin import builtin_tables, check_year

    known = list(builtin_tables().meta["years"])
    chosen = known if years is None else [check_year(y, known) for y in years]
    return _variables(tuple(sorted(set(chosen)))).copy()


@cache
def _variables(chosen: tuple[int, ...]) -> pd.DataFrame:
    """The long table for ``chosen`` years, computed once per process (the data are packaged)."""
    from jahan.world._builtin import builtin_migrants, builtin_tables, model_codes

    tables = builtin_tables()
    try:
        migrants = builtin_migrants()
    except FileNotFoundError:
        migrants = None
    pwt = _pwt_trade()
    sources = {v.code: v.source for v in GLOBALIZATION_VARIABLES}
    frames = []
    trade = tables.trade
    cy = tables.country_years
    for year in chosen:
        codes = model_codes(tables, year)
        people = cy[cy["year"] == year].set_index("iso3")
        variables = _year_variables(
            year, codes, trade[trade["year"] == year], people, tables.groups, migrants, pwt
        )
        frame = pd.DataFrame(variables)
        frame.index.name = "country"
        long = frame.reset_index().melt(id_vars="country", var_name="indicator", value_name="value")
        long = long[np.isfinite(long["value"].astype(float))]
        long.insert(1, "year", int(year))
        frames.append(long)
    out = pd.concat(frames, ignore_index=True)
    out["source"] = out["indicator"].map(sources)
    return out.sort_values(["year", "indicator", "country"]).reset_index(drop=True)
