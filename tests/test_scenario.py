"""Scenario files: validation errors, shock compilation, draws, determinism, results, CLI.

Most tests use a six-country world built from hand-made frames, so they run in well under a
second each; the built-in library runs on the built-in world in test_scenario_library.py.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from jahan.errors import ScenarioError
from jahan.scenario import OUTPUTS, Scenario, ScenarioResult, compare, library_names
from jahan.scenario.compile import PROHIBITIVE

CODES = ["CHN", "DEU", "KAZ", "KGZ", "RUS", "USA"]


def tiny_world():
    from jahan.world import World

    countries = pd.DataFrame(
        {
            "name_en": ["China", "Germany", "Kazakhstan", "Kyrgyzstan", "Russia", "United States"],
            "name_ru": ["Китай", "Германия", "Казахстан", "Киргизия", "Россия", "США"],
            "name_kk": ["Қытай", "Германия", "Қазақстан", "Қырғызстан", "Ресей", "АҚШ"],
            "population": [1.4e9, 8.3e7, 1.9e7, 6.5e6, 1.45e8, 3.3e8],
        },
        index=pd.Index(CODES, name="iso3"),
    )
    rng = np.random.default_rng(0)
    X = rng.uniform(5, 50, (6, 6))
    np.fill_diagonal(X, [900, 500, 150, 40, 400, 1200])
    flows = pd.Series(
        X.ravel(), index=pd.MultiIndex.from_product([CODES, CODES], names=["exporter", "importer"])
    )
    groups = pd.DataFrame(
        {
            "group": ["EAEU", "EAEU", "EAEU", "EU", "CA5", "CA5"],
            "iso3": ["KAZ", "RUS", "KGZ", "DEU", "KAZ", "KGZ"],
            "entry_year": [2015, 2015, 2015, 1958, 1991, 1991],
            "exit_year": [pd.NA] * 6,
            "source": ["test"] * 6,
        }
    )
    return World.from_frames(
        countries, flows=flows, groups=groups, baseline_year=2019, flows_kind="modelled"
    )


@pytest.fixture(scope="module")
def world():
    return tiny_world()


BASE = """
[scenario]
name = "test"
focus = ["KAZ"]

[model]
trade_elasticity = 5.0

