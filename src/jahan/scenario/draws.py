r"""Uncertainty draws: parameters drawn up front, each draw solved in general equilibrium.

All parameter draws come from one ``numpy.random.Generator`` seeded once, before any work is
distributed, so the same seed gives the same draws, and (because each draw's solve is
deterministic and results are reassembled in draw order) the same results with any number of
workers or on any cluster.

Parameters with a stated standard error are independent normals,
:math:`p_d = \bar p + s\,z_d`. Parameters that name a ``coefficient`` of a gravity estimate are
drawn jointly from :math:`N(\hat b, \hat V)` using the estimate's covariance matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jahan._parallel import blas_single_thread
from jahan.errors import ConvergenceError, ScenarioError
from jahan.scenario.compile import CompiledScenario


def draw_parameters(
    compiled: CompiledScenario,
    draws: int,
    seed: int | None,
    estimate: object | None = None,
) -> np.ndarray:
    """Return a ``(draws, n_parameters)`` array of parameter values."""
    params = compiled.parameters
    rng = np.random.default_rng(seed)
    # One block of ``draws`` normals per parameter, in shock order: scenarios sharing their first
    # shocks (a crisis with and without a bloc) share those parameters' draws under one seed.
    z = rng.standard_normal((len(params), draws)).T
    values = compiled.means[None, :] + z * np.array([p.se for p in params])[None, :]
    linked = [k for k, p in enumerate(params) if p.coefficient is not None]
    if linked and estimate is not None:
        names = [params[k].coefficient for k in linked]
        vcov = estimate.vcov
        cov = np.asarray(vcov.loc[names, names], dtype=float)
        # Cholesky of a covariance matrix; eigen fallback if it is only semi-definite.
        try:
            root = np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            vals, vecs = np.linalg.eigh(cov)
            root = vecs * np.sqrt(np.clip(vals, 0.0, None))
        values[:, linked] = compiled.means[linked][None, :] + z[:, linked] @ root.T
    return values


@dataclass(frozen=True)
class DrawTask:
    """A chunk of draws for one worker: the model, the compiled shocks and parameter rows."""

    model: object
    compiled: CompiledScenario
    outputs: tuple[str, ...]
    first: int
    values: np.ndarray


@dataclass(frozen=True)
class DrawChunk:
    """Results of one chunk: per-draw country outputs and shocked-pair trade changes."""

    first: int
    countries: np.ndarray  # (m, N, K)
    pair_trade_pct: np.ndarray  # (m, S)
    iterations: np.ndarray  # (m,)


def pair_trade_change(compiled: CompiledScenario, baseline: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Percent change of total trade over each shock's pairs (NaN where a shock has no pairs)."""
    keys = sorted(compiled.shocked_pairs)
    out = np.full(len(keys), np.nan)
    for s, k in enumerate(keys):
        rows, cols = compiled.shocked_pairs[k]
        before = baseline[rows, cols].sum()
        if before > 0:
            out[s] = 100.0 * (new[rows, cols].sum() / before - 1.0)
    return out


def flows_arrays(result) -> tuple[np.ndarray, np.ndarray]:
    """Baseline and counterfactual flow matrices of a GE result."""
    base = getattr(result, "_baseline", None)
    new = getattr(result, "_counterfactual", None)
    if base is not None and new is not None:
        return np.asarray(base), np.asarray(new)
    flows = result.flows
    n = int(np.sqrt(len(flows)))
    return (flows["baseline"].to_numpy().reshape(n, n),
            flows["counterfactual"].to_numpy().reshape(n, n))


def solve_one(model, compiled: CompiledScenario, values: np.ndarray):
    """Solve the GE model for one parameter vector."""
    cost, productivity = compiled.build(values)
    has_productivity = not np.all(productivity == 1.0)
    return model.simulate(cost, productivity_change=productivity if has_productivity else None,
                          tariffs=compiled.build_tariffs(values))


def solve_chunk(task: DrawTask) -> DrawChunk:
    """Solve every draw of a chunk (runs in a worker)."""
    m = task.values.shape[0]
    n = len(task.compiled.countries)
    countries = np.empty((m, n, len(task.outputs)))
    pairs = np.empty((m, len(task.compiled.shocked_pairs)))
    iterations = np.zeros(m, dtype=np.int64)
    with blas_single_thread():
        _solve_rows(task, countries, pairs, iterations)
    return DrawChunk(task.first, countries, pairs, iterations)


def _solve_rows(task: DrawTask, countries, pairs, iterations) -> None:
    for d in range(task.values.shape[0]):
        try:
            result = solve_one(task.model, task.compiled, task.values[d])
        except ConvergenceError as exc:
            shown = ", ".join(
                f"{p.name} = {v:.4g}" for p, v in zip(task.compiled.parameters, task.values[d], strict=True)
            )
            raise ConvergenceError(
                f"draw {task.first + d + 1} did not converge ({shown}): {exc}. "
                "Reduce the standard errors or check the shock sizes.",
                record=getattr(exc, "record", None),
            ) from None
        frame = result.countries
        countries[d] = frame.loc[list(task.compiled.countries), list(task.outputs)].to_numpy()
        base, new = flows_arrays(result)
        pairs[d] = pair_trade_change(task.compiled, base, new)
        iterations[d] = result.iterations


def chunk_tasks(
    model, compiled: CompiledScenario, outputs: tuple[str, ...], values: np.ndarray, n_chunks: int
) -> list[DrawTask]:
    """Split the draws into contiguous chunks (the split never changes the results)."""
    if values.shape[0] == 0:
        return []
    bounds = np.linspace(0, values.shape[0], max(1, min(n_chunks, values.shape[0])) + 1).astype(int)
    return [
        DrawTask(model, compiled, outputs, int(a), values[a:b])
        for a, b in zip(bounds, bounds[1:], strict=False)
        if b > a
    ]


def check_finite(values: np.ndarray, what: str) -> None:
    """Raise if any result is not finite (results never carry silent NaN)."""
    if not np.all(np.isfinite(values)):
        bad = np.argwhere(~np.isfinite(values))[0]
        raise ScenarioError(f"non-finite {what} at index {tuple(int(b) for b in bad)}")


__all__ = [
    "DrawChunk",
    "DrawTask",
    "check_finite",
    "chunk_tasks",
    "draw_parameters",
    "pair_trade_change",
    "solve_chunk",
    "solve_one",
]
