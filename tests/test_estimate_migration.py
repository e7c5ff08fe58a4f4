"""Migration gravity: the estimation frame on small constructed worlds, and PPML on UN DESA data."""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import jahan as jh
from jahan.errors import DataError
from jahan.estimate import migration_panel

ROOT = Path(__file__).resolve().parents[1]


def _pairs(codes: list[str], distance: dict[frozenset, float] | None = None) -> pd.DataFrame:
    rows = []
    for o, d in itertools.product(codes, codes):
        km = 100.0 if o == d else (distance or {}).get(frozenset((o, d)), 1000.0)
        rows.append(
            {
                "exporter": o,
                "importer": d,
                "distance_km": km,
                "contiguity": int(o != d and {o, d} == {"AAA", "BBB"}),
                "common_language": 0,
                "same_former_state": 0,
                "common_currency": 0,
            }
        )
    return pd.DataFrame(rows).set_index(["exporter", "importer"])


GROUPS = pd.DataFrame(
    {
        "group": ["U", "U", "U", "V"],
        "iso3": ["AAA", "BBB", "CCC", "AAA"],
        "entry_year": [2000, 2000, 2010, 1990],
        "exit_year": [pd.NA, 2015, pd.NA, pd.NA],
    }
)


def test_frame_fills_zeros_and_sets_the_group_dummies():
    codes = ["AAA", "BBB", "CCC"]
    migrants = pd.DataFrame(
        {
            "origin": ["AAA", "BBB"],
            "destination": ["BBB", "AAA"],
            "year": [2005, 2019],
            "persons": [50.0, 7.0],
        }
    )
    pairs = _pairs(codes, {frozenset(("AAA", "CCC")): np.e**7})
    panel = migration_panel(migrants, pairs, GROUPS, group="U", start_year=2010)
    # 3 x 2 ordered pairs of distinct countries in each of the 2 years of the data
    assert len(panel) == 12
    assert panel["persons"].sum() == 57.0
    assert (panel["persons"] > 0).sum() == 2
    aaa_ccc = panel[(panel.origin == "AAA") & (panel.destination == "CCC")]
    assert aaa_ccc["ln_dist"].tolist() == pytest.approx([7.0, 7.0])
    assert panel["contiguity"].sum() == 4  # AAA<->BBB, two directions, two years
    both = panel.set_index(["origin", "destination", "year"])
    # AAA and BBB are both members 2000-2014 (BBB leaves in 2015); CCC joins in 2010
    assert both.loc[("AAA", "BBB", 2005), "both_U"] == 1
    assert both.loc[("AAA", "BBB", 2005), "both_U_free_movement"] == 0  # before start_year
    assert both.loc[("AAA", "BBB", 2019), "both_U"] == 0  # BBB left
    assert both.loc[("AAA", "CCC", 2005), "both_U"] == 0  # CCC not yet a member
    assert both.loc[("CCC", "AAA", 2019), "both_U_free_movement"] == 1
    assert panel["both_U_free_movement"].sum() == 2  # AAA<->CCC in 2019
    assert list(panel.columns[:6]) == [
        "origin",
        "destination",
        "year",
        "persons",
        "pair_id",
        "ln_dist",
    ]


def test_frame_leaves_its_inputs_unchanged():
    migrants = pd.DataFrame(
        {"origin": ["AAA"], "destination": ["BBB"], "year": [2019], "persons": [1.0]}
    )
    pairs = _pairs(["AAA", "BBB"])
    before = (migrants.copy(), pairs.copy())
    migration_panel(migrants, pairs, GROUPS, group="U")
    pd.testing.assert_frame_equal(migrants, before[0])
    pd.testing.assert_frame_equal(pairs, before[1])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"origin": ["ZZZ"]}, "ZZZ.*not countries of pairs"),
        ({"destination": ["AAA"]}, "stock of AAA in itself"),
        ({"persons": [-1.0]}, "persons -1.0 for AAA->BBB"),
    ],
)
def test_bad_migrants_name_the_culprit(change, message):
    row = {"origin": ["AAA"], "destination": ["BBB"], "year": [2019], "persons": [1.0]}
    row.update(change)
    with pytest.raises(DataError, match=message):
        migration_panel(pd.DataFrame(row), _pairs(["AAA", "BBB"]), GROUPS, group="U")


def test_bad_pairs_and_groups_name_the_culprit():
    migrants = pd.DataFrame(
        {"origin": ["AAA"], "destination": ["BBB"], "year": [2019], "persons": [1.0]}
    )
    pairs = _pairs(["AAA", "BBB", "CCC"])
    with pytest.raises(DataError, match=r"lacks the pair \('BBB', 'CCC'\)"):
        migration_panel(migrants, pairs.drop(index=("BBB", "CCC")), GROUPS, group="U")
    bad = pairs.copy()
    bad.loc[("CCC", "AAA"), "distance_km"] = 0.0
    with pytest.raises(DataError, match=r"distance_km 0.0 for \(CCC, AAA\)"):
        migration_panel(migrants, bad, GROUPS, group="U")
    with pytest.raises(DataError, match="group 'EAEU' is not in groups_frame; known groups: U, V"):
        migration_panel(migrants, pairs, GROUPS)
    with pytest.raises(DataError, match="repeat"):
        migration_panel(pd.concat([migrants, migrants]), pairs, GROUPS, group="U")


