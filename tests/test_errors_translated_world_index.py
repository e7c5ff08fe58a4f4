"""Errors of the world and the globalization index speak Kazakh and Russian.

``jahan world show/export``, ``jahan index`` and ``jahan readiness`` are run as a user runs them
(``jahan.cli.main`` in this process, see tests/_cli_run.py), once with ``--lang en`` and once in Kazakh and Russian:
the translated message must contain Cyrillic and none of the words of the English one (codes,
paths, option names and quoted values left aside). The Python API's errors are checked through
``exc.translated``, and their English text through ``str(exc)``, which must read as before.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _cli_run import jahan, message
from _error_words import english_left, english_words, has_cyrillic, literal_words

from jahan.errors import DataError
from jahan.index import CompositeIndex, Framework, Node
from jahan.index.data import COLUMNS, validate_long
from jahan.index.inequality import gini, welfare_changes
from jahan.index.readiness import CONDITION_CODES
from jahan.world import World
from jahan.world.mrio import read_wiod

# Option names and file formats a message names as the user types them.
_LITERALS = {"format", "csv", "parquet", "xlsx", "tsv", "jahan"}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("inputs")
    # A non-number, an unknown indicator code and an unknown country code: one error names all.
    (folder / "indicators.csv").write_text(
        "country,year,indicator,value\nKAZ,2016,trade_openness,abc\nKAZZ,2016,foo,1\n",
        encoding="utf-8",
    )
    (folder / "conditions.csv").write_text(
        "country,condition,value\nKAZ,tarif,1\n", encoding="utf-8"
    )
    (folder / "indicators.xls").write_text("not a table", encoding="utf-8")
    return folder


CASES = {
    "year outside the index data": ["index", "--year", "1990", "--draws", "0"],
    "unknown index preset": ["index", "--preset", "kofx"],
    "index data file missing": ["index", "--data", "nofile.csv", "--draws", "0"],
    "index data in an unknown format": ["index", "--data", "indicators.xls", "--draws", "0"],
    "bad rows in the index data": ["index", "--data", "indicators.csv", "--draws", "0"],
    "unknown readiness condition": ["readiness", "CA5", "--data", "conditions.csv"],
    "readiness data file missing": ["readiness", "CA5", "--data", "nofile.csv"],
    "year outside the built-in world": ["world", "show", "KAZ", "--year", "2050"],
    "unknown export format": ["world", "export", "flows", "--format", "xyz"],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_world_or_index_error_prints_in_the_asked_language(case, inputs):
    args = CASES[case]
    literals = literal_words(args, "abc", "foo", "tarif") | _LITERALS
    english = message(jahan(*args, "--lang", "en", cwd=inputs))
    assert english.startswith("error:")
    assert len(english_words(english, literals)) >= 4, english
    for lang in ("kk", "ru"):
        text = message(jahan(*args, "--lang", lang, cwd=inputs))
        assert has_cyrillic(text), text
        assert not english_left(english, text, literals), (lang, text)


def _raised(call) -> DataError:
    with pytest.raises(DataError) as info:
        call()
    return info.value


def _speaks_kk_and_ru(exc: DataError, literals: set[str] = frozenset()) -> None:
    english = str(exc)
    assert exc.translated("en") == english
    for lang in ("kk", "ru"):
        text = exc.translated(lang)
        assert has_cyrillic(text), text
        assert not english_left(english, text, literals), (lang, text)


def test_a_framework_error_keeps_its_english_and_translates():
    nodes = [Node("root", None), Node("a", "roto"), Node("b", "root")]
    exc = _raised(lambda: Framework(nodes))
    # The English text is the sentence it always was, the hint included.
    assert (
        str(exc)
        == "framework node 'a' names parent 'roto', which is not a node. Did you mean 'root'?"
    )
    _speaks_kk_and_ru(exc)
    assert "'roto'" in exc.translated("kk") and "'root'" in exc.translated("ru")


def test_an_unknown_weighting_names_the_choices_in_every_language():
    framework = Framework([Node("root", None), Node("a", "root"), Node("b", "root")])
    exc = _raised(lambda: CompositeIndex(framework, weighting="pcaa"))
    assert str(exc) == (
        "unknown weighting 'pcaa': use one of ('equal', 'user', 'pca') or a mapping"
    )
    _speaks_kk_and_ru(exc)
    for lang in ("kk", "ru"):
        assert "('equal', 'user', 'pca')" in exc.translated(lang)


def test_a_missing_column_of_the_indicator_data_translates_with_its_hint():
    frame = pd.DataFrame({"country": ["KAZ"], "yr": [2016], "indicator": ["x"], "value": [1.0]})
    exc = _raised(lambda: validate_long(frame))
    assert str(exc) == (
        "indicator data lacks column 'year' (has ['country', 'yr', 'indicator', 'value']); "
        "the long table needs columns country, year, indicator, value. "
        "Did you mean 'yr'? Rename it."
    )
    _speaks_kk_and_ru(exc, literal_words(list(frame.columns), COLUMNS))


def test_inequality_errors_translate():
    exc = _raised(lambda: welfare_changes(pd.Series({"KAZ": 1.0, "UZB": np.nan})))
    assert (
        str(exc)
        == "welfare changes missing or not numeric for ['UZB']: every country needs a value"
    )
    _speaks_kk_and_ru(exc)
    exc = _raised(lambda: gini([]))
    assert str(exc) == "no values to measure inequality on"
    _speaks_kk_and_ru(exc)


def test_world_api_errors_translate(tmp_path):
    world = World.from_frames(
        countries=pd.DataFrame({"iso3": ["KAZ", "UZB"], "name_en": ["Kazakhstan", "Uzbekistan"]}),
        flows=pd.DataFrame(
            {"exporter": ["KAZ", "KAZ", "UZB", "UZB"], "importer": ["KAZ", "UZB", "KAZ", "UZB"],
             "value": [5.0, 1.0, 2.0, 6.0]}
        ),
    )  # fmt: skip
    exc = _raised(lambda: world.restrict(["KAZ", "KAZ"]))
    assert str(exc) == "restrict: the country list has duplicates"
    _speaks_kk_and_ru(exc, {"restrict"})  # the method's name
    missing = tmp_path / "wiod.csv"
    exc = _raised(lambda: read_wiod(missing))
    assert str(exc) == f"input-output file not found: {missing}"
    _speaks_kk_and_ru(exc, literal_words(str(missing)))


def test_condition_codes_stay_as_typed_in_a_translated_readiness_error():
    from jahan.index.readiness import read_slots

    table = pd.DataFrame({"country": ["KAZ"], "condition": ["stable_growht"], "value": [1.0]})
    exc = _raised(lambda: read_slots(table))
    assert str(exc).startswith("row 0 of the readiness table names condition 'stable_growht'")
    assert str(exc).endswith(f"{CONDITION_CODES}. Did you mean 'stable_growth'?")
    _speaks_kk_and_ru(exc)
    for lang in ("kk", "ru"):
        assert "'stable_growth'" in exc.translated(lang)
