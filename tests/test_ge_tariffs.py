"""Ad valorem tariffs in the one-sector GE model, revenue returned to the importer's households.

The one-sector model with tariffs is the Caliendo-Parro model with one sector and no
intermediate inputs, so the two engines must agree; identities of the equilibrium (revenue,
income, trade balances) are checked on the counterfactual.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jahan.errors import DataError
from jahan.ge._ms_synthetic import synthetic_world
from jahan.ge._solver import solve_hat
from jahan.ge.model import GEModel
from jahan.ge.multisector import MultiSectorGEModel

NO_IO = pd.DataFrame(columns=["country", "input_sector", "using_sector", "share"])


@pytest.fixture(scope="module")
def one():
    """A random one-sector world with baseline tariffs up to 15 %."""
    world = synthetic_world(7, 1, n_tradable=1, seed=21)
    theta = float(world["trade_elasticity"].iloc[0])
    tariffs = world["tariffs"][["exporter", "importer", "rate"]]
    return world, theta, tariffs


def _new_tariffs(tariffs: pd.DataFrame, seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return tariffs.assign(rate=rng.uniform(0.0, 0.3, len(tariffs)))


@pytest.mark.parametrize("imbalances", ["fixed", "balanced"])
def test_one_sector_tariffs_equal_the_multisector_engine(one, imbalances):
    world, theta, tariffs = one
    ms = MultiSectorGEModel(
        world["flows"],
        world["tariffs"],
        world["gross_output"],
        world["value_added_share"].assign(share=1.0),
        NO_IO,
        world["trade_elasticity"],
        deficits="fixed" if imbalances == "fixed" else "zero",
        tol=1e-13,
    )
    gm = GEModel(
        world["flows"][["exporter", "importer", "value"]],
        theta,
        imbalances=imbalances,
        tariffs=tariffs,
    )
    new = _new_tariffs(tariffs)
    codes = list(gm.countries)
    pairs = pd.MultiIndex.from_tuples(
        [(codes[1], codes[2]), (codes[2], codes[1])], names=["exporter", "importer"]
    )
    cost = pd.Series([1.5, 1.5], index=pairs)
    a = ms.simulate(tariffs=new.assign(sector="S00"), cost_change=cost).countries
    b = gm.simulate(cost, tariffs=new).countries.loc[a.index]
    assert a["welfare_pct"].abs().max() > 0.1
    for column in (
        "welfare_pct",
        "terms_of_trade_pct",
        "volume_of_trade_pct",
        "trade_cost_pct",
        "decomposition_remainder_pct",
        "price_index_pct",
        "tariff_revenue_income_pct",
        "exports_pct",
        "imports_pct",
    ):
        np.testing.assert_allclose(a[column], b[column], rtol=0, atol=1e-8, err_msg=column)
    np.testing.assert_allclose(a["wage_pct"], b["factory_price_pct"], rtol=0, atol=1e-8)


def test_zero_tariffs_reproduce_the_model_without_tariffs(one):
    world, theta, tariffs = one
    flows = world["flows"][["exporter", "importer", "value"]]
    plain = GEModel(flows, theta)
    zero = GEModel(flows, theta, tariffs=tariffs.assign(rate=0.0))
    rng = np.random.default_rng(3)
    codes = list(plain.countries)
    pairs = pd.MultiIndex.from_product([codes, codes], names=["exporter", "importer"])
    cost = pd.Series(rng.uniform(0.7, 1.3, len(pairs)), index=pairs)
    a = plain.simulate(cost).countries
    b = zero.simulate(cost, tariffs=tariffs.assign(rate=0.0)).countries
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    # The kernel's tariff path with every rate 0 (net factor 1) is the plain path.
    X = plain.baseline.pivot(index="exporter", columns="importer", values="value").to_numpy()
    Y, E = X.sum(axis=1), X.sum(axis=0)
    B = np.ones_like(X)
    B[1, 2] = B[2, 1] = 1.7
    s1 = solve_hat(X / E, Y, E, B, theta)
    s2 = solve_hat(X / E, Y, E, B, theta, net_factor=np.ones_like(X))
    np.testing.assert_allclose(s2.factory_price, s1.factory_price, rtol=0, atol=1e-12)
    np.testing.assert_allclose(s2.flows, s1.flows, rtol=1e-12)


def test_revenue_income_and_trade_balance_identities(one):
    """Revenue = sum rate x pre-tariff imports; E' = w Y + D + R'; exports - imports = -D."""
    world, theta, tariffs = one
    flows = world["flows"][["exporter", "importer", "value"]]
    model = GEModel(flows, theta, tariffs=tariffs)
    new = _new_tariffs(tariffs, seed=9)
    result = model.simulate(tariffs=new)
    codes = list(model.countries)
    f = result.flows.pivot(index="exporter", columns="importer", values="counterfactual")
    f0 = result.flows.pivot(index="exporter", columns="importer", values="baseline")
    f, f0 = f.loc[codes, codes].to_numpy(), f0.loc[codes, codes].to_numpy()
    t0 = model.tariffs.pivot(index="exporter", columns="importer", values="rate")
    t0 = t0.loc[codes, codes].to_numpy()
    t1 = t0.copy()
    where = {c: k for k, c in enumerate(codes)}
    for row in new.itertuples(index=False):
        t1[where[row.exporter], where[row.importer]] = row.rate
    revenue0, revenue1 = (t0 * f0).sum(axis=0), (t1 * f).sum(axis=0)
    income0 = (f0 * (1 + t0)).sum(axis=0)  # baseline spending gross of tariffs
    c = result.countries.loc[codes]
    np.testing.assert_allclose(
        c["tariff_revenue_income_pct"], 100 * (revenue1 - revenue0) / income0, rtol=1e-10
    )
    w = 1 + c["factory_price_pct"].to_numpy() / 100
    Y, D = f0.sum(axis=1), f0.sum(axis=0) - f0.sum(axis=1)
    # Spending gross of tariffs is factory income plus the deficit plus the new revenue.
    np.testing.assert_allclose((f * (1 + t1)).sum(axis=0), w * Y + D + revenue1, rtol=1e-10)
    # Market clearing: sales net of tariffs pay the factories.
    np.testing.assert_allclose(f.sum(axis=1), w * Y, rtol=1e-10)
    off = ~np.eye(len(codes), dtype=bool)
    exports, imports = np.where(off, f, 0).sum(axis=1), np.where(off, f, 0).sum(axis=0)
    np.testing.assert_allclose(exports.sum(), imports.sum(), rtol=1e-12)
    np.testing.assert_allclose(imports - exports, D, atol=1e-8 * Y.sum())
    welfare = 100 * ((w * Y + D + revenue1) / income0 / (1 + c["price_index_pct"] / 100) - 1)
    np.testing.assert_allclose(c["welfare_pct"], welfare, rtol=0, atol=1e-9)


def test_a_small_tariff_by_one_country_raises_its_welfare_through_its_terms_of_trade(one):
    """Armington goods give every country market power: a 2 % tariff is below the optimum."""
    world, theta, _ = one
    model = GEModel(world["flows"][["exporter", "importer", "value"]], theta)
    codes = list(model.countries)
    rows = [(e, codes[0], 0.02) for e in codes[1:]]
    result = model.simulate(tariffs=pd.DataFrame(rows, columns=["exporter", "importer", "rate"]))
    c = result.countries.loc[codes[0]]
    assert c["terms_of_trade_pct"] > 0 and c["welfare_pct"] > 0
    assert c["tariff_revenue_income_pct"] > 0
    assert (result.countries.drop(index=codes[0])["welfare_pct"] < 0).all()


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        (-0.05, r"tariffs row 0 \(C001->C000\): rate -0.05 must be a finite number >= 0"),
        (float("nan"), r"tariffs row 0 \(C001->C000\): rate nan must be a finite number >= 0"),
    ],
)
def test_bad_tariff_rates_name_the_row(one, rate, message):
    world, theta, _ = one
    model = GEModel(world["flows"][["exporter", "importer", "value"]], theta)
    bad = pd.DataFrame({"exporter": ["C001"], "importer": ["C000"], "rate": [rate]})
    with pytest.raises(DataError, match=message):
        model.simulate(tariffs=bad)


def test_unknown_codes_and_duplicate_tariff_rows_are_refused(one):
    world, theta, _ = one
    flows = world["flows"][["exporter", "importer", "value"]]
    unknown = pd.DataFrame(
        {"exporter": ["C001", "XXX"], "importer": ["C000", "C000"], "rate": [0.1, 0.1]}
    )
    with pytest.raises(DataError, match=r"tariffs row 1 \(XXX->C000\): country 'XXX'"):
        GEModel(flows, theta, tariffs=unknown)
    dup = pd.DataFrame(
        {"exporter": ["C001", "C001"], "importer": ["C000", "C000"], "rate": [0.1, 0.2]}
    )
    with pytest.raises(DataError, match=r"rows \[0, 1\]: C001->C000"):
        GEModel(flows, theta, tariffs=dup)


def test_steep_tariffs_converge_and_a_starved_solver_says_so(one):
    from jahan.errors import ConvergenceError

    world, theta, tariffs = one
    flows = world["flows"][["exporter", "importer", "value"]]
    model = GEModel(flows, theta, tariffs=tariffs)
    codes = list(model.countries)
    steep = pd.DataFrame(
        [(e, codes[0], 10.0) for e in codes[1:]], columns=["exporter", "importer", "rate"]
    )  # 1000 % on all its imports
    result = model.simulate(tariffs=steep)
    assert result.converged and result.max_residual < 1e-12
    assert result.countries.loc[codes[0], "imports_pct"] < -99
    starved = GEModel(flows, theta, tariffs=tariffs, max_iter=1)
    with pytest.raises(ConvergenceError, match="did not converge"):
        starved.simulate(tariffs=steep)


def test_conditional_closure_with_tariffs_spends_the_revenue(one):
    """w = 1; gross spending is factory income plus deficit plus the new revenue."""
    world, theta, tariffs = one
    model = GEModel(
        world["flows"][["exporter", "importer", "value"]],
        theta,
        closure="conditional",
        tariffs=tariffs,
    )
    result = model.simulate(tariffs=_new_tariffs(tariffs, seed=2))
    np.testing.assert_allclose(result.countries["factory_price_pct"], 0.0, atol=1e-12)
    codes = list(model.countries)
    f = result.flows.pivot(index="exporter", columns="importer", values="counterfactual")
    f0 = result.flows.pivot(index="exporter", columns="importer", values="baseline")
    f, f0 = f.loc[codes, codes].to_numpy(), f0.loc[codes, codes].to_numpy()
    t1 = model.tariffs.pivot(index="exporter", columns="importer", values="rate")
    t1 = t1.loc[codes, codes].to_numpy().copy()
    where = {c: k for k, c in enumerate(codes)}
    for row in _new_tariffs(tariffs, seed=2).itertuples(index=False):
        t1[where[row.exporter], where[row.importer]] = row.rate
    income = f0.sum(axis=0)  # Y + D, net of tariffs
    np.testing.assert_allclose(
        (f * (1 + t1)).sum(axis=0), income + (t1 * f).sum(axis=0), rtol=1e-12
    )
