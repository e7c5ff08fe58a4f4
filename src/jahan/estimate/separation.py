"""Separated observations in Poisson regression with fixed effects.

An observation is separated when some linear combination :math:`z = X\\gamma + D\\delta` of
regressors and fixed-effect dummies has :math:`z_i = 0` wherever :math:`y_i > 0` and
:math:`z_i \\ge 0` wherever :math:`y_i = 0`, with :math:`z_i > 0` for that observation: its
conditional mean is zero at the maximum-likelihood solution, some estimates diverge, and the
observation must be dropped (Correia, Guimaraes and Zylkin 2019, "Verifying the existence of
maximum likelihood estimates for generalized linear models").

Two checks, run in this order and repeated until neither finds anything new:

- ``"fe"``: a fixed-effect group in which every flow is zero.
- ``"ir"``: the iterative rectifier. Regress :math:`u` (initially :math:`1[y = 0]`) on the
  regressors and fixed effects with weight :math:`K` on observations with :math:`y > 0` and 1
  elsewhere; replace :math:`u` on the zero observations by :math:`\\max(\\hat u, 0)`; stop when
  every fitted :math:`\\hat u \\ge 0`. The zero observations with :math:`\\hat u > 0` are separated.

pyfixest's own "ir" check uses a very large :math:`K` and recovers :math:`\\hat u` from
re-estimated fixed effects; the weighted demeaning then stalls and separation by a
combination of fixed effects goes unnoticed. This module uses a moderate :math:`K`, a tightly
converged within-transformation and :math:`\\hat u = u - \\text{residual}`.
"""

from __future__ import annotations

import numpy as np

from jahan.estimate._pyfixest import demean

_DEMEAN_TOL = 1e-10


def fe_separated(y: np.ndarray, fe: np.ndarray | None) -> np.ndarray:
    """Mask of observations in a fixed-effect group whose flows are all zero."""
    mask = np.zeros(y.shape[0], dtype=bool)
    if fe is None:
        return mask
    positive = y > 0
    for col in range(fe.shape[1]):
        codes = np.unique(fe[:, col], return_inverse=True)[1]
        has_positive = np.bincount(codes, weights=positive.astype(float)) > 0
        mask |= ~has_positive[codes]
    return mask


def _weighted_residual(u: np.ndarray, x: np.ndarray, fe: np.ndarray | None, w: np.ndarray):
    """Residual of the weighted least-squares fit of ``u`` on ``x`` and the fixed effects."""
    stacked = np.column_stack([u, x]) if x.size else u.reshape(-1, 1)
    if fe is not None:
        demeaned, _ = demean(
            np.ascontiguousarray(stacked, dtype=np.float64),
            np.ascontiguousarray(fe, dtype=np.uint64),
            np.ascontiguousarray(w, dtype=np.float64),
            tol=_DEMEAN_TOL,
            maxiter=100_000,
        )
    else:
        # no fixed effects: partial out the intercept (weighted mean)
        demeaned = stacked - np.average(stacked, axis=0, weights=w)
    ud = demeaned[:, 0]
    xd = demeaned[:, 1:]
    if xd.shape[1] == 0:
        return ud
    sw = np.sqrt(w)[:, None]
    coef, *_ = np.linalg.lstsq(sw * xd, sw[:, 0] * ud, rcond=None)
    return ud - xd @ coef


def ir_separated(
    y: np.ndarray,
    x: np.ndarray,
    fe: np.ndarray | None,
    *,
    tol: float = 1e-5,
    weight: float = 1e4,
    maxiter: int = 100,
) -> np.ndarray:
    """Mask of observations separated according to the iterative rectifier.

    With weight :math:`K` on the observations with :math:`y > 0`, a zero observation that a
    separating combination reaches keeps :math:`\\hat u = u` exactly (the combination is zero
    on every positive flow, so fitting it costs nothing), while the fit of any other zero
    observation is shrunk by a factor of order :math:`1/K` at each rectifier step. The loop
    stops when no fitted value on the zero observations is below ``-tol`` and ``u`` has
    stopped moving; observations with :math:`\\hat u > tol` are separated. A moderate
    :math:`K` keeps the weighted demeaning well conditioned.

    Parameters
    ----------
    y : ndarray (n,)
        Dependent variable (>= 0).
    x : ndarray (n, k)
        Regressors (k may be 0).
    fe : ndarray (n, m) of integer codes, or None
        Fixed effects.
    tol : float
        Fitted values below ``tol`` in absolute value count as zero.
    weight : float
        Weight :math:`K` of the observations with positive flows.
    maxiter : int
        Maximum rectifier iterations; if reached, nothing is flagged.
    """
    interior = y > 0
    if interior.all() or not interior.any():
        return np.zeros(y.shape[0], dtype=bool)
    boundary = ~interior
    u = boundary.astype(float)
    w = np.where(interior, weight, 1.0)
    x = np.asarray(x, dtype=float).reshape(y.shape[0], -1)
    if fe is not None:
        fe = np.column_stack(
            [np.unique(fe[:, c], return_inverse=True)[1] for c in range(fe.shape[1])]
        )
    for _ in range(maxiter):
        u_hat = u - _weighted_residual(u, x, fe, w)
        u_hat[interior] = 0.0
        u_hat[np.abs(u_hat) < tol] = 0.0
        new_u = np.where(boundary, np.maximum(u_hat, 0.0), 0.0)
        if not new_u.any():
            # every zero observation is fitted at or below zero: nothing is separated
            return np.zeros(y.shape[0], dtype=bool)
        if (u_hat[boundary] >= 0.0).all() and np.max(np.abs(new_u - u)) < tol:
            return boundary & (u_hat > tol)
        u = new_u
    return np.zeros(y.shape[0], dtype=bool)


def separated(
    y: np.ndarray,
    x: np.ndarray,
    fe: np.ndarray | None,
    checks: list[str],
) -> np.ndarray:
    """Mask of separated observations, repeating the checks until nothing new is found."""
    n = y.shape[0]
    drop = np.zeros(n, dtype=bool)
    if not checks:
        return drop
    while True:
        keep = ~drop
        idx = np.flatnonzero(keep)
        y_k = y[keep]
        fe_k = None if fe is None else fe[keep]
        found = np.zeros(idx.shape[0], dtype=bool)
        if "fe" in checks:
            found |= fe_separated(y_k, fe_k)
        if "ir" in checks and not found.any():
            found |= ir_separated(y_k, x[keep], fe_k)
        if not found.any():
            return drop
        drop[idx[found]] = True
