"""The command line prints an error in ``--lang``: ``jahan ... --lang kk`` gives no English sentence.

Each command is run as a user runs it (``python -m jahan.cli``, a subprocess), once with
``--lang en`` and once in Kazakh and Russian; the translated message must contain Cyrillic and none
of the words of the English one (codes, paths, field names and quoted values left aside).
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from _error_words import english_left, english_words, has_cyrillic, literal_words

from jahan.scenario import library_names
from jahan.scenario.schema import SHOCK_TYPES

SRC = Path(__file__).resolve().parents[1] / "src"


@functools.cache
def _group_names() -> list[str]:
    from jahan.world import World

    return World.builtin().group_names()


def _jahan(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "400"}
    env.pop("JAHAN_LANG", None)
    return subprocess.run(
        [sys.executable, "-m", "jahan.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def _message(run: subprocess.CompletedProcess) -> str:
    assert run.returncode == 2, run.stderr + run.stdout
    assert "Traceback" not in run.stderr
    return " ".join(run.stderr.split())  # unwrapped


@pytest.fixture(scope="module")
def bad_scenario(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("scenario") / "union.toml"
    path.write_text(
        '[scenario]\nname = "x"\n\n[[shocks]]\ntype = "agreement"\n'
        'members = ["KAZ", "KAZZ"]\neffect = 0.2\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def bad_world(tmp_path_factory) -> Path:
    """A world folder whose flows file has a negative flow."""
    folder = tmp_path_factory.mktemp("world") / "mine"
    folder.mkdir()
    codes = ["KAZ", "KGZ", "UZB"]
    rows = [
        {"exporter": e, "importer": i, "value": -5.0 if (e, i) == ("KAZ", "UZB") else 10.0}
        for e in codes
        for i in codes
    ]
    pd.DataFrame(rows).to_csv(folder / "flows.csv", index=False)
    return folder


CASES = {
    "unknown country code in a scenario file": lambda p, w: ["run", str(p), "--draws", "0"],
    "unknown built-in scenario": lambda p, w: ["run", "eaeu_custom_union", "--draws", "0"],
    "bad world for the dashboard": lambda p, w: ["serve", "--world", str(w), "--port", "1"],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_error_prints_in_the_asked_language(case, bad_scenario, bad_world, tmp_path):
    args = CASES[case](bad_scenario, bad_world) + ["--out", str(tmp_path / "o")] * (
        case != "bad world for the dashboard"
    )
    # A world's tables are named as its files are (flows.csv is the table "flows").
    tables = ["flows", "countries", "pairs", "groups"]
    literals = literal_words(args, SHOCK_TYPES, library_names(), _group_names(), tables, "jahan")
    english = _message(_jahan(*args, "--lang", "en"))
    assert english.startswith("error:")
    assert len(english_words(english, literals)) >= 4, english
    for lang in ("kk", "ru"):
        text = _message(_jahan(*args, "--lang", lang))
        assert has_cyrillic(text), text
        assert not english_left(english, text, literals), (lang, text)


def test_the_default_language_is_used_without_lang(bad_scenario, tmp_path):
    text = _message(_jahan("run", str(bad_scenario), "--out", str(tmp_path / "o")))
    assert text.startswith("қате:") and "'KAZZ'" in text and "'KAZ'" in text
