"""Errors of estimate/ and culture/ read in the user's language.

``jahan estimate`` and ``jahan language fit`` are run as a user runs them (``jahan.cli.main``,
in this process), once with ``--lang en`` and once in Kazakh and Russian: the translated message
must contain Cyrillic and none of the words of the English one (codes, paths, column names and
quoted values left aside), so an error still built from an English string fails here. The
Python API's errors are checked directly with ``exc.translated(lang)``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from _cli_run import jahan, message
from _error_words import assert_translated, english_left, english_words, has_cyrillic, literal_words

from jahan.culture import COLUMNS, LanguagePolicy, fit_language_model, validate_shares
from jahan.culture.models import MODELS, AbramsStrogatz
from jahan.errors import DataError, ScenarioError
from jahan.estimate import fepois
from jahan.estimate.vcov import VCOV_NAMES

SHARES_HEADER = "year,monolingual_a,bilingual,monolingual_b\n"


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("inputs")
    trade = pd.DataFrame(
        {
            "exporter": ["KAZ", "KGZ", "KAZ", "UZB", "KGZ", "UZB"],
            "importer": ["KGZ", "KAZ", "UZB", "KAZ", "UZB", "KGZ"],
            "trade": [10.0, 4.0, 7.0, 3.0, 2.0, 1.0],
            "ln_dist": [6.5, 6.5, 7.1, 7.1, 6.0, 6.0],
        }
    )
    paths = {
        "trade": folder / "trade.csv",
        "negative": folder / "negative.csv",
        "unknown format": folder / "trade.xlsx",
        "shares": folder / "shares.csv",
        "percent shares": folder / "percent.csv",
        "short row": folder / "short.csv",
    }
    trade.to_csv(paths["trade"], index=False)
    trade.assign(trade=[10.0, -4.0, 7.0, 3.0, 2.0, 1.0]).to_csv(paths["negative"], index=False)
    paths["unknown format"].write_text("exporter,importer\n", encoding="utf-8")
    paths["shares"].write_text(
        SHARES_HEADER + "2000,0.5,0.2,0.3\n2001,0.5,0.2,0.3\n2002,0.4,0.3,0.3\n", encoding="utf-8"
    )
    paths["percent shares"].write_text(
        SHARES_HEADER + "2000,0.5,0.2,0.3\n2001,50,20,30\n", encoding="utf-8"
    )
    paths["short row"].write_text(SHARES_HEADER + "2000,0.5,0.2\n", encoding="utf-8")
    return paths


CASES = {
    "estimate: data file that does not exist": lambda f: [
        "estimate",
        "trade ~ ln_dist",
        "--data",
        str(f["trade"].with_name("nothing.csv")),
    ],
    "estimate: unknown data format": lambda f: [
        "estimate",
        "trade ~ ln_dist",
        "--data",
        str(f["unknown format"]),
    ],
    "estimate: formula names a column the data lacks": lambda f: [
        "estimate",
        "trade ~ ln_dsit | exporter",
        "--data",
        str(f["trade"]),
    ],
    "estimate: negative trade flows": lambda f: [
        "estimate",
        "trade ~ ln_dist",
        "--data",
        str(f["negative"]),
    ],
    "estimate: unknown covariance": lambda f: [
        "estimate",
        "trade ~ ln_dist | exporter",
        "--data",
        str(f["trade"]),
        "--vcov",
        "heteros",
    ],
    "language fit: file not found": lambda f: [
        "language",
        "fit",
        str(f["shares"].with_name("nothing.csv")),
    ],
    "language fit: a row with too few fields": lambda f: ["language", "fit", str(f["short row"])],
    "language fit: shares given in percent": lambda f: [
        "language",
        "fit",
        str(f["percent shares"]),
    ],
    "language fit: unknown model": lambda f: [
        "language",
        "fit",
        str(f["shares"]),
        "--model",
        "abrams-strogaz",
    ],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_error_prints_in_the_asked_language(case, files):
    args = CASES[case](files)
    # Column names, model names and formula terms are what the user typed: they stay as written.
    literals = literal_words(
        args, COLUMNS, list(MODELS), VCOV_NAMES, "exporter", "importer", "trade"
    )
    english = message(jahan(*args, "--lang", "en"))
    assert english.startswith("error:")
    assert len(english_words(english, literals)) >= 4, english
    for lang in ("kk", "ru"):
        text = message(jahan(*args, "--lang", lang))
        assert has_cyrillic(text), text
        assert not english_left(english, text, literals), (lang, text)


def test_the_location_of_a_bad_share_reads_in_each_language(files):
    """The file, line and year of a bad row are composed in the reader's language."""
    english = message(jahan("language", "fit", str(files["percent shares"]), "--lang", "en"))
    assert "line 3 (year 2001)" in english and "monolingual_a = 50 " in english
    kazakh = message(jahan("language", "fit", str(files["percent shares"]), "--lang", "kk"))
    assert "3-жол (2001 жыл)" in kazakh and str(files["percent shares"]) in kazakh


