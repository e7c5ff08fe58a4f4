"""The one-sector GE model against published results (../shared/data/validation).

- Baier, Yotov and Zylkin (2019) EU enlargement, solved by Zylkin's Stata ``ge_gravity``
  (results file of the R port VKudlay/GEGravity): every country's welfare to 1e-6.
- gegravity 0.3 sample (Canada-Japan PTA): the exact solution for Canada's real GDP.
- Yotov, Piermartini, Monteiro and Larch (2016), chapter 2, "trade without borders".

Coefficients used as inputs are the published PPML estimates quoted in the validation README
(they come from Stata ``ppml``/``ppmlhdfe`` runs of the same data).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jahan.ge import GEModel
from jahan.ge.levels import full_ge_levels, multilateral_resistances

pytestmark = pytest.mark.validation


def _matrix(frame, value, codes):
    index = pd.Index(codes)
    n = len(codes)
    M = np.full((n, n), np.nan)
    M[index.get_indexer(frame["exporter"]), index.get_indexer(frame["importer"])] = frame[value]
    return M


def _series(M, codes):
    return pd.Series(M.ravel(), index=pd.MultiIndex.from_product([codes, codes]))


# ---------------------------------------------------------------- BYZ 2019 / ge_gravity


@pytest.fixture(scope="module")
def byz(validation_file):
    data = pd.read_csv(validation_file("byz2019_eu/TradeData0014_Results.csv"))
    data = data[data["year"] == 2000].copy()
    flows = data[["exporter", "importer"]].assign(value=data["trade"])
    shock = data.set_index(["exporter", "importer"])["eu_effect"].pipe(np.exp)
    return data, flows, shock


@pytest.mark.parametrize(
    ("imbalances", "welfare", "new_flows"),
    [("fixed", "w_eu", "X_eu"), ("multiplicative", "w_mult", "X_mult")],
)
def test_byz2019_eu_enlargement_matches_stata_ge_gravity(byz, imbalances, welfare, new_flows):
    data, flows, shock = byz
    r = GEModel(flows, trade_elasticity=4.0, imbalances=imbalances).simulate(shock)
    assert r.converged
    stata = data[data["exporter"] == data["importer"]].set_index("exporter")[welfare]
    ours = 1 + r.countries["welfare_pct"] / 100
    assert len(ours) == 44
    rel = (ours / stata.reindex(ours.index) - 1).abs()
    assert rel.max() < 1e-6, rel.sort_values().tail()
    # The published headline numbers.
    if imbalances == "fixed":
        expected = {"MLT": 1.5349, "HUN": 1.4043, "SVN": 1.1802, "DEU": 0.0725, "RUS": -0.0202}
        for code, pct in expected.items():
            assert r.countries.loc[code, "welfare_pct"] == pytest.approx(pct, abs=5e-5)
    # Counterfactual flows as well (Stata stores them in single precision).
    stata_x = data.set_index(["exporter", "importer"])[new_flows]
    ours_x = r.flows.set_index(["exporter", "importer"])["counterfactual"]
    assert ((ours_x / stata_x.reindex(ours_x.index)) - 1).abs().max() < 1e-6


def test_byz2019_welfare_depends_on_imbalance_rule(byz):
    _, flows, shock = byz
    fixed = GEModel(flows, 4.0, imbalances="fixed").simulate(shock).countries
    mult = GEModel(flows, 4.0, imbalances="multiplicative").simulate(shock).countries
    assert (fixed["welfare_pct"] - mult["welfare_pct"]).abs().max() > 1e-4
    np.testing.assert_allclose(mult["welfare_pct"], mult["real_gdp_pct"])


# ---------------------------------------------------------------- gegravity sample

# PPML with exporter and importer fixed effects on the gegravity sample (Stata ppmlhdfe),
# as listed in the validation README.
GEGRAVITY_COEF = {
    "lndist": -0.3898623,
    "contiguity": 0.891577,
    "common_language": 0.0326249,
    "pta": 0.4711383,
    "international": -3.412584,
}


@pytest.fixture(scope="module")
def gegravity_sample(validation_file):
    data = pd.read_csv(validation_file("gegravity/sample_data_set.dlm"))
    codes = sorted(data["exporter"].unique())
    cost = np.exp(sum(b * data[k] for k, b in GEGRAVITY_COEF.items()))
    T = _matrix(data.assign(t=cost), "t", codes)
    Y = data.groupby("exporter")["Y"].first().reindex(codes).to_numpy()
    E = data.groupby("importer")["E"].first().reindex(codes).to_numpy()
    return codes, T, Y, E


def test_gegravity_sample_canada_japan_pta_exact_solution(gegravity_sample):
    codes, T, Y, E = gegravity_sample
    deu = codes.index("DEU")
    base = multilateral_resistances(T, Y, E, reference=deu)
    assert base.converged
    shock = pd.Series(
        np.exp(GEGRAVITY_COEF["pta"]),
        index=pd.MultiIndex.from_tuples([("CAN", "JPN"), ("JPN", "CAN")]),
    )
    # gegravity's model: sigma = 5, E_j = phi_j Y_j (multiplicative), baseline = the
    # model-consistent flows implied by the estimated trade costs.
    model = GEModel(_series(base.flows, codes), trade_elasticity=4.0, imbalances="multiplicative")
    r = model.simulate(shock).countries
    assert r.loc["CAN", "real_gdp_pct"] == pytest.approx(0.428, abs=5e-4)
    # gegravity 0.3 reports +0.418%: its resistance equations keep baseline output and
    # expenditure shares, so its answer is off by about 0.01 percentage point.
    assert abs(r.loc["CAN", "real_gdp_pct"] - 0.418) > 0.008
    # Same signs and magnitudes as gegravity for the others (JPN +0.0538, USA -0.0074,
    # MEX -0.0128 in gegravity).
    assert 0.04 < r.loc["JPN", "real_gdp_pct"] < 0.06
    assert -0.009 < r.loc["USA", "real_gdp_pct"] < -0.005
    assert -0.014 < r.loc["MEX", "real_gdp_pct"] < -0.010
    # The levels form, iterated as in Yotov et al. (2016), gives the same equilibrium.
    B = np.ones((len(codes), len(codes)))
    i, j = codes.index("CAN"), codes.index("JPN")
    B[i, j] = B[j, i] = np.exp(GEGRAVITY_COEF["pta"])
    levels = full_ge_levels(T, T * B, Y, E, sigma=5.0, reference=deu)
    np.testing.assert_allclose(
        100 * (levels.real_gdp_change - 1), r["real_gdp_pct"].to_numpy(), atol=1e-8
    )


# ---------------------------------------------------------------- Yotov et al. (2016)

# PPML of 2006 flows on exporter and importer fixed effects (Yotov et al. 2016, ch. 2,
# application 1; Stata log in yotov2016/results/TradeWithoutBorder.log).
YOTOV_COEF = {"ln_DIST": -0.7912879, "CNTG": 0.6736456, "INTL_BRDR": -2.4744505}
SIGMA = 7.0


@pytest.fixture(scope="module")
def yotov(validation_file):
    data = pd.read_stata(
        validation_file("yotov2016/1_TradeWithoutBorder.dta"),
        columns=["exporter", "importer", "trade", "ln_DIST", "CNTG", "INTL_BRDR"],
    )
    # The Stata program renames the reference country (Germany) to ZZZ.
    data = data.replace({"exporter": {"ZZZ": "DEU"}, "importer": {"ZZZ": "DEU"}})
    codes = sorted(data["exporter"].unique())
    cost = np.exp(sum(b * data[k] for k, b in YOTOV_COEF.items()))
    T = _matrix(data.assign(t=cost), "t", codes)
    X = _matrix(data, "trade", codes)
    prod = pd.read_stata(validation_file("yotov2016/results/1_TradeWithoutBorder_FULL_PROD.dta"))
    cons = pd.read_stata(validation_file("yotov2016/results/1_TradeWithoutBorder_FULL_CONS.dta"))
    prod = prod.set_index("country")
    cons = cons.set_index("country")
    # The book's real GDP: Y / P with P = IMR^(1/(1-sigma)) (see the .log).
    power = 1.0 / (1.0 - SIGMA)
    book = 100 * (
        (prod["Y_FULL"] / cons["IMR_FULL"] ** power) / (prod["Y_BLN"] / cons["IMR_BLN"] ** power)
        - 1
    )
    return codes, T, X, book


def test_yotov2016_trade_without_borders_real_gdp(yotov):
    codes, T, X, book = yotov
    assert len(codes) == 69
    deu = codes.index("DEU")
    Y, E = X.sum(axis=1), X.sum(axis=0)
    base = multilateral_resistances(T, Y, E, reference=deu)
    # Model-consistent baseline = PPML fitted values: same output and expenditure as the data.
    np.testing.assert_allclose(base.flows.sum(axis=1), Y, rtol=1e-10)
    np.testing.assert_allclose(base.flows.sum(axis=0), E, rtol=1e-10)
    no_border = np.where(np.eye(len(codes), dtype=bool), 1.0, np.exp(-YOTOV_COEF["INTL_BRDR"]))
    r = GEModel(
        _series(base.flows, codes), trade_elasticity=SIGMA - 1, imbalances="multiplicative"
    ).simulate(no_border)
    ours = r.countries["real_gdp_pct"]
    gap = (ours - book.reindex(ours.index)).abs()
    assert gap.notna().all()
    assert gap.max() < 0.6, gap.sort_values().tail()
    for code, pct in {
        "CAN": 54.363,
        "MEX": 45.913,
        "USA": 10.652,
        "JPN": 12.371,
        "NER": 71.188,
        "DEU": 24.313,
    }.items():
        assert abs(ours[code] - pct) < 0.6
    # No negative factory-gate prices, and the levels form agrees with hat algebra.
    assert (r.countries["factory_price_pct"] > -100).all()
    levels = full_ge_levels(T, T * no_border, Y, E, sigma=SIGMA, reference=deu)
    np.testing.assert_allclose(100 * (levels.real_gdp_change - 1), ours.to_numpy(), atol=1e-7)
