"""Welfare and its decomposition in the multi-sector model (Caliendo and Parro 2015, section 5).

Pure NumPy. Flows are net of tariffs in the layout (J, N importer, N exporter).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jahan.ge._ms_solver import Array


@dataclass(frozen=True)
class Welfare:
    """Per-country measures as fractions (0.01 = 1 %) and per-sector contributions (J, N)."""

    terms_of_trade: Array
    volume_of_trade: Array
    terms_of_trade_by_sector: Array
    volume_of_trade_by_sector: Array
    real_wage: Array
    real_income: Array
    price_index: Array
    income_base: Array
    income_new: Array


def decompose(
    flows_base: Array,
    flows_new: Array,
    tariff_base: Array,
    tariff_new: Array,
    cost_hat: Array,
    price_hat: Array,
    wage_hat: Array,
    alpha: Array,
    value_added: Array,
    deficit: Array,
) -> Welfare:
    r"""Terms-of-trade and volume-of-trade effects and the exact real-income change.

    Caliendo and Parro (2015), the welfare decomposition of section 5 evaluated with discrete
    changes, as in their published tables:

    .. math::

        ToT_n = \frac{1}{I_n}\sum_j\sum_i \left[E_{ni}^j(\hat c_n^j - 1) - M_{ni}^j(\hat c_i^j - 1)\right]

        VoT_n = \frac{1}{I_n}\sum_j\sum_i \tau_{ni}^j M_{ni}^j(\hat M_{ni}^j - \hat c_i^j)

    with baseline exports E, imports M (net of tariffs), baseline tariffs tau and baseline income
    I_n = w_n L_n + R_n + D_n. The exact change in real income is
    :math:`\hat I_n / \prod_j (\hat P_n^j)^{\alpha_n^j}`; the real wage is
    :math:`\hat w_n / \prod_j (\hat P_n^j)^{\alpha_n^j}`.
    """
    income_base = value_added + np.sum(tariff_base * flows_base, axis=(0, 2)) + deficit
    income_new = wage_hat * value_added + np.sum(tariff_new * flows_new, axis=(0, 2)) + deficit
    exports = flows_base.transpose(0, 2, 1)  # [j, n, i]: n sells to i
    tot = (
        np.sum(exports * (cost_hat[:, :, None] - 1.0), axis=2)
        - np.sum(flows_base * (cost_hat[:, None, :] - 1.0), axis=2)
    ) / income_base[None, :]
    ratio = np.divide(flows_new, flows_base, out=np.ones_like(flows_new), where=flows_base > 0)
    vot = np.sum(
        tariff_base * flows_base * (ratio - cost_hat[:, None, :]), axis=2
    ) / income_base[None, :]
    price_index = np.exp(np.sum(alpha * np.log(price_hat), axis=0))
    return Welfare(
        terms_of_trade=tot.sum(axis=0),
        volume_of_trade=vot.sum(axis=0),
        terms_of_trade_by_sector=tot,
        volume_of_trade_by_sector=vot,
        real_wage=wage_hat / price_index - 1.0,
        real_income=(income_new / income_base) / price_index - 1.0,
        price_index=price_index - 1.0,
        income_base=income_base,
        income_new=income_new,
    )


__all__ = ["Welfare", "decompose"]
