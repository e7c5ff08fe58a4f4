"""The result protocol (docs/ARCHITECTURE.md, "Results"), checked on every result class.

Each result is built from a small input; then every frame, series or array it hands out is
changed by the caller, and the result must not change: not the attribute, not ``summary()``,
not ``to_frame()``. Assigning an attribute is refused; ``summary(lang)`` is text in the three
languages; ``to_parquet(path)`` writes ``to_frame()`` atomically and returns the path. Models keep
their parameters fixed after construction.
"""

from __future__ import annotations

import dataclasses
import operator
import warnings

import numpy as np
import pandas as pd
import pytest

from jahan._result import FixedParameters, Result

# ----------------------------------------------------------------------------- factories


def _ge_result():
    from jahan.ge import GEModel

    codes = ["AAA", "BBB", "CCC"]
    X = np.array([[50.0, 4.0, 2.0], [3.0, 60.0, 5.0], [2.0, 6.0, 40.0]])
    flows = pd.DataFrame(
        {"exporter": np.repeat(codes, 3), "importer": np.tile(codes, 3), "value": X.ravel()}
    )
    B = np.ones((3, 3))
    B[0, 1] = B[1, 0] = 1.3
    return GEModel(flows, 4.0).simulate(B)


def _multisector_inputs():
    from jahan.ge._ms_synthetic import synthetic_world

    return synthetic_world(4, 2, seed=5)


def _multisector_result():
    from jahan.ge.multisector import MultiSectorGEModel

    world = _multisector_inputs()
    change = pd.DataFrame({"exporter": ["C000"], "importer": ["C001"], "value": [1.2]})
    return MultiSectorGEModel(**world).simulate(change)


def _scenario_result():
    from test_scenario import BASE, tiny_world

    from jahan.scenario import Scenario

    return Scenario.from_toml(BASE, "test.toml").run(tiny_world(), draws=4, seed=1)


def _gravity_estimate():
    from jahan.estimate import fepois

    rng = np.random.default_rng(0)
    n = 12
    exporter = np.repeat(np.arange(n), n)
    importer = np.tile(np.arange(n), n)
    dist = rng.uniform(1.0, 10.0, n * n)
    mu = np.exp(0.5 + 0.1 * exporter - 0.05 * importer - 0.8 * np.log(dist))
    data = pd.DataFrame(
        {
            "trade": rng.poisson(mu * 20),
            "ln_dist": np.log(dist),
            "exporter": exporter,
            "importer": importer,
        }
    )
    return fepois("trade ~ ln_dist | exporter + importer", data, fixef=True)


def _index_table():
    from test_index_engine import framework, long_table

    return framework(), long_table()


def _index_result():
    from jahan.index import CompositeIndex

    fw, table = _index_table()
    return CompositeIndex(fw, normalisation="minmax").compute(table)


def _uncertainty_result():
    from jahan.index import CompositeIndex

    fw, table = _index_table()
    return CompositeIndex(fw, normalisation="minmax").uncertainty(table, draws=8, seed=1)


def _kof_result():
    from jahan.index.kof import KOFResult

    return KOFResult(
        _index_result(), ("trade_goods",), ("fdi_stock",), {"a1": "trade_goods"}, ("a2",)
    )


def _inequality_result():
    from jahan.index.inequality import inequality_of_gains

    pct = pd.Series({"AAA": 1.5, "BBB": -0.4, "CCC": 0.2, "DDD": -1.0})
    return inequality_of_gains(
        pct,
        population=pd.Series({"AAA": 2.0, "BBB": 1.0, "CCC": 3.0, "DDD": 1.0}),
        members=["AAA", "CCC"],
    )


def _readiness_result():
    from test_scenario import tiny_world

    from jahan.index.readiness import readiness

    return readiness("KAZ,RUS", tiny_world())


def _language_fit():
    from test_culture_fit import _synthetic_as

    from jahan.culture import fit_language_model

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit_language_model(
            _synthetic_as(3), "abrams-strogatz", draws=5, seed=1, fixed={"a": 1.31}
        )


def _language_projection():
    from jahan.culture import LanguagePolicy, project

    return project(_language_fit(), LanguagePolicy(1960, status=0.6), until=2000)


