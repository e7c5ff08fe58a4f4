"""Multi-sector model: properties, identities, the plain reference, errors, result objects."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jahan.errors import ConvergenceError, ConvergenceWarning, DataError
from jahan.ge._ms_reference import solve_reference
from jahan.ge._ms_solver import solve_multisector
from jahan.ge._ms_synthetic import synthetic_world
from jahan.ge.multisector import MultiSectorGEModel, MultiSectorGEResult

PCT_COLUMNS = [
    "welfare_pct",
    "terms_of_trade_pct",
    "volume_of_trade_pct",
    "real_wage_pct",
    "price_index_pct",
    "trade_cost_pct",
    "wage_pct",
    "exports_pct",
    "imports_pct",
]


@pytest.fixture(scope="module")
def world():
    return synthetic_world(7, 5, n_tradable=3, seed=3)


@pytest.fixture(scope="module")
def liberalisation(world):
    """Every tariff of the first two countries' imports removed."""
    t = world["tariffs"]
    return t[t["importer"].isin(["C000", "C001"])].assign(rate=0.0)


def _model(world, **kw):
    return MultiSectorGEModel(**world, **kw)


@pytest.mark.parametrize("imbalances", ["balanced", "fixed"])
def test_no_shock_gives_zero_change(world, imbalances):
    result = _model(world, imbalances=imbalances).simulate()
    assert result.converged
    np.testing.assert_allclose(result.countries[PCT_COLUMNS].to_numpy(), 0.0, atol=1e-7)
    np.testing.assert_allclose(result.sectors["price_pct"], 0.0, atol=1e-7)
    np.testing.assert_allclose(result.flows["change_pct"], 0.0, atol=1e-6)


@pytest.mark.parametrize("imbalances", ["balanced", "fixed"])
def test_scaling_all_values_leaves_changes_unchanged(world, liberalisation, imbalances):
    base = _model(world, imbalances=imbalances).simulate(tariffs=liberalisation)
    scaled_world = dict(world)
    scaled_world["flows"] = world["flows"].assign(value=world["flows"]["value"] * 1234.5)
    scaled_world["gross_output"] = world["gross_output"].assign(
        value=world["gross_output"]["value"] * 1234.5
    )
    scaled = _model(scaled_world, imbalances=imbalances).simulate(tariffs=liberalisation)
    assert abs(base.countries.loc["C000", "welfare_pct"]) > 1e-3  # the shock does something
    pd.testing.assert_frame_equal(base.countries, scaled.countries, atol=1e-7, rtol=0)
    np.testing.assert_allclose(scaled.sectors["output"], 1234.5 * base.sectors["output"], rtol=1e-8)


@pytest.mark.parametrize("imbalances", ["balanced", "fixed"])
def test_world_exports_equal_world_imports_and_deficits_hold(world, liberalisation, imbalances):
    model = _model(world, imbalances=imbalances)
    result = model.simulate(tariffs=liberalisation)
    sectors = result.sectors
    assert sectors["exports"].sum() == pytest.approx(sectors["imports"].sum(), rel=1e-12)
    assert sectors["exports"].sum() != pytest.approx(sectors["exports_baseline"].sum(), rel=1e-6)
    # each country's trade balance equals its baseline deficit (zero, or the observed one)
    by_country = sectors.groupby(level="country")[["exports", "imports"]].sum()
    deficit = pd.Series(model.baseline.deficit, index=list(model.countries))
    gap = by_country["imports"] - by_country["exports"] - deficit
    value_added = pd.Series(model.baseline.value_added, index=list(model.countries))
    assert (gap.abs() / value_added).max() < 1e-9
    if imbalances == "balanced":
        assert np.all(model.baseline.deficit == 0)
    else:
        assert np.abs(model.baseline.deficit).max() > 0


