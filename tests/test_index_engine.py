"""Composite-index engine: a 4-country, 6-indicator example worked by hand for every method."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from jahan.errors import DataError
from jahan.index import CompositeIndex, Framework, Node, pca_weights

COUNTRIES = ["WWW", "XXX", "YYY", "ZZZ"]
# Rows W, X, Y, Z; b3 counts against the index (direction -1).
TABLE = {
    "a1": [0.0, 5.0, 10.0, 20.0],
    "a2": [3.0, 1.0, 4.0, 2.0],
    "a3": [7.0, 9.0, 5.0, 13.0],
    "b1": [2.0, 6.0, 4.0, 10.0],
    "b2": [50.0, 10.0, 30.0, 20.0],
    "b3": [1.0, 3.0, 2.0, 5.0],
}


def framework(weights: dict[str, float] | None = None) -> Framework:
    w = weights or {}
    nodes = [Node("idx"), Node("A", "idx", weight=w.get("A")), Node("B", "idx", weight=w.get("B"))]
    for code in TABLE:
        nodes.append(
            Node(code, code[0].upper(), direction=-1 if code == "b3" else 1, weight=w.get(code))
        )
    return Framework(nodes)


def long_table(table=TABLE, year=2020) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"country": c, "year": year, "indicator": code, "value": v}
            for code, values in table.items()
            for c, v in zip(COUNTRIES, values, strict=True)
        ]
    )


def scores(result, node):
    return result.scores[node].reindex(COUNTRIES).to_numpy()


def test_minmax_equal_arithmetic_by_hand():
    r = CompositeIndex(framework(), normalisation="minmax").compute(long_table())
    # min-max on [0, 100]: a1 (x-0)/20, a2 (x-1)/3, a3 (x-5)/8, b1 (x-2)/8, b2 (x-10)/40, b3 (5-x)/4
    expected_norm = {
        "a1": [0, 25, 50, 100],
        "a2": [200 / 3, 0, 100, 100 / 3],
        "a3": [25, 50, 0, 100],
        "b1": [0, 50, 25, 100],
        "b2": [100, 0, 50, 25],
        "b3": [100, 50, 75, 0],
    }
    for code, values in expected_norm.items():
        np.testing.assert_allclose(scores(r, code), values, rtol=1e-12, atol=1e-12)
    A = [(0 + 200 / 3 + 25) / 3, (25 + 0 + 50) / 3, (50 + 100 + 0) / 3, (100 + 100 / 3 + 100) / 3]
    B = [(0 + 100 + 100) / 3, (50 + 0 + 50) / 3, (25 + 50 + 75) / 3, (100 + 25 + 0) / 3]
    np.testing.assert_allclose(scores(r, "A"), A, rtol=1e-12)
    np.testing.assert_allclose(scores(r, "B"), B, rtol=1e-12)
    idx = [(a + b) / 2 for a, b in zip(A, B, strict=True)]  # 48.61, 29.17, 50.00, 59.72
    np.testing.assert_allclose(scores(r, "idx"), idx, rtol=1e-12)
    assert r.ranks["idx"].reindex(COUNTRIES).tolist() == [3, 4, 2, 1]
    assert dict(r.choices)["normalisation"] == "minmax"


def test_zscore_by_hand():
    r = CompositeIndex(framework(), normalisation="zscore").compute(long_table())
    m = (0 + 5 + 10 + 20) / 4
    sd = math.sqrt(((0 - m) ** 2 + (5 - m) ** 2 + (10 - m) ** 2 + (20 - m) ** 2) / 3)
    np.testing.assert_allclose(scores(r, "a1"), [(x - m) / sd for x in (0, 5, 10, 20)], rtol=1e-12)
    # b3 with direction -1: z of -x
    m3 = -(1 + 3 + 2 + 5) / 4
    sd3 = math.sqrt(((-1 - m3) ** 2 + (-3 - m3) ** 2 + (-2 - m3) ** 2 + (-5 - m3) ** 2) / 3)
    np.testing.assert_allclose(scores(r, "b3"), [(-x - m3) / sd3 for x in (1, 3, 2, 5)], rtol=1e-12)


def test_rank_and_percentile_by_hand():
    r = CompositeIndex(framework(), normalisation="rank").compute(long_table())
    ranks = {
        "a1": [1, 2, 3, 4],
        "a2": [3, 1, 4, 2],
        "a3": [2, 3, 1, 4],
        "b1": [1, 3, 2, 4],
        "b2": [4, 1, 3, 2],
        "b3": [4, 2, 3, 1],
    }
    for code, values in ranks.items():
        np.testing.assert_array_equal(scores(r, code), values)
    np.testing.assert_allclose(scores(r, "A"), [6 / 3, 6 / 3, 8 / 3, 10 / 3])
    p = CompositeIndex(framework(), normalisation="percentile").compute(long_table())
    np.testing.assert_allclose(scores(p, "b2"), [100, 25, 75, 50])


def test_rank_ties_are_averaged():
    table = dict(TABLE, a1=[5.0, 5.0, 10.0, 20.0])
    r = CompositeIndex(framework(), normalisation="rank").compute(long_table(table))
    np.testing.assert_array_equal(scores(r, "a1"), [1.5, 1.5, 3, 4])


def test_kof_scale_over_reference_period_by_hand():
    early = dict(
        TABLE, a1=[-20.0, 0.0, 0.0, 40.0]
    )  # widens a1's range over the period to [-20, 40]
    data = pd.concat([long_table(early, 2010), long_table(TABLE, 2020)])
    r = CompositeIndex(framework(), normalisation="kof").compute(data, year=2020)
    np.testing.assert_allclose(
        scores(r, "a1"), [1 + 99 * (x + 20) / 60 for x in (0, 5, 10, 20)], rtol=1e-12
    )
    # a2 has the same values in both years: its range is the 2020 range
    np.testing.assert_allclose(scores(r, "a2"), [1 + 99 * (x - 1) / 3 for x in (3, 1, 4, 2)])
    assert r.choices["reference_period"] == (2010, 2020)
    limited = CompositeIndex(framework(), normalisation="kof", reference_years=(2020, 2020))
    np.testing.assert_allclose(
        scores(limited.compute(data, 2020), "a1"), [1 + 99 * x / 20 for x in (0, 5, 10, 20)]
    )


def test_user_weights_by_hand():
    w = {"A": 3, "B": 1, "a1": 2, "a2": 1, "a3": 1, "b1": 1, "b2": 1, "b3": 2}
    r = CompositeIndex(framework(w), normalisation="minmax", weighting="user").compute(long_table())
    A_w = (2 * 0 + 200 / 3 + 25) / 4
    B_w = (0 + 100 + 2 * 100) / 4
    assert scores(r, "idx")[0] == pytest.approx((3 * A_w + B_w) / 4, rel=1e-12)
    assert r.weights["A"] == pytest.approx(0.75)
    # the same weights passed as a mapping
    r2 = CompositeIndex(framework(), normalisation="minmax", weighting=w).compute(long_table())
    np.testing.assert_allclose(scores(r2, "idx"), scores(r, "idx"))


def test_user_weighting_without_weights_names_the_nodes():
    with pytest.raises(DataError, match="no weight"):
        CompositeIndex(framework(), weighting="user").compute(long_table())


def test_geometric_aggregation_by_hand():
    r = CompositeIndex(framework(), normalisation="percentile", aggregation="geometric").compute(
        long_table()
    )
    # W's percentiles: a = 25, 75, 50; b = 25, 100, 100
    a_w = (25 * 75 * 50) ** (1 / 3)
    b_w = (25 * 100 * 100) ** (1 / 3)
    assert scores(r, "A")[0] == pytest.approx(a_w, rel=1e-12)
    assert scores(r, "idx")[0] == pytest.approx(math.sqrt(a_w * b_w), rel=1e-12)


def test_geometric_needs_positive_values():
    with pytest.raises(DataError, match="positive"):
        CompositeIndex(framework(), normalisation="minmax", aggregation="geometric").compute(
            long_table()
        )


def test_pca_weights_equal_numpy_svd_on_standardized_data():
    x = np.column_stack([TABLE["a1"], TABLE["a2"], TABLE["a3"]])
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    _, _, vt = np.linalg.svd(z, full_matrices=False)
    expected = vt[0] ** 2
    np.testing.assert_allclose(pca_weights(x), expected, rtol=1e-10)
    r = CompositeIndex(framework(), normalisation="minmax", weighting="pca").compute(long_table())
    np.testing.assert_allclose(r.weights[["a1", "a2", "a3"]].to_numpy(), expected, rtol=1e-10)
    # the aggregate uses them: A = sum_j w_j * minmax_j
    mm = np.array([[0, 200 / 3, 25], [25, 0, 50], [50, 100, 0], [100, 100 / 3, 100]])
    np.testing.assert_allclose(scores(r, "A"), mm @ expected, rtol=1e-10)
    # above the indicators PCA weighting keeps equal weights
    assert r.weights["A"] == pytest.approx(0.5)


def test_pca_weights_larger_random_case_matches_svd():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(50, 6)) @ rng.normal(size=(6, 6))
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    vt = np.linalg.svd(z, full_matrices=False)[2]
    np.testing.assert_allclose(pca_weights(x), vt[0] ** 2, rtol=1e-9, atol=1e-12)


def test_missing_data_interpolated_inside_and_extrapolated_only_when_asked():
    d2018 = long_table(TABLE, 2018)
    d2020 = long_table(TABLE, 2020)
    d2021 = long_table(dict(TABLE, a1=[4.0, 5.0, 10.0, 20.0]), 2021)
    d2021 = d2021[~((d2021.country == "WWW") & (d2021.indicator == "a1"))]
    d2020 = d2020.copy()
    d2020.loc[(d2020.country == "WWW") & (d2020.indicator == "a1"), "value"] = np.nan
    # WWW's a1: 0 in 2018, missing 2020 and 2021; XXX's a2 missing in 2019 (a year with no data at all)
    data = pd.concat([d2018, d2020, d2021, long_table(TABLE, 2022)])
    data.loc[(data.year == 2022) & (data.country == "WWW") & (data.indicator == "a1"), "value"] = (
        8.0
    )
    r = CompositeIndex(framework(), normalisation="minmax").compute(data, year=2021)
    # 2021 lies between 2018 (0) and 2022 (8): 0 + (2021 - 2018) / 4 * 8 = 6
    assert r.raw.at["WWW", "a1"] == pytest.approx(6.0)
    filled = r.imputed[(r.imputed.country == "WWW") & (r.imputed.indicator == "a1")]
    assert set(filled.year) == {2020, 2021} and set(filled.method) == {"interpolated"}

    tail = pd.concat([d2018, long_table(TABLE, 2020)])
    tail = tail[~((tail.year == 2020) & (tail.country == "ZZZ") & (tail.indicator == "b2"))]
    no = CompositeIndex(framework(), normalisation="minmax").compute(tail, year=2020)
    assert np.isnan(no.raw.at["ZZZ", "b2"]) and np.isnan(no.scores.at["ZZZ", "b2"])
    # B is still scored from b1 and b3 (2 of 3 children >= min_coverage 0.5), not with a zero
    assert no.coverage.at["ZZZ", "B"] == pytest.approx(2 / 3)
    assert no.scores.at["ZZZ", "B"] == pytest.approx((100 + 0) / 2)
    yes = CompositeIndex(framework(), extrapolate="nearest").compute(tail, year=2020)
    assert yes.raw.at["ZZZ", "b2"] == 20.0
    assert "extrapolated (nearest)" in set(yes.imputed.method)


def test_missing_below_coverage_stays_missing():
    data = long_table()
    data = data[~((data.country == "XXX") & data.indicator.isin(["a1", "a2"]))]
    r = CompositeIndex(framework(), min_coverage=0.5).compute(data)
    assert np.isnan(r.scores.at["XXX", "A"])
    assert np.isnan(r.ranks.at["XXX", "A"])
    # the index is scored from B alone (1 of 2 children)
    assert r.scores.at["XXX", "idx"] == pytest.approx(r.scores.at["XXX", "B"])


def test_indicators_without_data_are_reported_not_invented():
    data = long_table()
    data = data[~data.indicator.isin(["a1", "a2", "a3"])]
    r = CompositeIndex(framework()).compute(data)
    assert set(r.missing_nodes) == {"A", "a1", "a2", "a3"}
    assert r.scores["A"].isna().all()
    np.testing.assert_allclose(r.scores["idx"], r.scores["B"])


def test_bad_input_messages_name_the_culprit():
    with pytest.raises(DataError, match="indicator"):
        CompositeIndex(framework()).compute(long_table().rename(columns={"indicator": "indicatr"}))
    dup = pd.concat([long_table(), long_table().iloc[:1]])
    with pytest.raises(DataError, match="repeat"):
        CompositeIndex(framework()).compute(dup)
    with pytest.raises(DataError, match="nearest is 2020"):
        CompositeIndex(framework()).compute(long_table(), year=2021)
    with pytest.raises(DataError, match="Did you mean 'A'"):
        Framework([Node("idx"), Node("A", "idx"), Node("a", "AA")])
    with pytest.raises(DataError, match="normalisation"):
        CompositeIndex(framework(), normalisation="min-max")


def test_result_is_immutable_and_exports(tmp_path):
    r = CompositeIndex(framework()).compute(long_table())
    with pytest.raises(AttributeError):
        r.year = 1999  # type: ignore[misc]
    with pytest.raises(TypeError):
        r.choices["normalisation"] = "rank"  # type: ignore[index]
    frame = r.to_frame()
    assert set(frame.columns) >= {"country", "node", "score", "rank", "kind"}
    assert len(frame) == 4 * 9
    path = r.to_parquet(tmp_path / "index.parquet")
    assert pd.read_parquet(path).shape == frame.shape
    assert "idx" in r.summary()


def test_framework_from_frame_round_trip():
    fw = framework({"A": 2, "B": 1})
    again = Framework.from_frame(fw.to_frame())
    assert again.indicators == fw.indicators
    assert again["b3"].direction == -1 and again["A"].weight == 2
