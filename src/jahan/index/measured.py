"""The built-in globalization index: measured variables only, coverage before ranking.

The tree follows the KOF Globalisation Index (Gygli, Haelg, Potrafke and Sturm 2019): dimensions
(economic, social, political), each split de facto and de jure. Inside a de facto sub-index the
variables are grouped by the two properties of flows that Held, McGrew, Goldblatt and Perraton
(1999, *Global Transformations*) distinguish: intensity (how large the flows are relative to the
economy) and extensity (how many partners they reach). Weights come from the engine: principal
components inside each group (as KOF) or equal; equal above. Nothing is fitted to a published index.

Coverage rules, applied before anything is ranked:

- a sub-index (de facto or de jure) is scored only when at least :data:`MIN_VARIABLES` of its
  variables are measured in the scored year; otherwise it is shown as not scored, and a dimension
  without a scored sub-index is not scored;
- variables from a partial list (the agreements and organisations among the world's groups, a few
  of the hundreds in force) enter only when asked (``include_partial=True``);
- a country is ranked only when it has values for at least :data:`MIN_COUNTRY_SHARE` of the
  variables that are scored; the others are listed as not ranked, never given a rank.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

import numpy as np
import pandas as pd

from jahan._i18n import fmt_number, tr
from jahan._io import write_parquet_atomic
from jahan._result import Result
from jahan.errors import DataError, Message
from jahan.index.data import validate_long
from jahan.index.engine import CompositeIndex, rank_descending
from jahan.index.framework import Framework, Node
from jahan.index.result import IndexResult

MIN_VARIABLES = 2
"""Fewest measured variables a sub-index needs to be scored."""

MIN_COUNTRY_SHARE = 0.75
"""Smallest share of the scored variables a country needs values for to be ranked."""

# (code, name, parent): the aggregates of the tree.
NODES: tuple[tuple[str, str, str | None], ...] = (
    ("globalization", "Globalization index (measured)", None),
    ("economic", "Economic globalization", "globalization"),
    ("social", "Social globalization", "globalization"),
    ("political", "Political globalization", "globalization"),
    ("economic_de_facto", "Economic globalization, de facto", "economic"),
    ("economic_de_jure", "Economic globalization, de jure", "economic"),
    ("social_de_facto", "Social globalization, de facto", "social"),
    ("political_de_jure", "Political globalization, de jure", "political"),
    ("trade_intensity", "Trade intensity", "economic_de_facto"),
    ("trade_extensity", "Trade extensity", "economic_de_facto"),
    ("trade_policy", "Trade policy and agreements", "economic_de_jure"),
    ("migration_intensity", "Migration intensity", "social_de_facto"),
    ("migration_extensity", "Migration extensity", "social_de_facto"),
    ("organisations", "International organisations", "political_de_jure"),
)

# (code, parent group, partial list?): every variable of jahan.world.globalization.
VARIABLES: tuple[tuple[str, str, bool], ...] = (
    ("trade_openness", "trade_intensity", False),
    ("trade_share_pwt", "trade_intensity", False),
    ("export_partner_breadth", "trade_extensity", False),
    ("import_partner_breadth", "trade_extensity", False),
    ("wto_years", "trade_policy", False),
    ("trade_agreements", "trade_policy", True),
    ("agreement_partners", "trade_policy", True),
    ("immigrant_share", "migration_intensity", False),
    ("emigrant_share", "migration_intensity", False),
    ("immigrant_origin_breadth", "migration_extensity", False),
    ("diaspora_breadth", "migration_extensity", False),
    ("organisation_memberships", "organisations", True),
)

SUBINDICES: tuple[str, ...] = (
    "economic_de_facto", "economic_de_jure", "social_de_facto", "political_de_jure",
)  # fmt: skip
DIMENSIONS: tuple[str, ...] = ("economic", "social", "political")


def node_label(node: str, lang: str = "en") -> str:
    """The name of a dimension or sub-index in ``lang``."""
    labels = {
        "economic": tr("Economic globalization", lang),
        "social": tr("Social globalization", lang),
        "political": tr("Political globalization", lang),
        "economic_de_facto": tr("Economic globalization, de facto", lang),
        "economic_de_jure": tr("Economic globalization, de jure", lang),
        "social_de_facto": tr("Social globalization, de facto", lang),
        "political_de_jure": tr("Political globalization, de jure", lang),
    }
    return labels.get(node, node)


def choice_label(choice: str, lang: str = "en") -> str:
    """The name of an uncertainty choice (normalisation, weights, aggregation) in ``lang``."""
    labels = {
        "normalisation": tr("normalisation", lang),
        "weights": tr("weights", lang),
        "aggregation": tr("aggregation", lang),
    }
    return labels.get(choice, choice)


def sensitivity_text(
    interval: pd.Series, ranked: int, draws: int, country: str, choice: str, lang: str = "en"
) -> str:
    """One country's rank under uncertainty in ``lang``: its row of ``intervals`` (nominal rank,
    5-95% and full range), out of ``ranked`` countries, and the most influential ``choice``."""
    return tr(
        "Sensitivity ({draws} draws of normalisation, weights and aggregation): {country} is "
        "ranked {rank} of {n}; in 90% of the draws between {low} and {high}, in all draws "
        "between {best} and {worst}. The choice that moves ranks most: {choice}.",
        lang,
        draws=draws,
        country=country,
        rank=round(interval["nominal_rank"]),
        n=ranked,
        low=round(interval["rank_p05"]),
        high=round(interval["rank_p95"]),
        best=round(interval["rank_min"]),
        worst=round(interval["rank_max"]),
        choice=choice_label(choice, lang),
    )


def _subindex(node: str) -> str:
    parents = {code: parent for code, _, parent in NODES if parent is not None}
    while node not in SUBINDICES:
        node = parents[node]
    return node


def _rows(mask: np.ndarray, label: pd.Series) -> Message:
    rows = np.flatnonzero(mask)
    shown = ", ".join(f"{r + 1} ({label.iloc[r]})" for r in rows[:10])
    more = Message(" and {count} more", count=len(rows) - 10) if len(rows) > 10 else ""
    return Message("{count} rows: {shown}{more}", count=len(rows), shown=shown, more=more)


def _joined(problems: list[Message]) -> Message:
    """The problems as one text, separated by semicolons (as the English reads)."""
    if len(problems) == 1:
        return problems[0]
    return Message("{first}; {rest}", first=problems[0], rest=_joined(problems[1:]))


def check_user_table(
    data: pd.DataFrame, indicators: Sequence[str], countries: Sequence[str]
) -> pd.DataFrame:
    """Validate a user's indicator table for the measured index: one error naming every bad row.

    Collects non-numeric values, repeated (country, year, indicator) keys, unknown indicator codes
    and unknown country codes into one :class:`DataError` (rows counted from 1 after the header);
    a missing column or a bad year is reported by :func:`jahan.index.data.validate_long`.
    """
    if isinstance(data, pd.DataFrame) and all(
        c in data.columns for c in ("country", "year", "indicator", "value")
    ):
        country = data["country"].astype(str).str.strip().str.upper()
        indicator = data["indicator"].astype(str).str.strip()
        key = country + ", " + data["year"].astype(str) + ", " + indicator
        raw = data["value"]
        number = pd.to_numeric(raw, errors="coerce")
        filled = raw.notna() & (raw.astype(str).str.strip() != "")
        problems = []
        bad = (number.isna() & filled).to_numpy()
        if bad.any():
            problems.append(
                Message(
                    "values that are not numbers in {rows} (give a number, or leave the cell "
                    "empty for a missing value)",
                    rows=_rows(bad, key + ": " + raw.astype(str)),
                )
            )
        dup = (
            data.assign(country=country, indicator=indicator)[filled.to_numpy()]
            .duplicated(["country", "year", "indicator"], keep=False)
            .reindex(data.index, fill_value=False)
            .to_numpy()
        )
        if dup.any():
            problems.append(
                Message(
                    "a repeated (country, year, indicator) key in {rows} (keep one value per key)",
                    rows=_rows(dup, key),
                )
            )
        unknown = (~indicator.isin(list(indicators))).to_numpy()
        if unknown.any():
            problems.append(
                Message(
                    "unknown indicator codes in {rows} (use one of {codes})",
                    rows=_rows(unknown, indicator),
                    codes=list(indicators),
                )
            )
        stranger = (~country.isin(list(countries))).to_numpy()
        if stranger.any():
            problems.append(
                Message(
                    "unknown country codes in {rows} (use ISO3 codes of the world's economies)",
                    rows=_rows(stranger, country),
                )
            )
        if problems:
            raise DataError(
                Message(
                    "indicator data (rows counted from 1 after the header): {problems}",
                    problems=_joined(problems),
                )
            )
    return validate_long(data)


@dataclass(frozen=True, eq=False)
class MeasuredIndex(Result):
    """The globalization index from measured variables, with its coverage stated first.

    Attributes
    ----------
    year : int
    result : IndexResult
        Scores and ranks of the scored tree (countries not ranked hold no overall rank).
    variable_table : DataFrame
        By variable code (read it through :attr:`variables`, a copy): node, sub-index, partial (from a partial list), used (entered the
        index), countries (with a value in the year).
    not_scored : Mapping
        Sub-indices not scored, each with the number of its variables measured (fewer than
        ``settings["min_variables"]``).
    ranked : tuple of str
        Countries with an overall rank.
    not_ranked : tuple of str
        Countries with a value in the year but below the coverage threshold.
    settings : Mapping
        min_variables, min_country_share, include_partial, weighting, normalisation.
    """

    year: int
    result: IndexResult
    variable_table: pd.DataFrame = field(repr=False)
    not_scored: Mapping[str, int]
    ranked: tuple[str, ...]
    not_ranked: tuple[str, ...]
    settings: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "not_scored", MappingProxyType(dict(self.not_scored)))
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))
        # sealed: the result keeps its own copy and hands out copies
        object.__setattr__(self, "variable_table", self.variable_table.copy())

    @property
    def variables(self) -> pd.DataFrame:
        """By variable code: node, subindex, partial, used, countries (a copy)."""
        return self.variable_table.copy()

    @property
    def dimensions_not_scored(self) -> tuple[str, ...]:
        """Dimensions none of whose sub-indices is scored."""
        return tuple(
            d
            for d in DIMENSIONS
            if all(s in self.not_scored for s in SUBINDICES if s.startswith(d))
        )

    @property
    def scores(self) -> pd.Series:
        """Overall score by country (missing where not ranked; a copy)."""
        return self.result.scores["globalization"].copy()

    @property
    def ranks(self) -> pd.Series:
        """Overall rank by country, 1 = most globalized (missing where not ranked; a copy)."""
        return self.result.ranks["globalization"].copy()

    def table(self) -> pd.DataFrame:
        """By country: rank, overall score, dimensions and sub-indices, sorted by rank."""
        cols = ["globalization", *DIMENSIONS, *SUBINDICES]
        out = self.result.scores.reindex(columns=cols)
        out.insert(0, "rank", self.ranks)
        return out.sort_values(
            ["rank", "globalization"], ascending=[True, False], na_position="last"
        )

    def coverage_lines(self, lang: str = "en") -> list[str]:
        """The coverage statement that comes before any ranking."""
        used = self.variables[self.variables["used"]]
        lines = [
            tr(
                "Coverage, {year}: {used} measured variables in the index ({listed} listed); "
                "{ranked} countries ranked, {unranked} below the coverage threshold "
                "(values for at least {share} of the variables).",
                lang,
                year=self.year,
                used=len(used),
                listed=len(self.variables),
                ranked=len(self.ranked),
                unranked=len(self.not_ranked),
                share=fmt_number(
                    100 * float(cast(float, self.settings["min_country_share"])), lang, 0
                )
                + "%",
            )
        ]
        for node in SUBINDICES:
            n = int((used["subindex"] == node).sum())
            if node in self.not_scored:
                lines.append(
                    tr(
                        "  {node}: not scored ({n} of at least {k} variables measured)",
                        lang,
                        node=node_label(node, lang),
                        n=self.not_scored[node],
                        k=self.settings["min_variables"],
                    )
                )
            else:
                lines.append(
                    tr("  {node}: {n} variables, scored", lang, node=node_label(node, lang), n=n)
                )
        return lines

    def summary(self, lang: str = "en", top: int = 10) -> str:
        """Coverage first, then the top countries."""
        lines = self.coverage_lines(lang)
        for country, row in self.table().head(top).iterrows():
            if pd.isna(row["rank"]):
                break
            lines.append(
                f"  {int(row['rank']):>4}  {country}  {fmt_number(row['globalization'], lang, 1)}"
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Long table of every node's score and rank (see :meth:`IndexResult.to_frame`)."""
        return self.result.to_frame()

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_frame` to Parquet, atomically."""
        return write_parquet_atomic(self.to_frame(), path, index=False)


def measured_framework(codes: Sequence[str]) -> Framework:
    """The tree restricted to the variables ``codes`` (aggregates left empty are dropped)."""
    from jahan.world.globalization import GLOBALIZATION_VARIABLES

    meta = {v.code: v for v in GLOBALIZATION_VARIABLES}
    leaves = [
        Node(
            c,
            parent,
            name=meta[c].name,
            direction=meta[c].direction,
            units=meta[c].units,
            source=meta[c].source,
        )
        for c, parent, _ in VARIABLES
        if c in codes
    ]
    full = Framework([*(Node(c, p, name=n) for c, n, p in NODES), *leaves])
    return full.prune([leaf.code for leaf in leaves])[0]


def measured_index(
    data: pd.DataFrame,
    year: int | None = None,
    *,
    weighting: str = "pca",
    normalisation: str = "kof",
    include_partial: bool = False,
    min_variables: int = MIN_VARIABLES,
    min_country_share: float = MIN_COUNTRY_SHARE,
) -> MeasuredIndex:
    """Score the measured globalization variables for one year, coverage first.

    Parameters
    ----------
    data : DataFrame
        Long table country, year, indicator, value with the codes of
        :data:`jahan.world.globalization.GLOBALIZATION_VARIABLES` (as
        :func:`jahan.world.globalization.globalization_variables` gives).
    year : int, optional
        Year to score (default: the latest in ``data``).
    weighting : {"pca", "equal"}
        Weights of the variables inside each group; equal above.
    normalisation : str
        Engine normalisation; "kof" rescales to 1-100 over every year of ``data``, so that scores
        of different years are comparable.
    include_partial : bool
        Also use the variables from partial lists (agreements, organisations among the world's groups).
    min_variables, min_country_share
        Coverage thresholds (see the module docstring).
    """
    if not 0.0 < float(min_country_share) <= 1.0:
        raise DataError(
            Message("min_country_share={value!r}: give a share in (0, 1]", value=min_country_share)
        )
    codes = [c for c, _, _ in VARIABLES]
    clean = validate_long(data)
    clean = clean[clean["indicator"].isin(codes)]
    if clean.empty:
        raise DataError(
            Message("the data hold none of the measured variables {codes!r}", codes=codes)
        )
    if year is None:
        year = int(clean["year"].max())
    in_year = clean[clean["year"] == int(year)]
    if in_year.empty:
        raise DataError(
            Message(
                "year {year} is not in the data (years {first}-{last})",
                year=year,
                first=int(clean["year"].min()),
                last=int(clean["year"].max()),
            )
        )
    partial = {c for c, _, p in VARIABLES if p}
    parent = {c: g for c, g, _ in VARIABLES}
    measured = set(in_year["indicator"])
    candidates = [c for c in codes if c in measured and (include_partial or c not in partial)]
    not_scored: dict[str, int] = {}
    used: list[str] = []
    for sub in SUBINDICES:
        mine = [c for c in candidates if _subindex(parent[c]) == sub]
        if len(mine) >= min_variables:
            used.extend(mine)
        else:
            not_scored[sub] = len(mine)
    if not used:
        raise DataError(Message("no sub-index has enough measured variables to be scored"))
    index = CompositeIndex(
        measured_framework(used), normalisation=normalisation, weighting=weighting, min_coverage=0.5
    )
    result = index.compute(clean[clean["indicator"].isin(used)], int(year))
    have = result.raw.notna().sum(axis=1) / len(used)
    low = (have < float(min_country_share)) & (have > 0)
    scores_missing = have == 0
    scores = result.scores.copy()
    scores.loc[low | scores_missing, "globalization"] = np.nan
    result = IndexResult(
        year=result.year,
        framework=result.framework,
        scores=scores,
        ranks=rank_descending(scores),
        raw=result.raw,
        coverage=result.coverage,
        weights=result.weights,
        imputed=result.imputed,
        missing_nodes=result.missing_nodes,
        ignored_indicators=result.ignored_indicators,
        choices={
            **result.choices,
            "min_country_share": float(min_country_share),
            "min_variables": int(min_variables),
            "include_partial": bool(include_partial),
        },
        notes=result.notes,
    )
    counts = in_year.groupby("indicator")["country"].nunique()
    variables = pd.DataFrame(
        {
            "node": [parent[c] for c in codes],
            "subindex": [_subindex(parent[c]) for c in codes],
            "partial": [c in partial for c in codes],
            "used": [c in used for c in codes],
            "countries": [int(counts.get(c, 0)) for c in codes],
        },
        index=pd.Index(codes, name="code"),
    )
    ranked = tuple(sorted(result.ranks.index[result.ranks["globalization"].notna()]))
    return MeasuredIndex(
        year=int(result.year),
        result=result,
        variable_table=variables,
        not_scored=not_scored,
        ranked=ranked,
        not_ranked=tuple(sorted(result.raw.index[low])),
        settings={
            "min_variables": int(min_variables),
            "min_country_share": float(min_country_share),
            "include_partial": bool(include_partial),
            "weighting": weighting,
            "normalisation": normalisation,
        },
    )


def measured_index_over_time(
    data: pd.DataFrame, years: Sequence[int] | None = None, **options: Any
) -> pd.DataFrame:
    """The measured index for each year: long table country, year, score, rank.

    Scores share one normalisation over every year of ``data`` ("kof"), so a country's path over
    time is comparable; ``options`` are those of :func:`measured_index`.
    """
    clean = validate_long(data)
    chosen = sorted(set(clean["year"])) if years is None else [int(y) for y in years]
    frames = []
    for y in chosen:
        res = measured_index(clean, y, **options)
        frames.append(
            pd.DataFrame(
                {
                    "country": res.scores.index,
                    "year": y,
                    "score": res.scores.to_numpy(),
                    "rank": res.ranks.to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def measured_uncertainty(
    index: MeasuredIndex, data: pd.DataFrame, *, draws: int = 500, seed: int | None = 1
):
    """Ranks of the ranked countries under the engine's uncertainty analysis.

    Each draw picks a normalisation, an aggregation and a weighting and perturbs the weights
    (:func:`jahan.index.uncertainty.uncertainty_analysis`); draw 0 is ``index`` itself. Only the
    variables ``index`` used and the countries it ranked enter.
    """
    used = list(index.variables.index[index.variables["used"]])
    clean = validate_long(data)
    clean = clean[clean["indicator"].isin(used) & clean["country"].isin(index.ranked)]
    engine = CompositeIndex(
        measured_framework(used),
        normalisation=str(index.settings["normalisation"]),
        weighting=str(index.settings["weighting"]),
        min_coverage=0.5,
    )
    return engine.uncertainty(clean, index.year, draws=draws, seed=seed)
