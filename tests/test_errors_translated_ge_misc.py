"""Errors of the GE models, the analyses, the run folders and the command line speak the user's language.

The command-line cases run ``python -m jahan.cli`` as a user does, once with ``--lang en`` and
once in Kazakh and in Russian: the translated message must contain Cyrillic and none of the
English words of the English one (codes, paths, options, column names and quoted values left
aside), so each case fails when the error is built from a plain English string. The Python API
cases check ``exc.translated(lang)`` of errors raised by ``GEModel``, ``MultiSectorGEModel`` and
the levels solver, while ``str(exc)`` keeps the English text.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _cli_run import jahan, message
from _error_words import assert_translated, english_left, english_words, has_cyrillic, literal_words

from jahan.errors import ConvergenceError, DataError
from jahan.ge import GEModel
from jahan.ge._ms_synthetic import synthetic_world
from jahan.ge.levels import multilateral_resistances
from jahan.ge.multisector import MultiSectorGEModel
from jahan.scenario import library_names

# Column names of a language-shift CSV: the user types them, so they stay in every language.
LANGUAGE_COLUMNS = ["year", "monolingual_a", "bilingual", "monolingual_b"]


def _a_file(tmp: Path) -> list[str]:
    path = tmp / "taken.txt"
    path.write_text("not a folder\n", encoding="utf-8")
    return ["evaluate", "EAEU", "--out", str(path)]


def _a_foreign_folder(tmp: Path) -> list[str]:
    folder = tmp / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("my own file\n", encoding="utf-8")
    return ["run", sorted(library_names())[0], "--draws", "0", "--out", str(folder)]


CASES = {
    "claims with too few draws": lambda tmp: ["claims", "--draws", "5"],
    "evaluate with a zero trade elasticity": lambda tmp: [
        "evaluate",
        "EAEU",
        "--trade-elasticity",
        "0",
        "--out",
        str(tmp / "o"),
    ],
    "evaluate into a file": _a_file,
    "run into a folder that is not a run": _a_foreign_folder,
    "estimate on a missing data file": lambda tmp: [
        "estimate",
        "trade ~ ln_dist | exporter + importer",
        "--data",
        "nofile.csv",
    ],
    "index with an unknown preset": lambda tmp: ["index", "--preset", "kofx"],
    "language fit on a missing file": lambda tmp: ["language", "fit", "nofile.csv"],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_cli_error_prints_in_the_asked_language(case, tmp_path):
    args = CASES[case](tmp_path)
    literals = literal_words(args, LANGUAGE_COLUMNS, "jahan", "out", "force", "csv")
    english = message(jahan(*args, "--lang", "en", cwd=tmp_path))
    assert english.startswith("error:"), english
    assert len(english_words(english, literals)) >= 3, english
    for lang in ("kk", "ru"):
        text = message(jahan(*args, "--lang", lang, cwd=tmp_path))
        assert has_cyrillic(text), text
        assert not english_left(english, text, literals), (lang, text)


# --- the Python API -------------------------------------------------------------------------


def _flows(codes=("KAZ", "KGZ", "UZB"), bad=None) -> pd.DataFrame:
    """A square flows frame; ``bad`` = ((exporter, importer), value) replaces one flow."""
    rows = []
    for e in codes:
        for i in codes:
            value = 100.0 if e == i else 10.0
            if bad is not None and (e, i) == bad[0]:
                value = bad[1]
            rows.append({"exporter": e, "importer": i, "value": value})
    return pd.DataFrame(rows)


def test_a_negative_flow_is_named_in_kazakh_and_russian():
    with pytest.raises(DataError) as info:
        GEModel(_flows(bad=(("KAZ", "UZB"), -5.0)), 5.0)
    assert str(info.value).startswith("1 flow(s) are negative (rows [2]: KAZ->UZB)")
    assert_translated(info.value)
    assert "KAZ->UZB" in info.value.translated("kk")


def test_an_unknown_country_of_a_shock_keeps_its_hint_in_every_language():
    model = GEModel(_flows(), 5.0)
    shock = pd.Series([0.5], index=pd.MultiIndex.from_tuples([("KAZ", "UZBB")]))
    with pytest.raises(DataError) as info:
        model.simulate(shock)
    english = str(info.value)
    assert "UZBB (did you mean UZB?)" in english
    assert_translated(info.value, literal_words("GEModel.countries"))
    for lang in ("kk", "ru"):
        text = info.value.translated(lang)
        assert "UZBB (" in text and text.count("UZB") == 2 and " 3 " in text


def test_an_option_out_of_its_choices_is_named_with_its_hint():
    with pytest.raises(DataError) as info:
        GEModel(_flows(), 5.0, closure="ful")
    assert "Did you mean 'full'?" in str(info.value)
    assert_translated(info.value, literal_words("conditional", "full", "closure"))


def test_a_tariff_row_with_an_unknown_country_is_located_in_every_language():
    tariffs = pd.DataFrame({"exporter": ["KAZ"], "importer": ["KGZZ"], "rate": [0.1]})
    with pytest.raises(DataError) as info:
        GEModel(_flows(), 5.0).simulate(tariffs=tariffs)
    assert str(info.value).startswith("tariffs row 0 (KAZ->KGZZ): country 'KGZZ'")
    assert_translated(info.value, {"tariffs"})
    assert info.value.translated("ru").startswith("tariffs, строка 0 (KAZ->KGZZ)")


def test_a_multisector_data_error_lists_rows_in_the_language():
    world = synthetic_world(3, 2, n_tradable=2, seed=1)
    va = world["value_added_share"].copy()
    va.loc[0, "share"] = 1.5
    with pytest.raises(DataError) as info:
        MultiSectorGEModel(**{**world, "value_added_share": va})
    english = str(info.value)
    assert english.startswith("value_added_share.share must be a finite number > 0.0 and <= 1.0")
    assert_translated(info.value, literal_words(va.columns.tolist()))
    assert "1,0" in info.value.translated("ru")  # the bound in Russian number symbols


def test_non_convergence_of_the_resistances_is_translated_and_keeps_its_record():
    rng = np.random.default_rng(0)
    costs = rng.uniform(0.1, 1.0, size=(4, 4))
    with pytest.raises(ConvergenceError) as info:
        multilateral_resistances(costs, np.ones(4), np.ones(4), max_iter=1, tol=1e-15)
    assert info.value.record is not None and not info.value.record.converged
    assert_translated(info.value, literal_words("max_iter", "tol", "sigma") | {"e", "t"})
