"""Numbers and texts from outside (files, options, the dashboard) meet one set of bounds, and every
refusal is one message naming where the number came from, before anything is allocated."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jahan._validate_numbers import BOUNDS, check_number, nesting_depth
from jahan.cli import app
from jahan.errors import DataError, JahanError, ScenarioError
from jahan.scenario import Scenario
from jahan.web.runs import parse_run_request

runner = CliRunner()
EXAMPLE = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "jahan"
    / "data"
    / "language"
    / "synthetic_language_shift.csv"
)

BASE = """[scenario]
name = "Bounds"
focus = ["KAZ"]

[[shocks]]
type = "agreement"
members = ["KAZ", "RUS"]
{line}
"""


@pytest.fixture(scope="module")
def world():
    from test_scenario import tiny_world

    return tiny_world()


# -- the bounds themselves ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "name", "ok"),
    [
        (0, "draws", True),
        (100_000, "draws", True),
        (100_001, "draws", False),
        (-1, "draws", False),
        (2.5, "draws", False),
        (-5, "seed", False),
        (2**63 - 1, "seed", True),
        (2**63, "seed", False),
        (0.5, "trade_elasticity", True),
        (1e-9, "trade_elasticity", False),
        (math.inf, "effect", False),
        (math.nan, "effect", False),
        (10.0, "effect", True),
        (-100.0, "change_pct", False),
        (-99.9, "change_pct", True),
        ("12", "draws", True),
        ("many", "draws", False),
        (True, "draws", False),
    ],
)
def test_check_number_accepts_exactly_the_bound(value, name, ok):
    if ok:
        assert check_number(value, name) == (int(value) if BOUNDS[name].integer else value)
    else:
        with pytest.raises(DataError, match=f"{name} = .*allowed: a (whole|finite) number"):
            check_number(value, name, where="here")


def test_nesting_depth_skips_strings_and_comments():
    assert nesting_depth('a = [[1], [2]]  # [[[[[\nb = "[[[[" \nc = {d = [1]}') == 2
    assert nesting_depth('{"a": ["\\"[[[", {"b": [1]}]}') == 4
    assert nesting_depth("[" * 100_000) == 33  # stops counting past the limit


# -- scenario files ----------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "800", "1e400"])
def test_effect_out_of_bounds_names_file_line_field_and_range(value):
    with pytest.raises(ScenarioError) as err:
        Scenario.from_toml(BASE.format(line=f"effect = {value}"), "eff.toml")
    message = str(err.value)
    assert message.startswith("eff.toml, line 8, field shocks[1].effect: bad value")
    assert "between -10 and 10" in message and "cost_change" not in message


@pytest.mark.parametrize(
    "line",
    [
        'type = "trade_cost"\nexporters = "KAZ"\nimporters = "RUS"\nchange_pct = inf',
        'type = "sanctions"\nbetween = "KAZ"\nand = "RUS"\nchange_pct = inf',
    ],
)
def test_infinite_change_is_refused_as_in_the_dashboard(line):
    text = f'[scenario]\nname = "x"\n\n[[shocks]]\n{line}\n'
    with pytest.raises(ScenarioError, match=r"field shocks\[1\]\.change_pct: bad value inf"):
        Scenario.from_toml(text, "c.toml")


def test_tiny_trade_elasticity_is_refused_by_the_file():
    text = BASE.format(line="effect = 0.3") + "\n[model]\ntrade_elasticity = 1e-9\n"
    with pytest.raises(
        ScenarioError, match=r"model.trade_elasticity: bad value 1e-09.*between 0.5 and 50"
    ):
        Scenario.from_toml(text, "t.toml")


def test_dashboard_gives_the_file_s_message_for_the_same_value(world):
    spec = {
        "scenario": {"name": "Bounds"},
        "shocks": [{"type": "agreement", "members": ["KAZ", "RUS"], "effect": 800.0}],
    }
    with pytest.raises(ScenarioError) as web:
        parse_run_request({"spec": spec}, world, 50)
    with pytest.raises(ScenarioError) as cli:
        Scenario.from_toml(BASE.format(line="effect = 800.0"), "scenario.toml")
    tail = lambda text: text.split("bad value", 1)[1]  # noqa: E731 - the line differs, the rule not
    assert tail(str(web.value)) == tail(str(cli.value))
    with pytest.raises(JahanError, match="seed = -5 is out of range"):
        parse_run_request({"scenario": "eaeu_customs_union", "draws": 0, "seed": -5}, world, 50)


def test_utf16_and_non_utf8_files_are_named_with_the_fix(tmp_path):
    good = BASE.format(line="effect = 0.3")
    utf16 = tmp_path / "utf16.toml"
    utf16.write_bytes(good.encode("utf-16"))
    with pytest.raises(
        ScenarioError, match=r"utf16.toml: the file is UTF-16 encoded.*save it as UTF-8"
    ):
        Scenario.load(str(utf16))
    latin = tmp_path / "latin.toml"
    latin.write_bytes(good.replace('"Bounds"', '"Bounds \u00e9t\u00e9"').encode("latin-1"))
    with pytest.raises(ScenarioError, match=r"latin.toml: line 2: byte 0xe9 is not UTF-8"):
        Scenario.load(str(latin))
    bom = tmp_path / "bom.toml"
    bom.write_bytes(good.encode("utf-8-sig"))
    assert Scenario.load(str(bom)).name == "Bounds"


@pytest.mark.parametrize(
    "text",
    ["a = " + "[" * 5000 + "]" * 5000, "[scenario]\nname = 'x'\nfocus = " + "[" * 50 + "]" * 50],
)
def test_deep_nesting_is_refused_before_parsing(text):
    with pytest.raises(ScenarioError, match="nested more than 32 levels"):
        Scenario.from_toml(text, "deep.toml")


def test_scenario_run_refuses_draws_beyond_the_cap_before_allocating(world):
    sc = Scenario.from_toml(BASE.format(line="effect = 0.3\nse = 0.1"), "d.toml")
    with pytest.raises(DataError, match=r"Scenario.run: draws = 100000000 is out of range"):
        sc.run(world, draws=100_000_000)
    with pytest.raises(DataError, match="seed = -5"):
        sc.run(world, draws=2, seed=-5)


# -- command line --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--draws", "100000000"], "command line: --draws = 100000000 is out of range"),
        (["--draws", "-5"], "command line: --draws = -5 is out of range"),
        (["--seed", "-5"], "command line: --seed = -5 is out of range"),
    ],
)
def test_cli_run_options_share_the_file_bounds(args, message, tmp_path):
    result = runner.invoke(app, ["run", "eaeu_customs_union", "--out", str(tmp_path / "o"), *args])
    assert isinstance(result.exception, DataError), result.output
    assert message in str(result.exception)
    assert not (tmp_path / "o").exists()


def test_language_fit_refuses_negative_draws():
    result = runner.invoke(app, ["language", "fit", str(EXAMPLE), "--draws", "-5"])
    assert isinstance(result.exception, DataError)
    assert "--draws = -5 is out of range" in str(result.exception)


def test_language_projection_time_span_is_bounded(tmp_path):
    result = runner.invoke(
        app,
        [
            "language",
            "project",
            str(EXAMPLE),
            "--draws",
            "0",
            "--status",
            "0.6",
            "--until",
            "1e9",
            "--out",
            str(tmp_path),
        ],
    )
    assert isinstance(result.exception, DataError), result.output
    assert "until = 1000000000.0 is out of range" in str(result.exception)
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    last = next(
        k
        for k in range(len(lines) - 1, -1, -1)
        if lines[k].strip() and not lines[k].startswith("#")
    )
    lines[last] = "99999999999," + lines[last].split(",", 1)[1]
    far = tmp_path / "far.csv"
    far.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["language", "fit", str(far), "--draws", "0"])
    assert isinstance(result.exception, DataError), result.output
    assert f"line {last + 1}" in str(result.exception) and "year = 1e+11 is outside" in str(
        result.exception
    )
