"""PPML against published results (Stata ppmlhdfe / ppml, Yotov et al. 2016, BYZ 2019).

Data: ../shared/data/validation (see its README.md), read through the ``validation_file`` fixture.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import jahan as jh
from jahan.estimate import cost_change, trade_costs

pytestmark = pytest.mark.validation

GEGRAVITY_FML = (
    "trade ~ lndist + contiguity + common_language + pta + international | exporter + importer"
)


@pytest.fixture(scope="module")
def gegravity(validation_file):
    return pd.read_csv(validation_file("gegravity/sample_data_set.dlm"))


def test_gegravity_sample_coefficients_match_stata_ppmlhdfe(gegravity):
    est = jh.fepois(GEGRAVITY_FML, gegravity, vcov="stata_robust")
    published = {
        "lndist": -0.3898623,
        "contiguity": 0.891577,
        "common_language": 0.0326249,
        "pta": 0.4711383,
        "international": -3.412584,
    }
    for name, value in published.items():
        assert est.coef[name] == pytest.approx(value, abs=1e-6), name
    assert est.nobs == 900 and est.dropped.total == 0 and est.converged
    # Stata prints 0.0729915; at the default tol the sandwich uses the IRLS weights of the
    # last pass and agrees to 2e-7
    assert est.se["lndist"] == pytest.approx(0.0729915, abs=2e-7)


def test_gegravity_robust_se_matches_stata_to_all_printed_digits(gegravity):
    # converged further (tol=1e-12), the sandwich reaches Stata's value in every printed digit
    est = jh.fepois(GEGRAVITY_FML, gegravity, vcov="stata_robust", tol=1e-12, fixef_tol=1e-10)
    assert est.se["lndist"] == pytest.approx(0.0729915, abs=5e-8)
    hetero = jh.fepois(GEGRAVITY_FML, gegravity, vcov="hetero", tol=1e-10, fixef_tol=1e-10)
    assert abs(hetero.se["lndist"] - 0.0729915) > 1e-3  # the default option is not Stata's


def _yotov_table1(path) -> pd.DataFrame:
    data = pd.read_stata(path)
    data = data[data["year"].isin([1986, 1990, 1994, 1998, 2002, 2006])]
    data = data[data["exporter"] != data["importer"]].copy()
    data["ln_DIST"] = np.log(data["DIST"])
    year = data["year"].astype(int).astype(str)
    data["exp_year"] = data["exporter"] + year
    data["imp_year"] = data["importer"] + year
    return data


def test_yotov_2016_table1_ppml_column(validation_file):
    data = _yotov_table1(validation_file("yotov2016/Chapter1Application1.dta"))
    est = jh.fepois(
        "trade ~ ln_DIST + CNTG + LANG + CLNY | exp_year + imp_year",
        data,
        vcov={"CRV1": "pair_id"},
    )
    assert round(est.coef["ln_DIST"], 3) == -0.841
    assert round(est.coef["CNTG"], 3) == 0.437
    assert round(est.coef["LANG"], 3) == 0.247
    assert round(est.coef["CLNY"], 3) == -0.222
    assert est.clusters == ("pair_id",) and est.converged


def test_trade_without_borders_ppml_and_fitted_costs(validation_file):
    # Yotov et al. (2016) ch. 2 application 1: 2006 cross-section with domestic flows,
    # exporter and importer fixed effects (Stata: ppml with EXPORTER_FE*, IMPORTER_FE*)
    data = pd.read_stata(validation_file("yotov2016/1_TradeWithoutBorder.dta"))
    est = jh.fepois("trade ~ ln_DIST + CNTG + INTL_BRDR | exporter + importer", data)
    assert est.coef["ln_DIST"] == pytest.approx(-0.7912879, abs=1e-6)
    assert est.coef["CNTG"] == pytest.approx(0.6736456, abs=1e-6)
    assert est.coef["INTL_BRDR"] == pytest.approx(-2.4744505, abs=1e-6)
    # fitted t_ij^(1-sigma) for every pair, zero-trade pairs included
    pairs = data.set_index(["exporter", "importer"])
    costs = trade_costs(est, pairs)
    assert len(costs) == 69 * 69 and (costs > 0).all()
    zero = pairs.index[pairs["trade"].to_numpy() == 0]
    assert len(zero) > 0 and costs.loc[zero].notna().all()
    # removing international borders: counterfactual over baseline costs = exp(-b * INTL_BRDR)
    shock = cost_change(est, pd.DataFrame({"INTL_BRDR": -pairs["INTL_BRDR"]}))
    ratio = trade_costs(est, pairs.assign(INTL_BRDR=0.0)) / costs
    assert np.allclose(shock.to_numpy(), ratio.to_numpy(), rtol=1e-12)


def _byz(path) -> pd.DataFrame:
    data = pd.read_csv(path)
    year = data["year"].astype(int).astype(str)
    data["exp_year"] = data["exporter"] + year
    data["imp_year"] = data["importer"] + year
    data["pair"] = data["exporter"] + "_" + data["importer"]
    return data


@pytest.fixture(scope="module")
def byz_estimate(validation_file):
    data = _byz(validation_file("byz2019_eu/TradeData0014.csv"))
    international = data[data["exporter"] != data["importer"]]
    # Zylkin's ge_gravity example: ppmlhdfe trade eu_enlargement other_fta if exporter !=
    # importer, a(expcode#year impcode#year expcode#impcode) cluster(expcode#impcode)
    est = jh.fepois(
        "trade ~ eu_enlargement + other_fta | exp_year + imp_year + pair",
        international,
        vcov={"CRV1": "pair"},
    )
    return data, est


def test_byz_2019_three_way_ppml(byz_estimate):
    _, est = byz_estimate
    assert est.coef["eu_enlargement"] == pytest.approx(0.224249005, abs=1e-6)
    assert est.fixed_effects == ("exp_year", "imp_year", "pair")


def test_byz_2019_estimate_to_ge_reproduces_stata_welfare(byz_estimate, validation_file):
    from jahan.ge.model import GEModel

    data, est = byz_estimate
    wide = data.pivot_table(index=["exporter", "importer"], columns="year", values="eu_enlargement")
    new_eu_pair = (wide[wide.columns.max()] - wide[wide.columns.min()]).rename("eu_enlargement")
    base = data[data["year"] == 2000]
    shock = cost_change(
        est, new_eu_pair.to_frame(), pairs=base.set_index(["exporter", "importer"]).index
    )
    flows = base[["exporter", "importer", "trade"]].rename(columns={"trade": "value"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = GEModel(flows, trade_elasticity=4.0).simulate(shock)
    stata = pd.read_csv(validation_file("byz2019_eu/TradeData0014_Results.csv"))
    stata = stata[stata["year"] == 2000]
    # the shock is the one Stata used (eu_effect = b * new_eu_pair, in logs)
    eu_effect = stata.set_index(["exporter", "importer"])["eu_effect"]
    assert np.log(shock.loc[eu_effect.index]).to_numpy() == pytest.approx(
        eu_effect.to_numpy(), abs=1e-6
    )
    # w_eu is the exporter's welfare ratio (stored as float32)
    w_eu = stata.groupby("exporter")["w_eu"].first()
    ours = result.countries["welfare_pct"].loc[w_eu.index]
    assert ours.to_numpy() == pytest.approx(100.0 * (w_eu.to_numpy() - 1.0), abs=5e-5)
    assert ours.loc["MLT"] == pytest.approx(1.5349, abs=1e-4)
    assert ours.loc["HUN"] == pytest.approx(1.4043, abs=1e-4)


def test_yotov_2016_rta_effect_with_pair_fixed_effects(validation_file):
    """Ch. 2, application 2 (RTAsEffects.log): RTA 0.5571853, the scenario library's default.

    The book's pair identifier is symmetric (one effect for i->j and j->i) and all intra-national
    observations share one pair effect; Stata's ppml drops 84 observations of never-trading pairs.
    """
    from jahan.scenario.defaults import AGREEMENT_DEFAULTS, RTA_EFFECT_YOTOV_2016

    data = pd.read_stata(validation_file("yotov2016/Chapter2Application2.dta"))
    data = data[data["year"].isin(range(1986, 2007, 4))].copy()
    data["pair"] = np.where(data["exporter"] == data["importer"], -1, data["pair_id"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jh.DataWarning)
        est = jh.fepois("trade ~ RTA | exporter^year + importer^year + pair", data, tol=1e-10)
    assert est.coef["RTA"] == pytest.approx(0.5571853, abs=1e-6)
    assert est.nobs == 28482 and est.dropped.separated == 84
    assert AGREEMENT_DEFAULTS["customs_union"].effect == RTA_EFFECT_YOTOV_2016
    assert RTA_EFFECT_YOTOV_2016 == pytest.approx(est.coef["RTA"], abs=1e-6)