def test_fixed_deficits_keep_observed_deficits(world):
    model = _model(world, imbalances="fixed")
    flows = world["flows"]
    foreign = flows[flows["exporter"] != flows["importer"]]
    observed = (
        foreign.groupby("importer")["value"].sum() - foreign.groupby("exporter")["value"].sum()
    )
    np.testing.assert_allclose(
        model.baseline.deficit, observed.loc[list(model.countries)], rtol=1e-12
    )


def test_kernel_matches_plain_reference(world):
    base = _model(world).baseline
    new = np.where(base.tariff > 0, base.tariff * 0.3, 0.0)
    cost = np.ones_like(base.shares)
    cost[1, 2, 4] = 1.3
    args = (
        base.shares,
        base.tariff,
        new,
        cost,
        base.theta,
        base.va_share,
        base.io_cost,
        base.alpha,
        base.value_added,
        base.deficit,
    )
    fast = solve_multisector(*args, base.expenditure, tol=1e-12)
    plain = solve_reference(*args, tol=1e-12, step=0.2, max_iter=2000)
    assert fast.converged and plain.converged
    np.testing.assert_allclose(fast.wage_hat, plain.wage_hat, rtol=1e-9)
    np.testing.assert_allclose(fast.price_hat, plain.price_hat, rtol=1e-9)
    np.testing.assert_allclose(fast.expenditure, plain.expenditure, rtol=1e-8)
    np.testing.assert_allclose(fast.shares, plain.shares, atol=1e-10)
    assert np.abs(fast.wage_hat - 1).max() > 1e-3


def test_anderson_mixing_reaches_the_plain_iteration_equilibrium(world):
    base = _model(world).baseline
    args = (
        base.shares,
        base.tariff,
        0.2 * base.tariff,
        np.ones_like(base.shares),
        base.theta,
        base.va_share,
        base.io_cost,
        base.alpha,
        base.value_added,
        base.deficit,
        base.expenditure,
    )
    mixed = solve_multisector(*args, tol=1e-12)
    plain = solve_multisector(*args, tol=1e-12, memory=0)
    assert mixed.converged and plain.converged
    np.testing.assert_allclose(mixed.wage_hat, plain.wage_hat, rtol=1e-10)
    np.testing.assert_allclose(mixed.price_hat, plain.price_hat, rtol=1e-10)


def test_nontradable_sectors_stay_domestic(world, liberalisation):
    result = _model(world).simulate(tariffs=liberalisation)
    flows = result.flows
    nontradable = flows[flows["sector"].isin(["S03", "S04"])]
    foreign = nontradable["exporter"] != nontradable["importer"]
    assert (nontradable.loc[foreign, ["baseline", "counterfactual"]] == 0).all().all()
    assert (nontradable.loc[~foreign, "counterfactual"] > 0).all()


def test_domestic_sales_derived_from_gross_output():
    """Gross output minus exports, output raised to exports where it falls short (CP 2015)."""
    world = synthetic_world(4, 2, n_tradable=2, seed=5)
    flows = world["flows"]
    domestic = flows[flows["exporter"] == flows["importer"]]
    explicit = _model(world, imbalances="fixed")
    implicit_world = dict(world, flows=flows[flows["exporter"] != flows["importer"]])
    implicit = _model(implicit_world, imbalances="fixed")
    np.testing.assert_allclose(
        implicit.baseline.expenditure, explicit.baseline.expenditure, rtol=1e-12
    )
    short = world["gross_output"].copy()
    short.loc[0, "value"] = 0.0  # (C000, S00): below its exports
    raised = _model(dict(implicit_world, gross_output=short), imbalances="fixed")
    observed = raised._observed.net_flows()
    assert observed[0, 0, 0] == 0.0
    assert observed[0, :, 0].sum() > 0  # output is raised to the exports
    assert domestic["value"].min() > 0


