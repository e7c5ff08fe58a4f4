"""Label validation and alignment of GEModel inputs: vectorised, any row order, one clear error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jahan.errors import DataError
from jahan.ge import GEModel
from jahan.ge._labels import _IdentityCache, factorize_labels, square_labels, square_layout

N = 90  # large enough for the block and cycle layouts (at least 64 rows)


def world(n: int = N, seed: int = 3) -> tuple[np.ndarray, np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    size = rng.lognormal(0.0, 1.0, n)
    X = np.outer(size, size) * rng.lognormal(0.0, 0.5, (n, n))
    X[np.diag_indices(n)] *= 10.0
    B = np.exp(rng.normal(0.0, 0.3, (n, n)))
    codes = [f"K{k:03d}" for k in range(n)]
    return X, B, codes


def long(M: np.ndarray, codes: list[str], order: np.ndarray | None = None) -> pd.DataFrame:
    n = len(codes)
    frame = pd.DataFrame(
        {"exporter": np.repeat(codes, n), "importer": np.tile(codes, n), "value": M.ravel()}
    )
    return frame if order is None else frame.iloc[order].reset_index(drop=True)


def as_series(frame: pd.DataFrame) -> pd.Series:
    return frame.set_index(["exporter", "importer"])["value"]


@pytest.mark.parametrize("layout", ["sorted", "importer-major", "shuffled", "reversed"])
def test_any_row_order_gives_the_array_result(layout):
    X, B, codes = world()
    n = len(codes)
    rows = {
        "sorted": None,
        "importer-major": np.arange(n * n).reshape(n, n).T.ravel(),
        "shuffled": np.random.default_rng(0).permutation(n * n),
        "reversed": np.arange(n * n)[::-1],
    }[layout]
    reference = GEModel(long(X, codes), 5.0).simulate(B).countries
    result = GEModel(long(X, codes, rows), 5.0).simulate(as_series(long(B, codes, rows)))
    pd.testing.assert_frame_equal(result.countries, reference, rtol=1e-12, atol=1e-12)


def test_factorize_matches_pandas_on_every_layout():
    rng = np.random.default_rng(1)
    labels = np.array([f"L{k:02d}" for k in range(40)], dtype=object)
    cases = {
        "blocks": np.repeat(labels, 7),
        "cycle": np.tile(labels, 7),
        "cycle with a tail": np.concatenate([np.tile(labels, 7), labels[:5]]),
        "almost a cycle": np.concatenate([np.tile(labels, 6), labels[::-1]]),
        "random": rng.choice(labels, 400),
        "uneven blocks": np.repeat(labels, rng.integers(1, 12, labels.size)),
    }
    for name, values in cases.items():
        column = pd.Series(values, dtype="str")
        codes, uniques = factorize_labels(column)
        assert list(uniques[codes]) == list(values), name


def test_labels_with_blanks_are_the_same_country():
    X, B, codes = world(6)
    frame = long(X, codes)
    frame.loc[frame["exporter"] == codes[2], "exporter"] = f" {codes[2]} "
    result = GEModel(frame, 5.0).simulate(B)
    assert list(result.countries.index) == codes


def test_unknown_codes_in_a_full_shock_are_named_with_a_suggestion():
    X, B, codes = world()
    shock = long(B, codes)
    shock.loc[shock["importer"] == "K007", "importer"] = "K7"
    shock.loc[5, "exporter"] = "ZZZ"
    with pytest.raises(DataError, match=r"K7 \(did you mean K\d{3}\?\), ZZZ\.") as info:
        GEModel(long(X, codes), 5.0).simulate(as_series(shock))
    assert "GEModel.countries" in str(info.value)


def test_repeated_pair_in_a_shock_is_named():
    X, B, codes = world(5)
    shock = pd.concat([as_series(long(B, codes)), pd.Series({("K001", "K003"): 1.1})])
    with pytest.raises(DataError, match="repeats pair.*K001->K003"):
        GEModel(long(X, codes), 5.0).simulate(shock)


def test_repeated_flow_is_named_with_its_rows():
    X, _, codes = world(5)
    frame = long(X, codes)
    frame.loc[7, "importer"] = frame.loc[6, "importer"]
    with pytest.raises(DataError, match=r"appear more than once \(rows \[6, 7\]"):
        GEModel(frame, 5.0)


def test_no_python_iteration_over_label_arrays(monkeypatch):
    X, B, codes = world()
    frame = long(X, codes)
    shock = as_series(long(B, codes, np.random.default_rng(2).permutation(N * N)))

    def refuse(self):
        raise AssertionError("a Python loop walked an Arrow label array")

    monkeypatch.setattr(pd.arrays.ArrowExtensionArray, "__iter__", refuse)
    result = GEModel(frame, 5.0).simulate(shock)
    assert result.converged


def test_square_tables_in_the_usual_order_take_the_fast_reading():
    X, B, codes = world()
    frame = long(X, codes)
    rows, cols = square_layout(frame["exporter"], frame["importer"])
    assert list(rows) == codes and list(cols) == codes
    # Any other layout is not taken for it (and is read by the general path).
    assert square_layout(frame["importer"], frame["exporter"]) is None
    shuffled = long(X, codes, np.random.default_rng(4).permutation(N * N))
    assert square_layout(shuffled["exporter"], shuffled["importer"]) is None


@pytest.mark.parametrize(
    "change, message",
    [
        ("nan", r"1 flow\(s\) are missing or not numbers \(rows \[95\]"),
        ("negative", r"1 flow\(s\) are negative \(rows \[95\]"),
        ("domestic", r"domestic flows X_ii must be positive; zero for K002"),
        ("repeated", r"appear more than once \(rows \[(181|182), 182\]"),
    ],
)
def test_square_tables_with_a_fault_get_the_general_error(change, message):
    X, _, codes = world()
    frame = long(X, codes)
    if change == "nan":
        frame.loc[95, "value"] = np.nan
    elif change == "negative":
        frame.loc[95, "value"] = -1.0
    elif change == "domestic":
        frame.loc[2 * N + 2, "value"] = 0.0
    else:  # the same width, so only the byte comparison can see it
        frame.loc[182, "importer"] = frame.loc[181, "importer"]
    with pytest.raises(DataError, match=message):
        GEModel(frame, 5.0)


def test_square_tables_with_uneven_or_unsorted_labels_give_the_same_result():
    X, B, codes = world()
    reference = GEModel(long(X, codes), 5.0).simulate(B).countries
    blanks = long(X, codes)
    blanks.loc[blanks["exporter"] == codes[7], "exporter"] = f" {codes[7]}"
    pd.testing.assert_frame_equal(GEModel(blanks, 5.0).simulate(B).countries, reference)
    # Labels of one width, not in sorted order (Cyrillic: two bytes a letter). Sorted, the
    # table is X again, so an array shock aligned with GEModel.countries is B.
    named = [f"Ж{k:03d}" for k in range(N)][::-1]
    frame = long(X[::-1, ::-1], named)
    assert square_layout(frame["exporter"], frame["importer"]) is not None
    result = GEModel(frame, 5.0).simulate(B).countries
    np.testing.assert_allclose(result.to_numpy(), reference.to_numpy(), rtol=1e-10, atol=1e-12)
    assert list(result.index) == sorted(named)


def test_the_callers_shock_and_flows_are_never_written():
    X, B, codes = world()
    frame = long(X, codes)
    shock = as_series(long(B, codes))
    before_frame, before_shock = frame.copy(), shock.copy()
    model = GEModel(frame, 5.0)
    result = model.simulate(shock, productivity_change=pd.Series({codes[3]: 1.1}))
    pd.testing.assert_frame_equal(frame, before_frame)
    pd.testing.assert_series_equal(shock, before_shock)
    # The counterfactual flows add up to the country table's output change.
    flows = result.flows
    out = flows.groupby("exporter")["counterfactual"].sum()
    base = flows.groupby("exporter")["baseline"].sum()
    np.testing.assert_allclose(
        100 * (out / base - 1).to_numpy(), result.countries["output_pct"].to_numpy(), atol=1e-9
    )


def test_a_table_read_before_is_read_again_once_the_caller_changes_it():
    X, B, codes = world()
    frame = long(X, codes)
    first = GEModel(frame, 5.0)
    # The second model finds the countries of these label columns without reading them again.
    assert square_labels(frame["exporter"], frame["importer"]) is square_labels(
        frame["exporter"], frame["importer"]
    )
    # The numbers are never kept: a changed flow reaches the next model.
    frame.loc[5, "value"] = 3.0 * frame.loc[5, "value"]
    changed = X.copy()
    changed[0, 5] *= 3.0
    np.testing.assert_array_equal(GEModel(frame, 5.0).baseline["value"].to_numpy(), changed.ravel())
    np.testing.assert_array_equal(first.baseline["value"].to_numpy(), X.ravel())
    # A label changed in place is a new Arrow column, read afresh: the repeat is found.
    frame.loc[182, "importer"] = frame.loc[181, "importer"]
    with pytest.raises(DataError, match=r"appear more than once"):
        GEModel(frame, 5.0)


def test_a_shock_read_before_is_read_again_when_its_values_or_the_model_change():
    X, B, codes = world()
    frame = long(X, codes)
    shock = as_series(long(B, codes))
    model = GEModel(frame, 5.0)
    reference = model.simulate(B).countries
    pd.testing.assert_frame_equal(model.simulate(shock).countries, reference)
    # A second model on the same table, the same shock: the pairs are not looked up again.
    pd.testing.assert_frame_equal(GEModel(frame, 5.0).simulate(shock).countries, reference)
    # Values changed in place (same index) reach the result.
    shock.iloc[7] = 3.0
    moved = B.copy()
    moved[0, 7] = 3.0
    pd.testing.assert_frame_equal(model.simulate(shock).countries, model.simulate(moved).countries)
    assert not model.simulate(shock).countries.equals(reference)
    # A model with other countries checks the same index afresh.
    small = long(X[:80, :80], codes[:80])
    with pytest.raises(DataError, match=r"cost_change names countries not in the model: K080"):
        GEModel(small, 5.0).simulate(shock)


def test_the_identity_cache_never_answers_for_another_object():
    cache = _IdentityCache(size=2)
    a, b, c = (pd.Index([k]) for k in range(3))
    cache.put((a,), "a")
    assert cache.get(a) == "a" and cache.get(b) is None
    # An entry filed under b's identity but made for a (as when a died and b took its id).
    ident, entry = cache._entries.popitem()
    cache._entries[(id(b),)] = entry
    assert cache.get(b) is None and not cache._entries
    # Least recently used out first, at most two kept.
    cache.put((a,), "a")
    cache.put((b,), "b")
    assert cache.get(a) == "a"
    cache.put((c,), "c")
    assert cache.get(b) is None and cache.get(a) == "a" and cache.get(c) == "c"
