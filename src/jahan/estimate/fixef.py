"""Recover the fixed-effect estimates of a PPML fit from its linear predictor.

At the solution the linear predictor is :math:`\\eta_i = x_i'\\hat\\beta + \\sum_g \\alpha_{g(i)}`
(plus any offset), so the sum of fixed effects :math:`s = \\eta - X\\hat\\beta` is known exactly
and lies in the span of the fixed-effect dummies :math:`D`. The individual effects solve
:math:`D\\alpha = s`; with several fixed effects the solution is unique only up to
normalisations (a constant moved from one set to another), and the minimum-norm solution is
returned. pyfixest's ``fixef()`` does not support interacted effects (``exporter^year``); this
works for any of them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.linalg import lsqr


def _levels(data: pd.DataFrame, term: str) -> tuple[np.ndarray, pd.Index]:
    """Codes of each row and the labels of each level for a fixed-effect term like a^b."""
    parts = [p.strip() for p in term.split("^")]
    if len(parts) == 1:
        codes, uniques = pd.factorize(data[parts[0]], sort=True)
        return codes, pd.Index(uniques, name=parts[0])
    frame = data[parts]
    index = pd.MultiIndex.from_frame(frame)
    codes, uniques = pd.factorize(index, sort=True)
    return codes, pd.MultiIndex.from_tuples(list(uniques), names=parts)


def recover_fixed_effects(
    terms: tuple[str, ...],
    data: pd.DataFrame,
    fe_sum: np.ndarray,
    *,
    tol: float = 1e-12,
) -> dict[str, pd.Series]:
    """Solve :math:`D\\alpha = s` for the effects of each term.

    Parameters
    ----------
    terms : tuple of str
        Fixed-effect terms as written in the formula (``"exporter^year"``).
    data : DataFrame
        The rows used in the fit, holding the component columns of each term.
    fe_sum : ndarray (n,)
        :math:`\\eta - X\\hat\\beta` on those rows.
    tol : float
        Stopping tolerance of the sparse least-squares solver.

    Returns
    -------
    dict of str to Series
        Effects by term, indexed by the level (a MultiIndex for interacted terms).
    """
    n = fe_sum.shape[0]
    blocks = []
    labels = []
    for term in terms:
        codes, index = _levels(data, term)
        blocks.append(sparse.csr_matrix((np.ones(n), (np.arange(n), codes)), shape=(n, len(index))))
        labels.append(index)
    design = sparse.hstack(blocks).tocsr()
    solution = lsqr(design, fe_sum, atol=tol, btol=tol, iter_lim=100_000)[0]
    out: dict[str, pd.Series] = {}
    start = 0
    for term, index in zip(terms, labels, strict=True):
        stop = start + len(index)
        out[term] = pd.Series(solution[start:stop], index=index, name=term)
        start = stop
    return out


__all__ = ["recover_fixed_effects"]
