"""Readiness to integrate: eleven conditions, missing shown as missing, user slots, CLI."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from jahan.cli import app
from jahan.errors import DataError
from jahan.index.readiness import CONDITIONS, parse_bloc, readiness
from jahan.scenario.readiness import readiness_vs_gains


@pytest.fixture(scope="module")
def world():
    from jahan.world import World

    return World.builtin()


def test_eleven_conditions_in_order():
    assert len(CONDITIONS) == 11
    assert CONDITIONS[0].code == "geographic_proximity"
    assert CONDITIONS[-1].code == "cooperation_experience"


def test_parse_bloc(world):
    assert parse_bloc("CA5", world)[1] == ("KAZ", "KGZ", "TJK", "TKM", "UZB")
    label, members = parse_bloc("EAEU+UZB", world)
    assert "UZB" in members and set(world.group("EAEU")) < set(members)
    assert parse_bloc("kaz, uzb", world)[1] == ("KAZ", "UZB")
    with pytest.raises(DataError, match="Did you mean 'KAZ'"):
        parse_bloc("KAZZ,UZB", world)
    with pytest.raises(DataError, match="at least two"):
        parse_bloc("KAZ", world)


def test_world_measures_by_hand_for_a_pair(world):
    r = readiness("KAZ,RUS", world)
    table = r.conditions
    assert list(table.index) == [c.code for c in CONDITIONS]
    pair = world.pairs.loc[("KAZ", "RUS")]
    assert table.at["geographic_proximity", "value"] == pytest.approx(pair["distance_km"])
    others = world.pairs[
        world.pairs.index.get_level_values(0) != world.pairs.index.get_level_values(1)
    ]["distance_km"].to_numpy()
    d = pair["distance_km"]
    expected = (np.sum(others > d) + 0.5 * np.sum(others == d)) / len(others) * 100
    assert table.at["geographic_proximity", "score"] == pytest.approx(expected)
    gdp = world.countries["gdp_usd"]
    ratio = min(gdp["KAZ"], gdp["RUS"]) / max(gdp["KAZ"], gdp["RUS"]) * 100
    assert table.at["comparable_resources", "score"] == pytest.approx(ratio)
    assert table.at["cultural_closeness", "value"] == pytest.approx(pair["common_language"] * 100)


def test_missing_conditions_are_missing_not_zero(world):
    r = readiness("CA5", world)
    missing = r.conditions[r.conditions.source == "missing"]
    assert {"public_support", "similar_political_systems", "comparable_state_apparatus"} <= set(
        missing.index
    )
    assert missing["score"].isna().all()
    scored = r.conditions["score"].dropna()
    assert r.measured == len(scored) < 11
    assert r.overall == pytest.approx(scored.mean())


def test_user_slots_fill_conditions(world):
    slots = pd.DataFrame(
        {
            "country": [
                "KAZ",
                "KGZ",
                "TJK",
                "TKM",
                "UZB",
                "KAZ",
                "KGZ",
                "TJK",
                "TKM",
                "UZB",
                "RUS",
            ],
            "condition": ["public_support"] * 5 + ["similar_political_systems"] * 6,
            "value": [70, 60, 50, 40, 80, -5, 0, -6, -9, -7, 10],
            "source": ["survey 2023"] * 5 + ["polity"] * 6,
        }
    )
    r = readiness("CA5", world, slots)
    assert r.conditions.at["public_support", "score"] == pytest.approx(60.0)
    assert r.conditions.at["public_support", "source"] == "survey 2023"
    # range among members 9 (from -9 to 0), range in the table 19 (from -9 to 10)
    assert r.conditions.at["similar_political_systems", "score"] == pytest.approx(
        100 * (1 - 9 / 19)
    )
    partial = readiness("EAEU", world, slots)
    assert np.isnan(partial.conditions.at["public_support", "score"])
    assert "missing for" in partial.conditions.at["public_support", "note"]
    with pytest.raises(DataError, match="Did you mean 'public_support'"):
        readiness("CA5", world, slots.assign(condition="public_suport"))


def test_readiness_vs_gains_with_given_gains(world):
    members = world.group("CA5")
    pct = pd.Series(0.0, index=world.iso3)
    pct[members] = 1.0
    pct["RUS"] = -0.5
    view = readiness_vs_gains({"CA5": "CA5"}, world, gains={"CA5": pct})
    row = view.loc["CA5"]
    assert row["members_gain_pct"] == pytest.approx(1.0)
    pop = world.countries["population"]
    out = [c for c in world.iso3 if c not in members]
    assert row["outsiders_gain_pct"] == pytest.approx(-0.5 * pop["RUS"] / pop[out].sum())
    assert row["gains_source"] == "given"


def test_readiness_vs_gains_simulates_with_the_ge_model(world):
    view = readiness_vs_gains(["CA5", "EAEU+UZB"], world)
    assert list(view.index) == ["CA5", "EAEU+UZB"]
    assert (view["members_gain_pct"] > 0).all()
    assert view["gains_source"].str.contains(world.flows_kind).all()


runner = CliRunner()


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_cli_readiness_ca5_lists_all_eleven_conditions(lang):
    from jahan.index.readiness import condition_name

    res = runner.invoke(app, ["readiness", "CA5", "--lang", lang], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    for cond in CONDITIONS:
        assert condition_name(cond.code, lang) in res.output
    from jahan._i18n import tr

    assert res.output.count(tr("missing", lang)) >= 6  # 3 conditions x (value, source)
    assert "Penn World Table 9.1" in res.output
    assert "2000-2017" in res.output


def test_cli_readiness_with_user_table(tmp_path):
    path = tmp_path / "survey.csv"
    pd.DataFrame(
        {
            "country": ["KAZ", "UZB"],
            "condition": ["public_support"] * 2,
            "value": [64, 72],
            "source": ["poll"] * 2,
        }
    ).to_csv(path, index=False)
    res = runner.invoke(app, ["readiness", "KAZ,UZB", "--data", str(path)], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "68" in res.output and "poll" in res.output


def test_cli_index_prints_subindices_for_every_country(tmp_path):
    out = tmp_path / "kof.parquet"
    res = runner.invoke(
        app, ["index", "--preset", "kof", "--out", str(out), "--lang", "en"], env={"COLUMNS": "200"}
    )
    assert res.exit_code == 0, res.output
    assert "KAZ" in res.output and "de jure" in res.output
    # the KOF preset says how many of its variables are present before the table
    assert res.output.index("KOF variables with data") < res.output.index("KAZ")
    assert "trade_goods" in res.output  # named among the missing KOF variables
    assert "Modelled" not in res.output  # the built-in flows are observed
    frame = pd.read_parquet(out)
    assert frame["country"].nunique() > 150


def test_cli_index_on_user_data(tmp_path):
    rows = [
        {"country": c, "year": 2020, "indicator": v, "value": float(i * 7 % 11 + j)}
        for i, c in enumerate(["AAA", "BBB", "CCC", "DDD"])
        for j, v in enumerate(["trade_goods", "embassies", "press_freedom"])
    ]
    path = tmp_path / "data.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    res = runner.invoke(
        app,
        ["index", "--preset", "kof", "--data", str(path), "--weighting", "equal", "--lang", "kk"],
        env={"COLUMNS": "200"},
    )
    assert res.exit_code == 0, res.output
    assert "AAA" in res.output and "3 " in res.output
    bad = runner.invoke(app, ["index", "--preset", "kofx"])
    assert bad.exit_code != 0


def test_member_pairs_are_all_ordered_pairs():
    members = ("A", "B", "C")
    assert len(list(itertools.permutations(members, 2))) == 6


def test_cli_unknown_bloc_is_a_clear_error():
    res = runner.invoke(app, ["readiness", "KAZZ,UZB"])
    assert res.exit_code != 0
    assert isinstance(res.exception, DataError)
    assert "Did you mean 'KAZ'" in str(res.exception)
    missing = runner.invoke(app, ["index", "--data", "no_such_file.csv"])
    assert isinstance(missing.exception, DataError) and "does not exist" in str(missing.exception)


def _pwt_growth_sd(pwt: pd.DataFrame, iso3: str) -> float:
    series = pwt[pwt["isocode"].astype(str) == iso3].set_index("year")["rgdpna"]
    growth = [100.0 * (series[float(t)] / series[float(t - 1)] - 1.0) for t in range(2000, 2018)]
    return float(np.std(growth, ddof=1))


def test_stable_growth_from_pwt_for_ca5(world, sources_file):
    pwt = pd.read_parquet(
        sources_file("pwt91/pwt91.parquet"), columns=["isocode", "year", "rgdpna"]
    )
    members = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
    expected = np.mean([_pwt_growth_sd(pwt, m) for m in members])
    r = readiness("CA5", world)
    row = r.conditions.loc["stable_growth"]
    assert row["source"] == "Penn World Table 9.1"
    assert row["measure"] == "growth_sd"
    assert row["value"] == pytest.approx(expected, rel=1e-10)
    sd = world.countries["gdp_growth_sd_pct"].dropna()
    assert row["score"] == pytest.approx((sd >= expected).mean() * 100.0)
    assert 0.0 < row["score"] < 100.0
    assert r.measured == 8
    text = r.table("en").set_index("condition").at["stable_growth", "value"]
    assert text == f"mean s.d. of annual real GDP growth 2000-2017: {expected:.1f} pp"


def test_stable_growth_is_missing_when_a_member_lacks_data(world):
    assert np.isnan(world.countries.at["AFG", "gdp_growth_sd_pct"])
    r = readiness("KAZ,AFG", world)
    row = r.conditions.loc["stable_growth"]
    assert row["source"] == "missing" and np.isnan(row["score"]) and np.isnan(row["value"])
    assert "AFG" in row["note"] and "KAZ" not in row["note"]


def test_steadier_bloc_scores_higher(world):
    sd = world.countries["gdp_growth_sd_pct"].dropna()
    steady, volatile = sd.nsmallest(2).index, sd.nlargest(2).index
    a = readiness(list(steady), world).conditions.at["stable_growth", "score"]
    b = readiness(list(volatile), world).conditions.at["stable_growth", "score"]
    assert a > 95 > 5 > b


def test_user_growth_values_replace_the_world_measure(world):
    slots = pd.DataFrame(
        {
            "country": ["KAZ", "UZB", "RUS"],
            "condition": ["stable_growth"] * 3,
            "value": [1.0, 2.0, 5.0],
            "source": ["mine"] * 3,
        }
    )
    row = readiness("KAZ,UZB", world, slots).conditions.loc["stable_growth"]
    assert row["source"] == "mine" and row["value"] == pytest.approx(1.5)
    assert row["score"] == pytest.approx(100 * 2 / 3)  # 2.0 and 5.0 are at least the mean 1.5


def test_world_without_growth_column_leaves_stable_growth_missing():
    from jahan.world import World

    w = World.from_frames(
        pd.DataFrame(
            {
                "iso3": ["AAA", "BBB"],
                "gdp_usd": [1.0, 2.0],
                "lat": [0.0, 1.0],
                "lon": [0.0, 1.0],
                "area_km2": [1e4, 2e4],
            }
        )
    )
    r = readiness("AAA,BBB", w)
    assert r.conditions.at["stable_growth", "source"] == "missing"
    assert len(r.conditions) == 11
