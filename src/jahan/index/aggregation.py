"""Aggregation of children's scores into their parent's score (OECD/JRC Handbook 2008, section 6.2).

For a country with children scores ``y_c`` and weights ``w_c`` (summing to one over the children),
the weights are renormalised over the children that have a score (set A):

- ``arithmetic``: sum_{c in A} w_c y_c / sum_{c in A} w_c
- ``geometric``:  exp( sum_{c in A} w_c ln y_c / sum_{c in A} w_c ), defined for y_c > 0 only

A country's parent score is missing when the share of children with a score (by count) is below
``min_coverage``; it is never filled with zero.
"""

from __future__ import annotations

import numpy as np

from jahan.errors import DataError, Message

AGGREGATIONS: tuple[str, ...] = ("arithmetic", "geometric")


def check_aggregation(method: str) -> str:
    """Return ``method`` or raise naming the allowed methods."""
    if method not in AGGREGATIONS:
        raise DataError(
            Message(
                "unknown aggregation {method!r}: use one of {choices!r}",
                method=method,
                choices=AGGREGATIONS,
            )
        )
    return method


def aggregate(
    children: np.ndarray,
    weights: np.ndarray,
    method: str,
    min_coverage: float,
    *,
    node: str = "",
) -> tuple[np.ndarray, np.ndarray]:
    """Aggregate ``children`` (countries x children) with ``weights`` (children,).

    Returns
    -------
    scores : ndarray, shape (n,)
        NaN where coverage is below ``min_coverage`` or no child has a score.
    coverage : ndarray, shape (n,)
        Share of children (by count) with a score.
    """
    check_aggregation(method)
    y = np.asarray(children, dtype=float)
    w = np.asarray(weights, dtype=float)
    have = ~np.isnan(y)
    coverage = have.mean(axis=1)
    wa = np.where(have, w[None, :], 0.0)
    den = wa.sum(axis=1)
    if method == "arithmetic":
        num = (wa * np.where(have, y, 0.0)).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            scores = num / den
    else:
        if np.any(y[have] <= 0):
            raise DataError(
                Message(
                    "geometric aggregation of {node!r} meets a score <= 0: the geometric mean "
                    "needs positive values; use normalisation 'kof' (1-100), 'rank' or "
                    "'percentile', or aggregation='arithmetic'",
                    node=node,
                )
            )
        logs = np.where(have, np.log(np.where(have, y, 1.0)), 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            scores = np.exp((wa * logs).sum(axis=1) / den)
    ok = (coverage >= min_coverage) & (den > 0)
    return np.where(ok, scores, np.nan), coverage
