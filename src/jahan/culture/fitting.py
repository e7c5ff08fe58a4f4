"""Least-squares fit of a language-shift model to a series of shares, with confidence intervals.

Parameters are estimated on an unconstrained scale (log for positive parameters, logit for shares
and for parameters in (0, 1)) by :func:`scipy.optimize.least_squares`; the initial state is
estimated with them. Intervals of the model parameters are profile-likelihood intervals (F-calibrated,
Bates and Watts 1988, or with the threshold calibrated by a parametric bootstrap when
``calibration`` > 0); the initial shares get Wald intervals. A parametric bootstrap (``draws``
series simulated from the fit with Gaussian noise of the residual standard deviation, refitted all at
once by a batched Levenberg-Marquardt started at the estimate) gives the parameter draws that carry
uncertainty into projections.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import f as stats_f

from jahan._compat import _MISSING, renamed
from jahan._i18n import check_lang, fmt_number, tr
from jahan._result import Result
from jahan._text import text_table
from jahan._validate_numbers import check_number
from jahan.culture._problem import Problem
from jahan.culture._search import (
    batched_lm,
    calibrate_profile,
    coordinate_path,
    point_estimate,
    profile_intervals,
    weak_columns,
)
from jahan.culture.data import ShareSeries, validate_shares
from jahan.culture.dynamics import shares_frame
from jahan.culture.models import LanguageModel, get_model
from jahan.errors import ConvergenceError, ConvergenceWarning, DataError, JahanWarning, Message


class IdentificationWarning(JahanWarning):
    """A parameter is not identified by the data (flat profile, singular Jacobian, unbounded interval)."""


@dataclass(frozen=True)
class FitRecord:
    """Diagnostics of the point estimate and of the bootstrap refits."""

    converged: bool
    iterations: int
    max_residual: float  # largest absolute residual (share)
    bootstrap_converged: float  # share of bootstrap refits that converged
    message: str
    # Critical value k_j of each profiled parameter (threshold SSE_min (1 + k_j / (n - q))) and the
    # share of calibration replicates kept; empty / nan when the F quantile was used.
    critical: tuple[tuple[str, float], ...] = ()
    calibration_converged: float = float("nan")


@dataclass(frozen=True, eq=False)
class LanguageFit(Result):
    """Result of :func:`fit_language_model` (a sealed record: see :mod:`jahan._result`).

    Attributes
    ----------
    model
        Model name ("abrams-strogatz" or "minett-wang").
    params
        DataFrame indexed by symbol (a, s, c, mu, eps, tau, x0, y0): meaning, estimate, lower, upper,
        fixed, identified. ``x0``/``y0`` are the fitted initial shares of monolinguals of A and B.
    draws
        Bootstrap estimates (one row per converged draw; columns as the free symbols).
    fitted
        Observed and fitted shares by year, with residuals.
    sigma
        Residual standard deviation (share).
    level
        Confidence level of the intervals.
    record
        :class:`FitRecord` diagnostics.
    """

    model: str
    params: pd.DataFrame
    draws: pd.DataFrame
    fitted: pd.DataFrame
    sigma: float
    level: float
    nobs: int
    record: FitRecord
    series: ShareSeries

    def estimate(self) -> dict[str, float]:
        """Point estimates of all model parameters (fixed ones included), by symbol."""
        return {k: float(v) for k, v in self.params["estimate"].items()}

    def model_class(self) -> type[LanguageModel]:
        """The model class."""
        return get_model(self.model)

    def to_frame(self) -> pd.DataFrame:
        """The parameter table, one row per symbol (``symbol`` a column)."""
        return self._raw("params").reset_index()

    def summary(self, lang: str = "en") -> str:
        """Text table of the estimates and intervals, in ``lang``."""
        lang = check_lang(lang)
        lines = [
            tr(
                "{model} fit: {years} years, residual s.d. {sigma}, {level}% profile-likelihood "
                "intervals",
                lang,
                model=self.model,
                years=self.nobs,
                sigma=fmt_number(self.sigma, lang, 4),
                level=fmt_number(100 * self.level, lang, 0),
            ),
            "",
        ]
        rows = []
        for sym, row in self._raw("params").iterrows():
            if row["fixed"]:
                interval, note = "", tr("fixed", lang)
            else:
                interval = (
                    f"[{fmt_number(row['lower'], lang, 4)}; {fmt_number(row['upper'], lang, 4)}]"
                )
                note = "" if row["identified"] else tr("NOT IDENTIFIED", lang)
            rows.append([str(sym), fmt_number(row["estimate"], lang, 4), interval, note])
        header = [tr("Parameter", lang), tr("Estimate", lang), tr("Interval", lang), ""]
        return "\n".join(lines + text_table(header, rows))


def fit_language_model(
    data: pd.DataFrame | ShareSeries,
    model: str = "abrams-strogatz",
    *,
    fixed: Mapping[str, float] | None = None,
    draws: int = 200,
    seed: int | None = None,
    level: float = 0.95,
    calibration: int = 0,
    source: str | None = None,
    lines: list[int] | None = None,
    max_iter: int = 200,
    on_nonconvergence: str = "raise",
    max_nfev: int = _MISSING,
    allow_nonconvergence: bool = _MISSING,
) -> LanguageFit:
    r"""Fit a language-shift model to shares by least squares, with profile-likelihood intervals.

    The objective is :math:`\sum_t \sum_k (\hat q_{tk}(\theta) - q_{tk})^2`, where the observed
    components are the share speaking A (monolingual_a + bilingual) for Abrams-Strogatz and
    (monolingual_a, monolingual_b) for Minett-Wang.

    Parameters
    ----------
    data
        Table with year, monolingual_a, bilingual, monolingual_b (validated here).
    model
        "abrams-strogatz" (free: a, s, c) or "minett-wang" (free: a, s, c, mu; eps = tau = 0 unless given).
    fixed
        Parameters held at given values, e.g. ``{"a": 1.31}`` (the value Abrams and Strogatz found).
    draws
        Parametric-bootstrap replicates, used for projection bands (0: none).
    seed
        Seed of the bootstrap noise.
    level
        Confidence level of the intervals.
    calibration
        Parametric-bootstrap replicates that calibrate the profile-likelihood threshold of each
        model parameter (e.g. 200; see ``docs/culture.md``); 0 (default) uses the
        :math:`F_{1, n-k}` quantile.
        When fewer than 20 replicates, or fewer than 80% of them, converge, the F quantile is used,
        with a ConvergenceWarning.
    source, lines
        File name and line numbers of the rows, for error messages.
    max_iter
        Most residual evaluations per least-squares start (``max_nfev`` is the deprecated
        spelling).
    on_nonconvergence : {"raise", "warn"}
        If the least-squares fit stops before convergence: "raise" (default) raises
        ConvergenceError with the diagnostic record; "warn" issues a ConvergenceWarning and
        returns the fit with ``record.converged = False``. (``allow_nonconvergence=True`` is the
        deprecated spelling of "warn".)

    Returns
    -------
    LanguageFit

    Warns
    -----
    IdentificationWarning
        When a parameter is not identified: its Jacobian column is (nearly) zero or collinear with
        others, or its profile likelihood stays under the threshold out to the parameter's limit.
    """
    max_iter = renamed("fit_language_model", "max_nfev", "max_iter", max_nfev, max_iter)
    if allow_nonconvergence is not _MISSING:
        on_nonconvergence = renamed(
            "fit_language_model",
            "allow_nonconvergence",
            "on_nonconvergence",
            "warn" if allow_nonconvergence else "raise",
            on_nonconvergence,
        )
    if on_nonconvergence not in ("raise", "warn"):
        raise DataError(
            Message("on_nonconvergence={value!r}: use 'raise' or 'warn'", value=on_nonconvergence)
        )
    cls = get_model(model)
    fixed = dict(fixed or {})
    cls.check_params(fixed)
    free = [p for p in cls.fit_parameters if p not in fixed]
    q = len(free) + len(cls.state_names)
    series = (
        data if isinstance(data, ShareSeries) else validate_shares(data, source=source, lines=lines)
    )
    if len(series) <= q:
        raise DataError(
            Message(
                "{rows} rows in {source}, but the {model} model has {count} free parameters "
                "({free} and the initial shares): give at least {needed} years or fix parameters "
                "(fixed={{'a': 1.31}})",
                source=series.source,
                rows=len(series),
                model=cls.name,
                count=q,
                free=free,
                needed=q + 1,
            )
            if series.source
            else Message(
                "{rows} rows, but the {model} model has {count} free parameters "
                "({free} and the initial shares): give at least {needed} years or fix parameters "
                "(fixed={{'a': 1.31}})",
                rows=len(series),
                model=cls.name,
                count=q,
                free=free,
                needed=q + 1,
            )
        )
    if not 0.0 < level < 1.0:
        raise DataError(Message("level = {level} must lie strictly between 0 and 1", level=level))
    # The bounds every draws/seed count has (files, options, dashboard), before any allocation.
    draws = check_number(draws, "draws", where=source or "fit_language_model")
    if seed is not None:
        seed = check_number(seed, "seed", where=source or "fit_language_model")
    full_fixed = {k: v for k, v in cls.check_params(fixed).items() if k not in free}
    prob = Problem(cls, series, free, full_fixed)
    obs = prob.obs.reshape(-1)
    theta_hat, nfev, ls_ok, message, other_optima = point_estimate(prob, obs, max_iter)
    if not ls_ok:
        text = Message(
            "least squares for the {model} model stopped before convergence after {nfev} "
            "evaluations ({reason}); raise max_iter, fix a parameter (fixed={{'a': 1.31}}) or "
            "check the data; on_nonconvergence='warn' returns the unconverged fit with a warning",
            model=cls.name,
            nfev=nfev,
            reason=message,
        )
        if on_nonconvergence == "raise":
            raise ConvergenceError(text, record=FitRecord(False, nfev, float("nan"), 0.0, message))
        warnings.warn(str(text), ConvergenceWarning, stacklevel=2)
    resid = prob.predict(theta_hat)[0] - obs
    m = obs.size
    dof = max(m - q, 1)
    sigma = float(np.sqrt(np.sum(resid**2) / dof))

    # Identification from the Jacobian at the estimate (columns scaled to unit length).
    _, jac = prob.residuals_and_jacobian(theta_hat[None, :], obs[None, :])
    unidentified = weak_columns(jac[0], prob.names)

    rng = np.random.default_rng(seed)
    boot = np.empty((0, q))
    boot_ok = 1.0
    if draws > 0:
        base = prob.predict(theta_hat)[0]
        ystar = base[None, :] + rng.normal(0.0, max(sigma, 1e-12), size=(draws, m))
        boot, ok = batched_lm(prob, np.repeat(theta_hat[None, :], draws, axis=0), ystar)
        boot_ok = float(np.mean(ok))
        boot = boot[ok]
    nat_hat = {k: float(v[0]) for k, v in prob.to_natural(theta_hat).items()}
    nat_boot = prob.to_natural(boot) if len(boot) else {k: np.array([]) for k in prob.names}
    critical = None
    calib_ok = float("nan")
    if calibration > 0:
        critical, calib_ok = calibrate_profile(prob, theta_hat, sigma, level, int(calibration), rng)
        if critical is None:
            warnings.warn(
                f"only {calib_ok:.0%} of the {calibration} calibration refits of the {cls.name} model "
                "converged; the intervals use the F quantile instead (check the fit, or fix a parameter)",
                ConvergenceWarning,
                stacklevel=2,
            )
    lo_theta, hi_theta, open_side = profile_intervals(
        prob, theta_hat, obs, jac[0], level, critical=critical
    )
    # A second local minimum inside the confidence region (a ridge with two basins): profile from it
    # too and report the hull.
    sse_hat = float(np.sum(resid**2))
    crit_max = stats_f.ppf(level, 1, dof) if critical is None else float(np.max(critical))
    limit = sse_hat * (1.0 + crit_max / dof)
    for theta_other in other_optima:
        if float(np.sum((prob.predict(theta_other)[0] - obs) ** 2)) > limit:
            continue
        _, jac_o = prob.residuals_and_jacobian(theta_other[None, :], obs[None, :])
        lo_o, hi_o, open_o = profile_intervals(
            prob, theta_other, obs, jac_o[0], level, sse_hat, critical=critical
        )
        lo_theta, hi_theta = np.fmin(lo_theta, lo_o), np.fmax(hi_theta, hi_o)
        open_side |= open_o
    unidentified |= {prob.names[j] for j in np.nonzero(open_side.any(axis=1))[0]}
    nat_lo = prob.to_natural(coordinate_path(theta_hat, lo_theta))
    nat_hi = prob.to_natural(coordinate_path(theta_hat, hi_theta))
    rows = []
    for j, name in enumerate(prob.names):
        if name in cls.symbols():
            meaning = cls.info(name).meaning
        else:
            meaning = (
                "initial share monolingual in A"
                if name == "x0"
                else "initial share monolingual in B"
            )
        # Monotone transforms map the profile bounds; the initial shares (x0, y0 share a softmax)
        # are mapped with the other coordinate at its estimate.
        ends = sorted([float(nat_lo[name][j]), float(nat_hi[name][j])])
        lower, upper = ends
        rows.append(
            {
                "symbol": name,
                "meaning": meaning,
                "estimate": nat_hat[name],
                "lower": float(lower),
                "upper": float(upper),
                "fixed": False,
                "identified": name not in unidentified,
            }
        )
    for name, value in full_fixed.items():
        rows.append(
            {
                "symbol": name,
                "meaning": cls.info(name).meaning,
                "estimate": value,
                "lower": np.nan,
                "upper": np.nan,
                "fixed": True,
                "identified": True,
            }
        )
    order = [*cls.symbols(), *prob.init_names]
    params = (
        pd.DataFrame.from_records(rows)
        .set_index("symbol")
        .loc[[s for s in order if s in {r["symbol"] for r in rows}]]
    )
    bad = [s for s in unidentified if s in params.index]
    if bad:
        hint = (
            "; fix a parameter, e.g. fixed={'a': 1.31} as Abrams and Strogatz did, or add data"
            if "a" in bad
            else "; fix a parameter or add data"
        )
        warnings.warn(
            f"parameter(s) {', '.join(sorted(bad))} of the {cls.name} model are not identified by "
            f"these {len(series)} years (a flat profile likelihood that stays under the confidence "
            f"threshold out to the parameter's limit, or a singular Jacobian){hint}",
            IdentificationWarning,
            stacklevel=2,
        )
    fitted = shares_frame(cls, series.years, prob.predict(theta_hat)[0].reshape(len(series), -1))
    if len(cls.state_names) == 1:
        fitted_obs = {"speakers_a": series.frame["monolingual_a"] + series.frame["bilingual"]}
    else:
        fitted_obs = {
            "monolingual_a": series.frame["monolingual_a"],
            "monolingual_b": series.frame["monolingual_b"],
        }
    for col, values in fitted_obs.items():
        fitted[f"observed_{col}"] = values.to_numpy()
        fitted[f"residual_{col}"] = fitted[col] - values.to_numpy()
    record = FitRecord(
        ls_ok,
        nfev,
        float(np.max(np.abs(resid))),
        boot_ok,
        message,
        critical=tuple(zip(free, map(float, critical), strict=True))
        if critical is not None
        else (),
        calibration_converged=calib_ok,
    )
    draws_frame = pd.DataFrame({k: v for k, v in nat_boot.items()})
    return LanguageFit(
        cls.name, params, draws_frame, fitted, sigma, level, len(series), record, series
    )


__all__ = ["FitRecord", "IdentificationWarning", "LanguageFit", "fit_language_model"]
