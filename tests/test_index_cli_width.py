"""``jahan index`` fits 80 columns in every language without cutting country codes."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from jahan.cli import app

runner = CliRunner()


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_codes_are_whole_at_80_columns_and_numbers_follow_the_locale(lang):
    res = runner.invoke(app, ["index", "--lang", lang], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    rows = [li for li in res.output.splitlines() if re.match(r"^\s+\d+\s", li)]
    assert len(rows) > 150
    assert max(len(li) for li in res.output.splitlines()) <= 80
    codes = [li.split()[1] for li in rows]
    assert all(re.fullmatch(r"[A-Z]{3}", c) for c in codes), [c for c in codes if len(c) != 3][:5]
    assert "KAZ" in codes and "…" not in res.output
    scores = [li.split()[2] for li in rows]
    decimal = "." if lang == "en" else ","
    assert all(decimal in s for s in scores if s != "–")
