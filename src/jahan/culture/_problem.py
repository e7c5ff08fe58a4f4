"""The estimation problem: an unconstrained parameter vector mapped to predicted shares.

Positive parameters are on a log scale, parameters in (0, 1) on a logit scale, the initial shares on
a logit (one state) or additive log-ratio (two states) scale; all are clipped to stated limits.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from jahan.culture.data import ShareSeries
from jahan.culture.dynamics import batch_params, integrate_batch
from jahan.culture.models import LanguageModel

FD_STEP = 1e-6
_LIMITS = {"positive": (np.log(1e-6), np.log(5.0)), "unit": (-15.0, 15.0)}
_A_LIMITS = (np.log(0.05), np.log(20.0))


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log(p) - np.log1p(-p)


def _expit(t: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-t))


class Problem:
    """Maps an unconstrained vector theta to predictions for one model and one data set."""

    def __init__(
        self,
        model: type[LanguageModel],
        series: ShareSeries,
        free: list[str],
        fixed: dict[str, float],
    ):
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

    def residuals_and_jacobian(
        self, theta: np.ndarray, obs: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
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


__all__ = ["FD_STEP", "Problem"]
