"""Uncertainty and sensitivity analysis of a composite index (OECD/JRC Handbook 2008, section 7; COINr).

Each Monte Carlo draw picks a normalisation and an aggregation method (uniformly among the valid
pairs: geometric aggregation only with a positive normalisation), a weighting scheme, and perturbs
every node's weight by an independent factor drawn from U(1 - noise, 1 + noise) before renormalising
siblings to sum one. Draw 0 is the nominal index. For each country the result gives the range and
quantiles of its rank over the draws; because the nominal draw is included, [rank_min, rank_max]
always contains the nominal rank.

Sensitivity: one choice at a time around the nominal index (every other normalisation; every other
aggregation; weight draws alone), the mean absolute shift of countries' ranks from their nominal
rank. The choice with the largest mean shift is the one that moves ranks most.

All draws that share a normalisation and an aggregation are computed together as arrays of shape
(countries, draws), so the cost grows with the number of nodes, not with a loop over draws.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from jahan._i18n import fmt_number, tr
from jahan._io import write_parquet_atomic
from jahan._result import Result, lang_and_top
from jahan._text import text_table
from jahan.errors import DataError, Message
from jahan.index.aggregation import AGGREGATIONS, check_aggregation
from jahan.index.framework import Framework
from jahan.index.normalisation import POSITIVE_NORMALISATIONS, check_normalisation, normalise
from jahan.index.weights import node_weights

if TYPE_CHECKING:
    from jahan.index.engine import CompositeIndex

DEFAULT_NORMALISATIONS: tuple[str, ...] = ("minmax", "zscore", "rank", "percentile", "kof")


@dataclass(frozen=True, eq=False)
class UncertaintyResult(Result):
    """Rank intervals and sensitivity of a composite index over Monte Carlo draws.

    Attributes
    ----------
    year : int
    node : str
        The node whose ranks are analysed (the root, the index itself).
    intervals : DataFrame
        By country: nominal_score, nominal_rank, rank_min, rank_p05, rank_median, rank_p95, rank_max,
        score_p05, score_median, score_p95.
    sensitivity : DataFrame
        By choice (normalisation, weights, aggregation): alternatives, mean_abs_rank_shift,
        max_abs_rank_shift.
    most_influential : str
        The choice with the largest mean absolute rank shift.
    draws : DataFrame
        By draw: normalisation, aggregation, weighting.
    draw_weights : DataFrame
        Draws x nodes: the weight of each node within its parent in each draw.
    ranks : DataFrame
        Countries x draws: the rank of each country in each draw.
    scores : DataFrame
        Countries x draws: the score of the analysed node in each draw.
    choices : Mapping
        The settings of the analysis (draws, seed, sets of methods, noise, dropped pairs).
    """

    year: int
    node: str
    intervals: pd.DataFrame
    sensitivity: pd.DataFrame
    most_influential: str
    draws: pd.DataFrame
    draw_weights: pd.DataFrame
    ranks: pd.DataFrame
    scores: pd.DataFrame
    choices: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "choices", MappingProxyType(dict(self.choices)))

    def to_frame(self) -> pd.DataFrame:
        """The rank intervals as a flat table (one row per country)."""
        return self.intervals.reset_index()

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_frame` to Parquet (atomically)."""
        return write_parquet_atomic(self.to_frame(), path, index=False)

    def summary(self, lang: str = "en", top: int = 10) -> str:
        """Text summary in ``lang``: settings, sensitivity and the widest rank intervals."""
        lang, top = lang_and_top(lang, top, "UncertaintyResult.summary")
        sens = self._raw("sensitivity")
        lines = [
            tr(
                "Uncertainty of {node}, year {year}: {draws} draws (seed {seed})",
                lang,
                node=self.node,
                year=self.year,
                draws=len(self._raw("draws")),
                seed=self.choices.get("seed"),
            ),
            tr("Choice that moves ranks most: {choice}", lang, choice=self.most_influential),
            "",
            *text_table(
                [tr("Choice", lang), tr("Mean rank shift", lang), tr("Largest rank shift", lang)],
                [
                    [
                        str(k),
                        fmt_number(r["mean_abs_rank_shift"], lang, 2),
                        fmt_number(r["max_abs_rank_shift"], lang, 0),
                    ]
                    for k, r in sens.iterrows()
                ],
            ),
            "",
            tr("Widest rank intervals:", lang),
        ]
        intervals = self._raw("intervals")
        width = (intervals["rank_max"] - intervals["rank_min"]).sort_values(ascending=False)
        rows = [
            [
                str(c),
                f"{intervals.at[c, 'nominal_rank']:.0f}",
                f"{intervals.at[c, 'rank_min']:.0f}-{intervals.at[c, 'rank_max']:.0f}",
            ]
            for c in width.index[:top]
        ]
        header = [tr("Country", lang), tr("Rank", lang), tr("Rank range", lang)]
        return "\n".join(lines + text_table(header, rows))


