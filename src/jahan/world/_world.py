"""The World: countries, pairs, flows and groups for one baseline year."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jahan._i18n import fmt_number, tr
from jahan._result import SummaryText
from jahan._text import text_table
from jahan.errors import DataError, Message
from jahan.world._sectors import SectorData
from jahan.world._validate import (
    as_flow_series,
    as_pair_frame,
    check_codes,
    check_duplicates,
    check_flows,
    nearest,
)

COUNTRY_COLUMNS: tuple[str, ...] = (
    "name_en",
    "name_ru",
    "name_kk",
    "region",
    "subregion",
    "capital",
    "lat",
    "lon",
    "population",
    "gdp_usd",
    "area_km2",
    "landlocked",
    "languages",
    "currency",
    "income_group",
)
"""Columns every ``World.countries`` table has (missing ones are filled with NA)."""

GROUP_COLUMNS: tuple[str, ...] = ("group", "iso3", "entry_year", "exit_year", "source")
FLOWS_KINDS: tuple[str, ...] = ("observed", "modelled")
_FLOAT_COLUMNS = ("lat", "lon", "population", "gdp_usd", "area_km2")


def _norm_countries(countries: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(countries, pd.DataFrame):
        raise DataError(
            Message(
                "countries: expected a pandas DataFrame, got {kind}", kind=type(countries).__name__
            )
        )
    df = countries.copy()
    if "iso3" in df.columns:
        df = df.set_index("iso3")
    df.index = pd.Index([str(c) for c in df.index], name="iso3", dtype=object)
    check_codes(df.index, None, "countries")
    dup = sorted(set(df.index[df.index.duplicated()]))
    if dup:
        raise DataError(
            Message(
                "countries: duplicate ISO3 code(s): {codes}; keep one row per country", codes=dup
            )
        )
    if len(df) == 0:
        raise DataError(Message("countries: the table is empty"))
    for col in COUNTRY_COLUMNS:
        if col not in df.columns:
            if col == "name_en":
                df[col] = df.index.to_numpy()
            elif col in ("name_ru", "name_kk"):
                df[col] = df["name_en"]
            elif col == "landlocked":
                df[col] = pd.array([pd.NA] * len(df), dtype="boolean")
            elif col in _FLOAT_COLUMNS:
                df[col] = np.nan
            else:
                df[col] = pd.array([pd.NA] * len(df), dtype="string")
    for col in _FLOAT_COLUMNS:
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    if df["landlocked"].dtype != bool:
        df["landlocked"] = df["landlocked"].astype("boolean")
    extra = [c for c in df.columns if c not in COUNTRY_COLUMNS]
    return df[list(COUNTRY_COLUMNS) + extra]


def _norm_groups(groups: pd.DataFrame | None, codes: Sequence[str]) -> pd.DataFrame:
    if groups is None:
        return pd.DataFrame(
            {
                "group": pd.Series([], dtype=object),
                "iso3": pd.Series([], dtype=object),
                "entry_year": pd.Series([], dtype="Int64"),
                "exit_year": pd.Series([], dtype="Int64"),
                "source": pd.Series([], dtype=object),
            }
        )
    missing = [c for c in ("group", "iso3") if c not in groups.columns]
    if missing:
        raise DataError(
            Message(
                "groups: missing column(s) {missing!r}; expected {expected!r}",
                missing=missing,
                expected=list(GROUP_COLUMNS),
            )
        )
    df = groups.reset_index(drop=True).copy()
    for col in ("entry_year", "exit_year"):
        if col not in df.columns:
            df[col] = pd.NA
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
    if "source" not in df.columns:
        df["source"] = pd.NA
    check_codes(df["iso3"], codes, "groups")
    dup = df.duplicated(subset=["group", "iso3", "entry_year"])
    if dup.any():
        rows = [
            Message("{group}/{code} (row {row})", group=g, code=c, row=k)
            for k, (g, c) in df.loc[dup, ["group", "iso3"]].iterrows()
        ]
        raise DataError(Message("groups: duplicate membership row(s): {rows}", rows=rows[:8]))
    return df[list(GROUP_COLUMNS)].sort_values(["group", "iso3"]).reset_index(drop=True)


def _default_pairs(countries: pd.DataFrame) -> pd.DataFrame:
    from jahan.world._geo import distance_matrix_km

    codes = list(countries.index)
    n = len(codes)
    index = pd.MultiIndex.from_product([codes, codes], names=["exporter", "importer"])
    frame: dict[str, np.ndarray] = {"international": (1 - np.eye(n, dtype=np.int64)).ravel()}
    if countries[["lat", "lon", "area_km2"]].notna().all().all():
        frame["distance_km"] = distance_matrix_km(
            countries["lat"], countries["lon"], countries["area_km2"]
        ).ravel()
    return pd.DataFrame(frame, index=index)


def _norm_pairs(pairs: pd.DataFrame | None, countries: pd.DataFrame) -> pd.DataFrame:
    if pairs is None:
        return _default_pairs(countries)
    if not isinstance(pairs, pd.DataFrame):
        raise DataError(
            Message("pairs: expected a pandas DataFrame, got {kind}", kind=type(pairs).__name__)
        )
    df = as_pair_frame(pairs, "pairs")
    idx = df.index
    codes = list(countries.index)
    check_codes(
        list(idx.get_level_values(0).unique()) + list(idx.get_level_values(1).unique()),
        codes,
        "pairs",
    )
    check_duplicates(idx, "pairs")
    if "distance_km" in df.columns:
        d = pd.to_numeric(df["distance_km"], errors="coerce")
        bad = d.isna() | (d <= 0)
        if bad.any():
            rows = [f"{e}->{i}" for e, i in df.index[bad.to_numpy()]][:8]
            raise DataError(
                Message("pairs: distance_km must be positive; bad rows: {rows}", rows=rows)
            )
    if "international" not in df.columns:
        e = df.index.get_level_values(0)
        i = df.index.get_level_values(1)
        df["international"] = (e != i).astype(np.int64)
    return df


class World:
    """Countries, country pairs, trade flows and group memberships for one baseline year.

    Build one with :meth:`builtin`, :meth:`from_frames`, :meth:`read` or
    :func:`jahan.world.read_cepii_gravity`; the tables are meant to be read, not modified
    (use :meth:`restrict` or :meth:`from_frames` to derive a new world).

    Attributes
    ----------
    countries : DataFrame
        Indexed by ``iso3``; columns in :data:`COUNTRY_COLUMNS` (and any extra ones).
    pairs : DataFrame
        Indexed by (exporter, importer); every ordered pair including i = i when built in.
    flows : Series or None
        Trade in USD millions named ``value`` on (exporter, importer), domestic flows included.
    groups : DataFrame
        Memberships: group, iso3, entry_year, exit_year (nullable Int), source.
    baseline_year : int or None
    flows_kind : {"observed", "modelled"}
    sources : DataFrame
        One row per input (package, version, path, licence, year).
    """

    __slots__ = (
        "_countries",
        "_pairs",
        "_flows",
        "_groups",
        "_sources",
        "_meta",
        "_sectors",
        "_builtin",
    )

    def __init__(
        self,
        countries: pd.DataFrame,
        pairs: pd.DataFrame,
        flows: pd.Series | None,
        groups: pd.DataFrame,
        sources: pd.DataFrame,
        meta: dict,
        sectors: SectorData | None = None,
        builtin: bool = False,
    ) -> None:
        self._builtin = builtin
        self._countries = countries
        self._pairs = pairs
        self._flows = flows
        self._groups = groups
        self._sources = sources
        self._meta = dict(meta)
        self._sectors = sectors

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_frames(
        cls,
        countries: pd.DataFrame,
        pairs: pd.DataFrame | None = None,
        flows: pd.Series | pd.DataFrame | None = None,
        groups: pd.DataFrame | None = None,
        baseline_year: int | None = None,
        flows_kind: str = "observed",
        *,
        sources: pd.DataFrame | None = None,
        require_domestic: bool = False,
        sectors: SectorData | None = None,
    ) -> World:
        """Build a World from tables, validating every one of them.

        Parameters
        ----------
        countries : DataFrame
            Indexed by ISO3 (or with an ``iso3`` column); missing standard columns become NA.
        pairs : DataFrame, optional
            Indexed by (exporter, importer) or with those columns. Default: every ordered pair
            with great-circle distances when the countries have lat, lon and area_km2.
        flows : Series or DataFrame, optional
            A Series on (exporter, importer) or a long frame with exporter, importer, value
            (USD millions). Must cover every ordered pair of the countries (0 for no trade).
        groups : DataFrame, optional
            Columns group, iso3, entry_year, exit_year, source.
        baseline_year : int, optional
        flows_kind : {"observed", "modelled"}
        sources : DataFrame, optional
        require_domestic : bool
            Also require a positive domestic flow for every country.
        sectors : SectorData, optional
            Multi-sector model inputs (see :class:`jahan.world.SectorData`); their country
            codes must be countries of this world.

        Raises
        ------
        DataError
            Naming the rows at fault: unknown ISO3 codes (with the nearest valid one), duplicate
            pairs, negative or missing flows, a non-square flow set, missing domestic flows.
        """
        if flows_kind not in FLOWS_KINDS:
            raise DataError(
                Message(
                    "flows_kind {kind!r}: use one of {allowed}",
                    kind=flows_kind,
                    allowed=FLOWS_KINDS,
                )
            )
        c = _norm_countries(countries)
        codes = list(c.index)
        p = _norm_pairs(pairs, c)
        f = None
        if flows is not None:
            f = as_flow_series(flows)
            check_flows(f, codes, require_domestic=require_domestic)
            f = f.sort_index(level=[0, 1])
        elif require_domestic:
            raise DataError(Message("flows: none given, but domestic flows are required"))
        g = _norm_groups(groups, codes)
        if sources is None:
            sources = pd.DataFrame(
                columns=["key", "package", "version", "path", "licence", "year", "used_for"]
            )
        meta = {
            "baseline_year": None if baseline_year is None else int(baseline_year),
            "flows_kind": flows_kind,
        }
        world = cls(c, p, f, g, sources.reset_index(drop=True), meta)
        return world.with_sectors(sectors) if sectors is not None else world

    @classmethod
    def builtin(
        cls, year: int | None = None, *, domestic: str = "default", flows: str = "observed"
    ) -> World:
        """The built-in world shipped with jahan (no network): observed trade of one year.

        Parameters
        ----------
        year : int, optional
            Baseline year, 2000-2016 (default 2016, the latest year of ITPD-E release 1).
        domestic : {"default", "itpde_first"}
            How domestic flows X_ii are constructed (ITPD-E's own are incomplete):
            ``"default"`` takes ITPD-E's domestic flow where it reaches GDP minus gross exports and
            that lower bound otherwise; ``"itpde_first"`` takes ITPD-E's flow wherever it is
            positive. ``countries["domestic_rule"]`` names the rule each economy got.
        flows : {"observed", "modelled"}
            ``"modelled"`` gives the structural-gravity flows balanced to GDP (2016 only), for
            comparison: a modelled world says so in ``flows_kind``.

        Economies: those with observed trade in ITPD-E in ``year`` that have GDP, a capital and
        a GeoNames record (190 in 2016; ``world.meta`` and docs/world.md list who is left out and
        why). International flows are ITPD-E's (all industries, services included) in USD millions
        at current prices. Each call returns a World with its own copies of the tables.
        """
        from jahan.world._builtin import builtin_tables, year_tables

        y = builtin_tables().meta["baseline_year"] if year is None else year
        countries, pairs, flow_series, groups, sources, meta = year_tables(
            y, domestic=domestic, flows=flows
        )
        return cls(countries, pairs, flow_series, groups, sources, meta, builtin=True)

    @property
    def migrants(self) -> pd.DataFrame:
        """Observed bilateral migrant stocks among this world's countries (UN DESA 2019).

        Long frame origin, destination, year (1990, 1995, ..., 2015, 2019), persons. Only the
        built-in world carries them.
        """
        if not self._builtin:
            raise DataError(
                Message(
                    "migrants: only the built-in world carries migrant stocks (World.builtin())"
                )
            )
        from jahan.world._builtin import builtin_migrants

        m = builtin_migrants()
        keep = set(self.iso3)
        return m[m["origin"].isin(keep) & m["destination"].isin(keep)].reset_index(drop=True)

    def trade_panel(
        self, years: Sequence[int] | None = None, *, domestic: str | None = None
    ) -> pd.DataFrame:
        """The observed trade panel 2000-2016 among this world's countries, ready for ``fepois``.

        Long frame: exporter, importer, year, value (USD millions, current; 0 where no trade is
        recorded), pair variables (distance_km, ln_dist, contiguity, common_language, ...,
        international = 0 for the constructed domestic flow), pair_id, rta, and one
        ``both_<GROUP>`` 0/1 column per group (both countries members in that year). An economy
        appears in the years it is in the trade model (observed trade and a domestic flow).

        Parameters
        ----------
        years : sequence of int, optional
            Years to include (default: every year 2000-2016).
        domestic : {"default", "itpde_first"}, optional
            Domestic-flow construction (default: the one this world was built with).
        """
        if not self._builtin:
            raise DataError(
                Message(
                    "trade_panel: this world has no observed panel; the built-in world has one "
                    "(World.builtin().trade_panel())"
                )
            )
        from jahan.world._builtin import trade_panel

        rule = self._meta.get("domestic", "default") if domestic is None else domestic
        return trade_panel(
            self.iso3, self._groups, None if years is None else list(years), domestic=rule
        )

    @classmethod
    def read(cls, path: str | Path, *, require_domestic: bool = False) -> World:
        """Read a world from a folder or from one long flows file (CSV or Parquet).

        A folder holds ``countries``, ``pairs``, ``flows`` and ``groups`` (each ``.parquet`` or
        ``.csv``; only flows or countries is required) and optionally ``sources`` and
        ``world.json`` (baseline_year, flows_kind). A single file is a long flows table with
        columns exporter, importer, value.
        """
        from jahan.world._io import read_world

        return read_world(Path(path), require_domestic=require_domestic)

    def write(self, folder: str | Path) -> Path:
        """Write the world to ``folder`` as Parquet files plus world.json, each file atomically."""
        from jahan.world._io import write_world

        return write_world(self, Path(folder))

    def with_sectors(self, sectors: SectorData | None) -> World:
        """This world with sector data (the multi-sector model's inputs) attached, or removed.

        Scenarios with ``type = "tariff"`` shocks run on it with the multi-sector model.
        Raises DataError when a country of the sector tables is not a country of the world.
        """
        if sectors is not None:
            if not isinstance(sectors, SectorData):
                raise DataError(
                    Message(
                        "sectors: expected a jahan.world.SectorData, got {kind}; build one with "
                        "SectorData.from_frames(...) or SectorData.from_inputs(...)",
                        kind=type(sectors).__name__,
                    )
                )
            sectors.check_countries(self.iso3)
        return World(
            self._countries,
            self._pairs,
            self._flows,
            self._groups,
            self._sources,
            self._meta,
            sectors,
            builtin=self._builtin,
        )

    # -- tables ---------------------------------------------------------------------------------

    @property
    def sectors(self) -> SectorData | None:
        """Sector data (multi-sector model inputs), or None for a one-sector world."""
        return self._sectors

    @property
    def has_sectors(self) -> bool:
        return self._sectors is not None

    @property
    def countries(self) -> pd.DataFrame:
        return self._countries

    @property
    def pairs(self) -> pd.DataFrame:
        return self._pairs

    @property
    def flows(self) -> pd.Series:
        if self._flows is None:
            raise DataError(
                Message("this world has no flows; give flows to World.from_frames or World.read")
            )
        return self._flows

    @property
    def has_flows(self) -> bool:
        return self._flows is not None

    @property
    def groups(self) -> pd.DataFrame:
        return self._groups

    @property
    def sources(self) -> pd.DataFrame:
        return self._sources

    @property
    def baseline_year(self) -> int | None:
        return self._meta.get("baseline_year")

    @property
    def flows_kind(self) -> str:
        return str(self._meta.get("flows_kind", "observed"))

    @property
    def meta(self) -> dict:
        """Descriptive metadata (baseline_year, flows_kind, how the flows were made)."""
        return dict(self._meta)

    @property
    def iso3(self) -> list[str]:
        return list(self._countries.index)

    def __len__(self) -> int:
        return len(self._countries)

    def __repr__(self) -> str:
        kind = self.flows_kind if self.has_flows else "none"
        extra = f", sectors={len(self._sectors.sectors)}" if self._sectors is not None else ""
        return (
            f"World({len(self)} countries, baseline_year={self.baseline_year}, "
            f"flows_kind={kind!r}{extra})"
        )

    def flows_frame(self, *, require_domestic: bool = False) -> pd.DataFrame:
        """Flows as a long frame with columns exporter, importer, value (USD millions)."""
        if require_domestic:
            self.check(require_domestic=True)
        return self.flows.reset_index()

    def flows_matrix(self) -> pd.DataFrame:
        """Flows as a square frame: exporters in rows, importers in columns (0 where absent)."""
        m = self.flows.unstack("importer").reindex(index=self.iso3, columns=self.iso3)
        return m.fillna(0.0)

    def output(self) -> pd.Series:
        """Y_i: each country's total sales (row sums of the flows, domestic included)."""
        return self.flows_matrix().sum(axis=1).rename("output")

    def expenditure(self) -> pd.Series:
        """E_j: each country's total purchases (column sums, domestic included)."""
        return self.flows_matrix().sum(axis=0).rename("expenditure")

    def check(self, *, require_domestic: bool = False) -> World:
        """Re-validate the flows (e.g. before a model runs); returns self or raises DataError."""
        check_flows(self.flows, self.iso3, require_domestic=require_domestic)
        return self

    # -- countries ------------------------------------------------------------------------------

    def _code(self, iso3: str) -> str:
        code = str(iso3).strip().upper()
        if code not in self._countries.index:
            raise DataError(
                Message(
                    "unknown country {code!r}{hint}",
                    code=iso3,
                    hint=nearest(code, self._countries.index),
                )
            )
        return code

    def country(self, iso3: str) -> pd.Series:
        """The row of ``countries`` for one ISO3 code."""
        return self._countries.loc[self._code(iso3)]

    def name(self, iso3: str, lang: str = "en") -> str:
        """The country's name in ``lang`` (kk, ru or en), English where a name is missing."""
        from jahan._i18n import check_lang

        row = self.country(iso3)
        value = row.get(f"name_{check_lang(lang)}")
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            value = row.get("name_en")
        return str(value) if value is not None and value is not pd.NA else self._code(iso3)

    def neighbours(self, iso3: str) -> list[str]:
        """Countries sharing a land border with ``iso3`` (contiguity = 1), sorted."""
        code = self._code(iso3)
        if "contiguity" not in self._pairs.columns:
            return []
        row = self._pairs.xs(code, level="exporter")["contiguity"]
        return sorted(str(c) for c in row.index[row.to_numpy() == 1] if c != code)

    # -- groups ---------------------------------------------------------------------------------

    def group_names(self) -> list[str]:
        """Names of the groups in this world, sorted."""
        return sorted(str(g) for g in self._groups["group"].unique())

    def _group_name(self, name: str) -> str:
        names = self.group_names()
        if name in names:
            return name
        folded = {g.casefold(): g for g in names}
        if str(name).casefold() in folded:
            return folded[str(name).casefold()]
        near = difflib.get_close_matches(
            str(name).upper(), [g.upper() for g in names], n=1, cutoff=0.3
        )
        hint = (
            Message(" Did you mean {suggestion!r}?", suggestion=folded[near[0].casefold()])
            if near
            else ""
        )
        raise DataError(
            Message(
                "unknown group {name!r}; known groups: {names}.{hint}",
                name=name,
                names=names,
                hint=hint,
            )
        )

    def _active(self, year: int | None) -> pd.Series:
        year = self.baseline_year if year is None else int(year)
        g = self._groups
        if year is None:
            return pd.Series(g["exit_year"].isna().to_numpy(), index=g.index)
        entered = g["entry_year"].isna() | (g["entry_year"] <= year)
        not_left = g["exit_year"].isna() | (g["exit_year"] > year)
        return (entered & not_left).fillna(False).astype(bool)

    def group(self, name: str, year: int | None = None) -> list[str]:
        """Members of group ``name`` in ``year`` (default: the baseline year), sorted ISO3 codes.

        A member counts from its entry year up to the year before its exit year.
        """
        gname = self._group_name(name)
        g = self._groups
        mask = (g["group"] == gname) & self._active(year)
        return sorted(str(c) for c in g.loc[mask, "iso3"].unique())

    def groups_of(self, iso3: str, year: int | None = None) -> list[str]:
        """Groups ``iso3`` belongs to in ``year`` (default: the baseline year), sorted."""
        code = self._code(iso3)
        g = self._groups
        mask = (g["iso3"] == code) & self._active(year)
        return sorted(str(x) for x in g.loc[mask, "group"].unique())

    # -- derived worlds -------------------------------------------------------------------------

    def restrict(self, iso3: Iterable[str]) -> World:
        """A sub-world with only the given countries (pairs, flows and groups filtered).

        Flows among the kept countries are unchanged, so output and expenditure of the
        sub-world exclude trade with the countries left out. Sector data is not carried over
        (an input-output table cut to some countries is no longer consistent).
        """
        codes = [self._code(c) for c in iso3]
        if len(set(codes)) != len(codes):
            raise DataError(Message("restrict: the country list has duplicates"))
        keep = set(codes)
        c = self._countries.loc[codes]
        e = self._pairs.index.get_level_values(0)
        i = self._pairs.index.get_level_values(1)
        p = self._pairs[e.isin(keep) & i.isin(keep)]
        f = None
        if self._flows is not None:
            fe = self._flows.index.get_level_values(0)
            fi = self._flows.index.get_level_values(1)
            f = self._flows[fe.isin(keep) & fi.isin(keep)]
        g = self._groups[self._groups["iso3"].isin(keep)].reset_index(drop=True)
        return World(c, p, f, g, self._sources, self._meta, builtin=self._builtin)

    def summary(self, lang: str = "en") -> str:
        """A text table of the headline numbers (:meth:`headline`) in ``lang``."""
        numbers = self.headline()
        rows = [
            [tr("Countries", lang), str(numbers["countries"])],
            [tr("Baseline year", lang), str(numbers["baseline_year"])],
            [
                tr("World GDP, USD billions", lang),
                fmt_number(float(numbers["gdp_usd_total"]) / 1e9, lang, 0),
            ],
            [
                tr("Population, millions", lang),
                fmt_number(float(numbers["population_total"]) / 1e6, lang, 0),
            ],
            [tr("Groups", lang), str(numbers["groups"])],
        ]
        if self.has_flows:
            kind = tr("observed", lang) if self.flows_kind == "observed" else tr("modelled", lang)
            rows += [
                [tr("Flows", lang), kind],
                [
                    tr("International trade, USD billions", lang),
                    fmt_number(float(numbers["international_flows_musd"]) / 1e3, lang, 0),
                ],
                [
                    tr("Domestic sales, USD billions", lang),
                    fmt_number(float(numbers["domestic_flows_musd"]) / 1e3, lang, 0),
                ],
            ]
        text = "\n".join(text_table([tr("World", lang), ""], rows))
        return SummaryText(text, numbers, "World.headline()")

    def headline(self) -> dict[str, Any]:
        """Headline numbers: countries, baseline year, totals, flows_kind (a new dict)."""
        out: dict[str, Any] = {
            "countries": len(self),
            "baseline_year": self.baseline_year,
            "flows_kind": self.flows_kind if self.has_flows else None,
            "gdp_usd_total": float(self._countries["gdp_usd"].sum(min_count=1)),
            "population_total": float(self._countries["population"].sum(min_count=1)),
            "groups": len(self.group_names()),
        }
        if self.has_flows:
            f = self.flows
            e = f.index.get_level_values(0)
            i = f.index.get_level_values(1)
            out["flows_total_musd"] = float(f.sum())
            out["international_flows_musd"] = float(f[e != i].sum())
            out["domestic_flows_musd"] = float(f[e == i].sum())
        return out
