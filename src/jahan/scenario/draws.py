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
from typing import Any

import numpy as np

from jahan._parallel import available_workers, blas_single_thread, run_tasks
from jahan.errors import ConvergenceError, Message, ScenarioError
from jahan.scenario.compile import CompiledScenario
from jahan.scenario.result import HIGH, LOW


def draw_parameters(
    compiled: CompiledScenario,
    draws: int,
    seed: int | None,
    estimate: Any | None = None,
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
    """A chunk of draws for one worker: the model, the compiled shocks and parameter rows.

    ``kind`` is ``"one-sector"`` (:class:`~jahan.ge.GEModel`) or ``"multi-sector"``
    (:class:`~jahan.ge.multisector.MultiSectorGEModel`, see :mod:`jahan.scenario.sectoral`).
    """

    model: object
    compiled: CompiledScenario
    outputs: tuple[str, ...]
    first: int
    values: np.ndarray
    kind: str = "one-sector"


@dataclass(frozen=True)
class DrawChunk:
    """Results of one chunk: per-draw country outputs, sector outputs and shocked-pair trade."""

    first: int
    countries: np.ndarray  # (m, N, K)
    pair_trade_pct: np.ndarray  # (m, S)
    iterations: np.ndarray  # (m,)
    sectors: np.ndarray | None = None  # (m, N, J, L), multi-sector runs only


def pair_trade_change(
    compiled: CompiledScenario, baseline: np.ndarray, new: np.ndarray
) -> np.ndarray:
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
    return (
        flows["baseline"].to_numpy().reshape(n, n),
        flows["counterfactual"].to_numpy().reshape(n, n),
    )


def solve_one(model, compiled: CompiledScenario, values: np.ndarray):
    """Solve the GE model for one parameter vector."""
    cost, productivity = compiled.build(values)
    has_productivity = not np.all(productivity == 1.0)
    return model.simulate(
        cost,
        productivity_change=productivity if has_productivity else None,
        tariffs=compiled.build_tariffs(values),
    )


def solve_draw(kind: str, model, compiled: CompiledScenario, values: np.ndarray):
    """Solve one parameter vector in the model of ``kind``."""
    if kind == "multi-sector":
        from jahan.scenario.sectoral import solve_arrays

        return solve_arrays(model, compiled, values)
    return solve_one(model, compiled, values)


def extract(kind: str, result, compiled: CompiledScenario, outputs: tuple[str, ...]):
    """``(countries (N, K), sectors (N, J, L) or None, shocked-pair trade (S,))`` of a result."""
    if kind == "multi-sector":
        from jahan.scenario.sectoral import extract_sectoral

        return extract_sectoral(result, compiled)
    countries = result.countries.loc[list(compiled.countries), list(outputs)].to_numpy()
    base, new = flows_arrays(result)
    return countries, None, pair_trade_change(compiled, base, new)


def solve_chunk(task: DrawTask) -> DrawChunk:
    """Solve every draw of a chunk (runs in a worker)."""
    m = task.values.shape[0]
    n = len(task.compiled.countries)
    countries = np.empty((m, n, len(task.outputs)))
    pairs = np.empty((m, len(task.compiled.shocked_pairs)))
    iterations = np.zeros(m, dtype=np.int64)
    sectors: list[np.ndarray] = []
    with blas_single_thread():
        for d in range(m):
            try:
                result = solve_draw(task.kind, task.model, task.compiled, task.values[d])
            except ConvergenceError as exc:
                shown = ", ".join(
                    f"{p.name} = {v:.4g}"
                    for p, v in zip(task.compiled.parameters, task.values[d], strict=True)
                )
                raise ConvergenceError(
                    Message(
                        "draw {draw} did not converge ({shown}): {error}. "
                        "Reduce the standard errors or check the shock sizes.",
                        draw=task.first + d + 1,
                        shown=shown,
                        error=exc,
                    ),
                    record=getattr(exc, "record", None),
                ) from None
            countries[d], by_sector, pairs[d] = extract(
                task.kind, result, task.compiled, task.outputs
            )
            if by_sector is not None:
                sectors.append(by_sector)
            iterations[d] = result.iterations
    return DrawChunk(
        task.first, countries, pairs, iterations, np.stack(sectors) if sectors else None
    )


def chunk_tasks(
    model,
    compiled: CompiledScenario,
    outputs: tuple[str, ...],
    values: np.ndarray,
    n_chunks: int,
    kind: str = "one-sector",
) -> list[DrawTask]:
    """Split the draws into contiguous chunks (the split never changes the results)."""
    if values.shape[0] == 0:
        return []
    bounds = np.linspace(0, values.shape[0], max(1, min(n_chunks, values.shape[0])) + 1).astype(int)
    return [
        DrawTask(model, compiled, outputs, int(a), values[a:b], kind)
        for a, b in zip(bounds, bounds[1:], strict=False)
        if b > a
    ]


@dataclass(frozen=True)
class DrawRun:
    """The central solve and every draw of one scenario run, as arrays in country order."""

    central: Any
    countries: np.ndarray  # (N, K)
    sectors: np.ndarray | None  # (N, J, L)
    pairs: np.ndarray  # (S,)
    values: np.ndarray  # (D, P)
    draw_countries: np.ndarray  # (D, N, K)
    draw_sectors: np.ndarray | None  # (D, N, J, L)
    draw_pairs: np.ndarray  # (D, S)
    iterations: np.ndarray  # (D,)

    @property
    def draws(self) -> int:
        return int(self.values.shape[0])


def band(central: np.ndarray, draws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """5th and 95th percentiles over the first axis of ``draws`` (the central value without)."""
    if draws.shape[0] == 0:
        return central, central
    lo, hi = np.percentile(draws, [LOW, HIGH], axis=0)
    return lo, hi


def run_draws(
    model,
    compiled: CompiledScenario,
    outputs: tuple[str, ...],
    kind: str,
    *,
    n_draws: int,
    seed: int,
    estimate,
    workers,
    scheduler,
    progress,
) -> DrawRun:
    """Solve the central parameters, draw the rest, solve every draw in chunks, gather them.

    The one path of one-sector and multi-sector runs: draws, chunks, workers and percentiles
    behave the same way for both.
    """
    with blas_single_thread():
        central = solve_draw(kind, model, compiled, compiled.means)
    c_countries, c_sectors, c_pairs = extract(kind, central, compiled, outputs)
    check_finite(c_countries, "central results")
    if c_sectors is not None:
        check_finite(c_sectors, "central sector results")
    if not any(p.se > 0 or p.coefficient for p in compiled.parameters):
        n_draws = 0  # nothing is uncertain: every draw would repeat the central run
    values = draw_parameters(compiled, n_draws, seed, estimate)
    n_workers = available_workers() if not workers else int(workers)
    n_chunks = max(1, 4 * n_workers) if scheduler is None else max(1, n_draws // 10)
    chunks = chunk_tasks(model, compiled, outputs, values, n_chunks, kind)
    done = [0]

    def on_done(k: int) -> None:
        done[0] += chunks[k].values.shape[0]
        if progress is not None:
            progress(done[0], n_draws)

    results = run_tasks(solve_chunk, chunks, workers=workers, scheduler=scheduler, on_done=on_done)
    n = len(compiled.countries)
    draw_out = np.empty((n_draws, n, len(outputs)))
    draw_sec = None if c_sectors is None else np.empty((n_draws, *c_sectors.shape))
    draw_pairs = np.empty((n_draws, len(compiled.shocked_pairs)))
    iterations = np.zeros(n_draws, dtype=np.int64)
    for chunk in results:
        m = chunk.countries.shape[0]
        rows = slice(chunk.first, chunk.first + m)
        draw_out[rows] = chunk.countries
        draw_pairs[rows] = chunk.pair_trade_pct
        iterations[rows] = chunk.iterations
        if draw_sec is not None and chunk.sectors is not None:
            draw_sec[rows] = chunk.sectors
    check_finite(draw_out, "draw results")
    return DrawRun(
        central, c_countries, c_sectors, c_pairs, values, draw_out, draw_sec, draw_pairs, iterations
    )


def check_finite(values: np.ndarray, what: str) -> None:
    """Raise if any result is not finite (results never carry silent NaN)."""
    if not np.all(np.isfinite(values)):
        bad = np.argwhere(~np.isfinite(values))[0]
        raise ScenarioError(f"non-finite {what} at index {tuple(int(b) for b in bad)}")


__all__ = [
    "DrawChunk",
    "DrawRun",
    "DrawTask",
    "band",
    "check_finite",
    "chunk_tasks",
    "draw_parameters",
    "extract",
    "pair_trade_change",
    "run_draws",
    "solve_chunk",
    "solve_draw",
    "solve_one",
]