class _Batch:
    """Vectorised scores of the root for many weight vectors under one normalisation and aggregation."""

    def __init__(self, framework: Framework, nodes: list[str], min_coverage: float) -> None:
        self.fw = framework
        self.pos = {c: i for i, c in enumerate(nodes)}
        self.col = {c: j for j, c in enumerate(framework.indicators)}
        self.min_coverage = min_coverage

    def root_scores(
        self, normalised: np.ndarray, aggregation: str, weights: np.ndarray
    ) -> np.ndarray:
        """Root scores, shape (countries, draws), for ``weights`` of shape (draws, nodes)."""
        fw = self.fw
        geometric = aggregation == "geometric"
        n = normalised.shape[0]
        g = weights.shape[0]
        done: dict[str, np.ndarray] = {}
        for node in fw.aggregates:
            kids = fw.children(node)
            num = np.zeros((n, g))
            den = np.zeros((n, g))
            count = np.zeros((n, g))
            for kid in kids:
                w = weights[:, self.pos[kid]][None, :]
                if fw.is_indicator(kid):
                    v = normalised[:, self.col[kid]][:, None]
                else:
                    v = done.pop(kid)
                have = ~np.isnan(v)
                safe = np.where(have, v, 1.0)
                val = np.log(safe) if geometric else safe
                num += np.where(have, val, 0.0) * w
                den += have * w
                count += have
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = num / den
            score = np.exp(mean) if geometric else mean
            ok = (count / len(kids) >= self.min_coverage) & (den > 0)
            done[node] = np.where(ok, score, np.nan)
        return done[fw.root]


