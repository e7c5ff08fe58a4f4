"""Least-squares fit of a language-shift model to a series of shares, with confidence intervals.

Parameters are estimated on an unconstrained scale (log for positive parameters, logit for shares
and for parameters in (0, 1)) by :func:`scipy.optimize.least_squares`; the initial state is
estimated with them. Intervals of the model parameters are profile-likelihood intervals (F-calibrated,
Bates and Watts 1988); the initial shares get Wald intervals. A parametric bootstrap (``draws``
series simulated from the fit with Gaussian noise of the residual standard deviation, refitted all at
once by a batched Levenberg-Marquardt started at the estimate) gives the parameter draws that carry
uncertainty into projections.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import least_squares
from scipy.stats import f as stats_f
from scipy.stats import norm as stats_norm

from jahan.culture.data import ShareSeries, validate_shares
from jahan.culture.dynamics import batch_params, integrate_batch, shares_frame
from jahan.culture.models import LanguageModel, get_model
from jahan.errors import ConvergenceError, ConvergenceWarning, DataError, JahanWarning

FD_STEP = 1e-6
_LIMITS = {"positive": (np.log(1e-6), np.log(5.0)), "unit": (-15.0, 15.0)}
_A_LIMITS = (np.log(0.05), np.log(20.0))


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


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log(p) - np.log1p(-p)


def _expit(t: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-t))


class _Problem:
    """Maps an unconstrained vector theta to predictions for one model and one data set."""

    def __init__(self, model: type[LanguageModel], series: ShareSeries, free: list[str], fixed: dict[str, float]):
        self.model = model
        self.series = series
        self.free = free
        self.fixed = fixed
        self.years = series.years
        self.t0 = float(self.years[0])
        f = series.frame
        if len(model.state_names) == 1:
            # Abrams-Strogatz has no bilingual group: bilinguals count as speakers of A.
            self.obs = (f["monolingual_a"] + f["bilingual"]).to_numpy()[:, None]
            self.init_names = ["x0"]
        else:
            self.obs = f[["monolingual_a", "monolingual_b"]].to_numpy()
            self.init_names = ["x0", "y0"]
        self.names = free + self.init_names
        self.q = len(self.names)
        lo, hi = [], []
        for name in free:
            kind = model.info(name).kind
            lim = _A_LIMITS if name == "a" else _LIMITS["positive" if kind != "unit" else "unit"]
            lo.append(lim[0])
            hi.append(lim[1])
        lo += [-15.0] * len(self.init_names)
        hi += [15.0] * len(self.init_names)
        self.lo, self.hi = np.array(lo), np.array(hi)

    # --- scales -------------------------------------------------------------------------------
    def to_theta(self, natural: Mapping[str, float]) -> np.ndarray:
        out = []
        for name in self.free:
            kind = self.model.info(name).kind
            out.append(_logit(natural[name]) if kind == "unit" else np.log(natural[name]))
        if len(self.init_names) == 1:
            out.append(_logit(natural["x0"]))
        else:
            x0, y0 = natural["x0"], natural["y0"]
            z0 = max(1.0 - x0 - y0, 1e-6)
            out += [np.log(max(x0, 1e-9) / z0), np.log(max(y0, 1e-9) / z0)]
        return np.clip(np.array(out, dtype=float), self.lo, self.hi)

    def to_natural(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        theta = np.atleast_2d(theta)
        out: dict[str, np.ndarray] = {}
        for j, name in enumerate(self.free):
            kind = self.model.info(name).kind
            out[name] = _expit(theta[:, j]) if kind == "unit" else np.exp(theta[:, j])
        k = len(self.free)
        if len(self.init_names) == 1:
            out["x0"] = _expit(theta[:, k])
        else:
            ex, ey = np.exp(theta[:, k]), np.exp(theta[:, k + 1])
            out["x0"] = ex / (1.0 + ex + ey)
            out["y0"] = ey / (1.0 + ex + ey)
        return out

    def initial(self, nat: Mapping[str, np.ndarray]) -> np.ndarray:
        if len(self.init_names) == 1:
            return nat["x0"][None, :]
        return np.stack([nat["x0"], nat["y0"]])

    # --- predictions --------------------------------------------------------------------------
    def predict(self, theta: np.ndarray) -> np.ndarray:
        """Predictions, shape (batch, n_years * n_observed)."""
        theta = np.clip(np.atleast_2d(theta), self.lo, self.hi)
        batch = theta.shape[0]
        nat = self.to_natural(theta)
        params = batch_params(self.model, {**self.fixed, **{n: nat[n] for n in self.free}}, batch)
        states, _ = integrate_batch(self.model, params, self.initial(nat), self.t0, self.years)
        # states: (n_years, n_states, batch); observed components are the states themselves.
        return np.transpose(states, (2, 0, 1)).reshape(batch, -1)

    def residuals_and_jacobian(self, theta: np.ndarray, obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Residuals (batch, m) and forward-difference Jacobians (batch, m, q) in one integration."""
        theta = np.atleast_2d(theta)
        batch = theta.shape[0]
        stacked = np.repeat(theta[:, None, :], self.q + 1, axis=1)
        for j in range(self.q):
            stacked[:, j + 1, j] += FD_STEP
        pred = self.predict(stacked.reshape(-1, self.q)).reshape(batch, self.q + 1, -1)
        resid = pred[:, 0, :] - obs
        jac = (pred[:, 1:, :] - pred[:, :1, :]).transpose(0, 2, 1) / FD_STEP
        return resid, jac


