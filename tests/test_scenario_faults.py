"""Shocks that would silently do nothing, and solutions that would silently be infinite, are errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import jahan as jh
from jahan.errors import ConvergenceError, DataError, ScenarioError
from jahan.scenario import Scenario


@pytest.fixture(scope="module")
def world():
    from test_scenario import tiny_world

    return tiny_world()


def _scenario(shock: str) -> Scenario:
    return Scenario.from_toml(
        f'[scenario]\nname = "x"\nfocus = ["KAZ"]\n\n[[shocks]]\n{shock}\n', "noop.toml"
    )


@pytest.mark.parametrize(
    ("shock", "where"),
    [
        (
            'type = "trade_cost"\nexporters = "KAZ"\nimporters = "KAZ"\nchange_pct = -10.0',
            r"line 8, field shocks\[1\]\.importers: exporters \['KAZ'\] and importers \['KAZ'\]",
        ),
        (
            'type = "corridor"\nroute = ["KAZ", "KAZ"]\nchange_pct = -10.0',
            r"line 7, field shocks\[1\]\.route: the leg 'KAZ' -> 'KAZ'",
        ),
    ],
)
def test_a_shock_matching_no_pair_is_an_error(world, shock, where):
    with pytest.raises(ScenarioError, match=where + ".*would change nothing"):
        _scenario(shock).run(world, draws=0)


def test_a_shock_on_pairs_without_trade_is_an_error_not_nan(world):
    flows = world.flows.copy()
    international = flows.index.get_level_values(0) != flows.index.get_level_values(1)
    flows[international] = 0.0
    closed = type(world).from_frames(
        world.countries, flows=flows, groups=world.groups, baseline_year=2019, flows_kind="modelled"
    )
    sc = _scenario('type = "agreement"\nmembers = "EAEU"\neffect = 0.5')
    with pytest.raises(
        ScenarioError,
        match=r"shocks\[1\]\.type: the 6 pairs of this agreement shock "
        r"have no trade in the baseline",
    ):
        sc.run(closed, draws=0)


def _three() -> pd.DataFrame:
    codes = ["A", "B", "C"]
    X = np.array([[50.0, 10, 5], [8, 60, 7], [4, 9, 40]])
    return pd.DataFrame(
        {"exporter": np.repeat(codes, 3), "importer": np.tile(codes, 3), "value": X.ravel()}
    )


def _agreement() -> pd.Series:
    index = pd.MultiIndex.from_tuples([("A", "B"), ("B", "A")], names=["exporter", "importer"])
    return pd.Series(np.exp(0.5), index=index)


def test_near_zero_elasticity_is_not_reported_as_converged():
    model = jh.GEModel(_three(), trade_elasticity=1e-9)
    with pytest.raises(
        ConvergenceError, match=r"non-finite welfare_pct for A \(trade_elasticity=1e-09\)"
    ):
        model.simulate(_agreement())


def test_flows_that_overflow_blame_the_flows_not_the_shock():
    flows = _three()
    flows.loc[0, "value"] = 1e308
    with pytest.raises(DataError, match=r"exceed 1e\+100 \(rows \[0\]: A->A\).*Rescale the flows"):
        jh.GEModel(flows, trade_elasticity=5.0)


def test_rescaled_flows_give_the_same_results():
    # The rescaling advice must hold: hat algebra depends on shares and ratios only.
    a = jh.GEModel(_three(), trade_elasticity=5.0).simulate(_agreement()).countries
    scaled = _three()
    scaled["value"] *= 1e-6
    b = jh.GEModel(scaled, trade_elasticity=5.0).simulate(_agreement()).countries
    pd.testing.assert_frame_equal(a, b, rtol=1e-9, atol=1e-9)