def _renormalise(weights: np.ndarray, framework: Framework, pos: dict[str, int]) -> np.ndarray:
    out = weights.copy()
    for node in framework.aggregates:
        idx = [pos[k] for k in framework.children(node)]
        out[:, idx] /= out[:, idx].sum(axis=1, keepdims=True)
    return out


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Ranks down each column, 1 = highest, ties share the lowest rank (NaN rows stay NaN)."""
    out = np.full(scores.shape, np.nan)
    rows = ~np.isnan(scores).any(axis=1)
    if rows.any():
        out[rows] = rankdata(-scores[rows], axis=0, method="min")
    return out


def uncertainty_analysis(
    index: CompositeIndex,
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
) -> UncertaintyResult:
    """Monte Carlo uncertainty and one-at-a-time sensitivity of the index's ranks.

    Parameters
    ----------
    index : CompositeIndex
        The nominal index (its normalisation, weighting and aggregation are draw 0).
    data : DataFrame
        Long table (country, year, indicator, value).
    year : int, optional
        Year to analyse (default: the latest).
    draws : int
        Number of Monte Carlo draws, including the nominal one.
    seed, rng
        Give a seed or a NumPy Generator, not both.
    normalisations, aggregations : sequence of str, optional
        Methods to draw from (default: all five normalisations, both aggregations). Pairs of
        geometric aggregation with a normalisation that can be <= 0 (minmax, zscore) are left out
        and listed in ``choices["dropped_pairs"]``.
    weightings : sequence of str, optional
        Weighting schemes to draw from ("equal", "user", "pca"); default the nominal one only.
    weight_noise : float
        Half-width of the uniform multiplicative perturbation of each weight (0 <= noise < 1).
    chunk : int
        Draws computed together (bounds memory: countries x chunk floats per node).

    Returns
    -------
    UncertaintyResult
    """
    if seed is not None and rng is not None:
        raise DataError(Message("give seed or rng, not both"))
    if int(draws) < 1:
        raise DataError(Message("draws={draws!r}: give at least 1", draws=draws))
    if not 0.0 <= float(weight_noise) < 1.0:
        raise DataError(
            Message("weight_noise={value!r}: give a value in [0, 1)", value=weight_noise)
        )
    gen = rng if rng is not None else np.random.default_rng(seed)
    draws = int(draws)

    prep = index.prepare(data, year)
    fw = prep.framework
    codes = fw.indicators
    directions = fw.directions().reindex(codes).to_numpy()
    raw = prep.raw.to_numpy(dtype=float)

    nominal_norm, nominal_agg = index.normalisation, index.aggregation
    norms = [nominal_norm] + [
        check_normalisation(k)
        for k in (normalisations or DEFAULT_NORMALISATIONS)
        if k != nominal_norm
    ]
    aggs = [nominal_agg] + [
        check_aggregation(a) for a in (aggregations or AGGREGATIONS) if a != nominal_agg
    ]
    combos = [
        (k, a) for k in norms for a in aggs if a == "arithmetic" or k in POSITIVE_NORMALISATIONS
    ]
    dropped = [f"{k}+{a}" for k in norms for a in aggs if (k, a) not in combos]
    if (nominal_norm, nominal_agg) not in combos:
        raise DataError(
            Message(
                "the nominal index pairs {aggregation} aggregation with {normalisation} "
                "normalisation, which can be <= 0: use a positive normalisation ('kof', 'rank', "
                "'percentile')",
                aggregation=nominal_agg,
                normalisation=nominal_norm,
            )
        )

    nominal_scheme = "user (mapping)" if isinstance(index.weighting, Mapping) else index.weighting
    scheme_names = [nominal_scheme] + [s for s in (weightings or ()) if s != nominal_scheme]
    nodes = [c for c in fw.order if c != fw.root]
    pos = {c: i for i, c in enumerate(nodes)}
    base = np.vstack(
        [
            node_weights(fw, index.weighting if i == 0 else s, prep.raw).reindex(nodes).to_numpy()
            for i, s in enumerate(scheme_names)
        ]
    )
    normalised = {k: normalise(raw, k, directions, prep.reference, codes=codes) for k in norms}
    batch = _Batch(fw, nodes, index.min_coverage)

    def weight_draws(count: int) -> tuple[np.ndarray, np.ndarray]:
        scheme = gen.integers(len(scheme_names), size=count)
        noise = gen.uniform(1.0 - weight_noise, 1.0 + weight_noise, size=(count, len(nodes)))
        return scheme, _renormalise(base[scheme] * noise, fw, pos)

    def scores_for(combo_of_draw: np.ndarray, weights: np.ndarray) -> np.ndarray:
        out = np.full((raw.shape[0], len(weights)), np.nan)
        for c, (k, a) in enumerate(combos):
            idx = np.flatnonzero(combo_of_draw == c)
            for start in range(0, len(idx), chunk):
                part = idx[start : start + chunk]
                out[:, part] = batch.root_scores(normalised[k], a, weights[part])
        return out

    combo = gen.integers(len(combos), size=draws)
    scheme, weights = weight_draws(draws)
    combo[0], scheme[0] = 0, 0
    weights[0] = _renormalise(base[:1], fw, pos)[0]
    scores = scores_for(combo, weights)
    ranks = _ranks(scores)
    nominal_rank = ranks[:, 0]

    # One choice at a time around the nominal index.
    def shift(alt_scores: np.ndarray) -> tuple[float, float]:
        alt = _ranks(alt_scores)
        have = ~np.isnan(nominal_rank)
        diff = np.abs(alt[have] - nominal_rank[have, None])
        return (float(diff.mean()), float(diff.max())) if diff.size else (np.nan, np.nan)

    nominal_w = weights[:1]
    rows = []
    alt_norm = [c for c, (k, a) in enumerate(combos) if a == nominal_agg and k != nominal_norm]
    alt_agg = [c for c, (k, a) in enumerate(combos) if k == nominal_norm and a != nominal_agg]
    for factor, alts in (("normalisation", alt_norm), ("aggregation", alt_agg)):
        if alts:
            sc = scores_for(np.array(alts), np.repeat(nominal_w, len(alts), axis=0))
            mean, top = shift(sc)
        else:
            mean, top = 0.0, 0.0
        rows.append((factor, len(alts), mean, top))
    n_w = min(draws, 1000)
    if weight_noise > 0 or len(scheme_names) > 1:
        _, w_alt = weight_draws(n_w)
        mean, top = shift(scores_for(np.zeros(n_w, dtype=int), w_alt))
        rows.append(("weights", n_w, mean, top))
    else:
        rows.append(("weights", 0, 0.0, 0.0))
    sensitivity = pd.DataFrame(
        rows, columns=["choice", "alternatives", "mean_abs_rank_shift", "max_abs_rank_shift"]
    ).set_index("choice")
    sensitivity = sensitivity.loc[["normalisation", "weights", "aggregation"]]
    most = str(sensitivity["mean_abs_rank_shift"].idxmax())

    countries = prep.raw.index
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        # countries without a nominal score have no rank in any draw; they are dropped below
        warnings.simplefilter("ignore", RuntimeWarning)
        q_rank = np.nanquantile(ranks, [0.05, 0.5, 0.95], axis=1)
        q_score = np.nanquantile(scores, [0.05, 0.5, 0.95], axis=1)
        rank_min, rank_max = np.nanmin(ranks, axis=1), np.nanmax(ranks, axis=1)
    intervals = pd.DataFrame(
        {
            "nominal_score": scores[:, 0],
            "nominal_rank": nominal_rank,
            "rank_min": rank_min,
            "rank_p05": q_rank[0],
            "rank_median": q_rank[1],
            "rank_p95": q_rank[2],
            "rank_max": rank_max,
            "score_p05": q_score[0],
            "score_median": q_score[1],
            "score_p95": q_score[2],
        },
        index=countries,
    )
    intervals = intervals[intervals["nominal_rank"].notna()].sort_values("nominal_rank")
    draw_table = pd.DataFrame(
        {
            "normalisation": [combos[c][0] for c in combo],
            "aggregation": [combos[c][1] for c in combo],
            "weighting": [scheme_names[s] for s in scheme],
        }
    )
    draw_table.index.name = "draw"
    return UncertaintyResult(
        year=prep.year,
        node=fw.root,
        intervals=intervals,
        sensitivity=sensitivity,
        most_influential=most,
        draws=draw_table,
        draw_weights=pd.DataFrame(weights, columns=nodes),
        ranks=pd.DataFrame(ranks, index=countries),
        scores=pd.DataFrame(scores, index=countries),
        choices={
            "draws": draws,
            "seed": seed,
            "normalisations": tuple(norms),
            "aggregations": tuple(aggs),
            "weightings": tuple(scheme_names),
            "weight_noise": weight_noise,
            "dropped_pairs": tuple(dropped),
            "nominal": index.choices(),
        },
    )
