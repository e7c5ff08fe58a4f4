"""PPML estimation: convergence, separation, covariance options, identity with a dummy GLM."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import jahan as jh
from jahan.errors import ConvergenceError, ConvergenceWarning, DataError
from jahan.estimate import cost_change, dummy_change, trade_costs
from jahan.estimate.separation import fe_separated, ir_separated


def _panel(seed: int = 0, n: int = 12) -> pd.DataFrame:
    """A small exporter x importer cross-section with known coefficients, no zeros."""
    rng = np.random.default_rng(seed)
    codes = [f"C{k:02d}" for k in range(n)]
    rows = []
    size = rng.normal(0, 1, n)
    for a, ea in zip(codes, size, strict=True):
        for b, eb in zip(codes, size, strict=True):
            ln_dist = 0.0 if a == b else rng.uniform(5, 9)
            border = float(a != b)
            pta = float(a != b and rng.random() < 0.3)
            mu = np.exp(4 + ea + eb - 0.8 * ln_dist + 0.4 * pta - 1.0 * border)
            rows.append((a, b, ln_dist, border, pta, rng.gamma(2.0, mu / 2.0)))
    return pd.DataFrame(rows, columns=["exporter", "importer", "ln_dist", "border", "pta", "trade"])


FML = "trade ~ ln_dist + pta + border | exporter + importer"


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return _panel()


@pytest.fixture(scope="module")
def est(panel):
    return jh.fepois(FML, panel)


def test_identity_with_poisson_glm_and_explicit_dummies(panel, est):
    import statsmodels.api as sm

    dummies = pd.get_dummies(panel[["exporter", "importer"]], drop_first=False, dtype=float)
    dummies = dummies.drop(columns=["importer_C00"])  # one level absorbed by the exporter set
    design = pd.concat([panel[["ln_dist", "pta", "border"]], dummies], axis=1)
    glm = sm.GLM(panel["trade"], design, family=sm.families.Poisson()).fit(tol=1e-13)
    for name in ["ln_dist", "pta", "border"]:
        assert est.coef[name] == pytest.approx(glm.params[name], abs=1e-6)
    # the robust sandwich without small-sample factor equals statsmodels' HC0
    hc0 = sm.GLM(panel["trade"], design, family=sm.families.Poisson()).fit(
        tol=1e-13, cov_type="HC0"
    )
    stata = jh.fepois(FML, panel, vcov="stata_robust", tol=1e-12, fixef_tol=1e-12)
    n = len(panel)
    for name in ["ln_dist", "pta", "border"]:
        assert stata.se[name] == pytest.approx(hc0.bse[name] * np.sqrt(n / (n - 1)), rel=1e-5)
    assert stata.fitted.to_numpy() == pytest.approx(glm.fittedvalues.to_numpy(), rel=1e-6)


def test_estimate_is_read_only_and_tables(est):
    with pytest.raises(AttributeError):
        est.nobs = 3  # type: ignore[misc]
    coef = est.coef
    coef.iloc[0] = 99.0
    assert est.coef.iloc[0] != 99.0
    assert est.converged and est.iterations >= 2 and est.deviance_change < est.tol
    tidy = est.tidy()
    assert list(tidy.columns) == ["estimate", "std_error", "z", "p_value", "conf_low", "conf_high"]
    assert (tidy["conf_low"] < tidy["estimate"]).all() and (
        tidy["estimate"] < tidy["conf_high"]
    ).all()
    text = est.summary()
    assert "ln_dist" in text and "Observations" in text and "Dropped: separated" in text
    assert "Наблюдения" in est.summary(lang="ru")
    assert "Бақылаулар" in est.summary(lang="kk")
    d = est.to_dict()
    assert d["nobs"] == est.nobs and set(d["coefficients"]) == set(est.names)


def test_covariance_submatrix_and_draws(est):
    sub = est.covariance(["pta", "ln_dist"])
    assert sub.shape == (2, 2) and sub.loc["pta", "pta"] == pytest.approx(est.se["pta"] ** 2)
    draws = est.draw(4000, ["pta"], seed=1)
    assert draws["pta"].mean() == pytest.approx(est.coef["pta"], abs=4 * est.se["pta"] / 60)
    assert draws["pta"].std() == pytest.approx(est.se["pta"], rel=0.06)
    again = est.draw(5, seed=3)
    assert again.equals(est.draw(5, seed=3))
    with pytest.raises(DataError, match="Did you mean 'pta'"):
        est.covariance("ptaa")


def test_nonconvergence_raises_with_deviance_change_and_advice(panel):
    with pytest.raises(ConvergenceError, match="deviance change") as info:
        jh.fepois(FML, panel, max_iter=1)
    assert "max_iter" in str(info.value)
    assert info.value.record.iterations == 1 and not info.value.record.converged


def test_nonconvergence_can_warn(panel):
    with pytest.warns(ConvergenceWarning):
        est = jh.fepois(FML, panel, max_iter=2, on_nonconvergence="warn")
    assert not est.converged and est.iterations == 2 and est.deviance_change > est.tol


def test_convergence_on_the_last_allowed_iteration_counts(panel, est):
    # pyfixest flags a fit that meets tol on its last pass as not converged; jahan does not
    exact = jh.fepois(FML, panel, max_iter=est.iterations)
    assert exact.converged and exact.iterations == est.iterations
    with pytest.raises(ConvergenceError):
        jh.fepois(FML, panel, max_iter=est.iterations - 1)


def test_vcov_options(panel):
    hetero = jh.fepois(FML, panel, vcov="hetero")
    stata = jh.fepois(FML, panel, vcov="stata_robust")
    # N/(N-1) versus N/(N-K) on the same sandwich, K = 3 slopes + 12 + 12 - 1 fixed effects
    n, k = hetero.nobs, 3 + 12 + 11
    ratio = (stata.se / hetero.se) ** 2
    assert ratio.to_numpy() == pytest.approx((n / (n - 1)) / (n / (n - k)), rel=1e-9)
    one = jh.fepois(FML, panel, vcov={"CRV1": "exporter"})
    two = jh.fepois(FML, panel, vcov="cluster:exporter+importer")
    assert one.clusters == ("exporter",) and two.clusters == ("exporter", "importer")
    assert not np.allclose(one.se, two.se)
    assert one.coef.to_numpy() == pytest.approx(two.coef.to_numpy())
    with pytest.raises(DataError, match="Did you mean 'exporter'"):
        jh.fepois(FML, panel, vcov="cluster:exportr")
    with pytest.raises(DataError, match="stata_robust"):
        jh.fepois(FML, panel, vcov="stata_robus")


def test_bad_inputs_name_the_culprit(panel):
    with pytest.raises(DataError, match="Did you mean 'ln_dist'"):
        jh.fepois("trade ~ ln_dst | exporter + importer", panel)
    bad = panel.copy()
    bad.loc[5, "trade"] = -1.0
    with pytest.raises(DataError, match="negative 'trade'.*rows 5"):
        jh.fepois(FML, bad)
    with pytest.raises(DataError, match="separation check"):
        jh.fepois(FML, panel, separation=["xx"])


# --- separation, on hand-built data in the style of ppmlhdfe's separation examples ---------


def _fe_combination_separation(seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Zeros reached only by the combination 1[i = 1] - 1[j = 1] of two fixed effects."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in (1, 2, 3, 4):
        for j in (1, 2, 3, 4):
            if j == 1 and i != 1:
                continue
            for t in range(3):
                x = rng.normal()
                y = 0.0 if (i == 1 and j != 1) else float(rng.poisson(np.exp(1 + 0.5 * x)) + 1)
                rows.append((i, j, t, x, y))
    frame = pd.DataFrame(rows, columns=["i", "j", "t", "x", "y"])
    return frame, ((frame.i == 1) & (frame.j != 1)).to_numpy()


def test_separation_by_fixed_effect_combination_found_by_ir_only():
    data, expected = _fe_combination_separation()
    y, fe = data.y.to_numpy(), data[["i", "j"]].to_numpy()
    assert not fe_separated(y, fe).any()  # no single group is all zeros
    assert (ir_separated(y, data[["x"]].to_numpy(), fe) == expected).all()
    est = jh.fepois("y ~ x | i + j", data)
    assert est.dropped["separated"] == int(expected.sum()) == 9
    clean = jh.fepois("y ~ x | i + j", data[~expected], separation=None)
    assert est.coef["x"] == pytest.approx(clean.coef["x"], abs=1e-8)
    assert "Dropped: separated" in est.summary() and " 9" in est.summary()
    # without the rectifier the fixed effects diverge and the fit fails loudly
    with pytest.raises(ConvergenceError):
        jh.fepois("y ~ x | i + j", data, separation=["fe"])


def test_separation_by_a_regressor():
    rng = np.random.default_rng(4)
    rows = []
    for g in range(6):
        for t in range(5):
            x = rng.normal()
            s = 1.0 if t == 0 else 0.0
            y = 0.0 if t in (0, 1) else float(rng.poisson(np.exp(1 + 0.5 * x)))
            rows.append((g, t, x, s, y))
    data = pd.DataFrame(rows, columns=["g", "t", "x", "s", "y"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = jh.fepois("y ~ x + s | g", data)
        naive = jh.fepois("y ~ x + s | g", data, separation=["fe"])
    assert est.dropped.separated == 6  # the rows with s = 1 and y = 0
    assert "s" not in est.names  # no variation left once they are dropped
    assert naive.coef["s"] < -10  # the divergent estimate the check prevents


def test_separation_by_an_all_zero_group():
    data = _panel(2, n=8)
    data.loc[data.exporter == "C03", "trade"] = 0.0
    with pytest.warns(jh.DataWarning, match="separated"):
        est = jh.fepois(FML, data)
    assert est.dropped.separated == 8
    assert est.nobs == len(data) - 8


def test_no_false_separation_on_ordinary_zeros():
    rng = np.random.default_rng(7)
    n = 15
    rows = []
    for a in range(n):
        for b in range(n):
            x = rng.normal()
            rows.append((a, b, x, float(rng.poisson(np.exp(-0.3 + 0.5 * x)))))
    data = pd.DataFrame(rows, columns=["a", "b", "x", "y"])
    assert (data.y == 0).mean() > 0.3
    y, fe = data.y.to_numpy(), data[["a", "b"]].to_numpy()
    assert not ir_separated(y, data[["x"]].to_numpy(), fe).any()


# --- bridge to GE --------------------------------------------------------------------------


def test_cost_change_switches_an_agreement_on(panel, est):
    pairs = panel.set_index(["exporter", "importer"])
    members = ["C01", "C02", "C03"]
    delta = dummy_change(pairs, "pta", members)
    shock = cost_change(est, delta)
    inside = [(a, b) for a in members for b in members if a != b]
    for pair in inside:
        expected = np.exp(est.coef["pta"] * (1 - pairs.loc[pair, "pta"]))
        assert shock.loc[pair] == pytest.approx(expected)
    outside = shock.drop(inside)
    assert (outside == 1.0).all()
    assert shock.index.names == ["exporter", "importer"]
    # a subset of pairs, reindexed on the full set
    some = cost_change(est, {"pta": delta["pta"].loc[inside]}, pairs=pairs.index)
    assert some.equals(shock)
    with pytest.raises(DataError, match="'KAZ' is not a country in pairs"):
        dummy_change(pairs, "pta", ["C01", "KAZ"])
    with pytest.raises(DataError, match="not a coefficient"):
        cost_change(est, {"ptaa": delta["pta"]})


def test_trade_costs_cover_pairs_without_trade(panel, est):
    pairs = panel.set_index(["exporter", "importer"]).copy()
    pairs.loc[("C01", "C02"), "trade"] = 0.0
    pairs.loc[("C03", "C04"), "trade"] = np.nan
    costs = trade_costs(est, pairs)
    assert costs.notna().all() and (costs > 0).all() and len(costs) == len(pairs)
    expected = np.exp(pairs[list(est.names)].to_numpy() @ est.coef.to_numpy())
    assert costs.to_numpy() == pytest.approx(expected)
    # removing borders: the ratio of counterfactual to baseline costs is the cost change
    no_border = pairs.assign(border=0.0)
    ratio = trade_costs(est, no_border) / costs
    shock = cost_change(est, pd.DataFrame({"border": -pairs["border"]}))
    assert ratio.to_numpy() == pytest.approx(shock.to_numpy())


def test_separation_without_fixed_effects():
    rng = np.random.default_rng(11)
    x = rng.normal(size=60)
    s = np.zeros(60)
    s[:5] = 1.0
    y = rng.poisson(np.exp(1 + 0.4 * x)).astype(float)
    y[:5] = 0.0
    data = pd.DataFrame({"y": y, "x": x, "s": s})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = jh.fepois("y ~ x + s", data)
    assert est.dropped.separated == 5 and est.fixed_effects == ()
    assert "s" not in est.names


def test_lazy_public_names():
    assert jh.GravityEstimate is jh.estimate.GravityEstimate
    assert callable(jh.fepois)


def test_singletons_and_missing_are_counted_and_fitted_keeps_labels(panel):
    data = panel.copy()
    data.index = [f"row{k}" for k in range(len(data))]
    extra = pd.DataFrame(
        {
            "exporter": ["ZZZ"],
            "importer": ["C01"],
            "ln_dist": [7.0],
            "border": [1.0],
            "pta": [0.0],
            "trade": [5.0],
        },
        index=["lonely"],
    )
    data = pd.concat([data, extra])
    data.loc["row3", "ln_dist"] = np.nan
    data.loc["row4", "ln_dist"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = jh.fepois(FML, data)
    assert est.dropped.singletons == 1 and est.dropped.missing == 2
    assert est.nobs == len(data) - 3
    fitted = est.fitted
    assert "lonely" not in fitted.index and "row3" not in fitted.index
    assert fitted.index.isin(data.index).all() and len(fitted) == est.nobs
    # the fitted mean tracks the flow of its own row
    assert np.corrcoef(np.log(fitted), np.log(data.loc[fitted.index, "trade"]))[0, 1] > 0.8


def test_singletons_left_by_separation_are_dropped_too():
    rng = np.random.default_rng(3)
    rows = []
    for i in range(1, 6):
        for j in range(1, 6):
            x = rng.normal()
            y = float(rng.poisson(np.exp(1.5 + 0.3 * x)) + 1)
            rows.append((i, j, x, y))
    # exporter 9 trades nothing; importer 7 appears once with it and once with exporter 2
    rows += [(9, j, rng.normal(), 0.0) for j in (1, 2, 3, 7)]
    rows += [(2, 7, rng.normal(), 4.0)]
    data = pd.DataFrame(rows, columns=["i", "j", "x", "y"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = jh.fepois("y ~ x | i + j", data)
    assert est.dropped.separated == 4 and est.dropped.singletons == 1
    assert est.nobs == len(data) - 5


def _three_way_panel(seed: int = 5):
    """Exact three-way gravity means; pairs listed in ``never`` never trade."""
    rng = np.random.default_rng(seed)
    codes = [f"K{k}" for k in range(9)]
    years = [2000, 2004, 2008, 2012]
    geo = {}
    for a in codes:
        for b in codes:
            if a != b:
                geo[(a, b)] = (rng.uniform(6, 9), float(rng.random() < 0.25))
    never = {("K1", "K2"), ("K3", "K7"), ("K8", "K0")}
    ey = {(c, t): rng.normal() for c in codes for t in years}
    iy = {(c, t): rng.normal() for c in codes for t in years}
    rows = []
    for (a, b), (ln_dist, cntg) in geo.items():
        start = rng.choice(years + [9999])
        for t in years:
            rta = float(t >= start)
            gamma = -0.8 * ln_dist + 0.5 * cntg
            mu = np.exp(8 + ey[(a, t)] + iy[(b, t)] + gamma + 0.3 * rta)
            rows.append((a, b, t, ln_dist, cntg, rta, 0.0 if (a, b) in never else mu))
    data = pd.DataFrame(
        rows, columns=["exporter", "importer", "year", "ln_dist", "cntg", "rta", "trade"]
    )
    return data, never


def test_pair_effects_are_recovered_and_missing_pairs_filled_from_gravity():
    data, never = _three_way_panel()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = jh.fepois(
            "trade ~ rta | exporter^year + importer^year + exporter^importer",
            data,
            fixef=True,
            tol=1e-12,
            fixef_tol=1e-12,
        )
    assert est.coef["rta"] == pytest.approx(0.3, abs=1e-6)
    assert est.dropped.separated == 4 * len(never)
    # effects reproduce the fitted means exactly
    fx = est.fixef
    rows = data.loc[est.fitted.index]
    eta = (
        fx["exporter^year"].reindex(pd.MultiIndex.from_frame(rows[["exporter", "year"]])).to_numpy()
        + fx["importer^year"]
        .reindex(pd.MultiIndex.from_frame(rows[["importer", "year"]]))
        .to_numpy()
        + fx["exporter^importer"]
        .reindex(pd.MultiIndex.from_frame(rows[["exporter", "importer"]]))
        .to_numpy()
        + est.coef["rta"] * rows["rta"].to_numpy()
    )
    assert np.exp(eta) == pytest.approx(est.fitted.to_numpy(), rel=1e-8)

    pairs = data[data["year"] == 2012].set_index(["exporter", "importer"])
    with pytest.raises(DataError, match="no estimated 'exporter\\^importer' effect"):
        trade_costs(est, pairs, pair_effect="exporter^importer")
    costs = trade_costs(est, pairs, pair_effect="exporter^importer", gravity=["ln_dist", "cntg"])
    assert costs.notna().all() and (costs > 0).all() and len(costs) == len(pairs)
    # log cost = true pair effect + rta effect + (exporter and importer normalisations):
    # the gap to the truth must be additive in exporter and importer, for filled pairs too
    truth = -0.8 * pairs["ln_dist"] + 0.5 * pairs["cntg"] + 0.3 * pairs["rta"]
    gap = np.log(costs) - truth
    design = pd.get_dummies(gap.reset_index()[["exporter", "importer"]], dtype=float)
    coef, *_ = np.linalg.lstsq(design.to_numpy(), gap.to_numpy(), rcond=None)
    assert np.abs(design.to_numpy() @ coef - gap.to_numpy()).max() < 1e-6
    assert all(pair in costs.index for pair in never)
    with pytest.raises(DataError, match="fixef=True"):
        _ = jh.fepois("trade ~ rta | exporter + importer", data[data.trade > 0]).fixef
