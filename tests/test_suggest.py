"""Country-code suggestions rank ISO3 codes by edit distance, and focus codes are checked first."""

from __future__ import annotations

import time

import pytest
from typer.testing import CliRunner

from jahan._suggest import closest, edit_distance
from jahan.cli import app

runner = CliRunner()


def _slow_distance(a: str, b: str) -> int:
    """Plain recursive reference of the optimal-string-alignment distance."""
    if not a or not b:
        return len(a) + len(b)
    best = min(
        _slow_distance(a[:-1], b) + 1,
        _slow_distance(a, b[:-1]) + 1,
        _slow_distance(a[:-1], b[:-1]) + (a[-1] != b[-1]),
    )
    if len(a) > 1 and len(b) > 1 and a[-1] == b[-2] and a[-2] == b[-1]:
        best = min(best, _slow_distance(a[:-2], b[:-2]) + 1)
    return best


@pytest.mark.parametrize(
    ("a", "b"),
    [("KZA", "KAZ"), ("KZA", "ZAF"), ("CA6", "LCA"), ("EAEU", "EU"), ("", "ABC"), ("ABCD", "BADC")],
)
def test_edit_distance_matches_a_slow_reference(a, b):
    assert edit_distance(a, b) == _slow_distance(a, b)


def test_swapped_letters_suggest_the_intended_code():
    codes = ["KAZ", "ZAF", "LCA", "CAN", "KGZ", "UZB"]
    assert closest("KZA", codes) == "KAZ"  # difflib ranked ZAF first
    assert closest("kza", codes) == "KAZ"
    assert closest("QQQ", codes) is None


def test_readiness_suggests_the_group_not_a_country():
    res = runner.invoke(app, ["readiness", "CA6", "--lang", "en"], env={"COLUMNS": "200"})
    assert res.exit_code != 0
    assert "Did you mean 'CA5'?" in str(res.exception) + res.output


def test_world_show_and_run_suggest_kaz():
    res = runner.invoke(app, ["world", "show", "KZA"])
    assert "KAZ" in str(res.exception) and "ZAF" not in str(res.exception)


def test_run_checks_focus_codes_before_solving(tmp_path):
    start = time.perf_counter()
    res = runner.invoke(
        app,
        ["run", "eaeu_customs_union", "--focus", "KZA", "--draws", "500", "--out", str(tmp_path)],
    )
    elapsed = time.perf_counter() - start
    assert res.exit_code != 0
    assert "did you mean KAZ?" in str(res.exception)
    assert not any(tmp_path.iterdir())  # nothing was solved or written
    assert elapsed < 30  # 500 draws take minutes; the check comes first
