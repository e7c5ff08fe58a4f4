"""One welfare definition for both GE engines: real income including tariff revenue.

The multi-sector model with one sector, value-added share 1 and no tariffs is the one-sector
model, so its welfare must equal GEModel's for every kind of trade-cost shock; the
terms-of-trade, volume-of-trade and trade-cost effects are a first-order decomposition of it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jahan.ge._ms_synthetic import synthetic_world
from jahan.ge.model import GEModel
from jahan.ge.multisector import MultiSectorGEModel

NO_IO = pd.DataFrame(columns=["country", "input_sector", "using_sector", "share"])


def _one_sector(seed: int = 11, n: int = 8):
    world = synthetic_world(n, 1, n_tradable=1, seed=seed)
    theta = float(world["trade_elasticity"].iloc[0])
    ms = MultiSectorGEModel(
        world["flows"],
        None,
        world["gross_output"],
        world["value_added_share"].assign(share=1.0),
        NO_IO,
        world["trade_elasticity"],
        deficits="fixed",
        tol=1e-13,
    )
    one = GEModel(
        world["flows"][["exporter", "importer", "value"]],
        trade_elasticity=theta,
        imbalances="fixed",
    )
    return ms, one


def _pair_shock(codes, a, b, value):
    index = pd.MultiIndex.from_tuples([(a, b), (b, a)], names=["exporter", "importer"])
    return pd.Series([value, value], index=index)


@pytest.mark.parametrize(
    "kind",
    ["agreement", "trade_cost", "prohibitive"],
)
def test_multisector_welfare_equals_gemodel_on_one_sector_worlds(kind):
    ms, one = _one_sector()
    codes = list(one.countries)
    if kind == "agreement":
        shock = _pair_shock(codes, "C001", "C002", np.exp(0.557))
    elif kind == "prohibitive":
        shock = _pair_shock(codes, "C001", "C002", 0.0)
    else:
        rng = np.random.default_rng(5)
        pairs = pd.MultiIndex.from_product([codes, codes], names=["exporter", "importer"])
        shock = pd.Series(rng.uniform(0.7, 1.4, len(pairs)), index=pairs)
        shock[[e == i for e, i in pairs]] = 1.0
    a = ms.simulate(cost_change=shock).countries
    b = one.simulate(shock).countries.loc[a.index]
    assert a["welfare_pct"].abs().max() > 0.05  # the shock does something
    np.testing.assert_allclose(a["welfare_pct"], b["welfare_pct"], rtol=0, atol=1e-8)
    if kind == "agreement":
        # The two partners gain from cheaper trade between them (the direct effect).
        assert a.loc["C001", "welfare_pct"] > 0 and a.loc["C002", "welfare_pct"] > 0
    if kind == "prohibitive":
        assert a.loc["C001", "welfare_pct"] < 0 and a.loc["C002", "welfare_pct"] < 0


def test_decomposition_adds_up_exactly_and_its_remainder_is_second_order():
    """welfare = ToT + VoT + TC + remainder; the remainder shrinks with the square of the shock."""
    world = synthetic_world(6, 4, seed=3)
    model = MultiSectorGEModel(**world)
    base = model.baseline
    rng = np.random.default_rng(1)
    direction = rng.normal(size=base.shares.shape)
    tariff_step = rng.uniform(-0.05, 0.05, size=base.shares.shape)
    home = np.arange(len(model.countries))
    ratios = []
    for eps in (1e-2, 1e-3):
        cost = np.exp(eps * direction)
        cost[:, home, home] = 1.0
        tariffs = np.maximum(base.tariff + eps * tariff_step, 0.0)
        tariffs[:, home, home] = 0.0
        c = model.simulate_arrays(tariffs, cost).countries
        parts = (
            c["terms_of_trade_pct"]
            + c["volume_of_trade_pct"]
            + c["trade_cost_pct"]
            + c["decomposition_remainder_pct"]
        )
        np.testing.assert_allclose(parts, c["welfare_pct"], rtol=0, atol=1e-12)
        ratios.append(c["decomposition_remainder_pct"].abs().max() / c["welfare_pct"].abs().max())
    # First order: the remainder's share of the welfare change falls in step with the shock.
    assert ratios[1] < 0.2 * ratios[0]
    assert ratios[1] < 2e-3


def test_terms_of_trade_effects_net_out_across_the_world():
    """sum_n I_n ToT_n = 0: one country's export price gain is another's import price loss."""
    world = synthetic_world(7, 3, seed=8)
    model = MultiSectorGEModel(**world)
    result = model.simulate(tariffs=world["tariffs"].assign(rate=0.0))
    base = model.baseline
    income = base.value_added + np.sum(base.tariff * base.net_flows(), axis=(0, 2)) + base.deficit
    tot = result.countries.loc[list(model.countries), "terms_of_trade_pct"].to_numpy()
    assert np.abs(tot).max() > 1e-3
    assert abs(float(income @ tot)) < 1e-9 * float(income.sum())


def test_tariff_only_shock_has_no_trade_cost_effect():
    world = synthetic_world(6, 3, seed=4)
    result = MultiSectorGEModel(**world).simulate(tariffs=world["tariffs"].assign(rate=0.0))
    np.testing.assert_array_equal(result.countries["trade_cost_pct"], 0.0)


@pytest.mark.parametrize("tariffs", [False, True])
def test_one_sector_decomposition_equals_the_general_one(tariffs):
    """The matrix-vector form used by GEModel gives decompose's terms with J = 1."""
    from jahan.ge._ms_welfare import decompose, decompose_one_sector

    rng = np.random.default_rng(7)
    n = 9
    X = rng.lognormal(0.0, 1.0, (n, n)) + np.diag(rng.uniform(5, 10, n))
    Xn = X * rng.lognormal(0.0, 0.2, (n, n))
    X[2, 5] = Xn[2, 5] = 0.0  # a pair without trade
    t0 = rng.uniform(0.0, 0.2, (n, n)) * tariffs
    t1 = rng.uniform(0.0, 0.2, (n, n)) * tariffs
    np.fill_diagonal(t0, 0.0)
    np.fill_diagonal(t1, 0.0)
    B = rng.lognormal(0.0, 0.3, (n, n))
    B[4, 1] = 0.0  # a prohibitive pair
    theta = 4.5
    w = rng.lognormal(0.0, 0.05, n)
    price = rng.lognormal(0.0, 0.05, n)
    Y = X.sum(axis=1)
    D = rng.normal(0.0, 0.5, n)
    general = decompose(
        X.T[None],
        Xn.T[None],
        t0.T[None],
        t1.T[None],
        B.T[None],
        np.array([theta]),
        w[None],
        price[None],
        w,
        np.ones((1, n)),
        Y,
        D,
    )
    income = Y + (t0 * X).sum(axis=0) + D
    spending = (X * (1.0 + t0)).sum(axis=0)
    tot, vot, tc = decompose_one_sector(
        X, Xn, t0 if tariffs else None, B, theta, w, income, Y, spending
    )
    np.testing.assert_allclose(tot, general.terms_of_trade, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(vot, general.volume_of_trade, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(tc, general.trade_cost, rtol=1e-12, atol=1e-15)
    assert np.abs(vot).max() > 0 if tariffs else np.all(vot == 0)
