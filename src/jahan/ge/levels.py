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

from jahan.errors import ConvergenceError, DataError, Message


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
        Solver diagnostics: sweeps, and the largest absolute log gap of a row or column sum of
        ``flows`` (rows hold exactly; the gap is in the columns).
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


def _sinkhorn(
    T: np.ndarray, y: np.ndarray, e: np.ndarray, b: np.ndarray, tol: float, max_iter: int
) -> tuple[np.ndarray, np.ndarray, int, float]:
    """Bi-proportional (Sinkhorn, RAS) scaling in the resistance parameterisation.

    Finds ``a`` (``Pi^(1-sigma)``) and ``b`` (``P^(1-sigma)``) with flows
    ``X_ij = (y_i / a_i) T_ij (e_j / b_j)`` whose rows sum to ``y`` and columns to ``e``.
    One stopping rule: after the ``a`` step the rows of ``X(a, b)`` hold exactly, and the next
    ``b`` step measures its columns, ``col_j / e_j = b'_j / b_j``; the sweep stops as soon as
    ``max_j |log(b'_j / b_j)| <= tol`` and returns that ``(a, b)``, so the flows handed back
    have every row and column sum within ``tol`` (log points). The gap is measured on every
    sweep at no extra cost.
    """
    norm = np.inf
    it = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        while it < max_iter:
            it += 1
            a = T @ (e / b)
            b_next = T.T @ (y / a)
            norm = float(np.abs(np.log(b_next / b)).max())
            if not np.isfinite(norm) or norm <= tol:
                break
            b = b_next
    return a, b, it, norm


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

    This is the package's one solver of the structural gravity system (the modelled baseline of
    ``tools/build_world.py`` uses it too).

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
        Stop when every row and column sum matches within ``tol`` (log points); raise
        :class:`~jahan.errors.ConvergenceError` if that takes more than ``max_iter`` sweeps.
    initial_inward : ndarray, optional
        Starting ``P^(1-sigma)`` (a warm start: ``inward`` of a nearby solution).

    Returns
    -------
    Resistances
    """
    T = np.asarray(trade_costs, dtype=float)
    Y = np.asarray(output, dtype=float)
    E = np.asarray(expenditure, dtype=float)
    n = Y.size
    if T.shape != (n, n) or E.shape != (n,):
        raise DataError(
            Message(
                "trade_costs must be ({n}, {n}) and expenditure ({n},); got {shape!r}",
                n=n,
                shape=T.shape,
            )
        )
    if not (np.all(np.isfinite(T)) and np.all(T >= 0)):
        raise DataError(Message("trade_costs t^(1-sigma) must be finite and >= 0."))
    if not (np.all(Y > 0) and np.all(E > 0)):
        raise DataError(Message("output and expenditure must be positive for every country."))
    if not (tol > 0) or int(max_iter) < 1:
        raise DataError(
            Message(
                "tol must be > 0 and max_iter >= 1; got {tol!r} and {max_iter!r}.",
                tol=tol,
                max_iter=max_iter,
            )
        )
    world = Y.sum()
    y = Y / world
    e = E / E.sum()
    b = np.ones(n) if initial_inward is None else np.asarray(initial_inward, dtype=float).copy()
    if b.shape != (n,) or not np.all(b > 0):
        raise DataError(Message("initial_inward must hold {n} positive values.", n=n))
    a, b, it, norm = _sinkhorn(T, y, e, b, float(tol), int(max_iter))
    scale = b[reference]
    b = b / scale
    a = a * scale
    flows = world * (y / a)[:, None] * T * (e / b)[None, :]
    converged = bool(norm <= tol)
    record = Resistances(a, b, flows, converged, it, norm)
    if not converged:
        raise ConvergenceError(
            Message(
                "multilateral resistances did not converge in {it} sweeps (largest log gap of a "
                "column sum {norm:.3g} > tol {tol:.3g}). Check that every country trades with "
                "some partner (rows and columns of t^(1-sigma) not all zero) or raise max_iter.",
                it=it,
                norm=norm,
                tol=tol,
            ),
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
        raise DataError(Message("sigma must exceed 1, got {value!r}.", value=sigma))
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
            trade_costs_counterfactual,
            Y1,
            E1,
            reference=reference,
            tol=tol,
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
        trade_costs_counterfactual, Y1, E1, reference=reference, tol=tol, initial_inward=inward
    )
    exponent = 1.0 / (1.0 - sigma)
    real_gdp = (p / cf.inward**exponent) / (1.0 / base.inward**exponent)
    converged = bool(norm <= tol)
    result = LevelsEquilibrium(base, cf, p, Y1, E1, real_gdp, converged, it, norm)
    if not converged:
        raise ConvergenceError(
            Message(
                "levels GE did not converge in {it} iterations (last change in log prices "
                "{norm:.3g}); raise max_iter.",
                it=it,
                norm=norm,
            ),
            record=result,
        )
    return result


__all__ = ["LevelsEquilibrium", "Resistances", "full_ge_levels", "multilateral_resistances"]