[[shocks]]
type = "agreement"
members = "EAEU"
effect = 0.5
se = 0.1
"""


def run_text(text: str, world, **kw) -> ScenarioResult:
    return Scenario.from_toml(text, "test.toml").run(world, **kw)


# -- malformed files: one clear error each --------------------------------------------------------


def test_unknown_country_names_file_line_field_and_nearest_code(world):
    text = BASE.replace('members = "EAEU"', 'members = ["KAZ", "RUZ"]')
    sc = Scenario.from_toml(text, "my.toml")
    with pytest.raises(ScenarioError) as err:
        sc.run(world, draws=0)
    msg = str(err.value)
    assert "my.toml" in msg and "line 11" in msg and "shocks[1].members" in msg
    assert "'RUZ'" in msg and "Did you mean 'RUS'?" in msg
    # The suggestion is its own sentence after the list of groups, in every language.
    assert re.search(r"EU\. Did you mean 'RUS'\?$", msg), msg
    assert re.search(r"EU\. \S.*'RUS'", err.value.translated("kk")), err.value.translated("kk")


def test_unknown_group_suggests_nearest_group(world):
    sc = Scenario.from_toml(BASE.replace('"EAEU"', '"EAUE"'), "g.toml")
    with pytest.raises(
        ScenarioError, match=r"unknown country code or group 'EAUE'.*Did you mean 'EAEU'"
    ):
        sc.compile(world)


def test_unknown_shock_type_lists_allowed_and_suggests():
    with pytest.raises(ScenarioError) as err:
        Scenario.from_toml(BASE.replace('type = "agreement"', 'type = "agrement"'), "t.toml")
    msg = str(err.value)
    assert "t.toml, line 10, field shocks[1].type" in msg
    assert "unknown shock type 'agrement'" in msg and "autarky" in msg
    assert "Did you mean 'agreement'?" in msg


def test_wrong_type_names_value_and_field():
    with pytest.raises(ScenarioError) as err:
        Scenario.from_toml(BASE.replace("effect = 0.5", 'effect = "big"'), "w.toml")
    msg = str(err.value)
    assert "line 12" in msg and "shocks[1].effect" in msg and "'big'" in msg


def test_negative_elasticity_says_what_is_allowed():
    with pytest.raises(ScenarioError) as err:
        Scenario.from_toml(
            BASE.replace("trade_elasticity = 5.0", "trade_elasticity = -4.0"), "e.toml"
        )
    msg = str(err.value)
    assert (
        "line 7" in msg
        and "model.trade_elasticity" in msg
        and "-4.0" in msg
        and "between 0.5 and 50" in msg
    )


def test_group_empty_in_that_year(world):
    text = BASE.replace('focus = ["KAZ"]', 'focus = ["KAZ"]\nyear = 2000')
    with pytest.raises(ScenarioError, match=r"group 'EAEU' has no members in 2000"):
        Scenario.from_toml(text, "y.toml").compile(world)


def test_misspelt_key_is_rejected_with_suggestion():
    with pytest.raises(ScenarioError, match=r"unknown key 'memebrs'.*Did you mean 'members'"):
        Scenario.from_toml(BASE.replace("members =", "memebrs ="), "k.toml")


def test_not_toml_and_unknown_builtin_name():
    with pytest.raises(ScenarioError, match="not valid TOML"):
        Scenario.from_toml("[scenario\nname=1", "bad.toml")
    with pytest.raises(ScenarioError, match="Did you mean 'eaeu_customs_union'"):
        Scenario.load("eaeu_custom_union")


def test_autarky_requires_balanced_trade(world):
    text = BASE.replace(
        'type = "agreement"\nmembers = "EAEU"\neffect = 0.5\nse = 0.1',
        'type = "autarky"\ncountries = "KAZ"',
    )
    with pytest.raises(ScenarioError, match='imbalances = "balanced"'):
        Scenario.from_toml(text, "a.toml").compile(world)


# -- compilation ------------------------------------------------------------------------------------


def test_agreement_cells_are_member_pairs_only(world):
    c = Scenario.from_toml(BASE).compile(world)
    cost, productivity = c.build([0.5])
    members = [CODES.index(x) for x in ("KAZ", "KGZ", "RUS")]
    expected = np.ones((6, 6))
    for i in members:
        for j in members:
            if i != j:
                expected[i, j] = np.exp(0.5)
    np.testing.assert_allclose(cost, expected)
    np.testing.assert_allclose(productivity, 1.0)


def test_trade_cost_percent_maps_through_elasticity(world):
    text = BASE.replace(
        'type = "agreement"\nmembers = "EAEU"\neffect = 0.5\nse = 0.1',
        'type = "trade_cost"\nexporters = "KAZ"\nimporters = "CHN"\nchange_pct = -10.0\nsymmetric = false',
    )
    cost, _ = Scenario.from_toml(text).compile(world).build([-10.0])
    k, c = CODES.index("KAZ"), CODES.index("CHN")
    assert cost[k, c] == pytest.approx(0.9**-5.0)
    assert cost[c, k] == 1.0
    assert (cost != 1.0).sum() == 1


def test_sanctions_are_prohibitive_and_productivity_scales(world):
    text = """
