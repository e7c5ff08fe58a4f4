"""The built-in world's tables: read once per process, assembled for one year on request.

The files in ``jahan/data`` are made by ``tools/build_world.py`` (see SOURCES.md):
countries (fundamentals), pairs (pair variables that do not change over time), trade (observed
international flows, ITPD-E 2000-2016, USD millions current), country_years (GDP, population and the
constructed domestic flow of each economy in each year), flows_modelled (the modelled 2016 baseline,
only on request), groups and sources.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from jahan.errors import DataError, Message

# Groups whose members share a free-trade area or customs union: they make the ``rta`` column.
TRADE_AGREEMENTS: tuple[str, ...] = (
    "EU", "CU", "EAEU", "CISFTA", "ASEAN", "MERCOSUR", "USMCA", "GCC", "AfCFTA",
)  # fmt: skip

DOMESTIC_RULES: dict[str, str] = {
    "default": "domestic",
    "itpde_first": "domestic_itpde_first",
}
"""Domestic-flow constructions: the name a user passes and the column of country_years it reads."""

FLOWS_CHOICES: tuple[str, ...] = ("observed", "modelled")


@dataclass(frozen=True)
class BuiltinTables:
    countries: pd.DataFrame
    pairs: pd.DataFrame
    trade: pd.DataFrame
    country_years: pd.DataFrame
    flows_modelled: pd.Series
    groups: pd.DataFrame
    sources: pd.DataFrame
    meta: dict


@cache
def builtin_tables() -> BuiltinTables:
    folder = resources.files("jahan") / "data"
    with (folder / "world.json").open("r", encoding="utf-8") as fh:
        meta = json.load(fh)

    def table(name: str) -> pd.DataFrame:
        with (folder / f"{name}.parquet").open("rb") as fh:
            return pd.read_parquet(fh)

    return BuiltinTables(
        countries=table("countries"),
        pairs=table("pairs"),
        trade=table("trade"),
        country_years=table("country_years"),
        flows_modelled=table("flows_modelled")["value"],
        groups=table("groups"),
        sources=table("sources"),
        meta=meta,
    )


def members_mask(groups: pd.DataFrame, name: str, year: int) -> pd.Series:
    g = groups[groups["group"] == name]
    entered = g["entry_year"].isna() | (g["entry_year"] <= year)
    not_left = g["exit_year"].isna() | (g["exit_year"] > year)
    return g.loc[(entered & not_left).fillna(False).astype(bool), "iso3"]


def group_pair_columns(codes: list[str], groups: pd.DataFrame, year: int) -> dict[str, np.ndarray]:
    """One 0/1 column per group (both countries members in ``year``; 0 on the diagonal) and ``rta``.

    Columns are lower-case group names, in the exporter-major order of ``codes x codes``.
    """
    n = len(codes)
    out: dict[str, np.ndarray] = {}
    rta = np.zeros((n, n), dtype=np.int64)
    for name in sorted(groups["group"].unique()):
        members = set(members_mask(groups, name, year))
        flag = np.fromiter((c in members for c in codes), dtype=bool, count=n)
        both = np.outer(flag, flag).astype(np.int64)
        np.fill_diagonal(both, 0)
        out[str(name).lower()] = both.ravel()
        if name in TRADE_AGREEMENTS:
            rta |= both
    out["rta"] = rta.ravel()
    return out


def _unknown_choice(option: str, value: object, choices: Iterable[str]) -> Message:
    """``option`` was given ``value``, which is not one of ``choices``."""
    return Message(
        "{option} {value!r}: use one of {choices}",
        option=option,
        value=value,
        choices=list(choices),
    )


def check_year(year: int, years: list[int]) -> int:
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise DataError(
            Message(
                "year {year!r}: give a whole year from {first} to {last}",
                year=year,
                first=int(years[0]),
                last=int(years[-1]),
            )
        ) from None
    if y != year or y not in years:
        raise DataError(
            Message(
                "year {year!r}: the built-in observed world covers {first}-{last} "
                "(ITPD-E release 1); choose a year in that range",
                year=year,
                first=int(years[0]),
                last=int(years[-1]),
            )
        )
    return y


def model_codes(tables: BuiltinTables, year: int) -> list[str]:
    """Economies in the trade model of ``year``: observed trade and a domestic flow."""
    cy = tables.country_years
    rows = cy[(cy["year"] == year) & cy["domestic"].notna()]
    return sorted(str(c) for c in rows["iso3"] if c in tables.countries.index)


def flow_matrix(t: BuiltinTables, codes: list[str], year: int, domestic: np.ndarray) -> np.ndarray:
    """Observed flows among ``codes`` in ``year`` (exporters in rows), ``domestic`` on the diagonal."""
    n = len(codes)
    pos = pd.Index(codes)
    tr = t.trade[t.trade["year"] == year]
    e = pos.get_indexer(tr["exporter"])
    i = pos.get_indexer(tr["importer"])
    ok = (e >= 0) & (i >= 0)
    m = np.zeros((n, n))
    m[e[ok], i[ok]] = tr["value"].to_numpy()[ok]
    m[np.arange(n), np.arange(n)] = domestic
    return m


def year_tables(
    year: int, *, domestic: str = "default", flows: str = "observed"
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.DataFrame, pd.DataFrame, dict]:
    """countries, pairs, flows, groups, sources and meta of the built-in world in ``year``."""
    t = builtin_tables()
    years = list(t.meta["years"])
    y = check_year(year, years)
    if domestic not in DOMESTIC_RULES:
        raise DataError(_unknown_choice("domestic", domestic, DOMESTIC_RULES))
    if flows not in FLOWS_CHOICES:
        raise DataError(_unknown_choice("flows", flows, FLOWS_CHOICES))
    if flows == "modelled" and y != t.meta["baseline_year"]:
        raise DataError(
            Message(
                "flows='modelled' exists for {year} only; the observed flows cover {first}-{last}",
                year=int(t.meta["baseline_year"]),
                first=int(years[0]),
                last=int(years[-1]),
            )
        )
    codes = model_codes(t, y)
    cy = t.country_years[t.country_years["year"] == y].set_index("iso3").reindex(codes)
    countries = t.countries.loc[codes].copy()
    countries["gdp_usd"] = cy["gdp_usd"].to_numpy()
    countries["gdp_source"] = [f"{s}_{y}" if isinstance(s, str) else None for s in cy["gdp_source"]]
    pop = cy["population"]
    countries["population"] = pop.fillna(countries["population"]).to_numpy()
    countries["population_source"] = np.where(
        pop.notna().to_numpy(), f"worldbank_{y}", countries["population_source"].to_numpy()
    )
    countries["domestic_rule"] = (
        cy["domestic_rule"].to_numpy()
        if domestic == "default"
        else np.where(cy["itpde_domestic"].to_numpy() > 0, "itpde", "gdp_net_exports")
    )

    index = pd.MultiIndex.from_product([codes, codes], names=["exporter", "importer"])
    pairs = t.pairs.reindex(index)
    for col, values in group_pair_columns(codes, t.groups, y).items():
        pairs[col] = values

    if flows == "modelled":
        values = t.flows_modelled.reindex(index).to_numpy()
        if np.isnan(values).any():
            raise DataError(
                Message("the modelled flows do not cover this world's countries; rebuild the data")
            )
        kind = "modelled"
    else:
        values = flow_matrix(t, codes, y, cy[DOMESTIC_RULES[domestic]].to_numpy()).ravel()
        kind = "observed"
    flow_series = pd.Series(values, index=index, name="value")
    groups = t.groups[t.groups["iso3"].isin(codes)].reset_index(drop=True)
    meta = {
        "baseline_year": y,
        "flows_kind": kind,
        "flows_unit": t.meta.get("flows_unit"),
        "flows_source": t.meta.get("flows_source")
        if kind == "observed"
        else t.meta.get("modelled_flows"),
        "domestic": domestic,
        "domestic_rule": t.meta.get("domestic_rule"),
        "years": years,
        "growth_years": t.meta.get("growth_years"),
        "growth_source": t.meta.get("growth_source"),
        "growth_definition": t.meta.get("growth_definition"),
    }
    return countries, pairs, flow_series, groups, t.sources.copy(), meta


def trade_panel(
    codes: list[str],
    groups: pd.DataFrame,
    years: list[int] | None = None,
    *,
    domestic: str = "default",
) -> pd.DataFrame:
    """The observed panel, long: one row per ordered pair of economies in each year's trade model.

    Columns: exporter, importer, year, value (USD millions, current; 0 where ITPD-E records no
    trade), international (0 for the constructed domestic flow), pair_id, ln_dist and the time-
    invariant pair variables, and ``both_<GROUP>`` (1 when both are members that year) per group.
    """
    t = builtin_tables()
    all_years = list(t.meta["years"])
    chosen = all_years if years is None else [check_year(y, all_years) for y in years]
    if domestic not in DOMESTIC_RULES:
        raise DataError(_unknown_choice("domestic", domestic, DOMESTIC_RULES))
    wanted = set(codes)
    group_names = sorted(str(g) for g in groups["group"].unique())
    static_cols = [c for c in t.pairs.columns]
    frames = []
    pair_codes = {c: k for k, c in enumerate(sorted(wanted))}
    for y in chosen:
        cy = t.country_years[(t.country_years["year"] == y) & t.country_years["domestic"].notna()]
        cy = cy[cy["iso3"].isin(wanted)].set_index("iso3").sort_index()
        yc = [str(c) for c in cy.index]
        n = len(yc)
        m = flow_matrix(t, yc, y, cy[DOMESTIC_RULES[domestic]].to_numpy())
        index = pd.MultiIndex.from_product([yc, yc], names=["exporter", "importer"])
        frame = t.pairs.reindex(index)[static_cols].reset_index()
        frame.insert(2, "year", np.int64(y))
        frame.insert(3, "value", m.ravel())
        ex = np.repeat([pair_codes[c] for c in yc], n)
        im = np.tile([pair_codes[c] for c in yc], n)
        frame["pair_id"] = ex * len(pair_codes) + im
        cols = group_pair_columns(yc, groups, y)
        frame["rta"] = cols["rta"].astype(np.int8)
        for name in group_names:
            frame[f"both_{name}"] = cols[name.lower()].astype(np.int8)
        frames.append(frame)
    panel = pd.concat(frames, ignore_index=True)
    panel.insert(panel.columns.get_loc("distance_km") + 1, "ln_dist", np.log(panel["distance_km"]))
    return panel


@cache
def builtin_migrants() -> pd.DataFrame:
    """UN DESA 2019 bilateral migrant stocks: origin, destination, year, persons."""
    folder = resources.files("jahan") / "data"
    with (folder / "migrants.parquet").open("rb") as fh:
        return pd.read_parquet(fh)
