"""Welfare and its decomposition in the multi-sector model (Caliendo and Parro 2015, section 5).

Pure NumPy. Flows are net of tariffs in the layout (J, N importer, N exporter).

Welfare is one number in both GE engines: the exact change in real income, income including
tariff revenue and the deficit, deflated by the consumer price index (docs/ge.md). The
terms-of-trade, volume-of-trade and trade-cost effects are its first-order decomposition;
``remainder`` is what they leave out (second and higher-order terms), so the four add up to
welfare exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jahan.ge._ms_solver import Array


@dataclass(frozen=True)
class Welfare:
    """Per-country measures as fractions (0.01 = 1 %) and per-sector contributions (J, N)."""

    welfare: Array
    terms_of_trade: Array
    volume_of_trade: Array
    trade_cost: Array
    remainder: Array
    terms_of_trade_by_sector: Array
    volume_of_trade_by_sector: Array
    real_wage: Array
    price_index: Array
    income_base: Array
    income_new: Array


def decompose(
    flows_base: Array,
    flows_new: Array,
    tariff_base: Array,
    tariff_new: Array,
    cost_factor: Array,
    theta: Array,
    cost_hat: Array,
    price_hat: Array,
    wage_hat: Array,
    alpha: Array,
    value_added: Array,
    deficit: Array,
) -> Welfare:
    r"""Exact welfare (real income) and its first-order decomposition.

    Welfare: :math:`\hat W_n = (I'_n / I_n) / \prod_j (\hat P_n^j)^{\alpha_n^j}` with
    :math:`I_n = w_n L_n + R_n + D_n` (value added, tariff revenue, deficit).

    Decomposition, Caliendo and Parro (2015), section 5, evaluated with discrete changes as in
    their tables, extended by the direct effect of a change in iceberg trade costs
    :math:`\hat d_{ni}^j = (\text{cost\_factor}_{ni}^j)^{-1/\theta^j}`:

    .. math::

        ToT_n = \frac{1}{I_n}\sum_j\sum_i \left[E_{ni}^j(\hat c_n^j - 1) - M_{ni}^j(\hat c_i^j - 1)\right]

        VoT_n = \frac{1}{I_n}\sum_j\sum_i \tau_{ni}^j M_{ni}^j (\hat M_{ni}^j - \hat c_i^j)

        TC_n = \frac{1}{I_n}\sum_j \frac{X_n^j}{\theta^j}
               \ln \sum_i \pi_{ni}^j \, \text{cost\_factor}_{ni}^j

    with baseline exports E, imports M (net of tariffs), tariffs tau, gross spending X and
    shares pi. To first order TC is :math:`-\frac{1}{I_n}\sum_j\sum_i (1+\tau_{ni}^j)
    M_{ni}^j \, d\ln d_{ni}^j` (the price paid for imports rises with the iceberg cost) and
    :math:`d\ln W_n = ToT_n + VoT_n + TC_n`; the ``remainder`` is the exact welfare change
    minus the three. With tariff changes only, TC = 0 and ToT + VoT is the paper's published
    welfare measure. The CES form keeps TC finite for prohibitive pairs (cost_factor 0).
    """
    income_base = value_added + np.sum(tariff_base * flows_base, axis=(0, 2)) + deficit
    income_new = wage_hat * value_added + np.sum(tariff_new * flows_new, axis=(0, 2)) + deficit
    exports = flows_base.transpose(0, 2, 1)  # [j, n, i]: n sells to i
    tot = (
        np.sum(exports * (cost_hat[:, :, None] - 1.0), axis=2)
        - np.sum(flows_base * (cost_hat[:, None, :] - 1.0), axis=2)
    ) / income_base[None, :]
    ratio = np.divide(flows_new, flows_base, out=np.ones_like(flows_new), where=flows_base > 0)
    vot = (
        np.sum(tariff_base * flows_base * (ratio - cost_hat[:, None, :]), axis=2)
        / income_base[None, :]
    )
    # Direct effect of iceberg costs on what n pays, at baseline sourcing: the CES price
    # change (sum_i pi_ni^j cost_factor_ni^j)^(-1/theta^j) with input prices held, weighted by
    # n's gross spending X_n^j. Its first order is -sum_i (1 + tau) M_ni d ln d_ni; it stays
    # finite when a pair becomes prohibitive (cost_factor 0) as long as n keeps a supplier.
    gross = flows_base * (1.0 + tariff_base)
    spending = gross.sum(axis=2)
    kept = np.divide(
        np.sum(gross * cost_factor, axis=2),
        spending,
        out=np.ones_like(spending),
        where=spending > 0,
    )
    log_kept = np.log(np.where(kept > 0, kept, 1.0))
    trade_cost = np.sum(spending * log_kept / theta[:, None], axis=0) / income_base
    price_index = np.exp(np.sum(alpha * np.log(price_hat), axis=0))
    welfare = (income_new / income_base) / price_index - 1.0
    tot_n, vot_n = tot.sum(axis=0), vot.sum(axis=0)
    return Welfare(
        welfare=welfare,
        terms_of_trade=tot_n,
        volume_of_trade=vot_n,
        trade_cost=trade_cost,
        remainder=welfare - tot_n - vot_n - trade_cost,
        terms_of_trade_by_sector=tot,
        volume_of_trade_by_sector=vot,
        real_wage=wage_hat / price_index - 1.0,
        price_index=price_index - 1.0,
        income_base=income_base,
        income_new=income_new,
    )


def decompose_one_sector(
    flows_base: Array,
    flows_new: Array | None,
    tariff_base: Array | None,
    cost_factor: Array,
    theta: float,
    cost_hat: Array,
    income_base: Array,
    output_base: Array,
    spending: Array,
    weighted_spending: Array | None = None,
) -> tuple[Array, Array, Array]:
    """Terms of trade, volume of trade and trade cost of :func:`decompose` with one sector.

    The same equations with ``J = 1``, no intermediate inputs and the one-sector model's
    layout: flows ``(N exporter, N importer)``. Written with matrix-vector products, so a call
    costs a few passes over the N^2 flows instead of a dozen (``tests/test_ge_welfare.py``
    checks it against :func:`decompose`). ``tariff_base`` None means no baseline tariffs (the
    volume-of-trade term is then zero and ``flows_new`` is not read). ``output_base`` and
    ``spending`` are the row sums of ``flows_base`` and the column sums of the flows gross of
    tariffs, which the caller already holds; ``weighted_spending``, if the caller holds it too,
    is ``sum_i gross_in cost_factor_in``.
    """
    # ToT_n = [ (c_n - 1) sum_i X_ni - sum_i X_in (c_i - 1) ] / I_n, domestic sales included
    # on both sides as in decompose (they cancel).
    tot = ((cost_hat - 1.0) * output_base - (cost_hat - 1.0) @ flows_base) / income_base
    if tariff_base is None:
        vot = np.zeros_like(income_base)
        gross = flows_base
    else:
        assert flows_new is not None
        ratio = np.divide(flows_new, flows_base, out=np.ones_like(flows_new), where=flows_base > 0)
        taxed = tariff_base * flows_base
        vot = (np.einsum("in,in->n", taxed, ratio) - cost_hat @ taxed) / income_base
        gross = flows_base * (1.0 + tariff_base)
    if weighted_spending is None:
        weighted_spending = np.einsum("in,in->n", gross, cost_factor)
    kept = np.divide(
        weighted_spending,
        spending,
        out=np.ones_like(spending),
        where=spending > 0,
    )
    log_kept = np.log(np.where(kept > 0, kept, 1.0))
    trade_cost = spending * log_kept / theta / income_base
    return tot, vot, trade_cost


__all__ = ["Welfare", "decompose", "decompose_one_sector"]