[scenario]
name = "s"
[[shocks]]
type = "sanctions"
between = "RUS"
and = ["DEU", "USA"]
[[shocks]]
type = "productivity"
countries = "EU"
change_pct = -5.0
"""
    cost, productivity = Scenario.from_toml(text).compile(world).build([-5.0])
    r = CODES.index("RUS")
    for other in ("DEU", "USA"):
        o = CODES.index(other)
        assert cost[r, o] == PROHIBITIVE and cost[o, r] == PROHIBITIVE
    assert productivity[CODES.index("DEU")] == pytest.approx(0.95)
    assert (productivity == 1.0).sum() == 5


# -- running ----------------------------------------------------------------------------------------


def test_run_gives_bands_around_central_and_members_trade_more(world):
    out = run_text(BASE, world, draws=40, seed=2)
    frame = out.countries
    for o in OUTPUTS:
        assert np.all(np.isfinite(frame[[o, f"{o}_p05", f"{o}_p95"]].to_numpy()))
        assert np.all(frame[f"{o}_p05"] <= frame[f"{o}_p95"] + 1e-12)
    kaz = frame.loc["KAZ"]
    assert kaz["welfare_pct_p05"] <= kaz["welfare_pct"] <= kaz["welfare_pct_p95"]
    assert kaz["welfare_pct_p05"] < kaz["welfare_pct_p95"]
    assert out.shocks.loc[1, "trade_pct"] > 0  # members trade more with each other
    assert out.shocks.loc[1, "trade_pct_p05"] > 0
    flows = out.flows.set_index(["exporter", "importer"])
    assert flows.loc[("KAZ", "RUS"), "change_pct"] > 0
    assert out.modelled_baseline
    assert out.draws == 40


def test_same_seed_same_results_whatever_the_workers(world):
    sc = Scenario.from_toml(BASE)
    serial = sc.run(world, draws=24, seed=7, workers=1)
    pooled = sc.run(world, draws=24, seed=7, workers=2)
    np.testing.assert_array_equal(serial.draw_values().to_numpy(), pooled.draw_values().to_numpy())
    np.testing.assert_array_equal(serial.countries.to_numpy(), pooled.countries.to_numpy())
    other = sc.run(world, draws=24, seed=8, workers=1)
    assert not np.array_equal(serial.draw_values().to_numpy(), other.draw_values().to_numpy())


def test_dask_local_cluster_matches_serial(world):
    distributed = pytest.importorskip("dask.distributed")
    sc = Scenario.from_toml(BASE)
    serial = sc.run(world, draws=12, seed=5)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        with distributed.Client(cluster) as client:
            remote = sc.run(world, draws=12, seed=5, scheduler=client)
    np.testing.assert_array_equal(serial.countries.to_numpy(), remote.countries.to_numpy())


def test_result_is_read_only_and_exports(world, tmp_path):
    out = run_text(BASE, world, draws=10, seed=1)
    copy = out.countries
    copy.loc["KAZ", "welfare_pct"] = 99.0
    assert out.countries.loc["KAZ", "welfare_pct"] != 99.0
    with pytest.raises(AttributeError):
        out.name = "x"  # type: ignore[misc]
    with pytest.raises(ValueError):
        out._draw_outputs[0, 0, 0] = 1.0
    long = out.to_frame()
    assert set(long.columns) == {"country", "output", "central", "p05", "p95"}
    assert len(long) == len(CODES) * len(OUTPUTS)
    path = out.to_parquet(tmp_path / "r.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(path), long, check_like=True)
    summary = out.summary_table(lang="kk")
    assert summary.loc["KAZ", "name"] == "Қазақстан"
    text = out.summary(lang="kk")
    assert isinstance(text, str) and "Қазақстан (KAZ)" in text
    with pytest.raises(ScenarioError, match="did you mean 'KAZ'"):
        out.summary(focus=["KAX"])
    with pytest.warns(DeprecationWarning, match=r"use ScenarioResult.summary_table\(\)"):
        assert text.loc["KAZ", "name"] == "Қазақстан"


def test_autarky_lowers_welfare_and_ends_trade(world):
    text = """
[scenario]
name = "closed"
[model]
imbalances = "balanced"
[[shocks]]
type = "autarky"
countries = "KAZ"
"""
    out = run_text(text, world, draws=5, seed=1)
    assert out.countries.loc["KAZ", "welfare_pct"] < 0
    # Arkolakis, Costinot and Rodriguez-Clare (2012): moving to autarky scales real income by
    # pi_jj^(1/theta), pi_jj the domestic share of the (balanced) baseline.
    from jahan.ge import GEModel

    base = GEModel(world, trade_elasticity=5.0, imbalances="balanced").baseline
    x = base.set_index(["exporter", "importer"])["value"]
    share = x[("KAZ", "KAZ")] / x.xs("KAZ", level="importer").sum()
    assert out.countries.loc["KAZ", "welfare_pct"] == pytest.approx(
        100 * (share**0.2 - 1), rel=1e-6
    )
    assert out.shocks.loc[1, "trade_pct"] == pytest.approx(-100.0)
    assert out.draws == 0  # nothing uncertain: no draws are solved


def test_estimate_coefficient_drives_draws(world):
    class Estimate:
        coef = pd.Series({"rta": 0.3, "ln_dist": -1.0})
        vcov = pd.DataFrame([[0.0025, 0.0], [0.0, 0.01]], index=coef.index, columns=coef.index)

    text = BASE.replace("effect = 0.5\nse = 0.1", 'coefficient = "rta"')
    sc = Scenario.from_toml(text)
    with pytest.raises(ScenarioError, match="pass estimate="):
        sc.run(world, draws=5)
    out = sc.run(world, draws=400, seed=1, estimate=Estimate())
    drawn = out.draw_values().iloc[:, 0]
    assert drawn.mean() == pytest.approx(0.3, abs=0.01)
    assert drawn.std() == pytest.approx(0.05, rel=0.15)
    with pytest.raises(ScenarioError, match="did you mean 'rta'"):
        Scenario.from_toml(text.replace('"rta"', '"rtaa"')).run(world, draws=2, estimate=Estimate())


def test_compare_pairs_shared_draws(world):
    crisis = """
