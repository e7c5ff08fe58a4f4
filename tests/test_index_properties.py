"""Properties of the index engine, checked on generated data (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from jahan.index import NORMALISATIONS, CompositeIndex, Framework, Node, normalise

FW = Framework(
    [
        Node("idx"),
        Node("A", "idx"),
        Node("B", "idx"),
        Node("a1", "A"),
        Node("a2", "A", direction=-1),
        Node("b1", "B"),
        Node("b2", "B"),
    ]
)
CODES = FW.indicators


def long(values: np.ndarray) -> pd.DataFrame:
    n = values.shape[0]
    return pd.DataFrame(
        [
            {"country": f"C{i:02d}", "year": 2020, "indicator": code, "value": values[i, j]}
            for i in range(n)
            for j, code in enumerate(CODES)
        ]
    )


def distinct_columns(n):
    """n x 4 matrices whose columns hold distinct values (so every indicator has a spread)."""
    return arrays(
        np.float64,
        (n, len(CODES)),
        elements=st.integers(-1000, 1000).map(float),
    ).filter(lambda a: all(len(set(a[:, j])) == n for j in range(a.shape[1])))


SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@SETTINGS
@given(
    st.integers(4, 8).flatmap(distinct_columns),
    st.floats(0.001, 1000.0),
    st.floats(-1e4, 1e4),
    st.sampled_from(NORMALISATIONS),
)
def test_change_of_units_leaves_normalised_scores_unchanged(x, scale, shift, method):
    directions = FW.directions().to_numpy()
    before = normalise(x, method, directions)
    after = normalise(x * scale + shift, method, directions)
    np.testing.assert_allclose(after, before, rtol=1e-7, atol=1e-7)


@SETTINGS
@given(
    st.integers(4, 8).flatmap(distinct_columns),
    st.data(),
    st.sampled_from(
        [
            ("minmax", "arithmetic"),
            ("zscore", "arithmetic"),
            ("rank", "arithmetic"),
            ("percentile", "arithmetic"),
            ("kof", "arithmetic"),
            ("rank", "geometric"),
            ("percentile", "geometric"),
            ("kof", "geometric"),
        ]
    ),
)
def test_raising_a_positive_indicator_never_lowers_the_country_score(x, data, methods):
    normalisation, aggregation = methods
    n = x.shape[0]
    country = data.draw(st.integers(0, n - 1))
    column = data.draw(st.sampled_from([0, 2, 3]))  # a1, b1, b2 have direction +1
    raise_by = data.draw(st.integers(1, 3000))
    index = CompositeIndex(FW, normalisation=normalisation, aggregation=aggregation)
    before = index.compute(long(x)).index.iloc[country]
    y = x.copy()
    y[country, column] += raise_by
    after = index.compute(long(y)).index.iloc[country]
    assert after >= before - 1e-9 * max(1.0, abs(before))


@settings(max_examples=15, deadline=None)
@given(
    arrays(np.float64, (7, len(CODES)), elements=st.floats(-100, 100, allow_nan=False)).filter(
        lambda a: all(np.ptp(a[:, j]) > 1e-3 for j in range(a.shape[1]))
    ),
    st.integers(0, 2**31),
)
def test_rank_intervals_contain_the_nominal_rank(x, seed):
    unc = CompositeIndex(FW, normalisation="minmax").uncertainty(long(x), draws=60, seed=seed)
    iv = unc.intervals
    assert (iv["rank_min"] <= iv["nominal_rank"]).all()
    assert (iv["nominal_rank"] <= iv["rank_max"]).all()
    nominal = CompositeIndex(FW, normalisation="minmax").compute(long(x))
    np.testing.assert_array_equal(
        iv["nominal_rank"].to_numpy(), nominal.ranks["idx"].reindex(iv.index).to_numpy()
    )
