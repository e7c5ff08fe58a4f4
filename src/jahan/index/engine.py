"""The composite-index engine: data -> missing-data treatment -> normalisation -> weights -> aggregation.

The steps follow the OECD/JRC Handbook on Constructing Composite Indicators (2008) and COINr
(Becker et al. 2022). Normalisation acts on indicators; every aggregate is a weighted mean of its
children's scores; ranks are taken at every level.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from jahan._result import FixedParameters
from jahan.errors import DataError, DataWarning, Message
from jahan.index.aggregation import aggregate, check_aggregation
from jahan.index.data import EXTRAPOLATIONS, Panel, build_panel
from jahan.index.framework import Framework
from jahan.index.normalisation import check_normalisation, normalise
from jahan.index.result import IndexResult
from jahan.index.weights import WEIGHTINGS, node_weights


def rank_descending(scores: pd.DataFrame) -> pd.DataFrame:
    """Rank each column, 1 = highest; ties share the lowest rank; missing stays missing."""
    return scores.rank(axis=0, ascending=False, method="min", na_option="keep")


@dataclass(frozen=True)
class Prepared:
    """Data made ready for one year: the pruned framework and the matrices the methods need."""

    full: Framework
    framework: Framework
    removed: tuple[str, ...]
    ignored: tuple[str, ...]
    panel: Panel
    year: int
    raw: pd.DataFrame  # countries x indicators, scored year
    reference: np.ndarray  # (rows, indicators) over the reference period
    reference_years: tuple[int, int]


class CompositeIndex(FixedParameters):
    """A composite index defined by a framework and the methodological choices.

    Parameters
    ----------
    framework : Framework
        The tree: index, dimensions, sub-dimensions, indicators.
    normalisation : {"minmax", "zscore", "rank", "percentile", "kof"}
        See :mod:`jahan.index.normalisation`.
    weighting : {"equal", "user", "pca"} or mapping code -> weight
        See :func:`jahan.index.weights.node_weights`.
    aggregation : {"arithmetic", "geometric"}
        See :mod:`jahan.index.aggregation`.
    interpolate : bool
        Fill gaps inside each country's series by linear interpolation in the year.
    extrapolate : {"none", "nearest"}
        Whether to carry the nearest observed value beyond a series' first and last observation.
    reference_years : (int, int), optional
        First and last year of the reference period of the "kof" normalisation; default all years
        of the data.
    min_coverage : float
        Smallest share of an aggregate's children (by count) a country needs for a score.

    Examples
    --------
    >>> idx = CompositeIndex(framework, normalisation="kof", weighting="pca")  # doctest: +SKIP
    >>> result = idx.compute(long_table, year=2019)                            # doctest: +SKIP
    >>> result.scores["economic"]                                              # doctest: +SKIP
    """

    def __init__(
        self,
        framework: Framework,
        *,
        normalisation: str = "minmax",
        weighting: str | Mapping[str, float] = "equal",
        aggregation: str = "arithmetic",
        interpolate: bool = True,
        extrapolate: str = "none",
        reference_years: tuple[int, int] | None = None,
        min_coverage: float = 0.5,
    ) -> None:
        if not isinstance(framework, Framework):
            raise DataError(
                Message(
                    "framework must be a jahan.index.Framework; got {kind}",
                    kind=type(framework).__name__,
                )
            )
        check_normalisation(normalisation)
        check_aggregation(aggregation)
        if not isinstance(weighting, Mapping) and weighting not in WEIGHTINGS:
            raise DataError(
                Message(
                    "unknown weighting {weighting!r}: use one of {choices!r} or a mapping",
                    weighting=weighting,
                    choices=WEIGHTINGS,
                )
            )
        if extrapolate not in EXTRAPOLATIONS:
            raise DataError(
                Message(
                    "extrapolate={value!r}: use one of {choices!r}",
                    value=extrapolate,
                    choices=EXTRAPOLATIONS,
                )
            )
        if not 0.0 <= float(min_coverage) <= 1.0:
            raise DataError(
                Message("min_coverage={value!r}: give a share between 0 and 1", value=min_coverage)
            )
        self.framework = framework
        self.normalisation = normalisation
        self.weighting = (
            MappingProxyType(dict(weighting)) if isinstance(weighting, Mapping) else weighting
        )
        self.aggregation = aggregation
        self.interpolate = bool(interpolate)
        self.extrapolate = extrapolate
        self.reference_years = reference_years
        self.min_coverage = float(min_coverage)
        self._seal()  # the index's choices are fixed from here on

    # ------------------------------------------------------------------ preparation
    def prepare(self, data: pd.DataFrame, year: int | None = None) -> Prepared:
        """Validate ``data``, treat missing values, choose the year and prune the framework."""
        panel = build_panel(data, None, interpolate=self.interpolate, extrapolate=self.extrapolate)
        present = [c for c in panel.values.columns if panel.values[c].notna().any()]
        known = set(self.framework.indicators)
        ignored = tuple(sorted(c for c in present if c not in known))
        if ignored:
            warnings.warn(
                f"indicators {list(ignored)[:8]} are not in the framework and are ignored",
                DataWarning,
                stacklevel=3,
            )
        years = panel.years
        if year is None:
            year = years[-1]
        elif int(year) not in years:
            wanted = int(year)
            near = min(years, key=lambda y: abs(y - wanted))
            raise DataError(
                Message(
                    "year {year} is not in the indicator data (years {first}-{last}); "
                    "the nearest is {near}",
                    year=year,
                    first=int(years[0]),
                    last=int(years[-1]),
                    near=int(near),
                )
            )
        year = int(year)
        raw_year = panel.year(year)
        with_values = [c for c in raw_year.columns if c in known and raw_year[c].notna().any()]
        framework, removed = self.framework.prune(with_values)
        codes = list(framework.indicators)
        raw = raw_year.loc[:, codes]
        if self.reference_years is None:
            ref_span = (years[0], years[-1])
        else:
            ref_span = (int(self.reference_years[0]), int(self.reference_years[1]))
        in_ref = panel.values.index.get_level_values("year")
        mask = (in_ref >= ref_span[0]) & (in_ref <= ref_span[1])
        reference = panel.values.loc[mask, codes].to_numpy(dtype=float)
        return Prepared(
            full=self.framework,
            framework=framework,
            removed=removed,
            ignored=ignored,
            panel=panel,
            year=year,
            raw=raw,
            reference=reference,
            reference_years=ref_span,
        )

    def choices(self) -> dict[str, object]:
        """The methodological choices, as recorded in results."""
        return {
            "normalisation": self.normalisation,
            "weighting": "user (mapping)"
            if isinstance(self.weighting, Mapping)
            else self.weighting,
            "aggregation": self.aggregation,
            "interpolate": self.interpolate,
            "extrapolate": self.extrapolate,
            "reference_years": self.reference_years,
            "min_coverage": self.min_coverage,
        }

    # ------------------------------------------------------------------ compute
    def compute(self, data: pd.DataFrame, year: int | None = None) -> IndexResult:
        """Score every country at every level of the framework for ``year`` (default: the latest).

        Parameters
        ----------
        data : DataFrame
            Long table with columns country, year, indicator, value.
        year : int, optional
            Year to score.

        Returns
        -------
        IndexResult
        """
        prep = self.prepare(data, year)
        fw = prep.framework
        codes = fw.indicators
        directions = fw.directions().reindex(codes).to_numpy()
        normalised = normalise(
            prep.raw.to_numpy(dtype=float),
            self.normalisation,
            directions,
            prep.reference,
            codes=codes,
        )
        weights = node_weights(fw, self.weighting, prep.raw)
        scores: dict[str, np.ndarray] = {c: normalised[:, j] for j, c in enumerate(codes)}
        coverage: dict[str, np.ndarray] = {}
        for node in fw.aggregates:
            kids = fw.children(node)
            values = np.column_stack([scores[k] for k in kids])
            scores[node], coverage[node] = aggregate(
                values,
                weights.reindex(list(kids)).to_numpy(),
                self.aggregation,
                self.min_coverage,
                node=node,
            )
        countries = prep.raw.index
        order = [c for c in self.framework.order]
        frame = pd.DataFrame(
            {c: scores.get(c, np.full(len(countries), np.nan)) for c in order}, index=countries
        )
        frame.index.name = "country"
        cov = pd.DataFrame({c: coverage[c] for c in fw.aggregates}, index=countries)
        cov = cov.loc[:, [c for c in fw.order if c in coverage]]
        cov.index.name = "country"
        notes = []
        if prep.removed:
            notes.append(f"{len(prep.removed)} nodes have no data and are shown as missing")
        return IndexResult(
            year=prep.year,
            framework=fw,
            scores=frame,
            ranks=rank_descending(frame),
            raw=prep.raw.copy(),
            coverage=cov,
            weights=weights,
            imputed=prep.panel.imputed,
            missing_nodes=prep.removed,
            ignored_indicators=prep.ignored,
            choices={**self.choices(), "reference_period": prep.reference_years},
            notes=tuple(notes),
        )

    # ------------------------------------------------------------------ uncertainty
    def uncertainty(
        self,
        data: pd.DataFrame,
        year: int | None = None,
        *,
        draws: int = 1000,
        seed: int | None = None,
        rng: np.random.Generator | None = None,
        normalisations: Sequence[str] | None = None,
        aggregations: Sequence[str] | None = None,
        weightings: Sequence[str] | None = None,
        weight_noise: float = 0.25,
        chunk: int = 2000,
    ):
        """Monte Carlo uncertainty and sensitivity analysis of the ranks of the index.

        See :func:`jahan.index.uncertainty.uncertainty_analysis` for the method and parameters.
        """
        from jahan.index.uncertainty import uncertainty_analysis

        return uncertainty_analysis(
            self,
            data,
            year,
            draws=draws,
            seed=seed,
            rng=rng,
            normalisations=normalisations,
            aggregations=aggregations,
            weightings=weightings,
            weight_noise=weight_noise,
            chunk=chunk,
        )


def suggest(code: str, options: Sequence[str]) -> str:
    """ " Did you mean 'X'?" or an empty string."""
    near = difflib.get_close_matches(str(code), list(options), n=1)
    return f" Did you mean {near[0]!r}?" if near else ""
