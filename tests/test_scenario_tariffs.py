"""One-sector tariff scenarios: tariff shocks, customs unions with a common external tariff,
exits, stated baseline tariffs, user tariff tables and the overlap warning."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from test_scenario import CODES, tiny_world

from jahan.errors import ScenarioError, ScenarioWarning
from jahan.ge import GEModel
from jahan.scenario import Scenario

EAEU = ["KAZ", "KGZ", "RUS"]


@pytest.fixture(scope="module")
def world():
    return tiny_world()


def _run(world, body: str, head: str = "", **kw):
    text = (
        '[scenario]\nname = "t"\nfocus = ["KAZ"]\n[model]\ntrade_elasticity = 5.0\n' + head + body
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        return Scenario.from_toml(text, "t.toml").run(world, draws=0, **kw)


TARIFFS = "[tariffs]\nelsewhere = 0.0\n"


def test_tariff_on_the_rest_of_the_world_equals_the_model_solved_directly(world):
    out = _run(
        world,
        '[[shocks]]\ntype = "tariff"\nimporters = "KAZ"\nexporters = "rest"\nrate = 0.1\n',
        TARIFFS,
    )
    model = GEModel(world, 5.0)
    rows = [(e, "KAZ", 0.1) for e in CODES if e != "KAZ"]
    direct = model.simulate(tariffs=pd.DataFrame(rows, columns=["exporter", "importer", "rate"]))
    cols = ["welfare_pct", "terms_of_trade_pct", "volume_of_trade_pct", "tariff_revenue_income_pct"]
    np.testing.assert_allclose(
        out.countries[cols], direct.countries.loc[out.countries.index, cols], rtol=0, atol=1e-12
    )
    assert out.countries.loc["KAZ", "tariff_revenue_income_pct"] > 0


def test_customs_union_with_the_old_tariff_as_common_tariff_is_a_free_trade_area(world):
    union = (
        '[[shocks]]\ntype = "agreement"\nmembers = "EAEU"\nkind = "customs_union"\n'
        "effect = 0.3\nexternal_tariff = 0.08\ninternal_tariff_before = 0.05\n"
        "tariffs_before = { KAZ = 0.08, RUS = 0.08, KGZ = 0.08 }\n"
    )
    fta = (
        '[[shocks]]\ntype = "agreement"\nmembers = "EAEU"\nkind = "fta"\neffect = 0.3\n'
        '[[shocks]]\ntype = "tariff"\nmembers = "EAEU"\nrate = 0.0\n'
    )
    stated = (
        TARIFFS + '[[tariffs.rates]]\nimporters = "EAEU"\nexporters = "rest"\nrate = 0.08\n'
        '[[tariffs.rates]]\nimporters = "EAEU"\nexporters = "EAEU"\nrate = 0.05\n'
    )
    a = _run(world, union, TARIFFS).countries
    b = _run(world, fta, stated).countries
    assert a["welfare_pct"].abs().max() > 0.01
    np.testing.assert_allclose(a["welfare_pct"], b["welfare_pct"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(a["volume_of_trade_pct"], b["volume_of_trade_pct"], atol=1e-10)


def test_raising_one_members_external_tariff_diverts_its_imports_to_the_union(world):
    union = (
        '[[shocks]]\ntype = "agreement"\nmembers = "EAEU"\nkind = "customs_union"\n'
        "effect = 0.0\nexternal_tariff = 0.095\ninternal_tariff_before = 0.0\n"
        "tariffs_before = { KAZ = 0.053, RUS = 0.095, KGZ = 0.095 }\n"
    )
    out = _run(world, union, TARIFFS)
    f = out.flows.set_index(["exporter", "importer"])["change_pct"]
    assert f[("RUS", "KAZ")] > 0 > f[("CHN", "KAZ")]  # trade diversion towards the partner
    assert out.countries.loc["KAZ", "tariff_revenue_income_pct"] > 0


def test_exit_removes_the_agreement_effect_with_the_remaining_members(world):
    out = _run(
        world,
        '[[shocks]]\ntype = "agreement"\nmembers = "EAEU"\nkind = "exit"\n'
        'leaving = ["KAZ"]\neffect = 0.4\n',
    )
    model = GEModel(world, 5.0)
    pairs = [(a, b) for a in EAEU for b in EAEU if a != b and "KAZ" in (a, b)]
    index = pd.MultiIndex.from_tuples(pairs, names=["exporter", "importer"])
    direct = model.simulate(pd.Series(np.exp(-0.4), index=index))
    np.testing.assert_allclose(
        out.countries["welfare_pct"],
        direct.countries.loc[out.countries.index, "welfare_pct"],
        atol=1e-12,
    )
    assert out.countries.loc["KAZ", "welfare_pct"] < 0


def test_exit_with_tariffs_raises_the_leavers_tariffs_to_the_stated_level(world):
    body = (
        '[[shocks]]\ntype = "agreement"\nmembers = "EAEU"\nkind = "exit"\nleaving = ["KAZ"]\n'
        "effect = 0.0\nexternal_tariff = 0.06\nexit_tariff = 0.04\n"
        "internal_tariff_before = 0.0\n"
    )
    out = _run(world, body, TARIFFS)
    f = out.flows.set_index(["exporter", "importer"])["change_pct"]
    assert f[("RUS", "KAZ")] < 0 < f[("CHN", "KAZ")]  # 0 -> 4 % on RUS, 6 -> 4 % on CHN
    assert f[("KAZ", "RUS")] < 0  # Russia now applies the common tariff to Kazakhstan


@pytest.mark.parametrize(
    ("body", "head", "message"),
    [
        (
            'type = "tariff"\nimporters = "KAZ"\nexporters = "rest"\nrate = -0.05\n',
            TARIFFS,
            r"shocks\[1\]\.rate.*greater than or equal to 0",
        ),
        (
            'type = "tariff"\nimporters = "KAZ"\nexporters = "rest"\nrate = nan\n',
            TARIFFS,
            r"shocks\[1\]\.rate.*finite",
        ),
        (
            'type = "agreement"\nmembers = "EAEU"\nkind = "exit"\nleaving = ["CHN"]\n',
            "",
            r"shocks\[1\]\.leaving.*CHN cannot leave: not a member of 'EAEU' in 2019",
        ),
        (
            'type = "agreement"\nmembers = "EAEU"\nexternal_tariff = 0.1\n'
            "internal_tariff_before = 0.0\ntariffs_before = { KAZ = 0.05, RUS = 0.1, KGZ = 0.1, "
            "CHN = 0.1 }\n",
            TARIFFS,
            r"tariffs_before\.CHN.*'CHN' is not a member of this union",
        ),
        (
            'type = "agreement"\nmembers = "EAEU"\nexternal_tariff = 0.1\n'
            "internal_tariff_before = 0.0\ntariffs_before = { KAZ = 0.05 }\n",
            TARIFFS,
            r"no tariff before joining for KGZ, RUS",
        ),
        (
            'type = "tariff"\nimporters = "KAZ"\nexporters = "rest"\nrate = 0.1\n',
            "",
            r"\[tariffs\] elsewhere = 0.0",
        ),
    ],
)
def test_bad_tariff_input_gets_one_clear_error(world, body, head, message):
    with pytest.raises(ScenarioError, match=message):
        _run(world, "[[shocks]]\n" + body, head)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            "importer,exporter,rate\nKAZ,CHN,0.05\nKAZ,XYZ,0.05\n",
            r"row 3: unknown exporter code 'XYZ'",
        ),
        (
            "importer,exporter,rate\nKAZ,CHN,0.05\nKAZ,CHN,0.06\n",
            r"row 3: duplicate of row 2 \(KAZ on CHN\)",
        ),
        ("importer,exporter,rate\nKAZ,CHN,-0.05\n", r"row 2 \(KAZ on CHN\): rate -0.05"),
        ("importer,exporter,rate\nKAZ,CHN,\n", r"row 2 \(KAZ on CHN\): rate nan"),
    ],
)
def test_tariff_tables_are_validated_row_by_row(world, tmp_path, rows, message):
    (tmp_path / "rates.csv").write_text(rows, encoding="utf-8")
    path = tmp_path / "s.toml"
    path.write_text(
        '[scenario]\nname = "t"\n[tariffs]\nelsewhere = 0.0\nfile = "rates.csv"\n'
        '[[shocks]]\ntype = "tariff"\nimporters = "KAZ"\nexporters = "rest"\n'
        "rate = 0.1\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match=message):
        Scenario.load(path).run(world, draws=0)


def test_a_user_tariff_table_sets_the_baseline(world, tmp_path):
    (tmp_path / "rates.csv").write_text("importer,exporter,rate\nKAZ,CHN,0.2\n", encoding="utf-8")
    path = tmp_path / "s.toml"
    path.write_text(
        '[scenario]\nname = "t"\n[tariffs]\nelsewhere = 0.0\nfile = "rates.csv"\n'
        '[[shocks]]\ntype = "tariff"\nimporters = "KAZ"\nexporters = "CHN"\n'
        "symmetric = false\nrate = 0.0\n",
        encoding="utf-8",
    )
    out = Scenario.load(path).run(world, draws=0)
    model = GEModel(
        world, 5.0, tariffs=pd.DataFrame({"exporter": ["CHN"], "importer": ["KAZ"], "rate": [0.2]})
    )
    direct = model.simulate(
        tariffs=pd.DataFrame({"exporter": ["CHN"], "importer": ["KAZ"], "rate": [0.0]})
    )
    np.testing.assert_allclose(
        out.countries["welfare_pct"],
        direct.countries.loc[out.countries.index, "welfare_pct"],
        atol=1e-12,
    )
    assert out.countries.loc["KAZ", "tariff_revenue_income_pct"] < 0


def test_an_agreement_among_members_of_an_existing_one_warns_with_pairs_and_groups(world):
    text = (
        '[scenario]\nname = "t"\n[[shocks]]\ntype = "agreement"\nmembers = ["KAZ", "KGZ", '
        '"CHN"]\nkind = "fta"\neffect = 0.3\n'
    )
    with pytest.warns(
        ScenarioWarning, match=r"already share an agreement in 2019 \(EAEU: KAZ-KGZ\)"
    ):
        result = Scenario.from_toml(text).run(world, draws=0)
    assert "EAEU: KAZ-KGZ" in result.shocks.loc[1, "overlap"]


def test_report_states_tariff_assumptions_and_overlap(world, tmp_path):
    body = (
        '[[shocks]]\ntype = "agreement"\nmembers = "EAEU"\nkind = "customs_union"\n'
        "effect = 0.2\nexternal_tariff = 0.095\ninternal_tariff_before = 0.0\n"
        "tariffs_before = { KAZ = 0.053, RUS = 0.095, KGZ = 0.095 }\n"
    )
    head = TARIFFS.replace("elsewhere = 0.0\n", 'elsewhere = 0.0\nnote_ru = "Допущение: ноль."\n')
    result = _run(world, body, head)
    html = result.report(tmp_path / "r.html", lang="ru").read_text(encoding="utf-8")
    assert "Допущение о базовых тарифах: 0,0" in html and "Допущение: ноль." in html
    assert "единый внешний тариф 9,5" in html and "KAZ 5,3" in html
    assert "эти пары уже связаны соглашением в базовом году (EAEU: KAZ-KGZ" in html
    assert "Таможенные доходы" in html and "Объём торговли" in html
