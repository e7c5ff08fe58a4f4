"""Plain reference of the Caliendo-Parro nested algorithm (loops, dense linear solve).

Follows the structure of the authors' MATLAB programs (appendix C of the paper): for each
wage guess, iterate prices from 1 to convergence with loops over countries and sectors, build
the (N J) x (N J) goods-market matrix block by block and solve it densely, then move wages
by the trade-balance gap. It is slow on purpose of being plain: tests check the vectorised
kernel (``_ms_solver``) against it, and the benchmark measures the speed-up.
"""

from __future__ import annotations

import numpy as np

from jahan.ge._ms_solver import Array, MultiSectorSolution


def _prices(
    wage: Array,
    kernel: Array,
    theta: Array,
    va_share: Array,
    input_share: Array,
    tol: float,
    max_iter: int,
) -> tuple[Array, Array]:
    n_sectors, n_countries = va_share.shape
    price = np.ones((n_sectors, n_countries))
    cost = np.ones((n_sectors, n_countries))
    for _ in range(max_iter):
        log_price = np.log(price)
        for n in range(n_countries):
            # ln c_n^j = gamma_n^j ln w_n + (1 - gamma_n^j) sum_k G_n[k, j] ln P_n^k
            cost[:, n] = np.exp(
                va_share[:, n] * np.log(wage[n])
                + (1.0 - va_share[:, n]) * (input_share[n].T @ log_price[:, n])
            )
        updated = np.empty_like(price)
        for j in range(n_sectors):
            total = kernel[j] @ cost[j] ** (-theta[j])
            updated[j] = np.where(total > 0, total, 1.0) ** (-1.0 / theta[j])
        step = np.max(np.abs(updated - price))
        price = updated
        if step < tol:
            break
    return price, cost


def _expenditure(
    alpha: Array, io_cost: Array, net_shares: Array, import_share: Array, factor_income: Array
) -> Array:
    n_sectors, n_countries = alpha.shape
    size = n_sectors * n_countries
    omega = np.eye(size)
    for n in range(n_countries):
        rows = slice(n * n_sectors, (n + 1) * n_sectors)
        omega[rows, rows] -= np.outer(alpha[:, n], 1.0 - import_share[:, n])
        for i in range(n_countries):
            cols = slice(i * n_sectors, (i + 1) * n_sectors)
            # X_n^k gets gamma_n^{k,j} times country i's spending on j bought from n
            omega[rows, cols] -= io_cost[n] * net_shares[:, i, n][None, :]
    rhs = (alpha * factor_income[None, :]).T.reshape(size)
    solution = np.linalg.solve(omega, rhs).reshape(n_countries, n_sectors).T
    return solution.astype(np.float64, copy=False)


def solve_reference(
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
    *,
    tol: float = 1e-10,
    max_iter: int = 10_000,
    step: float = 0.5,
) -> MultiSectorSolution:
    """Same equilibrium as :func:`jahan.ge._ms_solver.solve_multisector`, nested and plain."""
    n_sectors, n_countries = va_share.shape
    intermediate = 1.0 - va_share.T  # (N, J)
    input_share = np.divide(
        io_cost,
        intermediate[:, None, :],
        out=np.zeros_like(io_cost),
        where=intermediate[:, None, :] > 0,
    )
    kernel = np.empty_like(shares)
    for j in range(n_sectors):
        ratio = (1.0 + tariff_new[j]) / (1.0 + tariff_old[j])
        kernel[j] = shares[j] * ratio ** (-theta[j]) * cost_factor[j]
    wage = np.ones(n_countries)
    residual = np.inf
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        price, cost = _prices(wage, kernel, theta, va_share, input_share, 0.1 * tol, 100_000)
        new_shares = np.empty_like(shares)
        for j in range(n_sectors):
            powered = kernel[j] * (cost[j] ** (-theta[j]))[None, :]
            total = powered.sum(axis=1, keepdims=True)
            new_shares[j] = np.divide(powered, total, out=np.zeros_like(powered), where=total > 0)
        net_shares = new_shares / (1.0 + tariff_new)
        import_share = net_shares.sum(axis=2)
        expenditure = _expenditure(
            alpha, io_cost, net_shares, import_share, wage * value_added + deficit
        )
        exports = np.zeros(n_countries)
        imports = np.zeros(n_countries)
        for j in range(n_sectors):
            spend = net_shares[j] * expenditure[j][:, None]  # [importer, exporter]
            exports += spend.sum(axis=0) - np.diag(spend)
            imports += spend.sum(axis=1) - np.diag(spend)
        gap = (exports - imports + deficit) / value_added
        residual = float(np.max(np.abs(gap)))
        if residual < tol:
            break
        wage = wage + step * gap
    return MultiSectorSolution(
        wage_hat=wage,
        cost_hat=cost,
        price_hat=price,
        shares=new_shares,
        expenditure=expenditure,
        converged=residual < tol,
        iterations=iterations,
        max_residual=residual,
    )


__all__ = ["solve_reference"]
