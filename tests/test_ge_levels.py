"""Structural levels form: multilateral resistances, and agreement with exact hat algebra."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jahan.errors import ConvergenceError, DataError
from jahan.ge import GEModel
from jahan.ge.levels import full_ge_levels, multilateral_resistances


def synthetic(n: int, seed: int):
    rng = np.random.default_rng(seed)
    pos = rng.uniform(0, 1, (n, 2))
    dist = np.sqrt(((pos[:, None] - pos[None]) ** 2).sum(-1)) + 0.02
    border = 1.0 - np.eye(n)
    T = np.exp(-0.8 * np.log(dist) - 2.0 * border)  # t^(1-sigma)
    Y = rng.lognormal(0, 1, n)
    E = Y * rng.uniform(0.8, 1.2, n)
    E *= Y.sum() / E.sum()
    return T, Y, E


def test_resistances_solve_the_system():
    T, Y, E = synthetic(12, 1)
    r = multilateral_resistances(T, Y, E, reference=3)
    assert r.converged and r.inward[3] == pytest.approx(1.0)
    y, e = Y / Y.sum(), E / E.sum()
    np.testing.assert_allclose(r.outward, T @ (e / r.inward), rtol=1e-10)
    np.testing.assert_allclose(r.inward, T.T @ (y / r.outward), rtol=1e-10)
    np.testing.assert_allclose(r.flows.sum(axis=1), Y, rtol=1e-10)
    np.testing.assert_allclose(r.flows.sum(axis=0), E, rtol=1e-10)


def test_reference_changes_levels_not_flows():
    T, Y, E = synthetic(8, 2)
    a = multilateral_resistances(T, Y, E, reference=0)
    b = multilateral_resistances(T, Y, E, reference=5)
    np.testing.assert_allclose(a.flows, b.flows, rtol=1e-10)
    np.testing.assert_allclose(a.outward * a.inward[5], b.outward, rtol=1e-10)


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_levels_full_ge_agrees_with_hat_algebra_on_model_consistent_flows(seed):
    n, sigma = 10, 6.0
    T, Y, E = synthetic(n, seed)
    rng = np.random.default_rng(seed)
    B = np.exp(rng.normal(0.0, 0.5, (n, n)))
    np.fill_diagonal(B, 1.0)
    levels = full_ge_levels(T, T * B, Y, E, sigma, reference=0)
    base = levels.baseline
    codes = [f"C{k:02d}" for k in range(n)]
    flows = pd.Series(base.flows.ravel(), index=pd.MultiIndex.from_product([codes, codes]))
    hat = GEModel(flows, sigma - 1, imbalances="multiplicative").simulate(B).countries
    np.testing.assert_allclose(100 * (levels.real_gdp_change - 1), hat["real_gdp_pct"], atol=1e-8)
    # Relative factory-gate prices agree (the numeraires differ).
    rel_levels = np.log(levels.factory_price) - np.log(levels.factory_price[0])
    w = 1 + hat["factory_price_pct"].to_numpy() / 100
    np.testing.assert_allclose(rel_levels, np.log(w) - np.log(w[0]), atol=1e-9)
    # Counterfactual trade shares agree.
    shares_levels = levels.counterfactual.flows / levels.counterfactual.flows.sum(axis=0)
    model = GEModel(flows, sigma - 1, imbalances="multiplicative")
    cf = model.simulate(B).flows["counterfactual"].to_numpy().reshape(n, n)
    np.testing.assert_allclose(shares_levels, cf / cf.sum(axis=0), rtol=1e-8)


def test_levels_errors():
    T, Y, E = synthetic(6, 6)
    with pytest.raises(ConvergenceError, match="did not converge") as info:
        multilateral_resistances(T, Y, E, max_iter=1)
    assert info.value.record.iterations == 1
    with pytest.raises(DataError, match="positive"):
        multilateral_resistances(T, -Y, E)
    with pytest.raises(DataError, match="sigma"):
        full_ge_levels(T, T, Y, E, 0.5)


def test_resistances_match_the_anderson_van_wincoop_equations():
    # Yotov et al. (2016, ch. 1, eqs. 1-3) with the world's output as the scale.
    rng = np.random.default_rng(3)
    n = 6
    y = rng.uniform(1, 10, n)
    e = y[::-1] * y.sum() / y[::-1].sum()
    k = rng.uniform(0.1, 1.0, (n, n))
    sol = multilateral_resistances(k, y, e, reference=2, tol=1e-12)
    assert sol.converged and sol.max_residual <= 1e-12
    big_y = y.sum()
    pi, p = sol.outward, sol.inward
    assert p[2] == pytest.approx(1.0)
    assert np.allclose(pi, (k * (e / (big_y * p))[None, :]).sum(axis=1), rtol=1e-10)
    assert np.allclose(p, (k * (y / (big_y * pi))[:, None]).sum(axis=0), rtol=1e-10)
    assert np.allclose(sol.flows, np.outer(y, e) * k / (big_y * np.outer(pi, p)), rtol=1e-10)


@pytest.mark.parametrize("tol", [1e-6, 1e-9, 1e-12])
def test_one_stopping_rule_the_reported_gap_is_the_gap_of_the_flows(tol):
    T, Y, E = synthetic(15, 7)
    r = multilateral_resistances(T, Y, E, tol=tol)
    rows = np.abs(np.log(r.flows.sum(axis=1) / Y)).max()
    cols = np.abs(np.log(r.flows.sum(axis=0) / E)).max()
    # Rows hold to rounding; the column gap is what the rule measured, and it is within tol.
    assert rows <= 1e-13
    assert cols == pytest.approx(r.max_residual, rel=1e-6, abs=1e-14)
    assert r.max_residual <= tol
    if tol >= 1e-9:
        # No silent tightening either: a looser tol stops earlier than the tightest one.
        assert r.iterations < multilateral_resistances(T, Y, E, tol=1e-12).iterations


def test_warm_start_from_a_nearby_solution_takes_fewer_sweeps():
    T, Y, E = synthetic(20, 8)
    cold = multilateral_resistances(T * 1.01 ** np.eye(20), Y, E)
    base = multilateral_resistances(T, Y, E)
    warm = multilateral_resistances(T * 1.01 ** np.eye(20), Y, E, initial_inward=base.inward)
    np.testing.assert_allclose(warm.flows, cold.flows, rtol=1e-10)
    assert warm.iterations < cold.iterations


def test_non_convergence_is_an_error_with_the_record():
    y = np.array([1.0, 2.0, 3.0])
    k = np.array([[1.0, 1e-3, 1e-6], [1e-3, 1.0, 1e-3], [1e-6, 1e-3, 1.0]])
    with pytest.raises(ConvergenceError, match="raise max_iter") as info:
        multilateral_resistances(k, y, y[::-1], max_iter=1)
    assert info.value.record.iterations == 1 and not info.value.record.converged