def _claims_result():
    from jahan.analysis.claims import Claim, ClaimsResult, Figure

    figure = Figure(
        "eaeu_trade_effect", "EAEU effect on members' trade", -0.16, -0.28, -0.04, "log points", +1
    )
    claim = Claim(
        1,
        "eaeu_lifts_kazakhstan",
        "Integration in the Customs Union and the EAEU lifts Kazakhstan",
        (figure,),
        _table=pd.DataFrame({"overall": [60.0, 68.0]}, index=["CA5", "EAEU"]),
    )
    return ClaimsResult((claim,), settings={"draws": 10, "seed": 1})


def _measured_index():
    from jahan.index.measured import VARIABLES, measured_index

    rng = np.random.default_rng(3)
    rows = [
        (f"C{i:02d}", year, code, float(rng.uniform(1, 100)))
        for year in (2015, 2016)
        for i in range(10)
        for code, _, _ in VARIABLES
    ]
    return measured_index(
        pd.DataFrame(rows, columns=["country", "year", "indicator", "value"]), 2016
    )


def _bloc_evaluation():
    from jahan.analysis import evaluate_bloc
    from jahan.world import World

    codes = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "CHN", "DEU", "UZB", "TUR", "UKR", "USA", "ITA"]
    world = World.builtin().restrict(codes)
    return evaluate_bloc("EAEU", world=world, years=[2004, 2008, 2012, 2016], draws=10, seed=1)


def _shelter_result():
    from test_scenario_shelter import _pair, _world

    from jahan.scenario import crisis_shelter

    with_union, without_union = _pair(draws=6)
    return crisis_shelter(with_union, without_union, _world(linked=True))


FACTORIES = {
    "GEResult": _ge_result,
    "MultiSectorGEResult": _multisector_result,
    "ScenarioResult": _scenario_result,
    "GravityEstimate": _gravity_estimate,
    "IndexResult": _index_result,
    "UncertaintyResult": _uncertainty_result,
    "KOFResult": _kof_result,
    "InequalityResult": _inequality_result,
    "ReadinessResult": _readiness_result,
    "LanguageFit": _language_fit,
    "LanguageProjection": _language_projection,
    "ClaimsResult": _claims_result,
    "MeasuredIndex": _measured_index,
    "BlocEvaluation": _bloc_evaluation,
    "ShelterResult": _shelter_result,
}


@pytest.fixture(scope="module", params=list(FACTORIES))
def result(request):
    value = FACTORIES[request.param]()
    assert type(value).__name__ == request.param
    return value


# ----------------------------------------------------------------------------- helpers


def _public_data(result) -> dict[str, object]:
    """Every public field and property whose value is a pandas object or an array."""
    names = set()
    if dataclasses.is_dataclass(result):
        names |= {f.name for f in dataclasses.fields(result)}
    for klass in type(result).__mro__:
        for name, member in vars(klass).items():
            doc = getattr(member, "__doc__", "") or ""
            if isinstance(member, property) and not doc.startswith("Deprecated"):
                names.add(name)
    out = {}
    for name in sorted(n for n in names if not n.startswith("_")):
        value = getattr(result, name)
        if isinstance(value, pd.DataFrame | pd.Series | np.ndarray):
            out[name] = value
        elif isinstance(value, Result):  # a result inside a result (KOFResult.result)
            out.update({f"{name}.{k}": v for k, v in _public_data(value).items()})
        elif isinstance(value, dict):  # e.g. fixed effects by term
            for key, item in value.items():
                if isinstance(item, pd.DataFrame | pd.Series | np.ndarray):
                    out[f"{name}[{key}]"] = item
    return out


def _snapshot(value):
    return value.copy(deep=True) if hasattr(value, "copy") else value


def _vandalise(value) -> None:
    """Change a handed-out object in every way a caller might."""
    if isinstance(value, np.ndarray):
        with pytest.raises(ValueError, match="read-only"):
            value.flat[0] = -999.0
        return
    if isinstance(value, pd.DataFrame):
        value["__probe__"] = 1
        numeric = value.select_dtypes("number").columns.drop("__probe__")
        if len(value) and len(numeric):
            value.loc[value.index[0], numeric[0]] = -999.0
        value.attrs["__probe__"] = True
        return
    if len(value) and pd.api.types.is_numeric_dtype(value):
        value.iloc[0] = -999.0
    value.name = "__probe__"


def _assert_same(a, b) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
        assert "__probe__" not in a.attrs
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b)
    else:
        np.testing.assert_array_equal(a, b)