# --- PPML on observed stocks ------------------------------------------------------------------

SUBSET = [
    "ARM",
    "AZE",
    "BLR",
    "CHN",
    "DEU",
    "GEO",
    "KAZ",
    "KGZ",
    "RUS",
    "TJK",
    "TUR",
    "UKR",
    "USA",
    "UZB",
]
EAEU = pd.DataFrame(
    {
        "group": "EAEU",
        "iso3": ["BLR", "KAZ", "RUS", "ARM", "KGZ"],
        # the Customs Union of 2010 became the EAEU; Armenia and Kyrgyzstan joined in 2015
        "entry_year": [2010, 2010, 2010, 2015, 2015],
        "exit_year": pd.NA,
    }
)
FORMULA = (
    "persons ~ ln_dist + contiguity + common_language + same_former_state"
    " + both_EAEU_free_movement | origin^year + destination^year"
)


@pytest.fixture(scope="module")
def subset_panel(sources_file) -> pd.DataFrame:
    path = sources_file(
        "undesa_migrant_stock_2019/UN_MigrantStockByOriginAndDestination_2019_clean.csv"
    )
    spec = importlib.util.spec_from_file_location(
        "world_migrants", ROOT / "tools" / "world_migrants.py"
    )
    wm = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(wm)
    migrants, _ = wm.restrict_migrants(wm.read_migrants(path.parents[1]), SUBSET)
    pairs = jh.World.builtin().pairs
    inside = pairs.index.get_level_values(0).isin(SUBSET) & pairs.index.get_level_values(1).isin(
        SUBSET
    )
    return migration_panel(migrants, pairs[inside], EAEU)


def test_free_movement_dummy_on_observed_data(subset_panel):
    on = subset_panel[subset_panel["both_EAEU_free_movement"] == 1]
    # five members: 20 ordered pairs in each of 2015 and 2019
    assert len(on) == 40 and set(on["year"]) == {2015, 2019}
    cu = subset_panel[(subset_panel["both_EAEU"] == 1) & (subset_panel["year"] == 2010)]
    assert set(cu["origin"]) == {"BLR", "KAZ", "RUS"}


def test_ppml_on_observed_stocks_equals_poisson_glm_with_dummies(subset_panel):
    import statsmodels.api as sm

    est = jh.fepois(FORMULA, subset_panel, vcov="hetero", tol=1e-12)
    assert est.converged
    assert est.dropped.total == 0  # every origin-year and destination-year has a positive stock
    assert est.nobs == len(subset_panel) == len(SUBSET) * (len(SUBSET) - 1) * 7
    # plain reference: Poisson GLM with every origin-year and destination-year dummy spelled out
    fe = pd.get_dummies(
        pd.DataFrame(
            {
                "o": subset_panel["origin"] + subset_panel["year"].astype(str),
                "d": subset_panel["destination"] + subset_panel["year"].astype(str),
            }
        ),
        dtype=float,
    )
    fe = fe.drop(columns=[c for c in fe.columns if c.startswith("d_")][:7])  # one per year
    names = [
        "ln_dist",
        "contiguity",
        "common_language",
        "same_former_state",
        "both_EAEU_free_movement",
    ]
    design = pd.concat([subset_panel[names].astype(float), fe], axis=1)
    scale = subset_panel["persons"].mean()  # Poisson estimates do not depend on the unit
    glm = sm.GLM(subset_panel["persons"] / scale, design, family=sm.families.Poisson()).fit(
        tol=1e-13, maxiter=200
    )
    for name in names:
        assert est.coef[name] == pytest.approx(glm.params[name], abs=1e-6)
    assert est.coef["ln_dist"] < 0  # distance deters migration


def test_documented_example_on_the_builtin_world():
    """docs/migration.md: the frame from World.builtin()'s migrants, pairs and groups."""
    w = jh.World.builtin()
    panel = migration_panel(w.migrants, w.pairs, w.groups, group="EAEU", start_year=2015)
    n = len(w.iso3)
    assert len(panel) == n * (n - 1) * panel["year"].nunique()
    assert panel["persons"].sum() == pytest.approx(w.migrants["persons"].sum())
    on = panel[panel["both_EAEU_free_movement"] == 1]
    members = {"ARM", "BLR", "KAZ", "KGZ", "RUS"}
    assert set(on["origin"]) == members and set(on["year"]) == {2015, 2019} and len(on) == 40
    # the 2010 customs union counts as membership, not as free movement
    cu = panel[(panel["year"] == 2010) & (panel["both_EAEU"] == 1)]
    assert set(cu["origin"]) == {"BLR", "KAZ", "RUS"} and cu["both_EAEU_free_movement"].eq(0).all()
