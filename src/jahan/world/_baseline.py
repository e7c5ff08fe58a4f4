"""Structural gravity baseline: balanced flows with multilateral resistances (a pure kernel).

Given output :math:`Y_i`, expenditure :math:`E_j` and bilateral trade costs
:math:`t_{ij}^{1-\\sigma}`, the structural gravity system of Anderson and van Wincoop (2003),
as written in Yotov, Piermartini, Monteiro and Larch (2016, ch. 1, eqs. 1-3), is

.. math::

    X_{ij} = \\frac{Y_i E_j}{Y} \\left(\\frac{t_{ij}}{\\Pi_i P_j}\\right)^{1-\\sigma},\\quad
    \\Pi_i^{1-\\sigma} = \\sum_j \\left(\\frac{t_{ij}}{P_j}\\right)^{1-\\sigma} \\frac{E_j}{Y},\\quad
    P_j^{1-\\sigma} = \\sum_i \\left(\\frac{t_{ij}}{\\Pi_i}\\right)^{1-\\sigma} \\frac{Y_i}{Y}.

The resistance equations say exactly that the rows of :math:`X` sum to :math:`Y_i` and its
columns to :math:`E_j`, so :math:`X = \\mathrm{diag}(a)\\,K\\,\\mathrm{diag}(b)` with
:math:`K = t^{1-\\sigma}` is found by bi-proportional (RAS) scaling, and the resistances are
read off :math:`a` and :math:`b` up to the usual normalisation (:math:`P_{ref} = 1`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jahan.errors import ConvergenceError, DataError


@dataclass(frozen=True)
class GravityBaseline:
    """Solution of the structural gravity system (arrays in the order of the inputs)."""

    flows: np.ndarray
    """X_ij, exporter i in rows, importer j in columns."""
    outward_resistance: np.ndarray
    """Pi_i^(1-sigma)."""
    inward_resistance: np.ndarray
    """P_j^(1-sigma), normalised to 1 for the reference importer."""
    converged: bool
    iterations: int
    max_residual: float
    """Largest relative gap between a row (column) sum and Y_i (E_j)."""
    column_scale: np.ndarray
    """b in X = diag(a) K diag(b); pass it as ``warm_start`` to a nearby problem."""


def solve_gravity_baseline(
    output: np.ndarray,
    expenditure: np.ndarray,
    cost_term: np.ndarray,
    *,
    reference: int = 0,
    tol: float = 1e-10,
    max_iter: int = 100_000,
    warm_start: np.ndarray | None = None,
) -> GravityBaseline:
    """Solve for flows whose row sums are ``output`` and column sums ``expenditure``.

    Parameters
    ----------
    output, expenditure : ndarray, shape (n,)
        :math:`Y_i` and :math:`E_j`, positive; their totals must agree.
    cost_term : ndarray, shape (n, n)
        :math:`t_{ij}^{1-\\sigma}`, positive.
    reference : int
        Index of the importer whose inward resistance is normalised to 1.
    tol : float
        Stop when every row and column sum matches to this relative tolerance.
    max_iter : int
        Raise :class:`~jahan.errors.ConvergenceError` after this many sweeps.
    warm_start : ndarray, optional
        Starting column factors (``column_scale`` of a previous solution).

    Returns
    -------
    GravityBaseline
    """
    y = np.asarray(output, dtype=float)
    e = np.asarray(expenditure, dtype=float)
    k = np.asarray(cost_term, dtype=float)
    n = y.size
    if k.shape != (n, n) or e.size != n:
        raise DataError(f"shapes disagree: output {y.shape}, expenditure {e.shape}, costs {k.shape}")
    if not (np.all(y > 0) and np.all(e > 0) and np.all(k > 0) and np.all(np.isfinite(k))):
        raise DataError("output, expenditure and trade-cost terms must be positive and finite")
    total = y.sum()
    if abs(e.sum() - total) > 1e-9 * total:
        raise DataError(f"total output {total:.6g} differs from total expenditure {e.sum():.6g}")
    b = np.ones(n) if warm_start is None else np.asarray(warm_start, dtype=float).copy()
    if b.shape != (n,) or not np.all(b > 0):
        raise DataError("warm_start must hold n positive column factors")
    residual = np.inf
    it = 0
    while it < max_iter:
        it += 1
        a = y / (k @ b)
        b = e / (k.T @ a)
        x = a[:, None] * k * b[None, :]
        # columns hold exactly after the b step; the rows measure the gap
        residual = float(np.max(np.abs(x.sum(axis=1) - y) / y))
        if residual <= tol:
            break
    converged = residual <= tol
    if not converged:
        nan = np.full(n, np.nan)
        record = GravityBaseline(x, nan, nan, False, it, residual, b)
        raise ConvergenceError(
            f"gravity baseline did not converge in {max_iter} sweeps (max relative residual "
            f"{residual:.3g} > tol {tol:.1g}); check for isolated countries or raise max_iter",
            record=record,
        )
    # a_i b_j = Y_i E_j / (Y Pi_i P_j): Pi_i = Y_i / (Y a_i c), P_j = c E_j / b_j, P_ref = 1
    c = b[reference] / e[reference]
    inward = c * e / b
    outward = y / (total * a * c)
    return GravityBaseline(x, outward, inward, True, it, residual, b)
