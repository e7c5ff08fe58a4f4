"""Monte Carlo uncertainty: the vectorised draws equal the plain engine run draw by draw."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jahan.errors import DataError
from jahan.index import CompositeIndex, Framework, Node


def world(n_countries=25, seed=3):
    rng = np.random.default_rng(seed)
    nodes = [Node("idx")]
    for d in "AB":
        nodes.append(Node(d, "idx"))
        for s in range(2):
            sub = f"{d}{s}"
            nodes.append(Node(sub, d))
            for i in range(3):
                nodes.append(Node(f"{sub}_{i}", sub, direction=-1 if i == 2 else 1))
    fw = Framework(nodes)
    rows = [
        {"country": f"C{c:02d}", "year": y, "indicator": code, "value": rng.gamma(2.0, 10.0)}
        for c in range(n_countries)
        for y in (2019, 2020)
        for code in fw.indicators
    ]
    data = pd.DataFrame(rows)
    data = data.drop(index=rng.choice(len(data), 15, replace=False))
    return fw, data


def test_each_draw_equals_the_plain_engine_with_the_same_choices():
    fw, data = world()
    index = CompositeIndex(fw, normalisation="kof", weighting="pca")
    unc = index.uncertainty(data, draws=40, seed=11, weightings=["equal"])
    for d in (0, 1, 7, 23, 39):
        draw = unc.draws.loc[d]
        weights = unc.draw_weights.loc[d].to_dict()
        plain = CompositeIndex(
            fw,
            normalisation=draw["normalisation"],
            aggregation=draw["aggregation"],
            weighting=weights,
        ).compute(data)
        np.testing.assert_allclose(
            unc.scores[d].to_numpy(), plain.index.reindex(unc.scores.index).to_numpy(), rtol=1e-10
        )
        np.testing.assert_array_equal(
            unc.ranks[d].to_numpy(), plain.ranks["idx"].reindex(unc.ranks.index).to_numpy()
        )


def test_draw_zero_is_the_nominal_index_and_seed_reproduces():
    fw, data = world()
    index = CompositeIndex(fw, normalisation="minmax")
    a = index.uncertainty(data, draws=200, seed=1)
    b = index.uncertainty(data, draws=200, seed=1)
    c = index.uncertainty(data, draws=200, seed=2)
    pd.testing.assert_frame_equal(a.intervals, b.intervals)
    assert not a.scores.equals(c.scores)
    nominal = index.compute(data)
    np.testing.assert_allclose(a.scores[0], nominal.index.reindex(a.scores.index))
    assert tuple(a.draws.loc[0]) == ("minmax", "arithmetic", "equal")
    # geometric pairs only with positive normalisations
    assert set(a.choices["dropped_pairs"]) == {"minmax+geometric", "zscore+geometric"}
    geo = a.draws[a.draws.aggregation == "geometric"]
    assert set(geo.normalisation) <= {"rank", "percentile", "kof"}


def test_sensitivity_names_the_choice_that_moves_ranks_most():
    fw, data = world()
    index = CompositeIndex(fw, normalisation="minmax")
    # no weight noise and one normalisation: only aggregation can move ranks
    only_agg = index.uncertainty(
        data, draws=50, seed=1, normalisations=["minmax", "kof"], weight_noise=0.0
    )
    s = only_agg.sensitivity
    assert s.loc["weights", "mean_abs_rank_shift"] == 0
    assert s.loc["aggregation", "alternatives"] == 0  # minmax cannot pair with geometric
    assert only_agg.most_influential == "normalisation"
    assert s.loc["normalisation", "mean_abs_rank_shift"] > 0
    wide = index.uncertainty(data, draws=300, seed=1, normalisations=["minmax"], weight_noise=0.9)
    assert wide.most_influential == "weights"
    assert wide.intervals["rank_max"].sub(wide.intervals["rank_min"]).max() > 0


def test_arguments_are_checked():
    fw, data = world()
    index = CompositeIndex(fw)
    with pytest.raises(DataError, match="seed or rng"):
        index.uncertainty(data, draws=5, seed=1, rng=np.random.default_rng(1))
    with pytest.raises(DataError, match="weight_noise"):
        index.uncertainty(data, draws=5, weight_noise=1.5)
    geo = CompositeIndex(fw, normalisation="zscore", aggregation="geometric")
    with pytest.raises(DataError, match="positive normalisation"):
        geo.uncertainty(data, draws=5)


def test_countries_without_a_score_are_left_out_of_the_intervals():
    fw, data = world()
    sparse = data[~((data.country == "C00") & ~data.indicator.str.startswith("A0"))]
    sparse = sparse[~((sparse.country == "C00") & (sparse.indicator != "A0_0"))]
    index = CompositeIndex(fw, normalisation="kof")
    nominal = index.compute(sparse)
    assert np.isnan(nominal.index["C00"])  # one indicator of twelve is below every coverage rule
    unc = index.uncertainty(sparse, draws=30, seed=4)
    assert "C00" not in unc.intervals.index
    assert unc.ranks.loc["C00"].isna().all()
    assert len(unc.intervals) == nominal.index.notna().sum()
