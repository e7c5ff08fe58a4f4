"""The crisis-shelter difference in differences: each crisis measured from its own pre-crisis world."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jahan.errors import ScenarioError
from jahan.ge import GEModel
from jahan.scenario import Scenario, crisis_shelter
from jahan.world import World

MEMBERS = ["AAA", "BBB", "CCC"]
CRISIS = ["DDD", "EEE"]
CODES = MEMBERS + CRISIS


def _world(linked: bool) -> World:
    """Balanced flows; the crisis economies trade with the members only when ``linked``."""
    rng = np.random.default_rng(4)
    X = rng.uniform(5, 30, (5, 5))
    if not linked:
        X[:3, 3:] = 0.0
        X[3:, :3] = 0.0
    X = (X + X.T) / 2  # symmetric, so every country's trade is balanced
    np.fill_diagonal(X, [400, 300, 200, 500, 350])
    flows = pd.Series(
        X.ravel(), index=pd.MultiIndex.from_product([CODES, CODES], names=["exporter", "importer"])
    )
    countries = pd.DataFrame({"name_en": CODES}, index=pd.Index(CODES, name="iso3"))
    return World.from_frames(countries, flows=flows, baseline_year=2019, flows_kind="modelled")


CRISIS_TOML = (
    '[[shocks]]\ntype = "productivity"\ncountries = ["DDD", "EEE"]\n'
    "change_pct = -5.0\nse_pct = 2.0\n"
)
UNION_TOML = (
    '[[shocks]]\ntype = "agreement"\nmembers = ["AAA", "BBB", "CCC"]\neffect = 0.5\nse = 0.1\n'
)


def _pair(draws: int = 20):
    head = '[scenario]\nname = "{}"\nfocus = ["AAA"]\n[model]\ntrade_elasticity = 5.0\n'
    tail = f"[uncertainty]\ndraws = {draws}\nseed = 3\n"
    without = Scenario.from_toml(head.format("crisis") + tail + CRISIS_TOML, "without.toml")
    with_ = Scenario.from_toml(
        head.format("crisis, union") + tail + CRISIS_TOML + UNION_TOML, "with.toml"
    )
    return with_, without


def test_no_shelter_against_a_crisis_in_economies_that_trade_nothing_with_the_members():
    with_, without = _pair()
    out = crisis_shelter(with_, without, _world(linked=False)).countries
    members = out.loc[MEMBERS]
    assert (members["loss_with"].abs() < 1e-9).all()  # the crisis cannot reach them
    np.testing.assert_allclose(members[["shelter", "shelter_p05", "shelter_p95"]], 0.0, atol=1e-9)
    assert not members["band_excludes_zero"].any()
    assert (out.loc[CRISIS, "loss_without"] > 1).all()


def test_shelter_is_the_difference_of_losses_from_each_worlds_own_pre_crisis_equilibrium():
    with_, without = _pair(draws=0)
    world = _world(linked=True)
    out = crisis_shelter(with_, without, world).countries
    model = GEModel(world, 5.0)
    members = pd.MultiIndex.from_tuples(
        [(a, b) for a in MEMBERS for b in MEMBERS if a != b], names=["exporter", "importer"]
    )
    union = pd.Series(np.exp(0.5), index=members)
    crisis = pd.Series([0.95, 0.95], index=CRISIS)
    w_u = model.simulate(union).countries["welfare_pct"]
    w_uc = model.simulate(union, productivity_change=crisis).countries["welfare_pct"]
    w_c = model.simulate(productivity_change=crisis).countries["welfare_pct"]
    loss_with = -100 * ((1 + w_uc / 100) / (1 + w_u / 100) - 1)
    expected = -w_c - loss_with
    np.testing.assert_allclose(out["shelter"], expected.loc[out.index], rtol=0, atol=1e-10)
    assert out.loc[MEMBERS, "shelter"].abs().max() > 1e-4  # linked: the union changes exposure


def test_paired_draws_give_a_band_and_the_crisis_must_be_shared():
    with_, without = _pair(draws=30)
    out = crisis_shelter(with_, without, _world(linked=True)).countries
    assert (out["shelter_p05"] <= out["shelter"]).all() and (
        out["shelter"] <= out["shelter_p95"]
    ).all()
    other = Scenario.from_toml(
        '[scenario]\nname = "x"\nfocus = ["AAA"]\n' + CRISIS_TOML.replace("-5.0", "-6.0")
    )
    with pytest.raises(ScenarioError, match=r"shocks\[1\] \(productivity\) is not in with.toml"):
        crisis_shelter(with_, other, _world(linked=True))


def test_cli_compare_shelter_writes_the_paired_table(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import jahan._cli.run as cli_run
    from jahan.cli import app

    world = _world(linked=True)
    monkeypatch.setattr(cli_run, "_world", lambda spec: world)
    with_, without = _pair(draws=6)
    (tmp_path / "with.toml").write_text(with_.text, encoding="utf-8")
    (tmp_path / "without.toml").write_text(without.text, encoding="utf-8")
    res = CliRunner().invoke(
        app,
        [
            "compare",
            str(tmp_path / "without.toml"),
            str(tmp_path / "with.toml"),
            "--shelter",
            "--lang",
            "ru",
            "--focus",
            "AAA,DDD",
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "Защита" in res.output and "AAA" in res.output
    table = pd.read_csv(tmp_path / "out" / "shelter.csv").set_index("country")
    expected = crisis_shelter(with_, without, world).countries
    np.testing.assert_allclose(
        table.loc[CODES, "shelter"], expected.loc[CODES, "shelter"], rtol=1e-9
    )


@pytest.mark.parametrize("draws", [0, 6])
def test_cli_compare_shows_bands_only_for_runs_with_draws(tmp_path, monkeypatch, draws):
    from typer.testing import CliRunner

    import jahan._cli.run as cli_run
    from jahan.cli import app

    world = _world(linked=True)
    monkeypatch.setattr(cli_run, "_world", lambda spec: world)
    with_, without = _pair(draws=draws)
    (tmp_path / "with.toml").write_text(with_.text, encoding="utf-8")
    (tmp_path / "without.toml").write_text(without.text, encoding="utf-8")
    args = ["compare", str(tmp_path / "without.toml"), str(tmp_path / "with.toml")]
    res = CliRunner().invoke(app, [*args, "--draws", str(draws), "--lang", "en", "--focus", "AAA"])
    assert res.exit_code == 0, res.output
    row = next(line for line in res.output.splitlines() if "(AAA)" in line)
    # a band is "[lo; hi]": three of them with draws, none for one central run each
    assert row.count(";") == (3 if draws else 0), row
    assert ("95th percentile" in res.output) == bool(draws)


def test_summary_is_a_table_of_the_losses_and_the_shelter_with_bands():
    with_, without = _pair(draws=6)
    result = crisis_shelter(with_, without, _world(linked=True))
    text = result.summary(lang="en", focus=["AAA", "DDD"], digits=4)
    assert isinstance(text, str) and not isinstance(text, list)
    rows = [line for line in text.splitlines() if line.startswith(("AAA", "DDD", "BBB"))]
    assert [r.split()[0] for r in rows] == ["AAA", "DDD"]  # the focus, in its order
    from jahan._i18n import fmt_pct

    frame = result.countries
    for line in rows:
        code = line.split()[0]
        for column in ("loss_without", "loss_with", "shelter"):
            band = "[{}; {}]".format(
                fmt_pct(frame.at[code, f"{column}_p05"], "en", 4),
                fmt_pct(frame.at[code, f"{column}_p95"], "en", 4),
            )
            assert f"{fmt_pct(frame.at[code, column], 'en', 4)} {band}" in line
        assert line.rstrip().endswith("yes" if frame.at[code, "band_excludes_zero"] else "no")
    assert "Без союза" in result.summary(lang="ru") and "Одақсыз" in result.summary(lang="kk")


def test_summary_without_draws_shows_no_bands():
    with_, without = _pair(draws=0)
    text = crisis_shelter(with_, without, _world(linked=True)).summary(focus=["AAA"])
    assert "percentile" not in text and "Band excludes zero" not in text
    row = next(line for line in text.splitlines() if line.startswith("AAA"))
    assert ";" not in row and len(row.split()) == 4


def test_an_unknown_focus_country_is_named_with_a_suggestion():
    with_, without = _pair(draws=0)
    result = crisis_shelter(with_, without, _world(linked=True))
    with pytest.raises(ScenarioError, match=r"'AAB' is not in the results; did you mean 'AAA'"):
        result.summary(focus=["AAB"])
    with pytest.raises(TypeError, match="by keyword"):
        result.summary("en", ["AAA"])


def test_the_old_summary_form_returns_the_sentences_with_a_deprecation_warning():
    with_, without = _pair(draws=6)
    result = crisis_shelter(with_, without, _world(linked=True))
    expected = result.lines("ru", focus=["AAA"])
    assert len(expected) == 1 and expected[0].startswith("AAA: ")
    with pytest.warns(DeprecationWarning, match=r"lines\(lang, focus=\.\.\.\)"):
        assert result.summary(["AAA"], "ru") == expected
    with pytest.warns(DeprecationWarning):
        assert result.summary(codes=["AAA"], lang="ru") == expected
    with pytest.warns(DeprecationWarning):
        assert result.summary(None, "ru") == result.lines("ru")
    assert len(result.lines("en")) == len(CODES)


def test_lines_open_with_the_claim():
    with_, without = _pair(draws=0)
    claimed = Scenario.from_toml(
        with_.text.replace('focus = ["AAA"]', 'focus = ["AAA"]\nclaim = "The union shelters"'),
        "with.toml",
    )
    lines = crisis_shelter(claimed, without, _world(linked=True)).lines("en", focus=["AAA"])
    assert lines[0] == "Claim: The union shelters" and lines[1].startswith("AAA: crisis loss")


def test_to_frame_is_one_row_per_country_and_parquet_reads_back(tmp_path):
    with_, without = _pair(draws=6)
    result = crisis_shelter(with_, without, _world(linked=True))
    frame = result.to_frame()
    assert list(frame["country"]) == CODES and frame.attrs["draws"] == 6
    back = pd.read_parquet(result.to_parquet(tmp_path / "shelter.parquet"))
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)
    pd.testing.assert_frame_equal(back.set_index("country"), result.countries, check_dtype=False)