@pytest.mark.parametrize("imbalances", ["fixed", "balanced"])
def test_one_sector_without_tariffs_or_inputs_equals_gemodel(imbalances):
    """Special case: one sector, value added share 1, no tariffs -> the one-sector model."""
    GEModel = pytest.importorskip("jahan.ge.model").GEModel
    world = synthetic_world(8, 1, n_tradable=1, seed=11)
    flows = world["flows"]
    theta = float(world["trade_elasticity"].iloc[0])
    countries = sorted(set(flows["exporter"]))
    ms = MultiSectorGEModel(
        flows,
        None,
        world["gross_output"],
        world["value_added_share"].assign(share=1.0),
        pd.DataFrame(columns=["country", "input_sector", "using_sector", "share"]),
        world["trade_elasticity"],
        imbalances=imbalances,
        tol=1e-13,
    )
    one = GEModel(
        flows[["exporter", "importer", "value"]],
        trade_elasticity=theta,
        closure="full",
        imbalances=imbalances,
    )
    rng = np.random.default_rng(2)
    pairs = pd.MultiIndex.from_product([countries, countries], names=["exporter", "importer"])
    change = pd.Series(rng.uniform(0.6, 1.6, len(pairs)), index=pairs)
    change[[e == i for e, i in pairs]] = 1.0
    a = ms.simulate(cost_change=change).countries
    b = one.simulate(change).countries.loc[a.index]
    assert a["welfare_pct"].abs().max() > 0.1
    np.testing.assert_allclose(a["welfare_pct"], b["welfare_pct"], atol=1e-8)
    np.testing.assert_allclose(a["real_wage_pct"], b["real_gdp_pct"], atol=1e-8)
    np.testing.assert_allclose(a["price_index_pct"], b["price_index_pct"], atol=1e-8)
    np.testing.assert_allclose(a["wage_pct"], b["factory_price_pct"], atol=1e-8)


def test_sector_specific_cost_change(world):
    model = _model(world)
    shock = pd.DataFrame(
        {"exporter": ["C002"], "importer": ["C000"], "sector": ["S01"], "value": [2.0]}
    )
    result = model.simulate(cost_change=shock)
    f = result.flows.set_index(["exporter", "importer", "sector"])
    assert f.loc[("C002", "C000", "S01"), "change_pct"] > 20
    assert result.sectors.loc[("C000", "S01"), "price_pct"] < 0


def test_nonconvergence_raises_and_can_warn(world, liberalisation):
    short = _model(world, max_iter=1)
    with pytest.raises(ConvergenceError, match="did not converge") as info:
        short.simulate(tariffs=liberalisation)
    assert info.value.record is not None and not info.value.record.converged
    warn = _model(world, max_iter=1, on_nonconvergence="warn")
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        result = warn.simulate(tariffs=liberalisation)
    assert not result.converged and result.iterations == 1


def test_data_errors_name_the_culprit(world):
    bad = dict(
        world,
        flows=world["flows"].assign(
            sector=world["flows"]["sector"].where(world["flows"].index != 3, "S1O")
        ),
    )
    with pytest.raises(DataError, match=r"flows.sector.*'S1O'.*did you mean"):
        _model(bad)
    negative = world["flows"]["value"].where(world["flows"].index != 2, -5.0)
    with pytest.raises(DataError, match=r"flows.value.*row 2"):
        _model(dict(world, flows=world["flows"].assign(value=negative)))
    with pytest.raises(DataError, match="duplicate"):
        _model(dict(world, flows=pd.concat([world["flows"], world["flows"].iloc[[0]]])))
    with pytest.raises(DataError, match=r"lacks column.*'importer'"):
        _model(dict(world, flows=world["flows"].rename(columns={"importer": "importr"})))
    io = world["io_shares"].copy()
    io.loc[0, "share"] += 0.2
    with pytest.raises(DataError, match=r"io_shares.*do not sum to 1.*C000"):
        _model(dict(world, io_shares=io))
    with pytest.raises(DataError, match="share"):
        _model(dict(world, value_added_share=world["value_added_share"].assign(share=0.0)))
    with pytest.raises(DataError, match="trade_elasticity lacks"):
        _model(dict(world, trade_elasticity=world["trade_elasticity"].iloc[:2]))
    with pytest.raises(DataError, match="imbalances"):
        _model(world, imbalances="multiplicative")
    model = _model(world)
    with pytest.raises(DataError, match=r"tariffs.importer.*'XYZ'"):
        model.simulate(
            tariffs=pd.DataFrame(
                {"exporter": ["C001"], "importer": ["XYZ"], "sector": ["S00"], "rate": [0.1]}
            )
        )
    with pytest.raises(DataError, match="domestic"):
        model.simulate(
            tariffs=pd.DataFrame(
                {"exporter": ["C001"], "importer": ["C001"], "sector": ["S00"], "rate": [0.1]}
            )
        )


