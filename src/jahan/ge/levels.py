"""Structural gravity in levels: multilateral resistances from trade costs.

Anderson and van Wincoop (2003); Yotov, Piermartini, Monteiro and Larch (2016), *An Advanced
Guide to Trade Policy Analysis*, chapter 2, equations (1)-(3). With ``T_ij = t_ij^(1-sigma)``,
world output ``Y``, output shares ``y_i = Y_i / Y`` and expenditure shares ``e_j = E_j / Y``:

.. math::

    X_{ij} = \\frac{Y_i E_j}{Y} \\frac{T_{ij}}{\\Pi_i^{1-\\sigma} P_j^{1-\\sigma}}, \\quad
    \\Pi_i^{1-\\sigma} = \\sum_j \\frac{T_{ij}}{P_j^{1-\\sigma}} e_j, \\quad
    P_j^{1-\\sigma} = \\sum_i \\frac{T_{ij}}{\\Pi_i^{1-\\sigma}} y_i,

normalised by ``P_ref = 1`` for a reference importer. The flows this gives are the
*model-consistent* baseline (the fitted values of PPML with exporter and importer fixed effects
and the same trade costs), on which exact hat algebra (:mod:`jahan.ge.model`) gives the same
counterfactual as :func:`full_ge_levels` below.

Full-endowment GE in levels (Anderson and Yotov 2016; Yotov et al. 2016, chapter 2,
application 1): factory-gate prices ``p_i`` (1 at baseline) satisfy the market-clearing form
``Y_i / Y = (beta_i p_i Pi_i)^(1-sigma)``, output is ``Y'_i = p_i Y_i``, and expenditure is
``E'_j = phi_j Y'_j`` with ``phi_j = E_j / Y_j`` held fixed (multiplicative imbalances).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jahan.errors import ConvergenceError, DataError


@dataclass(frozen=True, slots=True)
class Resistances:
    """Multilateral resistances and the flows they imply.

    Attributes
    ----------
    outward : ndarray (N,)
        ``Pi_i^(1-sigma)``.
    inward : ndarray (N,)
        ``P_j^(1-sigma)``; equal to 1 for the reference importer.
    flows : ndarray (N, N)
        ``X_ij``, rows summing to ``Y_i``, columns to ``E_j`` (shares times world output).
    converged, iterations, max_residual
        Solver diagnostics (``max_residual``: largest absolute log gap of a row or column sum).
    """

    outward: np.ndarray
    inward: np.ndarray
    flows: np.ndarray
    converged: bool
    iterations: int
    max_residual: float


@dataclass(frozen=True, slots=True)
class LevelsEquilibrium:
    """Full-endowment GE counterfactual solved in levels.

    Attributes
    ----------
    baseline, counterfactual : Resistances
    factory_price : ndarray (N,)
        ``p_i`` relative to baseline (numeraire: the reference importer's ``P`` stays 1).
    output, expenditure : ndarray (N,)
        Counterfactual ``Y'_i = p_i Y_i`` and ``E'_j = phi_j Y'_j``.
    real_gdp_change : ndarray (N,)
        ``(Y'_i / P'_i) / (Y_i / P_i)`` with ``P = (P^(1-sigma))^(1/(1-sigma))``.
    converged, iterations, max_residual
        Outer-loop diagnostics (``max_residual``: last change in ``log p``).
    """

    baseline: Resistances
    counterfactual: Resistances
    factory_price: np.ndarray
    output: np.ndarray
    expenditure: np.ndarray
    real_gdp_change: np.ndarray
    converged: bool
    iterations: int
    max_residual: float


def multilateral_resistances(
    trade_costs: np.ndarray,
    output: np.ndarray,
    expenditure: np.ndarray,
    *,
    reference: int = 0,
    tol: float = 1e-12,
    max_iter: int = 100_000,
    initial_inward: np.ndarray | None = None,
) -> Resistances:
    """Solve the multilateral-resistance system for given ``t_ij^(1-sigma)``, ``Y``, ``E``.

    Parameters
    ----------
    trade_costs : ndarray (N, N)
        ``T_ij = t_ij^(1-sigma) >= 0`` (exporter rows, importer columns), e.g.
        ``exp(b_dist ln DIST_ij + b_border BRDR_ij + ...)`` from a PPML estimate.
    output, expenditure : ndarray (N,)
        ``Y_i`` and ``E_j`` (> 0). They enter as world shares (``Y_i / sum Y``,
        ``E_j / sum E``); the flows are scaled to world output ``sum Y``.
    reference : int
        Position of the reference importer whose ``P`` is normalised to 1.
    tol, max_iter
        Stop when every row and column sum matches within ``tol`` (log points).
    initial_inward : ndarray, optional
        Starting ``P^(1-sigma)`` (a warm start).

    Returns
    -------
    Resistances
    """
    T = np.asarray(trade_costs, dtype=float)
    Y = np.asarray(output, dtype=float)
    E = np.asarray(expenditure, dtype=float)
    n = Y.size
    if T.shape != (n, n) or E.shape != (n,):
        raise DataError(f"trade_costs must be ({n}, {n}) and expenditure ({n},); got {T.shape}")
    if not (np.all(np.isfinite(T)) and np.all(T >= 0)):
        raise DataError("trade_costs t^(1-sigma) must be finite and >= 0.")
    if not (np.all(Y > 0) and np.all(E > 0)):
        raise DataError("output and expenditure must be positive for every country.")
    world = Y.sum()
    y = Y / world
    e = E / E.sum()
    # Sinkhorn scaling in the shares: a_i = Pi_i^(1-sigma), b_j = P_j^(1-sigma).
    b = np.ones(n) if initial_inward is None else np.asarray(initial_inward, dtype=float).copy()
    norm = np.inf
    it = 0
    while it < max_iter:
        it += 1
        a = T @ (e / b)
        b = T.T @ (y / a)
        if it % 5 == 0 or it == 1:
            rows = (T @ (e / b)) / a  # row sums relative to y_i
            norm = float(np.abs(np.log(rows)).max())
            if norm <= tol:
                break
    a = T @ (e / b)
    scale = b[reference]
    b = b / scale
    a = a * scale
    flows = world * (y / a)[:, None] * T * (e / b)[None, :]
    rows = np.log(flows.sum(axis=1) / Y)
    cols = np.log(flows.sum(axis=0) / (e * world))
    norm = float(max(np.abs(rows).max(), np.abs(cols).max()))
    converged = bool(norm <= max(tol, 1e-12) * 10)
    record = Resistances(a, b, flows, converged, it, norm)
    if not converged:
        raise ConvergenceError(
            f"multilateral resistances did not converge in {it} iterations (largest log gap "
            f"{norm:.3g}). Check that every country trades with some partner (rows and columns "
            "of t^(1-sigma) not all zero) or raise max_iter.",
            record=record,
        )
    return record


def full_ge_levels(
    trade_costs_baseline: np.ndarray,
    trade_costs_counterfactual: np.ndarray,
    output: np.ndarray,
    expenditure: np.ndarray,
    sigma: float,
    *,
    reference: int = 0,
    tol: float = 1e-12,
    max_iter: int = 10_000,
) -> LevelsEquilibrium:
    """Full-endowment GE in levels with multiplicative imbalances (``E_j = phi_j Y_j``).

    Iterates on factory-gate prices, re-solving the multilateral resistances each time, as the
    Stata programs of Yotov et al. (2016, ch. 2) do, but to a tight tolerance.

    Parameters
    ----------
    trade_costs_baseline, trade_costs_counterfactual : ndarray (N, N)
        ``t_ij^(1-sigma)`` before and after.
    output, expenditure : ndarray (N,)
        Baseline ``Y_i`` and ``E_j``.
    sigma : float
        Elasticity of substitution (> 1); the trade elasticity is ``sigma - 1``.
    reference : int
        Reference importer (``P_ref = 1`` in both equilibria).

    Returns
    -------
    LevelsEquilibrium
    """
    if not sigma > 1:
        raise DataError(f"sigma must exceed 1, got {sigma!r}.")
    Y = np.asarray(output, dtype=float)
    E = np.asarray(expenditure, dtype=float) * (Y.sum() / np.sum(expenditure))
    base = multilateral_resistances(trade_costs_baseline, Y, E, reference=reference, tol=tol)
    beta = (Y / Y.sum()) / base.outward  # beta_i^(1-sigma) with p_i = 1
    phi = E / Y
    log_p = np.zeros_like(Y)
    inward = base.inward
    norm = np.inf
    it = 0
    cf = base
    while it < max_iter:
        it += 1
        p = np.exp(log_p)
        Y1 = p * Y
        E1 = phi * Y1
        cf = multilateral_resistances(
            trade_costs_counterfactual, Y1, E1, reference=reference, tol=tol * 0.1,
            initial_inward=inward,
        )
        inward = cf.inward
        # p_i Y_i / Y' = (beta_i p_i)^(1-sigma) Pi'_i^(1-sigma)  =>  p_i^sigma = beta Pi' Y' / Y_i
        new = (np.log(beta) + np.log(cf.outward) + np.log(Y1.sum()) - np.log(Y)) / sigma
        norm = float(np.abs(new - log_p).max())
        log_p = new
        if norm <= tol:
            break
    p = np.exp(log_p)
    Y1 = p * Y
    E1 = phi * Y1
    cf = multilateral_resistances(
        trade_costs_counterfactual, Y1, E1, reference=reference, tol=tol * 0.1,
        initial_inward=inward,
    )
    exponent = 1.0 / (1.0 - sigma)
    real_gdp = (p / cf.inward**exponent) / (1.0 / base.inward**exponent)
    converged = bool(norm <= tol)
    result = LevelsEquilibrium(base, cf, p, Y1, E1, real_gdp, converged, it, norm)
    if not converged:
        raise ConvergenceError(
            f"levels GE did not converge in {it} iterations (last change in log prices "
            f"{norm:.3g}); raise max_iter.",
            record=result,
        )
    return result


__all__ = ["LevelsEquilibrium", "Resistances", "full_ge_levels", "multilateral_resistances"]
