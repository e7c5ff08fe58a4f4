"""Numerical kernels of the fit: multi-start least squares, batched Levenberg-Marquardt, profiles."""

from __future__ import annotations

import numpy as np
from scipy.optimize import least_squares
from scipy.stats import f as stats_f
from scipy.stats import norm as stats_norm

from jahan.culture._problem import Problem
from jahan.errors import ConvergenceError, Message

PROFILE_OFFSETS = np.array(
    [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 8.0, 11.0, 15.0, 20.0]
)


def profile_intervals(
    prob: Problem,
    theta_hat: np.ndarray,
    obs: np.ndarray,
    jac: np.ndarray,
    level: float,
    sse_best: float | None = None,
    critical: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Profile-likelihood intervals for every coordinate of theta (estimation scale).

    For coordinate j held at v, the other coordinates are refitted; the interval is where the profile
    SSE stays below :math:`SSE_{min} (1 + k_j / (n - q))`, with :math:`k_j` from ``critical`` (one
    value per model parameter, see :func:`calibrate_profile`) or, without it, the quantile
    :math:`F_{1, n-q}(level)` (Bates and Watts, 1988, ch. 6);
    when the profile has several basins, the interval is the hull of all scanned points below it.
    Profile points are placed at multiples of the Wald standard error; every profile is followed by
    continuation, all of them at once. Returns lower, upper and a flag per side that
    is True when the profile stays under the threshold out to the last point (a flat profile).
    Bounds are NaN for a parameter whose threshold lies below the SSE at ``theta_hat`` (possible only
    when ``theta_hat`` is a secondary minimum).
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
    n_model = len(prob.free)
    if critical is None:
        critical = np.full(n_model, stats_f.ppf(level, 1, dof))
    thresholds = sse_ref * (1.0 + np.asarray(critical, dtype=float) / dof)
    # Continuation along each profile, all (coordinate, side) pairs at once: the refit at one offset
    # starts from the previous one, extrapolated along the path, so the refits follow a curved ridge.
    # Model parameters only; the initial shares get Wald intervals (they are well determined by the
    # first observations and profiling them doubles the cost).
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
        for r, p_i in enumerate(idx.tolist()):
            j, side = pairs[p_i]
            target = np.clip(theta_hat[j] + side * k * se[j], prob.lo[j], prob.hi[j])
            start = current[p_i] + slopes[p_i] * (target - current[p_i, j])
            start[j] = target
            starts[r] = np.clip(start, prob.lo, prob.hi)
        refit, _ = batched_lm(
            prob, starts, obs_rep[idx], max_iter=15, free=masks[idx], sse_rtol=1e-6
        )
        sse = np.sum((prob.predict(refit) - obs[None, :]) ** 2, axis=1)
        for r, p_i in enumerate(idx.tolist()):
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
            if sse[r] > sse_min + 3.0 * (thresholds[j] - sse_min):
                active[p_i] = False
    # Outermost scanned point inside the confidence set (the interval is the hull of the set), then
    # bisection between it and the next point outside, all sides at once.
    inside_pt = np.repeat(theta_hat[None, :], n_pairs, axis=0)
    outside_val = np.full(n_pairs, np.nan)
    inside_lev = np.full(n_pairs, sse_min)
    outside_lev = np.full(n_pairs, np.nan)
    paths = [np.array(pts) for pts in points]
    open_side = np.zeros((q, 2), dtype=bool)
    empty = np.zeros(n_pairs, dtype=bool)
    for p_i, (j, side) in enumerate(pairs):
        levs = np.array(levels[p_i])
        below = np.nonzero(levs <= thresholds[j])[0]
        if below.size == 0:
            # A secondary minimum outside this parameter's region adds nothing to its interval.
            empty[p_i] = True
            continue
        i = int(below[-1])
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
        for r, p_i in enumerate(idx.tolist()):
            j, _ = pairs[p_i]
            starts[r, j] = 0.5 * (inside_pt[p_i, j] + outside_val[p_i])
        refit, _ = batched_lm(
            prob, starts, obs_rep[idx], max_iter=15, free=masks[idx], sse_rtol=1e-6
        )
        sse = np.sum((prob.predict(refit) - obs[None, :]) ** 2, axis=1)
        for r, p_i in enumerate(idx.tolist()):
            j, _ = pairs[p_i]
            if sse[r] <= thresholds[j]:
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
            frac = (thresholds[j] - l0) / (l1 - l0) if l1 > l0 else 1.0
            bound = v0 + np.clip(frac, 0.0, 1.0) * (v1 - v0)
        else:
            bound = v0
        if empty[p_i]:
            bound = np.nan
        if side < 0:
            lower[j] = bound
        else:
            upper[j] = bound
    return lower, upper, open_side


def calibrate_profile(
    prob: Problem,
    theta_hat: np.ndarray,
    sigma: float,
    level: float,
    replicates: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray | None, float]:
    r"""Bootstrap calibration of the profile-likelihood threshold, one critical value per model parameter.

    ``replicates`` series are simulated from the fitted trajectory plus N(0, sigma^2) noise. In that
    simulated world the true value of parameter j is the estimate, so the statistic

    .. math:: F_j^* = \frac{SSE_j^*(\hat\theta_j) - SSE^*_{min}}{SSE^*_{min} / (n - q)}

    (profile SSE at the estimate against the minimum, both refitted on the simulated series) has
    the sampling distribution that the F_{1, n-q} quantile only approximates; its ``level`` quantile
    is the critical value (calibration of the likelihood-ratio statistic by the parametric bootstrap:
    Hall 1987, Beran 1988). All refits are done at once by :func:`batched_lm` started at the estimate;
    non-converged refits are left out. Returns the critical values (None when fewer than 20
    replicates, or fewer than 80% of them, converged) and the share of replicates kept.
    """
    q = prob.q
    n_model = len(prob.free)
    m = prob.obs.size
    dof = max(m - q, 1)
    base = prob.predict(theta_hat)[0]
    ystar = base[None, :] + rng.normal(0.0, max(sigma, 1e-12), size=(replicates, m))
    # Problem 0: all coordinates free; problems 1..n_model: coordinate j held at the estimate.
    masks = np.ones((n_model + 1, q))
    for j in range(n_model):
        masks[j + 1, j] = 0.0
    free = np.tile(masks, (replicates, 1))
    obs = np.repeat(ystar, n_model + 1, axis=0)
    starts = np.repeat(theta_hat[None, :], free.shape[0], axis=0)
    refit, ok = batched_lm(prob, starts, obs, max_iter=300, free=free)
    sse = np.sum((prob.predict(refit) - obs) ** 2, axis=1).reshape(replicates, n_model + 1)
    ok = ok.reshape(replicates, n_model + 1).all(axis=1) & np.all(np.isfinite(sse), axis=1)
    # The constrained minima lie in the unconstrained set: the smallest SSE found is the minimum.
    sse_min = np.min(sse, axis=1)
    stat = (sse[:, 1:] - sse_min[:, None]) / np.maximum(sse_min[:, None] / dof, 1e-300)
    stat = stat[ok]
    # Refits that stop early are mostly those that travel far along a ridge, i.e. the large values
    # of the statistic: leaving many out would bias the quantile down, so then the F quantile is used.
    if stat.shape[0] < 20 or np.mean(ok) < 0.8:
        return None, float(np.mean(ok))
    return np.quantile(stat, level, axis=0), float(np.mean(ok))


def coordinate_path(theta_hat: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Rows j = theta_hat with coordinate j replaced by values[j]."""
    out = np.repeat(theta_hat[None, :], len(values), axis=0)
    out[np.arange(len(values)), np.arange(len(values))] = values
    return out


def weak_columns(jac: np.ndarray, names: list[str]) -> set[str]:
    norms = np.linalg.norm(jac, axis=0)
    weak = {names[j] for j in np.nonzero(norms < 1e-8 * max(norms.max(), 1e-300))[0]}
    scaled = jac / np.where(norms > 0, norms, 1.0)
    _, sv, vt = np.linalg.svd(scaled, full_matrices=False)
    if sv[-1] < 1e-6 * sv[0]:
        weak |= {names[j] for j in np.nonzero(np.abs(vt[-1]) > 0.3)[0]}
    return weak


def start_grid(prob: Problem) -> np.ndarray:
    grid = {"a": (0.8, 1.3, 2.0), "s": (0.3, 0.5, 0.7), "c": (0.02, 0.2), "mu": (0.2, 0.5, 0.8)}
    first = prob.series.frame.iloc[0]
    init = {
        "x0": float(
            first["monolingual_a"] + (first["bilingual"] if len(prob.init_names) == 1 else 0.0)
        ),
        "y0": float(first["monolingual_b"]),
    }
    combos: list[dict[str, float]] = [{}]
    for name in prob.free:
        combos = [{**c, name: v} for c in combos for v in grid[name]]
    return np.array([prob.to_theta({**c, **init}) for c in combos])


def point_estimate(
    prob: Problem, obs: np.ndarray, max_nfev: int
) -> tuple[np.ndarray, int, bool, str, list[np.ndarray]]:
    starts = start_grid(prob)
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
        res = least_squares(
            fun, starts[k], jac=jac, method="lm", xtol=1e-8, ftol=1e-9, gtol=1e-9, max_nfev=max_nfev
        )
        total += int(res.nfev)
        optima.append((float(2.0 * res.cost), res.x))
        if best is None or res.cost < best.cost:
            best = res
    assert best is not None
    res = best
    theta, ok, message = res.x, bool(res.status > 0), str(res.message)
    if not np.all(np.isfinite(theta)):
        raise ConvergenceError(
            Message(
                "least squares for the {model} model returned NaN: {reason}",
                model=prob.model.name,
                reason=message,
            )
        )
    others = [x for _, x in optima if np.max(np.abs(x - theta)) > 0.05]
    return theta, total, ok, message, others


def batched_lm(
    prob: Problem,
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
        theta[acc], resid[acc], jac[acc], sse[acc] = (
            trial[better],
            r_t[better],
            j_t[better],
            sse_t[better],
        )
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
    stationary = np.all(
        np.abs(g) <= 1e-4 * np.sqrt(jtj_diag * np.maximum(sse, 1e-300)[:, None]) + 1e-14, axis=1
    )
    ok = (done | stationary) & np.all(np.isfinite(theta), axis=1)
    return theta, ok


__all__ = [
    "batched_lm",
    "calibrate_profile",
    "coordinate_path",
    "point_estimate",
    "profile_intervals",
    "weak_columns",
]
