"""Tariff shocks by sector on worlds with sector data (the multi-sector model behind scenarios)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from jahan.errors import DataError, DataWarning, ScenarioError
from jahan.ge._ms_synthetic import synthetic_world
from jahan.ge.multisector import MultiSectorGEModel
from jahan.scenario import Scenario
from jahan.world import SectorData, World

CODES = ["CHN", "DEU", "KAZ", "KGZ", "RUS"]
EAEU = ["KAZ", "KGZ", "RUS"]


def _sector_data(seed: int = 3) -> SectorData:
    d = synthetic_world(len(CODES), 4, n_tradable=3, seed=seed)
    rename = {f"C{k:03d}": c for k, c in enumerate(CODES)}
    for name in ("flows", "tariffs"):
        d[name]["exporter"] = d[name]["exporter"].map(rename)
        d[name]["importer"] = d[name]["importer"].map(rename)
    for name in ("gross_output", "value_added_share", "io_shares"):
        d[name]["country"] = d[name]["country"].map(rename)
    return SectorData.from_inputs(d)


def _world(sectors: SectorData | None = None) -> World:
    groups = pd.DataFrame({"group": "EAEU", "iso3": EAEU, "entry_year": 2015})
    names = pd.DataFrame({"iso3": CODES, "name_en": [f"Country {c}" for c in CODES]})
    return World.from_frames(
        names,
        groups=groups,
        baseline_year=2019,
        sectors=sectors if sectors is not None else _sector_data(),
    )


@pytest.fixture(scope="module")
def world() -> World:
    return _world()


def _toml(shocks: str, draws: int = 0, extra: str = "") -> str:
    return (
        '[scenario]\nname = "EAEU tariffs"\nfocus = ["KAZ", "KGZ"]\n'
        f'[model]\nimbalances = "balanced"\n{extra}[uncertainty]\ndraws = {draws}\nseed = 7\n'
        + shocks
    )


CUT = '[[shocks]]\ntype = "tariff"\nmembers = "EAEU"\nsectors = ["S00", "S01"]\nrate = 0.0\n'


def test_tariff_scenario_equals_the_model_solved_directly(world):
    result = Scenario.from_toml(_toml(CUT)).run(world)
    model = MultiSectorGEModel(**world.sectors.inputs(), imbalances="balanced")
    cells = [(e, i, s) for e in EAEU for i in EAEU if e != i for s in ("S00", "S01")]
    new = pd.DataFrame(cells, columns=["exporter", "importer", "sector"]).assign(rate=0.0)
    direct = model.simulate(tariffs=new)
    for column in (
        "welfare_pct",
        "terms_of_trade_pct",
        "volume_of_trade_pct",
        "real_wage_pct",
        "exports_pct",
        "imports_pct",
    ):
        np.testing.assert_allclose(
            result.countries[column], direct.countries.loc[CODES, column], rtol=0, atol=1e-12
        )
    for column in ("output_pct", "exports_pct", "imports_pct", "price_pct"):
        np.testing.assert_allclose(
            result.sectors[column], direct.sectors[column], rtol=0, atol=1e-12
        )
    assert result.settings["model"] == "multi-sector"
    assert result.outputs[0] == "welfare_pct" and "real_gdp_pct" not in result.countries


def test_removing_tariffs_among_members_raises_their_mutual_trade(world):
    result = Scenario.from_toml(_toml(CUT)).run(world)
    f = result.flows
    base = world.sectors.tariffs.set_index(["exporter", "importer", "sector"])["rate"]
    inside = f[
        f["exporter"].isin(EAEU)
        & f["importer"].isin(EAEU)
        & (f["exporter"] != f["importer"])
        & f["sector"].isin(["S00", "S01"])
        & (f["baseline"] > 0)
    ]
    taxed = [
        base.get((e, i, s), 0.0) > 0
        for e, i, s in inside[["exporter", "importer", "sector"]].itertuples(index=False)
    ]
    assert sum(taxed) >= 6
    assert (inside.loc[taxed, "change_pct"] > 0).all()
    assert result.shocks.loc[1, "trade_pct"] > 0
    assert result.shocks.loc[1, "sectors"] == "S00, S01"
    # An untouched sector's tariffs stay: members' trade in S02 moves far less than in S00.
    s2 = f[
        f["exporter"].isin(EAEU)
        & f["importer"].isin(EAEU)
        & (f["exporter"] != f["importer"])
        & (f["sector"] == "S02")
    ]
    assert s2["change_pct"].abs().max() < inside.loc[taxed, "change_pct"].min()


def test_change_adds_percentage_points_and_pairs_are_one_way(world):
    raise_ = (
        '[[shocks]]\ntype = "tariff"\nexporters = "CHN"\nimporters = "EAEU"\n'
        "symmetric = false\nchange = 5.0\n"
    )
    result = Scenario.from_toml(_toml(raise_)).run(world)
    model = MultiSectorGEModel(**world.sectors.inputs(), imbalances="balanced")
    t = model.baseline.tariff.copy()
    c = list(model.countries)
    for m in EAEU:
        t[:, c.index(m), c.index("CHN")] += 0.05
    direct = model.simulate_arrays(t, np.ones_like(t))
    np.testing.assert_allclose(
        result.countries["welfare_pct"], direct.countries.loc[CODES, "welfare_pct"], atol=1e-12
    )
    assert result.shocks.loc[1, "pairs"] == 3 and result.shocks.loc[1, "trade_pct"] < 0


def test_draws_are_reproducible_and_bands_hold_the_central_value(world):
    text = _toml(
        '[[shocks]]\ntype = "tariff"\nmembers = "EAEU"\nchange = 2.0\nse = 1.0\n'
        '[[shocks]]\ntype = "trade_cost"\nexporters = "KAZ"\nimporters = "CHN"\n'
        "change_pct = -5.0\nse_pct = 2.0\n",
        draws=6,
    )
    a = Scenario.from_toml(text).run(world)
    b = Scenario.from_toml(text).run(world)
    assert a.draws == 6
    np.testing.assert_array_equal(a.draw_outputs("welfare_pct"), b.draw_outputs("welfare_pct"))
    pd.testing.assert_frame_equal(a.sectors, b.sectors)
    c = a.countries
    assert (c["welfare_pct_p05"] <= c["welfare_pct_p95"]).all()
    s = a.sectors
    assert (s["output_pct_p05"] < s["output_pct_p95"] + 1e-12).all()
    assert not np.allclose(s["output_pct_p05"], s["output_pct_p95"])
    assert len(a.to_frame()) == len(CODES) * len(a.outputs)
    assert list(a.summary_table().columns[:2]) == ["name", "welfare_pct"]


@pytest.mark.parametrize(
    ("shock", "match"),
    [
        (
            'members = "EAEU"\nsectors = ["S01X"]\nrate = 0.0',
            r"unknown sector 'S01X'.*Did you mean 'S01'",
        ),
        ('members = "EAEU"\nrate = 0.0\nchange = -1.0', r"exactly one of 'rate'.*both were given"),
        (
            'members = "EAEU"\nrate = -0.05',
            r"line 12, field shocks\[1\]\.rate: bad value -0\.05.*between 0 and 100",
        ),
        (
            'members = "EAEU"\nchange = -50.0',
            r"field shocks\[1\]\.change: change -50 percentage "
            r"points makes .* negative",
        ),
        (
            'members = ["KAZ", "KZG"]\nrate = 0.0',
            r"unknown country code or group 'KZG'.*Did you mean 'KGZ'",
        ),
        ('exporters = "KAZ"\nrate = 0.0', r"needs 'members'.*'exporters' and 'importers'"),
    ],
)
def test_tariff_shock_errors_name_the_field(world, shock, match):
    text = _toml(f'[[shocks]]\ntype = "tariff"\n{shock}\n')
    with pytest.raises(ScenarioError, match=match):
        Scenario.from_toml(text, "nafta.toml").run(world)


def test_tariff_shock_on_a_world_without_sectors_says_how_to_add_them():
    plain = World.builtin()
    with pytest.raises(
        ScenarioError,
        match=r"field shocks\[1\]\.sectors: this world has no sector "
        r"data.*sectors=SectorData",
    ):
        Scenario.from_toml(_toml(CUT), "f.toml").run(plain)


def test_shocks_without_a_multisector_counterpart_are_refused(world):
    text = _toml(CUT + '[[shocks]]\ntype = "productivity"\ncountries = "KAZ"\nchange_pct = 2.0\n')
    with pytest.raises(
        ScenarioError,
        match=r"shocks\[2\]\.type: a 'productivity' shock has no "
        "counterpart",
    ):
        Scenario.from_toml(text).run(world)
    text = _toml(CUT).replace('"balanced"', '"multiplicative"')
    with pytest.raises(ScenarioError, match=r"model\.imbalances.*\"balanced\""):
        Scenario.from_toml(text).run(world)


def test_world_with_sectors_round_trips_through_a_folder(world, tmp_path):
    folder = world.write(tmp_path / "w")
    assert sorted(p.name for p in (folder / "sectors").iterdir()) == sorted(
        f"{n}.parquet"
        for n in (
            "flows",
            "tariffs",
            "gross_output",
            "value_added_share",
            "io_shares",
            "trade_elasticity",
        )
    )
    back = World.read(folder)
    assert back.has_sectors and back.sectors.sectors == world.sectors.sectors
    pd.testing.assert_frame_equal(back.sectors.flows, world.sectors.flows)
    # CSV tables are read too
    csv = tmp_path / "csv"
    (csv / "sectors").mkdir(parents=True)
    world.countries.reset_index()[["iso3", "name_en"]].to_csv(csv / "countries.csv", index=False)
    world.groups.to_csv(csv / "groups.csv", index=False)
    for name in (
        "flows",
        "tariffs",
        "gross_output",
        "value_added_share",
        "io_shares",
        "trade_elasticity",
    ):
        getattr(world.sectors, name).to_csv(csv / "sectors" / f"{name}.csv", index=False)
    a = Scenario.from_toml(_toml(CUT)).run(World.read(csv))
    b = Scenario.from_toml(_toml(CUT)).run(world)
    np.testing.assert_allclose(a.countries["welfare_pct"], b.countries["welfare_pct"], atol=1e-10)


def test_sector_data_must_use_the_worlds_countries():
    data = _sector_data()
    small = World.from_frames(pd.DataFrame({"iso3": ["KAZ", "RUS"]}))
    with pytest.raises(DataError, match=r"sectors\.flows\.exporter: .*unknown ISO3"):
        small.with_sectors(data)


def test_one_sector_scenario_ignores_the_sector_data():
    plain = World.builtin()
    d = _sector_data()
    with_sectors = plain.with_sectors(d)
    a = Scenario.load("eaeu_customs_union").run(plain, draws=0)
    b = Scenario.load("eaeu_customs_union").run(with_sectors, draws=0)
    pd.testing.assert_frame_equal(a.countries, b.countries)
    assert b.sectors is None and "real_gdp_pct" in b.countries


def test_cli_run_on_a_world_folder_with_sectors(world, tmp_path):
    from jahan.cli import app

    folder = world.write(tmp_path / "world")
    scenario = tmp_path / "eaeu_tariffs.toml"
    scenario.write_text(
        _toml(CUT.replace("rate = 0.0", "rate = 0.0\nse = 0.01"), draws=4), encoding="utf-8"
    )
    out = tmp_path / "out"
    res = CliRunner().invoke(
        app, ["run", str(scenario), "--world", str(folder), "--lang", "ru", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    html = (out / "report_ru.html").read_text(encoding="utf-8")
    assert 'id="sectors-section"' in html and "Отрасли" in html and "S01" in html
    sectors = pd.read_csv(out / "sectors.csv")
    assert {"country", "sector", "output_pct", "output_pct_p05"} <= set(sectors.columns)
    assert len(sectors) == len(CODES) * 4


# -- Caliendo and Parro (2015): NAFTA's tariff cuts written as a scenario file --------------


@pytest.fixture(scope="module")
def cp_world(validation_file):
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "cp2015_inputs", Path(__file__).with_name("test_ge_multisector_cp2015.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    REGIONS, load_cp2015 = module.REGIONS, module.load_cp2015  # noqa: N806
    cp = load_cp2015(validation_file)
    data = SectorData.from_frames(
        cp["flows"],
        cp["tariffs"],
        cp["gross_output"],
        cp["value_added_share"],
        cp["io_shares"],
        cp["trade_elasticity"],
    )
    groups = pd.DataFrame({"group": "NAFTA", "iso3": ["CAN", "MEX", "USA"], "entry_year": 1994})
    world = World.from_frames(
        pd.DataFrame({"iso3": REGIONS}), groups=groups, baseline_year=1993, sectors=data
    )
    return world, cp


def test_nafta_scenario_reproduces_caliendo_parro(cp_world):
    world, cp = cp_world
    shocks = []
    for row in cp["nafta"].itertuples(index=False):
        shocks.append(
            f'[[shocks]]\ntype = "tariff"\nexporters = "{row.exporter}"\n'
            f'importers = "{row.importer}"\nsymmetric = false\nsectors = ["{row.sector}"]\n'
            f"rate = {row.rate!r}\n"
        )
    text = (
        '[scenario]\nname = "NAFTA"\nfocus = ["MEX", "CAN", "USA"]\nyear = 1994\n'
        '[model]\nimbalances = "balanced"\n' + "".join(shocks)
    )
    with pytest.warns(DataWarning, match="negative"):
        result = Scenario.from_toml(text, "nafta.toml").run(world, draws=0)
        model = MultiSectorGEModel(**world.sectors.inputs(), imbalances="balanced")
    direct = model.simulate(tariffs=cp["nafta"])
    np.testing.assert_allclose(
        result.countries["welfare_pct"],
        direct.countries.loc[result.countries.index, "welfare_pct"],
        rtol=0,
        atol=1e-12,
    )
    published = {"MEX": (1.31, -0.41, 1.72), "CAN": (-0.06, -0.11, 0.04), "USA": (0.08, 0.04, 0.04)}
    for code, (welfare, tot, vot) in published.items():
        row = result.countries.loc[code]
        first_order = row["terms_of_trade_pct"] + row["volume_of_trade_pct"]  # CP's welfare
        assert round(first_order, 2) == pytest.approx(welfare, abs=1e-12)
        assert round(row["terms_of_trade_pct"], 2) == pytest.approx(tot, abs=1e-12)
        assert round(row["volume_of_trade_pct"], 2) == pytest.approx(vot, abs=1e-12)


def test_other_shocks_become_cost_changes_in_every_sector(world):
    """An agreement multiplies (d^-theta) by exp(effect) among members in all sectors."""
    text = _toml('[[shocks]]\ntype = "agreement"\nmembers = "EAEU"\neffect = 0.3\n')
    result = Scenario.from_toml(text).run(world)  # no tariff shock: the world has no flows
    model = MultiSectorGEModel(**world.sectors.inputs(), imbalances="balanced")
    cost = np.ones_like(model.baseline.tariff)
    idx = [model.countries.index(c) for c in EAEU]
    for i in idx:
        for e in idx:
            if i != e:
                cost[:, i, e] = np.exp(0.3)
    direct = model.simulate_arrays(model.baseline.tariff, cost)
    np.testing.assert_allclose(
        result.countries["welfare_pct"],
        direct.countries.loc[CODES, "welfare_pct"],
        rtol=0,
        atol=1e-12,
    )
    assert result.settings["model"] == "multi-sector"


def test_draws_do_not_depend_on_the_number_of_workers(world):
    text = _toml('[[shocks]]\ntype = "tariff"\nmembers = "EAEU"\nchange = 2.0\nse = 1.0\n', draws=4)
    one = Scenario.from_toml(text).run(world, workers=1)
    two = Scenario.from_toml(text).run(world, workers=2)
    np.testing.assert_array_equal(one.draw_outputs().to_numpy(), two.draw_outputs().to_numpy())
    pd.testing.assert_frame_equal(one.sectors, two.sectors)