@dataclass(frozen=True)
class LanguageFit:
    """Result of :func:`fit_language_model` (immutable).

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
        """The parameter table (a copy)."""
        return self.params.copy()

    def to_parquet(self, path: str | Path) -> None:
        """Write the parameter table to Parquet."""
        self.params.reset_index().to_parquet(path)

    def summary(self) -> str:
        """Plain-text table of the estimates and intervals."""
        lines = [
            f"{self.model} fit: {self.nobs} years, residual sd {self.sigma:.4g}, "
            f"{self.level:.0%} profile-likelihood intervals"
        ]
        for sym, row in self.params.iterrows():
            if row["fixed"]:
                lines.append(f"  {sym:>4} = {row['estimate']:.4g} (fixed)")
            else:
                flag = "" if row["identified"] else "  NOT IDENTIFIED"
                lines.append(
                    f"  {sym:>4} = {row['estimate']:.4g}  [{row['lower']:.4g}, {row['upper']:.4g}]{flag}"
                )
        return "\n".join(lines)


def fit_language_model(
    data: pd.DataFrame | ShareSeries,
    model: str = "abrams-strogatz",
    *,
    fixed: Mapping[str, float] | None = None,
    draws: int = 200,
    seed: int | None = None,
    level: float = 0.95,
    source: str | None = None,
    lines: list[int] | None = None,
    max_nfev: int = 200,
    allow_nonconvergence: bool = False,
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
    source, lines
        File name and line numbers of the rows, for error messages.
    max_nfev
        Most residual evaluations per least-squares start.
    allow_nonconvergence
        If the least-squares fit stops before convergence: False (default) raises ConvergenceError
        with the diagnostic record; True issues a ConvergenceWarning and returns the fit with
        ``record.converged = False``.

    Returns
    -------
    LanguageFit

    Warns
    -----
    IdentificationWarning
        When a parameter is not identified: its Jacobian column is (nearly) zero or collinear with
        others, or its profile likelihood stays under the threshold out to the parameter's limit.
    """
    cls = get_model(model)
    fixed = dict(fixed or {})
    cls.check_params(fixed)
    free = [p for p in cls.fit_parameters if p not in fixed]
    q = len(free) + len(cls.state_names)
    series = data if isinstance(data, ShareSeries) else validate_shares(data, source=source, lines=lines)
    if len(series) <= q:
        raise DataError(
            f"{len(series)} rows{' in ' + series.source if series.source else ''}, but the "
            f"{cls.name} model has {q} free parameters ({', '.join(free)} and the initial shares): "
            f"give at least {q + 1} years or fix parameters (fixed={{'a': 1.31}})"
        )
    if not 0.0 < level < 1.0:
        raise DataError(f"level = {level} must lie strictly between 0 and 1")
    full_fixed = {k: v for k, v in cls.check_params(fixed).items() if k not in free}
    prob = _Problem(cls, series, free, full_fixed)
    obs = prob.obs.reshape(-1)
    theta_hat, nfev, ls_ok, message, other_optima = _point_estimate(prob, obs, max_nfev)
    if not ls_ok:
        text = (
            f"least squares for the {cls.name} model stopped before convergence after {nfev} "
            f"evaluations ({message}); raise max_nfev, fix a parameter (fixed={{'a': 1.31}}) or check "
            "the data; allow_nonconvergence=True returns the unconverged fit with a warning"
        )
        if not allow_nonconvergence:
            raise ConvergenceError(text, record=FitRecord(False, nfev, float("nan"), 0.0, message))
        warnings.warn(text, ConvergenceWarning, stacklevel=2)
    resid = prob.predict(theta_hat)[0] - obs
    m = obs.size
    dof = max(m - q, 1)
    sigma = float(np.sqrt(np.sum(resid**2) / dof))

    # Identification from the Jacobian at the estimate (columns scaled to unit length).
    _, jac = prob.residuals_and_jacobian(theta_hat[None, :], obs[None, :])
    unidentified = _weak_columns(jac[0], prob.names)

    rng = np.random.default_rng(seed)
    boot = np.empty((0, q))
    boot_ok = 1.0
    if draws > 0:
        base = prob.predict(theta_hat)[0]
        ystar = base[None, :] + rng.normal(0.0, max(sigma, 1e-12), size=(draws, m))
        boot, ok = _batched_lm(prob, np.repeat(theta_hat[None, :], draws, axis=0), ystar)
        boot_ok = float(np.mean(ok))
        boot = boot[ok]
    nat_hat = {k: float(v[0]) for k, v in prob.to_natural(theta_hat).items()}
    nat_boot = prob.to_natural(boot) if len(boot) else {k: np.array([]) for k in prob.names}
    lo_theta, hi_theta, open_side = _profile_intervals(prob, theta_hat, obs, jac[0], level)
    # A second local minimum inside the confidence region (a ridge with two basins): profile from it
    # too and report the hull.
    sse_hat = float(np.sum(resid**2))
    limit = sse_hat * (1.0 + stats_f.ppf(level, 1, dof) / dof)
    for theta_other in other_optima:
        if float(np.sum((prob.predict(theta_other)[0] - obs) ** 2)) > limit:
            continue
        _, jac_o = prob.residuals_and_jacobian(theta_other[None, :], obs[None, :])
        lo_o, hi_o, open_o = _profile_intervals(prob, theta_other, obs, jac_o[0], level, sse_hat)
        lo_theta, hi_theta = np.minimum(lo_theta, lo_o), np.maximum(hi_theta, hi_o)
        open_side |= open_o
    unidentified |= {prob.names[j] for j in np.nonzero(open_side.any(axis=1))[0]}
    nat_lo = prob.to_natural(_coordinate_path(theta_hat, lo_theta))
    nat_hi = prob.to_natural(_coordinate_path(theta_hat, hi_theta))
    rows = []
    for j, name in enumerate(prob.names):
        if name in cls.symbols():
            meaning = cls.info(name).meaning
        else:
            meaning = "initial share monolingual in A" if name == "x0" else "initial share monolingual in B"
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
    params = pd.DataFrame.from_records(rows).set_index("symbol").loc[[s for s in order if s in {r["symbol"] for r in rows}]]
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
    record = FitRecord(ls_ok, nfev, float(np.max(np.abs(resid))), boot_ok, message)
    draws_frame = pd.DataFrame({k: v for k, v in nat_boot.items()})
    return LanguageFit(cls.name, params, draws_frame, fitted, sigma, level, len(series), record, series)