def test_an_unknown_covariance_keeps_its_english_and_translates():
    data = pd.DataFrame({"trade": [1.0, 2.0, 3.0], "x": [0.1, 0.2, 0.4], "fe": ["a", "b", "a"]})
    with pytest.raises(DataError) as info:
        fepois("trade ~ x | fe", data, vcov="cluster:pair_idd")
    assert str(info.value) == "cluster variable 'pair_idd' is not a column of the data."
    assert_translated(info.value, set(), min_words=4)


def test_an_empty_part_of_a_formula_names_the_part_in_each_language():
    data = pd.DataFrame({"trade": [1.0, 2.0], "x": [0.1, 0.2]})
    with pytest.raises(DataError) as info:
        fepois("trade ~ x | ", data)
    assert "the fixed effects part is empty" in str(info.value)
    assert "тіркелген әсерлер" in info.value.translated("kk")
    assert "фиксированные эффекты" in info.value.translated("ru")
    assert_translated(
        info.value, literal_words("trade ~ ln_dist + cntg | exporter + importer"), min_words=4
    )


def test_a_missing_share_column_suggests_the_rename_in_each_language():
    frame = pd.DataFrame({"year": [2000, 2001], "monolingual_a": [0.5, 0.5]})
    frame["bilingal"] = [0.2, 0.2]
    frame["monolingual_b"] = [0.3, 0.3]
    with pytest.raises(DataError) as info:
        validate_shares(frame, source="shares.csv")
    assert str(info.value) == (
        "column 'bilingual' is missing in shares.csv: the columns must be year, monolingual_a, "
        "bilingual, monolingual_b; found 'bilingal', rename it to 'bilingual'"
    )
    assert_translated(info.value, literal_words(COLUMNS), min_words=4)


def test_a_parameter_out_of_range_names_its_meaning_in_each_language():
    with pytest.raises(DataError) as info:
        AbramsStrogatz.check_params({"s": 1.5})
    assert str(info.value) == "parameter s (status of language A) = 1.5 must lie in [0, 1]"
    assert "A тілінің мәртебесі" in info.value.translated("kk")
    assert "1,5" in info.value.translated("ru")
    assert_translated(info.value, literal_words(AbramsStrogatz.symbols()), min_words=4)


def test_a_policy_error_translates():
    with pytest.raises(ScenarioError) as info:
        LanguagePolicy(2030, transmission=0.5).changes("abrams-strogatz")
    literals = literal_words("abrams-strogatz", "minett-wang", "transmission", "s")
    assert_translated(info.value, literals, min_words=4)


def test_too_few_years_for_the_free_parameters_translates():
    frame = pd.DataFrame(
        {
            "year": [2000, 2001, 2002],
            "monolingual_a": [0.5, 0.45, 0.4],
            "bilingual": [0.0, 0.0, 0.0],
            "monolingual_b": [0.5, 0.55, 0.6],
        }
    )
    with pytest.raises(DataError) as info:
        fit_language_model(frame, "abrams-strogatz", source="few.csv", draws=0)
    assert str(info.value).startswith("3 rows in few.csv, but the abrams-strogatz model has 4 ")
    assert_translated(
        info.value, literal_words("abrams-strogatz", AbramsStrogatz.symbols()), min_words=4
    )


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_names_used_as_message_values_are_translated(lang):
    """Parameter meanings and formula part names are msgids built at run time (not literals the
    catalog check finds): each has its own translation."""
    from jahan._i18n import catalog
    from jahan.estimate.ppml import _PART_NAMES

    names = {p.meaning for model in MODELS.values() for p in model.parameters} | set(_PART_NAMES)
    missing = sorted(n for n in names if not has_cyrillic(catalog(lang).get(n, "")))
    assert not missing, missing
