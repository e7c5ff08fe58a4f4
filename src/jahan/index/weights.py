"""Weights of each node within its parent: equal, user-given, or principal-component (as KOF).

Principal-component weights (OECD/JRC Handbook 2008, section 6.1; Gygli et al. 2019 use PCA to weight
the variables inside each sub-index): for the k indicators under one aggregate, standardise each over
the countries that have all k values, take the first principal component of the correlation matrix
(unit eigenvector ``v`` of its largest eigenvalue) and weight indicator j by ``v_j ** 2``. The squared
loadings sum to one, do not depend on the sign of ``v``, and give each indicator its share of the
variance that the first component explains.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from jahan.errors import DataError, Message
from jahan.index.framework import Framework

WEIGHTINGS: tuple[str, ...] = ("equal", "user", "pca")


def pca_weights(values: np.ndarray) -> np.ndarray:
    """First-principal-component weights of the columns of ``values`` (complete rows only).

    .. math:: w_j = v_{1j}^2, \\quad R v_1 = \\lambda_{\\max} v_1,

    with ``R`` the correlation matrix of the columns.

    Parameters
    ----------
    values : ndarray, shape (n, k)
        Raw indicator values; rows with any NaN are left out.

    Returns
    -------
    ndarray, shape (k,)
        Non-negative weights summing to one.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    if k == 1:
        return np.ones(1)
    if n < 3:
        raise DataError(
            Message(
                "principal-component weights need at least 3 countries with all {k} indicators; "
                "{n} have them. Use weighting='equal' or add data.",
                k=k,
                n=n,
            )
        )
    sd = x.std(axis=0, ddof=1)
    if np.any(sd == 0):
        raise DataError(
            Message(
                "an indicator is constant across countries: principal-component weights are "
                "undefined"
            )
        )
    z = (x - x.mean(axis=0)) / sd
    corr = z.T @ z / (n - 1)
    eigval, eigvec = np.linalg.eigh(corr)
    v = eigvec[:, int(np.argmax(eigval))]
    return v**2 / np.sum(v**2)


def node_weights(
    framework: Framework,
    weighting: str | Mapping[str, float],
    values: pd.DataFrame | None = None,
) -> pd.Series:
    """Weight of every non-root node within its parent (siblings' weights sum to one).

    Parameters
    ----------
    framework : Framework
    weighting : "equal", "user", "pca" or a mapping code -> weight
        "user" reads :attr:`Node.weight`; a mapping gives user weights directly (nodes it leaves out
        keep their :attr:`Node.weight`, else weight 1). "pca" weights the indicators of every
        aggregate whose children are all indicators by :func:`pca_weights`, and every other node by
        its :attr:`Node.weight` if set, else equally.
    values : DataFrame, optional
        Countries x indicators (raw values of the scored year), needed for "pca".
    """
    raw: dict[str, float] = {}
    if isinstance(weighting, Mapping):
        unknown = [c for c in weighting if c not in framework]
        if unknown:
            raise DataError(
                Message(
                    "weights given for {codes!r}, which are not nodes of the framework",
                    codes=unknown[:5],
                )
            )
        for code in framework.order:
            if code == framework.root:
                continue
            given = weighting.get(code, framework[code].weight)
            raw[code] = 1.0 if given is None else float(given)
        scheme = "user"
    else:
        if weighting not in WEIGHTINGS:
            raise DataError(
                Message(
                    "unknown weighting {weighting!r}: use one of {choices!r} or a mapping",
                    weighting=weighting,
                    choices=WEIGHTINGS,
                )
            )
        scheme = weighting
        for code in framework.order:
            if code == framework.root:
                continue
            node = framework[code]
            if scheme == "equal":
                raw[code] = 1.0
            elif scheme == "user":
                if node.weight is None:
                    missing = [
                        c
                        for c in framework.order
                        if c != framework.root and framework[c].weight is None
                    ]
                    raise DataError(
                        Message(
                            "weighting='user' but nodes {codes!r} have no weight: set Node.weight "
                            "(the 'weight' column of the framework table) or pass a mapping",
                            codes=missing[:6],
                        )
                    )
                raw[code] = node.weight
            else:
                raw[code] = 1.0 if node.weight is None else node.weight
        if scheme == "pca":
            if values is None:
                raise DataError(Message("weighting='pca' needs the indicator values"))
            for code in framework.aggregates:
                kids = framework.children(code)
                if len(kids) > 1 and all(framework.is_indicator(k) for k in kids):
                    w = pca_weights(values.loc[:, list(kids)].to_numpy(dtype=float))
                    raw.update(zip(kids, w, strict=True))
    out = {}
    for code in framework.aggregates:
        kids = framework.children(code)
        total = sum(raw[k] for k in kids)
        if total <= 0:
            raise DataError(
                Message(
                    "the weights of the children of {code!r} sum to zero: give a positive weight",
                    code=code,
                )
            )
        for k in kids:
            out[k] = raw[k] / total
    return pd.Series(out, name="weight", dtype=float).reindex(
        [c for c in framework.order if c in out]
    )
