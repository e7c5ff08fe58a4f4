"""Ex-post evaluation of a bloc: the panel estimate, its identification, and its GE consequence.

Fast tests use a sub-world of the built-in observed world (20 economies, the five EAEU members among
them) and a year subset; the full panel runs are marked slow. Expectations come from identities
(a direct fepois call on the same panel, a direct GE solve) and closed forms, not stored outputs.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import jahan as jh
from jahan.analysis import evaluate_bloc, observed_vs_without
from jahan.analysis.ex_post import CASES, OUTCOMES
from jahan.errors import DataError, DataWarning
from jahan.estimate.bloc import FIXED_EFFECTS, estimate_bloc
from jahan.world import World

EAEU = ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
OTHERS = [
    "CHN",
    "DEU",
    "USA",
    "UZB",
    "TUR",
    "UKR",
    "ITA",
    "FRA",
    "POL",
    "JPN",
    "KOR",
    "IND",
    "TJK",
    "GEO",
    "AZE",
]
YEARS = [2004, 2008, 2012, 2016]  # spans the 2010 customs union and the 2015 accessions


@pytest.fixture(scope="module")
def sub() -> World:
    return World.builtin().restrict([*EAEU, *OTHERS])


@pytest.fixture(scope="module")
def bloc(sub):
    return estimate_bloc(sub, "EAEU", years=YEARS)


@pytest.fixture(scope="module")
def evaluation(sub):
    return evaluate_bloc("EAEU", world=sub, years=YEARS, draws=40, seed=3)


def _panel(world, years):
    panel = world.trade_panel(years=years)
    return panel[panel["international"] == 1].reset_index(drop=True)


# -- the estimate ------------------------------------------------------------------------------


def test_estimate_is_a_direct_fepois_call_on_the_same_panel(sub, bloc):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        direct = jh.fepois(
            f"value ~ both_EAEU | {FIXED_EFFECTS}",
            _panel(sub, YEARS),
            vcov={"CRV1": "pair_id"},
            max_iter=100,
        )
    assert bloc.effect == pytest.approx(float(direct.coef["both_EAEU"]), rel=1e-10, abs=1e-12)
    assert bloc.se == pytest.approx(float(direct.se["both_EAEU"]), rel=1e-10)
    assert bloc.nobs == direct.nobs
    assert bloc.estimate.converged
    assert bloc.years == tuple(YEARS)
    assert bloc.estimate.clusters == direct.clusters


def test_the_bloc_regressor_is_present_and_no_member_row_is_dropped(sub, bloc):
    assert bloc.coefficient == "both_EAEU"
    assert "both_EAEU" in bloc.estimate.names
    assert bloc.dropped_member_rows == ()
    assert set(bloc.members) == set(EAEU)
    panel = _panel(sub, YEARS)
    member_rows = panel.index[panel["both_EAEU"] == 1]
    kept = set(bloc.estimate._fitted_index)
    assert len(member_rows) > 0 and all(r in kept for r in member_rows)
    # 5 members: 20 ordered pairs are both members in some year of the panel.
    assert bloc.member_pairs == 20


def test_a_bloc_whose_membership_never_changes_is_not_identified(sub):
    with pytest.raises(DataError, match=r"CA5.*does not change.*not identified"):
        estimate_bloc(sub, "CA5", years=YEARS)
    # The EAEU between 2010 and 2014: the same three members in every year, ARM and KGZ outside.
    with pytest.raises(DataError, match=r"EAEU.*does not change.*2010, 2012"):
        estimate_bloc(sub, "EAEU", years=[2010, 2012])


def test_bad_input_gets_one_clear_error(sub):
    with pytest.raises(DataError, match=r"Did you mean 'EAEU'"):
        estimate_bloc(sub, "EAUE", years=YEARS)
    with pytest.raises(DataError, match=r"2000-2016"):
        estimate_bloc(sub, "EAEU", years=[1996, 2004])
    with pytest.raises(DataError, match=r"at least two years"):
        estimate_bloc(sub, "EAEU", years=[2016])
    with pytest.raises(DataError, match=r"'XYZ'"):
        evaluate_bloc("EAEU", world=sub, years=YEARS, focus="XYZ", draws=0)


def test_a_member_pair_lost_to_separation_is_named_loudly(sub, monkeypatch):
    """ARM-KGZ with zero trade in every year is separated by the pair effect: the warning names it."""
    real = World.trade_panel

    def zero_arm_kgz(self, years=None, **kw):
        panel = real(self, years, **kw)
        pair = panel["exporter"].eq("ARM") & panel["importer"].eq("KGZ")
        panel.loc[pair, "value"] = 0.0
        return panel

    monkeypatch.setattr(World, "trade_panel", zero_arm_kgz)
    with pytest.warns(DataWarning, match=r"EAEU.*ARM-KGZ 2004.*ARM-KGZ 2016"):
        est = estimate_bloc(sub, "EAEU", years=YEARS)
    assert {r.split()[0] for r in est.dropped_member_rows} == {"ARM-KGZ"}
    assert len(est.dropped_member_rows) == len(YEARS)


def test_every_member_row_lost_is_an_error(sub, monkeypatch):
    real = World.trade_panel

    def no_member_trade(self, years=None, **kw):
        panel = real(self, years, **kw)
        inside = panel["exporter"].isin(EAEU) & panel["importer"].isin(EAEU)
        panel.loc[inside, "value"] = 0.0
        return panel

    monkeypatch.setattr(World, "trade_panel", no_member_trade)
    with pytest.raises(DataError, match=r"dropped every member row"):
        estimate_bloc(sub, "EAEU", years=YEARS)


# -- the GE evaluation ---------------------------------------------------------------------------


def test_observed_vs_without_closed_form():
    # Removing the bloc halves a level -> the bloc doubled it; removing it doubles -> bloc halved.
    assert observed_vs_without(np.array([-50.0, 100.0, 0.0])) == pytest.approx([100.0, -50.0, 0.0])


def test_central_effect_equals_a_direct_ge_solve(sub, evaluation):
    """Identity: the central result is the GE model's answer to exp(-b) on members' pairs, inverted."""
    b = evaluation.estimate.effect
    members = sub.group("EAEU")
    index = sub.flows.index
    e, i = index.get_level_values(0), index.get_level_values(1)
    inside = e.isin(members) & i.isin(members) & (e != i)
    shock = pd.Series(np.where(inside, np.exp(-b), 1.0), index=index)
    direct = jh.GEModel(sub, trade_elasticity=5.0, closure="full", imbalances="fixed").simulate(
        shock
    )
    assert direct.converged
    for o in OUTCOMES:
        want = 100.0 * (1.0 / (1.0 + direct.countries[o] / 100.0) - 1.0)
        got = evaluation.countries[f"{o}_estimated"]
        np.testing.assert_allclose(got.loc[members], want.loc[members], rtol=1e-6, atol=1e-9)


def test_bands_contain_the_central_result(evaluation):
    frame = evaluation.countries
    for case in CASES:
        for o in OUTCOMES:
            c, lo, hi = (frame[f"{o}_{case}{s}"] for s in ("", "_p05", "_p95"))
            assert (lo <= c + 1e-12).all() and (c <= hi + 1e-12).all(), (case, o)
            assert (hi > lo).loc[list(evaluation.members)].all(), (case, o)
    trade = evaluation.bloc_trade
    assert (trade["trade_pct_p05"] <= trade["trade_pct"]).all()
    assert (trade["trade_pct"] <= trade["trade_pct_p95"]).all()


def test_ge_signs_follow_the_sign_of_the_effect(evaluation):
    sign = np.sign(evaluation.estimate.effect)
    assert sign != 0
    assert np.sign(evaluation.bloc_trade.loc["estimated", "trade_pct"]) == sign
    assert (
        np.sign(evaluation.countries.loc[list(evaluation.members), "welfare_pct_estimated"]) == sign
    ).all()
    # The published average is positive: the union raised members' trade and welfare under it.
    assert evaluation.bloc_trade.loc["reference", "trade_pct"] > 0
    assert (evaluation.countries.loc[list(evaluation.members), "welfare_pct_reference"] > 0).all()
    assert evaluation.reference_effect == 0.557 and evaluation.reference_se == 0.056


def test_result_is_sealed_and_written_atomically(evaluation, tmp_path):
    with pytest.raises(AttributeError):
        evaluation.bloc = "EU"  # type: ignore[misc]
    frame = evaluation.countries
    frame.iloc[0, 0] = 1e9
    assert evaluation.countries.iloc[0, 0] != 1e9
    with pytest.raises(TypeError):
        evaluation.settings["draws"] = 1  # type: ignore[index]
    path = evaluation.to_parquet(tmp_path / "out" / "eaeu.parquet")
    back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(back, evaluation.to_frame(), check_dtype=False)
    assert set(back["case"]) == set(CASES) and set(back["outcome"]) == set(OUTCOMES)
    assert [p.name for p in path.parent.iterdir()] == ["eaeu.parquet"]  # no temporary file left


def test_summary_states_estimate_n_years_and_caveats(evaluation):
    text = evaluation.summary(lang="en")
    est = evaluation.estimate
    assert f"both_EAEU = {est.effect:.4f}" in text
    assert f"N = {est.nobs:,}" in text
    assert "2004, 2008, 2012, 2016" in text
    assert "exporter-year, importer-year and pair fixed effects" in text
    for word in ("oil price", "Services are in the totals", "common external tariff", "not random"):
        assert word in text
    first = text.splitlines()[3]
    assert first.startswith(f"{evaluation.name_of('KAZ')} (KAZ)")


def test_kazakh_report_text_without_a_browser(evaluation, tmp_path):
    path = evaluation.report(tmp_path / "report.html", lang="kk")
    html = path.read_text(encoding="utf-8")
    assert '<html lang="kk">' in html
    assert "одақ не берді" in html and "Ескертпелер" in html and "Мұнай бағасы" in html
    assert "Қазақстан (KAZ)" in html
    b = evaluation.estimate.effect
    assert f"{b:.4f}".replace(".", ",") in html  # Kazakh decimal comma
    for english in ("Caveats", "Welfare effect of the union", "Trade among the members"):
        assert english not in html
    # the union by the name Kazakh readers know (the regressor keeps its column name)
    assert "ЕАЭО: одақ не берді" in html
    assert "EAEU" not in html.replace("both_EAEU", "")
    assert "<script" not in html and 'src="http' not in html  # opens offline
    assert "<svg" in html


def test_library_scenario_estimates_from_the_panel_it_runs_on(sub):
    sc = jh.Scenario.load("eaeu_ex_post")
    assert sc.spec.estimate is not None and sc.spec.estimate.bloc == "EAEU"
    out = sc.run(sub, draws=3, seed=1)
    direct = estimate_bloc(sub, "EAEU", years=sc.spec.estimate.years)
    params = out.parameters.iloc[0]
    assert params["coefficient"] == "both_EAEU"
    assert params["mean"] == pytest.approx(direct.effect, rel=1e-10)
    assert params["se"] == pytest.approx(direct.se, rel=1e-10)
    # "leave": members' trade with each other moves against the sign of the estimate.
    assert np.sign(out.shocks.loc[1, "trade_pct"]) == -np.sign(direct.effect)


# -- the full panel ---------------------------------------------------------------------------


@pytest.mark.slow
def test_full_panel_estimate_and_evaluation():
    w = World.builtin()
    result = evaluate_bloc("EAEU", world=w, draws=50, seed=1)
    est = result.estimate
    assert est.years == (2000, 2004, 2008, 2012, 2016)
    assert est.dropped_member_rows == ()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        direct = jh.fepois(
            f"value ~ both_EAEU | {FIXED_EFFECTS}",
            _panel(w, list(est.years)),
            vcov={"CRV1": "pair_id"},
            max_iter=100,
        )
    assert est.effect == pytest.approx(float(direct.coef["both_EAEU"]), rel=1e-10)
    assert est.se == pytest.approx(float(direct.se["both_EAEU"]), rel=1e-10)
    assert np.sign(result.countries.at["KAZ", "welfare_pct_estimated"]) == np.sign(est.effect)
    assert result.settings["n_countries"] == len(w)


def test_scenario_estimate_table_errors_name_the_table(sub):
    from jahan.errors import ScenarioError

    text = jh.Scenario.load("eaeu_ex_post").text.replace('bloc = "EAEU"', 'bloc = "CA5"')
    sc = jh.Scenario.from_toml(text, source="ca5.toml")
    with pytest.raises(ScenarioError, match=r"ca5.toml: \[estimate\]: bloc 'CA5'.*not identified"):
        sc.run(sub, draws=0)


# -- the command line -------------------------------------------------------------------------


def test_cli_unknown_bloc_suggests_the_nearest():
    from typer.testing import CliRunner

    from jahan.cli import app

    res = CliRunner().invoke(app, ["evaluate", "EAUE", "--draws", "0", "--lang", "en"])
    assert res.exit_code != 0
    assert isinstance(res.exception, DataError)
    assert "Did you mean 'EAEU'" in str(res.exception)


@pytest.mark.slow
def test_cli_prints_the_summary_and_writes_the_folder(tmp_path):
    from typer.testing import CliRunner

    from jahan._cli.evaluate import output_files
    from jahan.cli import app

    out = tmp_path / "eaeu_ex_post"
    res = CliRunner().invoke(
        app,
        [
            "evaluate",
            "EAEU",
            "--focus",
            "KAZ",
            "--draws",
            "20",
            "--seed",
            "1",
            "--lang",
            "ru",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "Казахстан (KAZ)" in res.output and "Оговорки:" in res.output
    assert sorted(p.name for p in out.iterdir()) == sorted(output_files("ru"))
    assert "Казахстан (KAZ)" in (out / "report.html").read_text(encoding="utf-8")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["bloc"] == "EAEU" and manifest["draws"] == 20 and manifest["seed"] == 1
    # a second run into the same folder is refused before any work, unless --force
    again = CliRunner().invoke(app, ["evaluate", "EAEU", "--draws", "0", "--out", str(out)])
    assert again.exit_code != 0 and "--force" in (again.output + str(again.exception))