# ----------------------------------------------------------------------------- the protocol


def test_is_a_result(result):
    assert isinstance(result, Result)


def test_mutating_what_it_hands_out_changes_nothing_inside(result):
    data = _public_data(result)
    assert data, "a result hands out at least one frame"
    before = {name: _snapshot(value) for name, value in data.items()}
    text, frame = result.summary(), result.to_frame()
    for value in data.values():
        _vandalise(value)
    _vandalise(frame)
    for name, snapshot in before.items():
        owner, _, key = name.partition("[")
        again = operator.attrgetter(owner)(result)
        _assert_same(again[key[:-1]] if key else again, snapshot)
    assert result.summary() == text
    pd.testing.assert_frame_equal(result.to_frame(), _snapshot(result.to_frame()))
    assert "__probe__" not in result.to_frame().columns


def test_attributes_cannot_be_assigned_or_deleted(result):
    public = [f.name for f in dataclasses.fields(result) if not f.name.startswith("_")]
    with pytest.raises(AttributeError):
        setattr(result, public[0], None)
    with pytest.raises(AttributeError):
        delattr(result, public[0])
    with pytest.raises(AttributeError):
        result.new_attribute = 1


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_summary_is_text_in_every_language(result, lang):
    text = result.summary(lang=lang)
    assert isinstance(text, str) and text.strip()
    if lang != "en":
        assert any("\u0400" <= ch <= "\u04ff" for ch in text), text[:200]


def test_to_frame_is_a_new_frame_and_to_parquet_writes_it_atomically(result, tmp_path):
    frame = result.to_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame)
    assert result.to_frame() is not frame
    target = tmp_path / "out" / "result.parquet"
    path = result.to_parquet(target)
    assert path == target and path.exists()
    assert [p.name for p in target.parent.iterdir()] == ["result.parquet"]  # no temporary left
    back = pd.read_parquet(path)
    assert len(back) == len(frame)
    shared = [c for c in frame.columns if c in back.columns]
    assert len(shared) == len(frame.columns)


def test_failed_write_leaves_the_old_file(result, tmp_path, monkeypatch):
    target = tmp_path / "result.parquet"
    target.write_bytes(b"old")

    def broken(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    with pytest.raises(OSError, match="disk full"):
        result.to_parquet(target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["result.parquet"]


# ----------------------------------------------------------------------------- models


def _ge_model():
    from jahan.ge import GEModel

    X = np.array([[50.0, 4.0], [3.0, 60.0]])
    flows = pd.DataFrame(
        {"exporter": ["A", "A", "B", "B"], "importer": ["A", "B", "A", "B"], "value": X.ravel()}
    )
    return GEModel(flows, 4.0), "trade_elasticity", -5.0


def _multisector_model():
    from jahan.ge.multisector import MultiSectorGEModel

    return MultiSectorGEModel(**_multisector_inputs()), "imbalances", "fixed"


def _composite_index():
    from jahan.index import CompositeIndex

    return CompositeIndex(_index_table()[0]), "normalisation", "zscore"


@pytest.mark.parametrize("factory", [_ge_model, _multisector_model, _composite_index])
def test_model_parameters_are_fixed_at_construction(factory):
    model, name, value = factory()
    assert isinstance(model, FixedParameters)
    before = getattr(model, name)
    with pytest.raises(AttributeError, match=f"{name} cannot be changed after construction"):
        setattr(model, name, value)
    with pytest.raises(AttributeError):
        delattr(model, name)
    assert getattr(model, name) == before


def test_ge_model_refuses_a_new_elasticity_and_solves_with_the_old_one():
    model, _, _ = _ge_model()
    first = model.simulate(np.array([[1.0, 1.2], [1.2, 1.0]])).countries
    with pytest.raises(AttributeError):
        model.trade_elasticity = -5
    again = model.simulate(np.array([[1.0, 1.2], [1.2, 1.0]])).countries
    pd.testing.assert_frame_equal(first, again)


def test_composite_index_weights_cannot_be_changed_through_the_mapping():
    from jahan.index import CompositeIndex

    index = CompositeIndex(_index_table()[0], weighting={"A": 2.0, "B": 1.0})
    with pytest.raises(TypeError):
        index.weighting["A"] = 5.0  # type: ignore[index]