[scenario]
name = "crisis"
[[shocks]]
type = "productivity"
countries = "USA"
change_pct = -5.0
se_pct = 2.0
"""
    with_bloc = (
        crisis
        + """
[[shocks]]
type = "agreement"
members = "EAEU"
effect = 0.5
se = 0.1
"""
    )
    a = run_text(crisis, world, draws=30, seed=3)
    b = run_text(with_bloc, world, draws=30, seed=3)
    np.testing.assert_array_equal(a.draw_values().iloc[:, 0], b.draw_values().iloc[:, 0])
    table = compare(a, b)
    assert table.attrs["paired"]
    assert table.loc["KAZ", "difference"] == pytest.approx(
        table.loc["KAZ", "b"] - table.loc["KAZ", "a"]
    )
    assert table.loc["KAZ", "difference"] > 0  # integration cushions a bloc member
    assert table.loc["KAZ", "difference_p05"] <= table.loc["KAZ", "difference_p95"]


def test_library_has_the_named_scenarios_with_claims():
    names = library_names()
    for required in (
        "eaeu_customs_union",
        "eurasec_currency_union",
        "central_asia_corridor",
        "global_crisis_with_eaeu",
        "global_crisis_without_eaeu",
        "kazakhstan_autarky",
        "china_kazakhstan_corridor",
        "sanctions_russia_eu",
        "neighbours_growth",
    ):
        assert required in names
    for name in names:
        meta = Scenario.load(name).spec.scenario
        assert meta.claim and meta.source in {"000", "003"}
        assert f"({meta.source})" in meta.claim
        assert meta.name_kk and meta.name_ru and meta.description_kk and meta.description_ru


# -- command line -----------------------------------------------------------------------------------


def test_cli_run_scenarios_and_compare(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import jahan._cli.run as cli_run
    from jahan.cli import app

    world = tiny_world()
    monkeypatch.setattr(cli_run, "_world", lambda spec: world)
    toml = tmp_path / "s.toml"
    toml.write_text(BASE, encoding="utf-8")
    runner = CliRunner()
    out_dir = tmp_path / "out"
    res = runner.invoke(
        app,
        [
            "run",
            str(toml),
            "--draws",
            "8",
            "--seed",
            "1",
            "--lang",
            "ru",
            "--out",
            str(out_dir),
            "--focus",
            "KAZ,RUS",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "Казахстан" in res.output and "Отчёт" in res.output
    assert (out_dir / "report_ru.html").is_file()
    assert (out_dir / "countries.parquet").is_file() and (out_dir / "countries.csv").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]

    res = runner.invoke(app, ["scenarios", "--lang", "en"])
    assert (
        res.exit_code == 0
        and "eaeu_customs_union" in res.output
        and "founding text 003" in res.output
    )

    other = tmp_path / "t.toml"
    other.write_text(BASE.replace("effect = 0.5", "effect = 0.2"), encoding="utf-8")
    res = runner.invoke(
        app,
        [
            "compare",
            str(toml),
            str(other),
            "--draws",
            "6",
            "--lang",
            "en",
            "--out",
            str(tmp_path / "cmp"),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "B minus A" in res.output and (tmp_path / "cmp" / "compare.csv").is_file()
