"""Integration of the language-shift models with :func:`scipy.integrate.solve_ivp`.

A batch of parameter sets is integrated as one stacked ODE system: the step sequence is shared,
which makes finite differences between neighbouring parameter sets smooth and the bootstrap fast.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.integrate import solve_ivp

from jahan.culture.models import LanguageModel, ModelSpec
from jahan.errors import ConvergenceError, DataError, Message

RTOL = 1e-6
ATOL = 1e-9


@dataclass(frozen=True)
class IntegrationRecord:
    """Diagnostics of one (possibly piecewise) integration."""

    converged: bool
    iterations: int  # right-hand-side evaluations
    max_residual: float  # largest departure of a share from [0, 1]
    message: str


def batch_params(
    model: type[LanguageModel], params: Mapping[str, object], size: int
) -> dict[str, np.ndarray]:
    """Broadcast scalars or arrays to arrays of shape ``(size,)`` for every model parameter."""
    out: dict[str, np.ndarray] = {}
    for info in model.parameters:
        value = params.get(info.symbol, info.default)
        out[info.symbol] = np.broadcast_to(np.asarray(value, dtype=float), (size,)).copy()
    return out


def integrate_batch(
    model: type[LanguageModel],
    params: Mapping[str, np.ndarray],
    initial: np.ndarray,
    t0: float,
    t_eval: np.ndarray,
    *,
    changes: Sequence[tuple[float, Mapping[str, np.ndarray]]] = (),
) -> tuple[np.ndarray, IntegrationRecord]:
    """Integrate a batch of trajectories from ``t0`` and return states at ``t_eval``.

    Parameters
    ----------
    model
        The model class.
    params
        Parameter arrays of shape ``(batch,)`` (see :func:`batch_params`).
    initial
        States at ``t0``, shape ``(n_states, batch)``.
    t0
        Start time (a year).
    t_eval
        Increasing times >= ``t0`` at which to report the state.
    changes
        ``(time, {symbol: new values})`` pairs: parameters switch at those times (policies).

    Returns
    -------
    states, record
        ``states`` has shape ``(len(t_eval), n_states, batch)``.
    """
    initial = np.asarray(initial, dtype=float)
    n_states, batch = initial.shape
    # A NaN in the field makes RK45's step-size control loop forever: refuse it up front.
    for symbol, values in [*params.items(), *((s, v) for _, p in changes for s, v in p.items())]:
        if not np.all(np.isfinite(np.asarray(values, dtype=float))):
            raise DataError(
                Message(
                    "parameter {symbol} of the {model} model has non-finite values; give numbers",
                    symbol=symbol,
                    model=model.name,
                )
            )
    if not np.all(np.isfinite(initial)):
        raise DataError(
            Message(
                "the initial shares of the {model} model have non-finite values; give numbers",
                model=model.name,
            )
        )
    t_eval = np.asarray(t_eval, dtype=float)
    out = np.empty((t_eval.size, n_states, batch))
    current = {k: np.asarray(v, dtype=float) for k, v in params.items()}
    breaks = sorted((float(t), dict(p)) for t, p in changes)
    t_end = max(float(t_eval.max(initial=t0)), t0)
    bounds = [t0] + [t for t, _ in breaks if t0 < t < t_end] + [t_end]
    pending = [p for t, p in breaks if t <= t0]
    for p in pending:
        current.update({k: np.asarray(v, dtype=float) for k, v in p.items()})
    later = [p for t, p in breaks if t0 < t < t_end]
    state = initial.reshape(-1)
    nfev = 0

    def fun(_t: float, u: np.ndarray, p: Mapping[str, np.ndarray] = current) -> np.ndarray:
        return model.rhs(u.reshape(n_states, batch), p).reshape(-1)

    last = len(bounds) - 2
    for k in range(last + 1):
        lo, hi = bounds[k], bounds[k + 1]
        if k > 0:
            current = {
                **current,
                **{s: np.asarray(v, dtype=float) for s, v in later[k - 1].items()},
            }
        inside = (t_eval >= lo) & ((t_eval < hi) | (k == last))
        if hi <= lo:
            out[inside] = state.reshape(n_states, batch)
            continue
        t_seg = (
            np.append(t_eval[inside], hi)
            if not inside.any() or t_eval[inside][-1] < hi
            else t_eval[inside]
        )
        sol = solve_ivp(
            fun, (lo, hi), state, method="RK45", t_eval=t_seg, rtol=RTOL, atol=ATOL, args=(current,)
        )
        nfev += int(sol.nfev)
        if not sol.success:
            record = IntegrationRecord(False, nfev, float("nan"), str(sol.message))
            raise ConvergenceError(
                # The solver's own reason stays in SciPy's English.
                Message(
                    "integration of the {model} model failed between {start:g} and {end:g}: "
                    "{reason}; check that the parameters are in range",
                    model=model.name,
                    start=lo,
                    end=hi,
                    reason=str(sol.message),
                ),
                record=record,
            )
        n_in = int(inside.sum())
        if n_in:
            out[inside] = sol.y[:, :n_in].T.reshape(n_in, n_states, batch)
        state = sol.y[:, -1]
    shares = np.stack([model.observe(out[i]) for i in range(out.shape[0])]) if out.size else out
    excess = float(np.max(np.maximum(shares - 1.0, -shares), initial=0.0)) if shares.size else 0.0
    return out, IntegrationRecord(True, nfev, max(excess, 0.0), "ok")


def initial_state(model: type[LanguageModel], shares: Sequence[float]) -> np.ndarray:
    """State vector (n_states,) from shares (monolingual_a, bilingual, monolingual_b)."""
    mono_a, bilingual, mono_b = (float(v) for v in shares)
    if len(model.state_names) == 1:
        return np.array([mono_a + bilingual])
    return np.array([mono_a, mono_b])


def simulate(
    spec: ModelSpec,
    initial_shares: Sequence[float],
    years: Sequence[float] | np.ndarray,
    *,
    start_year: float | None = None,
) -> pd.DataFrame:
    """Trajectory of one parameter set.

    Parameters
    ----------
    spec
        Model and parameter values.
    initial_shares
        (monolingual_a, bilingual, monolingual_b) at ``start_year``. For Abrams-Strogatz the
        bilingual share is counted as speakers of A.
    years
        Years to report (increasing).
    start_year
        Year of the initial shares (default: the first of ``years``).

    Returns
    -------
    DataFrame
        Columns year, monolingual_a, bilingual, monolingual_b, speakers_a, speakers_b.
    """
    grid = np.asarray(years, dtype=float)
    t0 = float(grid[0] if start_year is None else start_year)
    p = batch_params(spec.model, spec.params, 1)
    u0 = initial_state(spec.model, initial_shares)[:, None]
    states, _ = integrate_batch(spec.model, p, u0, t0, grid)
    return shares_frame(spec.model, grid, states[:, :, 0])


def shares_frame(model: type[LanguageModel], years: np.ndarray, states: np.ndarray) -> pd.DataFrame:
    """DataFrame of shares from states of shape (len(years), n_states)."""
    obs = np.clip(model.observe(states.T), 0.0, 1.0)
    frame = pd.DataFrame(
        {
            "year": np.asarray(years, dtype=float),
            "monolingual_a": obs[0],
            "bilingual": obs[1],
            "monolingual_b": obs[2],
        }
    )
    frame["speakers_a"] = frame["monolingual_a"] + frame["bilingual"]
    frame["speakers_b"] = frame["monolingual_b"] + frame["bilingual"]
    return frame


__all__ = [
    "IntegrationRecord",
    "batch_params",
    "initial_state",
    "integrate_batch",
    "shares_frame",
    "simulate",
]
