"""The immutable result of a composite index: scores and ranks per level, with the choices made."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from jahan._i18n import fmt_number, tr
from jahan._io import write_parquet_atomic
from jahan._result import Result, lang_and_top
from jahan._text import text_table
from jahan.index.framework import Framework


@dataclass(frozen=True, eq=False)
class IndexResult(Result):
    """Scores and ranks of every country at every level of a framework, for one year.

    Attributes
    ----------
    year : int
        The scored year.
    framework : Framework
        The framework actually computed (indicators without data removed).
    scores : DataFrame
        Countries x nodes: aggregates hold aggregated scores, indicators their normalised values.
        Nodes of the full framework that had no data at all are present and entirely missing.
    ranks : DataFrame
        Countries x nodes, 1 = highest score (ties share the lowest rank); missing where the score is.
    raw : DataFrame
        Countries x indicators: the values used (after interpolation and stated extrapolation).
    coverage : DataFrame
        Countries x aggregates: share of children (by count) with a score.
    weights : Series
        Weight of each node within its parent.
    imputed : DataFrame
        Every filled cell of the panel: country, year, indicator, value, method.
    missing_nodes : tuple of str
        Nodes of the full framework with no data (indicators never observed and aggregates left empty).
    ignored_indicators : tuple of str
        Indicators in the data that the framework does not contain.
    choices : Mapping
        normalisation, weighting, aggregation, interpolate, extrapolate, reference_years, min_coverage.
    """

    year: int
    framework: Framework
    scores: pd.DataFrame
    ranks: pd.DataFrame
    raw: pd.DataFrame
    coverage: pd.DataFrame
    weights: pd.Series
    imputed: pd.DataFrame
    missing_nodes: tuple[str, ...] = ()
    ignored_indicators: tuple[str, ...] = ()
    choices: Mapping[str, object] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "choices", MappingProxyType(dict(self.choices)))
        for name in ("scores", "ranks", "raw", "coverage"):
            self._raw(name).flags.allows_duplicate_labels = False

    @property
    def index(self) -> pd.Series:
        """Score of the root node (the index itself) by country."""
        return self.scores[self.framework.root]

    def to_frame(self) -> pd.DataFrame:
        """Long table: country, node, kind, depth, score, rank (one row per country and node)."""
        scores = self.scores.stack(future_stack=True).rename("score")
        ranks = self.ranks.stack(future_stack=True).rename("rank")
        out = pd.concat([scores, ranks], axis=1).reset_index()
        out.columns = ["country", "node", "score", "rank"]
        computed = self.framework
        out["kind"] = [
            ("indicator" if computed.is_indicator(n) else "aggregate")
            if n in computed
            else "missing"
            for n in out["node"]
        ]
        out["depth"] = [computed.depth(n) if n in computed else pd.NA for n in out["node"]]
        out["year"] = self.year
        return out[["country", "year", "node", "kind", "depth", "score", "rank"]]

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_frame` to a Parquet file (atomically) and return the path."""
        return write_parquet_atomic(self.to_frame(), path, index=False)

    def summary(self, lang: str = "en", top: int = 10) -> str:
        """A short text: choices, coverage and a table of the top countries, in ``lang``."""
        lang, top = lang_and_top(lang, top, "IndexResult.summary")
        root = self.framework.root
        scores = self.index
        lines = [
            tr(
                "Composite index {root}, year {year}: {scored} of {countries} countries scored",
                lang,
                root=root,
                year=self.year,
                scored=int(scores.notna().sum()),
                countries=len(scores),
            ),
            tr(
                "Choices: {choices}",
                lang,
                choices=", ".join(f"{k}={v}" for k, v in self.choices.items()),
            ),
            tr(
                "Indicators used: {indicators}; filled cells: {filled}",
                lang,
                indicators=len(self.framework.indicators),
                filled=len(self._raw("imputed")),
            ),
        ]
        if self.missing_nodes:
            lines.append(
                tr("Missing (no data): {nodes}", lang, nodes=", ".join(self.missing_nodes))
            )
        lines.extend(self.notes)
        best = scores.dropna().sort_values(ascending=False).head(top)
        ranks = self._raw("ranks")
        rows = [
            [str(int(ranks.at[c, root])), str(c), fmt_number(v, lang, 3)] for c, v in best.items()
        ]
        header = [tr("Rank", lang), tr("Country", lang), tr("Score", lang)]
        return "\n".join(lines + text_table(header, rows))