def test_result_is_frozen_and_exports(world, liberalisation, tmp_path):
    result = _model(world).simulate(tariffs=liberalisation)
    assert isinstance(result, MultiSectorGEResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.converged = False  # type: ignore[misc]
    frame = result.to_frame()
    assert frame.attrs["converged"] is True and frame.attrs["imbalances"] == "balanced"
    for table in ("countries", "sectors", "flows"):
        path = result.to_parquet(tmp_path / f"{table}.parquet", table=table)
        back = pd.read_parquet(path)
        assert len(back) == len(getattr(result, table))
    with pytest.raises(DataError, match="table"):
        result.to_parquet(tmp_path / "x.parquet", table="pairs")
    for lang in ("en", "kk", "ru"):
        text = result.summary(lang)
        assert "C000" in text and len(text.splitlines()) == 4 + len(result.countries)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "%" in result.summary()


@settings(max_examples=6, deadline=None)
@given(
    n=st.integers(2, 6),
    j=st.integers(1, 4),
    seed=st.integers(0, 10_000),
    cut=st.floats(0.0, 0.9),
    scale=st.floats(1e-3, 1e4),
)
def test_properties_on_random_worlds(n, j, seed, cut, scale):
    world = synthetic_world(n, j, n_tradable=max(1, j - 1), seed=seed)
    # Scale invariance is exact in the model; solve tightly so that solver tolerance does not
    # show up in percentage changes of large shocks.
    model = MultiSectorGEModel(**world, tol=1e-13)
    still = model.simulate()
    np.testing.assert_allclose(still.countries[PCT_COLUMNS].to_numpy(), 0.0, atol=1e-7)
    shock = world["tariffs"].assign(rate=world["tariffs"]["rate"] * cut)
    result = model.simulate(tariffs=shock)
    scaled = dict(world)
    scaled["flows"] = world["flows"].assign(value=world["flows"]["value"] * scale)
    scaled["gross_output"] = world["gross_output"].assign(
        value=world["gross_output"]["value"] * scale
    )
    again = MultiSectorGEModel(**scaled, tol=1e-13).simulate(tariffs=shock)
    pd.testing.assert_frame_equal(result.countries, again.countries, atol=1e-7, rtol=0)
    s = result.sectors
    assert s["exports"].sum() == pytest.approx(s["imports"].sum(), rel=1e-12)
    assert (result.flows["counterfactual"] >= 0).all()
    assert np.isfinite(result.countries.to_numpy()).all()


def test_deprecated_deficits_and_tariffs_first_still_work_with_a_warning(world, liberalisation):
    new = _model(world, imbalances="balanced").simulate(tariffs=liberalisation)
    with pytest.warns(DeprecationWarning, match="deficits= is deprecated; use imbalances="):
        old_model = _model(world, deficits="zero")
    assert old_model.imbalances == "balanced"
    with pytest.warns(DeprecationWarning, match="cost_change is now the first argument"):
        old = old_model.simulate(liberalisation)
    pd.testing.assert_frame_equal(old.countries, new.countries)
    with pytest.warns(DeprecationWarning, match="use imbalances"):
        assert old.deficits == "zero"