PROFILE_OFFSETS = np.array([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 8.0, 11.0, 15.0, 20.0])


def _profile_intervals(
    prob: _Problem, theta_hat: np.ndarray, obs: np.ndarray, jac: np.ndarray, level: float,
    sse_best: float | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Profile-likelihood intervals for every coordinate of theta (estimation scale).

    For coordinate j held at v, the other coordinates are refitted; the interval is where the profile
    SSE stays below :math:`SSE_{min} (1 + F_{1, n-q}(level) / (n - q))` (Bates and Watts, 1988, ch. 6);
    when the profile has several basins, the interval is the hull of all scanned points below it.
    Profile points are placed at multiples of the Wald standard error; every profile is followed by
    continuation, all of them at once. Returns lower, upper and a flag per side that
    is True when the profile stays under the threshold out to the last point (a flat profile).
    """
    q = prob.q
    m = obs.size
    dof = max(m - q, 1)
    resid = prob.predict(theta_hat)[0] - obs
    sse_min = float(np.sum(resid**2))
    cov = (sse_min / dof) * np.linalg.pinv(jac.T @ jac)
    # ``theta_hat`` may be a secondary local minimum; the threshold uses the best SSE found.
    sse_ref = sse_min if sse_best is None else min(sse_best, sse_min)
    se = np.sqrt(np.maximum(np.diag(cov), 1e-12))
    threshold = sse_ref * (1.0 + stats_f.ppf(level, 1, dof) / dof)
    # Continuation along each profile, all (coordinate, side) pairs at once: the refit at one offset
    # starts from the previous one, extrapolated along the path, so the refits follow a curved ridge.
    # Model parameters only; the initial shares get Wald intervals (they are well determined by the
    # first observations and profiling them doubles the cost).
    n_model = len(prob.free)
    pairs = [(j, side) for j in range(n_model) for side in (-1.0, 1.0)]
    n_pairs = len(pairs)
    masks = np.ones((n_pairs, q))
    for p_i, (j, _) in enumerate(pairs):
        masks[p_i, j] = 0.0
    current = np.repeat(theta_hat[None, :], n_pairs, axis=0)
    slopes = np.array([cov[:, j] / cov[j, j] if cov[j, j] > 0 else np.zeros(q) for j, _ in pairs])
    points = [[theta_hat.copy()] for _ in pairs]
    levels = [[sse_min] for _ in pairs]
    active = np.ones(n_pairs, dtype=bool)
    obs_rep = np.repeat(obs[None, :], n_pairs, axis=0)
    for k in PROFILE_OFFSETS:
        idx = np.nonzero(active)[0]
        if idx.size == 0:
            break
        starts = np.empty((idx.size, q))
        for r, p_i in enumerate(idx):
            j, side = pairs[p_i]
            target = np.clip(theta_hat[j] + side * k * se[j], prob.lo[j], prob.hi[j])
            start = current[p_i] + slopes[p_i] * (target - current[p_i, j])
            start[j] = target
            starts[r] = np.clip(start, prob.lo, prob.hi)
        refit, _ = _batched_lm(prob, starts, obs_rep[idx], max_iter=15, free=masks[idx], sse_rtol=1e-6)
        sse = np.sum((prob.predict(refit) - obs[None, :]) ** 2, axis=1)
        for r, p_i in enumerate(idx):
            j, _ = pairs[p_i]
            step_j = refit[r, j] - current[p_i, j]
            if abs(step_j) > 1e-12:
                slopes[p_i] = (refit[r] - current[p_i]) / step_j
            current[p_i] = refit[r]
            points[p_i].append(refit[r].copy())
            levels[p_i].append(sse[r])
            # The profile may have several minima (two basins along a ridge), so the scan goes on
            # past the first crossing; it stops at the parameter's limit.
            if refit[r, j] <= prob.lo[j] + 1e-12 or refit[r, j] >= prob.hi[j] - 1e-12:
                active[p_i] = False
            if sse[r] > sse_min + 3.0 * (threshold - sse_min):
                active[p_i] = False
    # Outermost scanned point inside the confidence set (the interval is the hull of the set), then
    # bisection between it and the next point outside, all sides at once.
    inside_pt = np.repeat(theta_hat[None, :], n_pairs, axis=0)
    outside_val = np.full(n_pairs, np.nan)
    inside_lev = np.full(n_pairs, sse_min)
    outside_lev = np.full(n_pairs, np.nan)
    paths = [np.array(pts) for pts in points]
    open_side = np.zeros((q, 2), dtype=bool)
    for p_i, (j, side) in enumerate(pairs):
        levs = np.array(levels[p_i])
        i = int(np.nonzero(levs <= threshold)[0][-1])
        inside_pt[p_i] = paths[p_i][i]
        inside_lev[p_i] = levs[i]
        if i == len(levs) - 1:
            open_side[j, 0 if side < 0 else 1] = True
        else:
            outside_val[p_i] = paths[p_i][i + 1][j]
            outside_lev[p_i] = levs[i + 1]
    for _ in range(4):
        idx = np.nonzero(np.isfinite(outside_val))[0]
        if idx.size == 0:
            break
        starts = inside_pt[idx].copy()
        for r, p_i in enumerate(idx):
            j, _ = pairs[p_i]
            starts[r, j] = 0.5 * (inside_pt[p_i, j] + outside_val[p_i])
        refit, _ = _batched_lm(prob, starts, obs_rep[idx], max_iter=15, free=masks[idx], sse_rtol=1e-6)
        sse = np.sum((prob.predict(refit) - obs[None, :]) ** 2, axis=1)
        for r, p_i in enumerate(idx):
            j, _ = pairs[p_i]
            if sse[r] <= threshold:
                inside_pt[p_i], inside_lev[p_i] = refit[r], sse[r]
            else:
                outside_val[p_i], outside_lev[p_i] = refit[r, j], sse[r]
    z = stats_norm.ppf(0.5 + level / 2.0)
    lower = theta_hat - z * se
    upper = theta_hat + z * se
    for p_i, (j, side) in enumerate(pairs):
        v0 = inside_pt[p_i, j]
        if np.isfinite(outside_val[p_i]):
            l0, l1, v1 = inside_lev[p_i], outside_lev[p_i], outside_val[p_i]
            frac = (threshold - l0) / (l1 - l0) if l1 > l0 else 1.0
            bound = v0 + np.clip(frac, 0.0, 1.0) * (v1 - v0)
        else:
            bound = v0
        if side < 0:
            lower[j] = bound
        else:
            upper[j] = bound
    return lower, upper, open_side


def _coordinate_path(theta_hat: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Rows j = theta_hat with coordinate j replaced by values[j]."""
    out = np.repeat(theta_hat[None, :], len(values), axis=0)
    out[np.arange(len(values)), np.arange(len(values))] = values
    return out


def _weak_columns(jac: np.ndarray, names: list[str]) -> set[str]:
    norms = np.linalg.norm(jac, axis=0)
    weak = {names[j] for j in np.nonzero(norms < 1e-8 * max(norms.max(), 1e-300))[0]}
    scaled = jac / np.where(norms > 0, norms, 1.0)
    _, sv, vt = np.linalg.svd(scaled, full_matrices=False)
    if sv[-1] < 1e-6 * sv[0]:
        weak |= {names[j] for j in np.nonzero(np.abs(vt[-1]) > 0.3)[0]}
    return weak


def _starts(prob: _Problem) -> np.ndarray:
    grid = {"a": (0.8, 1.3, 2.0), "s": (0.3, 0.5, 0.7), "c": (0.02, 0.2), "mu": (0.2, 0.5, 0.8)}
    first = prob.series.frame.iloc[0]
    init = {"x0": float(first["monolingual_a"] + (first["bilingual"] if len(prob.init_names) == 1 else 0.0)),
            "y0": float(first["monolingual_b"])}
    combos: list[dict[str, float]] = [{}]
    for name in prob.free:
        combos = [{**c, name: v} for c in combos for v in grid[name]]
    return np.array([prob.to_theta({**c, **init}) for c in combos])


def _point_estimate(
    prob: _Problem, obs: np.ndarray, max_nfev: int
) -> tuple[np.ndarray, int, bool, str, list[np.ndarray]]:
    starts = _starts(prob)
    sse = np.sum((prob.predict(starts) - obs[None, :]) ** 2, axis=1)
    sse = np.where(np.isfinite(sse), sse, np.inf)

    def fun(theta: np.ndarray) -> np.ndarray:
        return prob.predict(theta)[0] - obs

    def jac(theta: np.ndarray) -> np.ndarray:
        return prob.residuals_and_jacobian(theta[None, :], obs[None, :])[1][0]

    best = None
    total = 0
    optima: list[tuple[float, np.ndarray]] = []
    for k in np.argsort(sse)[:2]:
        res = least_squares(fun, starts[k], jac=jac, method="lm", xtol=1e-8, ftol=1e-9,
                            gtol=1e-9, max_nfev=max_nfev)
        total += int(res.nfev)
        optima.append((float(2.0 * res.cost), res.x))
        if best is None or res.cost < best.cost:
            best = res
    assert best is not None
    res = best
    theta, ok, message = res.x, bool(res.status > 0), str(res.message)
    if not np.all(np.isfinite(theta)):
        raise ConvergenceError(f"least squares for the {prob.model.name} model returned NaN: {message}")
    others = [x for _, x in optima if np.max(np.abs(x - theta)) > 0.05]
    return theta, total, ok, message, others


def _batched_lm(
    prob: _Problem,
    theta: np.ndarray,
    ystar: np.ndarray,
    max_iter: int = 50,
    free: np.ndarray | None = None,
    sse_rtol: float = 1e-8,
) -> tuple[np.ndarray, np.ndarray]:
    """Levenberg-Marquardt on many problems at once; returns (theta, converged mask).

    ``free`` (batch, q) marks the coordinates each problem may move (profile fits hold one fixed).
    """
    theta = theta.copy()
    batch, q = theta.shape
    mask = np.ones((batch, q)) if free is None else np.asarray(free, dtype=float)
    lam = np.full(batch, 1e-3)
    resid, jac = prob.residuals_and_jacobian(theta, ystar)
    jac = jac * mask[:, None, :]
    sse = np.sum(resid**2, axis=1)
    done = np.zeros(batch, dtype=bool)
    for _ in range(max_iter):
        active = ~done
        if not active.any():
            break
        ja, ra = jac[active], resid[active]
        jtj = np.einsum("bmi,bmj->bij", ja, ja)
        g = np.einsum("bmi,bm->bi", ja, ra)
        diag = np.einsum("bii->bi", jtj) + 1e-12
        held = 1.0 - mask[active]
        lhs = jtj + np.einsum("bi,ij->bij", lam[active, None] * diag + held, np.eye(q))
        step = -np.linalg.solve(lhs, g[..., None])[..., 0]
        trial = np.clip(theta[active] + step, prob.lo, prob.hi)
        r_t, j_t = prob.residuals_and_jacobian(trial, ystar[active])
        j_t = j_t * mask[active][:, None, :]
        sse_t = np.sum(r_t**2, axis=1)
        better = sse_t < sse[active]
        idx = np.nonzero(active)[0]
        acc = idx[better]
        rel = (sse[acc] - sse_t[better]) / np.maximum(sse[acc], 1e-300)
        theta[acc], resid[acc], jac[acc], sse[acc] = trial[better], r_t[better], j_t[better], sse_t[better]
        lam[acc] = np.maximum(lam[acc] / 3.0, 1e-9)
        rej = idx[~better]
        lam[rej] *= 4.0
        small_step = np.max(np.abs(step), axis=1) < 1e-6
        done[acc[(rel < sse_rtol) | small_step[better]]] = True
        done[rej[(lam[rej] > 1e8) | small_step[~better]]] = True
    # A draw that stopped without meeting the criteria is kept if it is stationary (small gradient
    # relative to the curvature); dropping slow draws along a ridge would narrow the intervals.
    g = np.einsum("bmi,bm->bi", jac, resid)
    jtj_diag = np.einsum("bmi,bmi->bi", jac, jac)
    stationary = np.all(np.abs(g) <= 1e-4 * np.sqrt(jtj_diag * np.maximum(sse, 1e-300)[:, None]) + 1e-14, axis=1)
    ok = (done | stationary) & np.all(np.isfinite(theta), axis=1)
    return theta, ok


__all__ = ["FitRecord", "IdentificationWarning", "LanguageFit", "fit_language_model"]
