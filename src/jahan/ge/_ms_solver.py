"""Numerical kernel of the multi-sector model (Caliendo and Parro 2015), in changes.

Pure NumPy: arrays in, a frozen record out. No labels, no I/O.

Array layout (``J`` sectors, ``N`` countries), ``n`` importer, ``i`` exporter, ``j``/``k`` sectors:

* ``shares[j, n, i]``: pi_ni^j, share of country n's spending on sector j bought from i
  (gross of tariffs); each row ``shares[j, n, :]`` sums to 1, or to 0 where n buys nothing of j;
* ``tariff_old[j, n, i]``, ``tariff_new[j, n, i]``: ad valorem rates tau_ni^j (0.05 = 5 %);
* ``cost_factor[j, n, i]``: multiplicative change in the trade-cost term (d_ni^j)^(-theta^j);
* ``theta[j]``: trade elasticity; ``va_share[j, n]``: gamma_n^j, value added in gross output;
* ``io_cost[n, k, j]``: gamma_n^{k,j}, cost share of input k in sector j (the columns of the
  input-output table times 1 - gamma_n^j);
* ``alpha[j, n]``: final-demand shares; ``value_added[n]``: w_n L_n; ``deficit[n]``: D_n;
* ``expenditure_guess[j, n]``: a starting point for X_n^j (the baseline expenditure is best).

The equilibrium conditions are those of Caliendo and Parro (2015), section 3 and appendix C,
equations (10) to (14) and the trade balance (C2); see docs/multisector.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class MultiSectorSolution:
    """Frozen record of one solved counterfactual (all arrays in the kernel layout).

    Attributes
    ----------
    wage_hat : (N,) changes in factor prices, hat w_n.
    cost_hat : (J, N) changes in the cost of input bundles, hat c_n^j.
    price_hat : (J, N) changes in sectoral price indices, hat P_n^j.
    shares : (J, N, N) counterfactual trade shares pi'_ni^j.
    expenditure : (J, N) counterfactual expenditure X'_n^j (gross of tariffs).
    converged, iterations, max_residual : solver diagnostics; the residual is the largest
        trade-balance gap, equation (C2), relative to the country's value added.
    """

    wage_hat: Array
    cost_hat: Array
    price_hat: Array
    shares: Array
    expenditure: Array
    converged: bool
    iterations: int
    max_residual: float


def _log_costs(log_wage: Array, log_price: Array, va_share: Array, io_cost: Array) -> Array:
    # Equation (10): ln hat c_n^j = gamma_n^j ln hat w_n + sum_k gamma_n^{k,j} ln hat P_n^k
    return va_share * log_wage[None, :] + np.einsum("nkj,kn->jn", io_cost, log_price)


def _price_sum(kernel: Array, log_cost: Array, theta: Array) -> Array:
    # Equation (11): (hat P_n^j)^(-theta^j) = sum_i pi_ni^j (hat kappa_ni^j hat c_i^j)^(-theta^j)
    powered = np.exp(-theta[:, None] * log_cost)
    return np.matmul(kernel, powered[:, :, None])[:, :, 0]


def _log_prices(total: Array, theta: Array) -> Array:
    # Where a country buys nothing of a sector its price index is left unchanged (hat P = 1).
    safe = np.where(total > 0, total, 1.0)
    return -np.log(safe) / theta[:, None]


def solve_prices(
    log_wage: Array,
    kernel: Array,
    theta: Array,
    va_share: Array,
    io_cost: Array,
    log_price: Array,
    *,
    tol: float,
    max_iter: int = 10_000,
) -> Array:
    """Solve (10)-(11) for ln hat P given ln hat w by fixed-point iteration from ``log_price``.

    The map is a contraction with modulus max(1 - gamma_n^j) < 1 when every sector has value added.
    """
    for _ in range(max_iter):
        updated = _log_prices(
            _price_sum(kernel, _log_costs(log_wage, log_price, va_share, io_cost), theta), theta
        )
        step = float(np.max(np.abs(updated - log_price)))
        log_price = updated
        if step < tol:
            break
    return log_price


def solve_expenditure(
    net_shares: Array,
    import_share: Array,
    io_cost: Array,
    alpha: Array,
    factor_income: Array,
    value_added: Array,
    expenditure: Array,
    *,
    tol: float,
    max_iter: int = 100_000,
) -> Array:
    """Solve the goods-market clearing system (13) for X' by iteration from ``expenditure``.

    X_n^j = sum_k gamma_n^{j,k} sum_i X_i^k pi_in^k / (1 + tau_in^k) + alpha_n^j I_n, with
    I_n = hat w_n w_n L_n + D_n + sum_j X_n^j (1 - F_n^j) and F_n^j = sum_i pi_ni^j / (1 + tau_ni^j).
    The iteration matrix has spectral radius below 1 (intermediate shares and tariff revenue are
    fractions of sales), so it converges from any start; a warm start makes it short.
    """
    tariff_kept = 1.0 - import_share
    for _ in range(max_iter):
        sales = np.einsum("jmn,jm->jn", net_shares, expenditure)
        income = factor_income + np.sum(tariff_kept * expenditure, axis=0)
        updated = np.einsum("njk,kn->jn", io_cost, sales) + alpha * income[None, :]
        step = float(np.max(np.sum(np.abs(updated - expenditure), axis=0) / value_added))
        expenditure = updated
        if step < tol:
            break
    return expenditure


def trade_balance_gap(net_shares: Array, import_share: Array, expenditure: Array) -> Array:
    """Exports minus imports by country, both net of tariffs, domestic sales excluded."""
    sales = np.einsum("jmn,jm->jn", net_shares, expenditure)
    domestic = np.einsum("jnn,jn->jn", net_shares, expenditure)
    exports = np.sum(sales - domestic, axis=0)
    imports = np.sum(import_share * expenditure - domestic, axis=0)
    return exports - imports


def _anderson(history_x: list[Array], history_f: list[Array], target: Array) -> Array:
    """Anderson (type II) mixing: combine recent fixed-point steps to cancel their residuals."""
    dx = np.diff(np.array(history_x), axis=0).T  # (N, m)
    df = np.diff(np.array(history_f), axis=0).T
    weights, *_ = np.linalg.lstsq(df, history_f[-1], rcond=None)
    return target - (dx + df) @ weights


def solve_multisector(
    shares: Array,
    tariff_old: Array,
    tariff_new: Array,
    cost_factor: Array,
    theta: Array,
    va_share: Array,
    io_cost: Array,
    alpha: Array,
    value_added: Array,
    deficit: Array,
    expenditure_guess: Array,
    *,
    tol: float = 1e-10,
    max_iter: int = 1_000,
    damping: float = 0.5,
    memory: int = 5,
) -> MultiSectorSolution:
    """Solve the Caliendo-Parro equilibrium in changes (their appendix C algorithm, vectorised).

    Outer loop on wages: given hat w, solve prices (10)-(11) and trade shares (12), then
    expenditure (13); move wages in the direction of the trade-balance gap (C2),
    hat w_n <- hat w_n + damping * (E_n - M_n + D_n) / (w_n L_n). The update keeps world value
    added, sum_n hat w_n w_n L_n, fixed (the numeraire), because world exports equal world
    imports and deficits sum to zero. The damping is halved when the gap grows. The wage steps
    are accelerated with Anderson mixing over the last ``memory`` iterates (Walker and Ni 2011,
    SIAM J. Numer. Anal. 49(4)); the plain damped step is taken whenever mixing would cut a wage
    by half or more, and the history is dropped when the gap grows. ``memory=0`` gives the plain
    damped iteration. Inner solves are warm-started from the previous outer iteration.
    """
    n_countries = value_added.shape[0]
    # hat kappa^(-theta) = ((1 + tau') / (1 + tau))^(-theta) * hat d^(-theta)
    kernel = shares * ((1.0 + tariff_new) / (1.0 + tariff_old)) ** (-theta[:, None, None])
    kernel = kernel * cost_factor
    net_factor = 1.0 / (1.0 + tariff_new)

    log_wage = np.zeros(n_countries)
    log_price = np.zeros_like(va_share)
    expenditure = np.array(expenditure_guess, dtype=float, copy=True)
    inner_tol = 0.1 * tol
    step_size = damping
    history_x: list[Array] = []
    history_f: list[Array] = []
    mixed = False
    accepted_wage = np.ones(n_countries)
    accepted_gap = np.zeros(n_countries)
    previous = np.inf
    residual = np.inf
    new_shares = shares
    log_cost = np.zeros_like(va_share)
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        log_price = solve_prices(
            log_wage, kernel, theta, va_share, io_cost, log_price, tol=inner_tol
        )
        log_cost = _log_costs(log_wage, log_price, va_share, io_cost)
        # Equation (12): pi'_ni^j = pi_ni^j (hat kappa hat c_i^j / hat P_n^j)^(-theta^j)
        weighted = kernel * np.exp(-theta[:, None] * log_cost)[:, None, :]
        total = weighted.sum(axis=2, keepdims=True)
        new_shares = np.divide(weighted, total, out=np.zeros_like(weighted), where=total > 0)
        net_shares = new_shares * net_factor
        import_share = net_shares.sum(axis=2)
        wage = np.exp(log_wage)
        expenditure = solve_expenditure(
            net_shares,
            import_share,
            io_cost,
            alpha,
            wage * value_added + deficit,
            value_added,
            expenditure,
            tol=inner_tol,
        )
        gap = (trade_balance_gap(net_shares, import_share, expenditure) + deficit) / value_added
        residual = float(np.max(np.abs(gap)))
        if not np.isfinite(residual):
            break
        if residual < tol:
            break
        if residual > previous:
            history_x.clear()
            history_f.clear()
            if mixed:
                # The accelerated step made things worse: go back, take the plain step.
                wage, gap = accepted_wage, accepted_gap
            else:
                step_size = max(0.5 * step_size, 0.02)
                previous = residual
        else:
            step_size = min(1.25 * step_size, damping)
            previous = residual
        accepted_wage, accepted_gap = wage, gap
        plain = step_size * gap
        target = wage + plain
        mixed = False
        if memory > 0 and not (residual > previous):
            history_x.append(wage)
            history_f.append(plain)
            if len(history_x) > memory + 1:
                history_x.pop(0)
                history_f.pop(0)
            if len(history_x) > 1:
                target = _anderson(history_x, history_f, target)
                mixed = True
        if not np.all(np.isfinite(target)) or np.any(target <= 0.5 * wage):
            # Mixing left the safe region: take the plain step and forget the history.
            history_x.clear()
            history_f.clear()
            mixed = False
            target = wage * (1.0 + np.maximum(plain / wage, -0.5))
        log_wage = np.log(target)

    converged = bool(np.isfinite(residual) and residual < tol)
    return MultiSectorSolution(
        wage_hat=np.exp(log_wage),
        cost_hat=np.exp(log_cost),
        price_hat=np.exp(log_price),
        shares=new_shares,
        expenditure=expenditure,
        converged=converged,
        iterations=iterations,
        max_residual=residual,
    )


__all__ = [
    "MultiSectorSolution",
    "solve_expenditure",
    "solve_multisector",
    "solve_prices",
    "trade_balance_gap",
]
