r"""Scenarios on a world with sectors: tariff shocks by sector, solved in the multi-sector model.

A scenario runs here when one of its shocks is a ``tariff`` shock, or when the world has sector
data but no one-sector flows. The model is :class:`jahan.ge.multisector.MultiSectorGEModel`
built from ``world.sectors``; ``[model] imbalances`` chooses its deficits (``"balanced"`` ->
``deficits="zero"``, the Caliendo-Parro headline case; ``"fixed"`` -> ``"fixed"``).

For a parameter vector ``p`` the counterfactual is, with tariffs indexed
:math:`t^s_{ij}` (sector ``s``, exporter ``i``, importer ``j``):

- tariff, ``rate``: :math:`t'^s_{ij} = p`; ``change``: :math:`t'^s_{ij} = t^s_{ij} + p/100`
  (shocks apply in file order; in draws a rate below zero is set to zero);
- agreement: :math:`\kappa^s_{ij} \leftarrow \kappa^s_{ij} e^{\pm p}` in every sector, where
  :math:`\kappa = \hat d^{-\theta^s}` is the model's ``cost_change``;
- trade_cost, border, corridor, sanctions with ``change_pct``:
  :math:`\kappa^s_{ij} \leftarrow \kappa^s_{ij} (1 + p/100)^{-\theta^s}` with each sector's own
  trade elasticity; prohibitive sanctions: :math:`\kappa = 10^{-12}`.

Productivity and autarky shocks have no counterpart in the multi-sector model and are refused.
Draws, seeds and workers behave as for one-sector scenarios (see :mod:`jahan.scenario.draws`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jahan._parallel import available_workers, blas_single_thread, run_tasks
from jahan.errors import ConvergenceError
from jahan.scenario._errors import scenario_error
from jahan.scenario.compile import PROHIBITIVE, CompiledScenario
from jahan.scenario.draws import check_finite, draw_parameters
from jahan.scenario.result import (
    HIGH,
    LOW,
    SECTOR_OUTPUTS,
    SECTORAL_OUTPUTS,
    ScenarioResult,
    parameter_table,
    run_settings,
)
from jahan.scenario.schema import AutarkyShock, ProductivityShock, TariffShock

DEFICITS = {"balanced": "zero", "fixed": "fixed"}
"""``[model] imbalances`` -> the multi-sector model's ``deficits``."""


def needs_sectors(spec: Any, world: Any) -> bool:
    """True when the scenario runs on the multi-sector model.

    Tariff shocks run by sector on a world with sector data and on all trade of the one-sector
    model otherwise.
    """
    sectoral = getattr(world, "sectors", None) is not None
    if sectoral and any(isinstance(s, TariffShock) for s in spec.shocks):
        return True
    return bool(getattr(world, "has_sectors", False)) and not bool(getattr(world, "has_flows", True))


def build_arrays(compiled: CompiledScenario, values: np.ndarray, base_tariff: np.ndarray,
                 theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(tariffs, cost_change)`` arrays (sector, importer, exporter) for one parameter vector."""
    values = np.asarray(values, dtype=float)
    cost = np.ones_like(base_tariff)
    zeros = []
    for cell in compiled.cells:
        if cell.kind == "zero":
            zeros.append(cell)
            continue
        p = values[cell.param]
        if cell.kind == "exp":
            cost[:, cell.cols, cell.rows] *= np.exp(cell.sign * p)
        elif cell.kind == "pct":
            cost[:, cell.cols, cell.rows] *= max(1.0 + p / 100.0, 1e-9) ** (-theta)[:, None]
    for cell in zeros:
        cost[:, cell.cols, cell.rows] = PROHIBITIVE
    tariff = base_tariff.copy()
    for t in compiled.tariffs:
        where = (t.sectors[:, None], t.cols[None, :], t.rows[None, :])
        if t.mode == "rate":
            tariff[where] = values[t.param]
        else:
            tariff[where] = tariff[where] + values[t.param] / 100.0
    np.maximum(tariff, 0.0, out=tariff)
    return tariff, cost


def _check_rates(spec, compiled: CompiledScenario, base_tariff: np.ndarray, flows: np.ndarray,
                 source: str, text: str) -> None:
    """Central run: a ``change`` may not push a traded cell's tariff below zero."""
    tariff = base_tariff.copy()
    means = compiled.means
    for t in compiled.tariffs:
        where = (t.sectors[:, None], t.cols[None, :], t.rows[None, :])
        if t.mode == "rate":
            tariff[where] = means[t.param]
            continue
        tariff[where] = tariff[where] + means[t.param] / 100.0
        bad = (tariff[where] < -1e-12) & (flows[where] > 0)
        if bad.any():
            s, c = np.argwhere(bad)[0]
            sector = compiled.sectors[int(t.sectors[s])]
            exporter = compiled.countries[int(t.rows[c])]
            importer = compiled.countries[int(t.cols[c])]
            before = base_tariff[int(t.sectors[s]), int(t.cols[c]), int(t.rows[c])]
            raise scenario_error(
                source, ("shocks", t.shock, "change"),
                f"change {means[t.param]:g} percentage points makes {int(bad.sum())} traded "
                f"tariff(s) negative, e.g. {exporter}->{importer} sector {sector!r} "
                f"({100 * before:.3g} % before); use rate = 0.0 to remove tariffs, a smaller "
                "cut, or fewer sectors",
                text=text,
            )
        tariff[where] = np.maximum(tariff[where], 0.0)


@dataclass(frozen=True)
class SectoralTask:
    """A chunk of draws: the model, the compiled shocks, parameter rows."""

    model: Any
    compiled: CompiledScenario
    first: int
    values: np.ndarray


@dataclass(frozen=True)
class SectoralChunk:
    first: int
    countries: np.ndarray  # (m, N, K)
    sectors: np.ndarray  # (m, N, J, L)
    pair_trade_pct: np.ndarray  # (m, S)
    iterations: np.ndarray


def _extract(result, compiled: CompiledScenario):
    codes = list(compiled.countries)
    n, j = len(codes), len(compiled.sectors)
    countries = result.countries.loc[codes, list(SECTORAL_OUTPUTS)].to_numpy(dtype=float)
    sectors = result.sectors[list(SECTOR_OUTPUTS)].to_numpy(dtype=float).reshape(n, j, -1)
    f = result.flows
    base = f["baseline"].to_numpy(dtype=float).reshape(n, n, j)  # [exporter, importer, sector]
    new = f["counterfactual"].to_numpy(dtype=float).reshape(n, n, j)
    return countries, sectors, pair_trade(compiled, base, new)


def pair_trade(compiled: CompiledScenario, base: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Percent change of trade over each shock's pairs (and sectors, for tariff shocks)."""
    keys = sorted(compiled.shocked_pairs)
    out = np.full(len(keys), np.nan)
    all_sectors = np.arange(base.shape[2])
    for s, k in enumerate(keys):
        rows, cols = compiled.shocked_pairs[k]
        sec = compiled.shocked_sectors.get(k, all_sectors)
        before = base[rows, cols][:, sec].sum()
        if before > 0:
            out[s] = 100.0 * (new[rows, cols][:, sec].sum() / before - 1.0)
    return out


def _solve(model, compiled: CompiledScenario, values: np.ndarray):
    base = model.baseline
    tariff, cost = build_arrays(compiled, values, base.tariff, base.theta)
    return model.simulate_arrays(tariff, cost)


def solve_sectoral_chunk(task: SectoralTask) -> SectoralChunk:
    """Solve every draw of a chunk (runs in a worker)."""
    m = task.values.shape[0]
    c = task.compiled
    n, j = len(c.countries), len(c.sectors)
    countries = np.empty((m, n, len(SECTORAL_OUTPUTS)))
    sectors = np.empty((m, n, j, len(SECTOR_OUTPUTS)))
    pairs = np.empty((m, len(c.shocked_pairs)))
    iterations = np.zeros(m, dtype=np.int64)
    with blas_single_thread():
        for d in range(m):
            try:
                result = _solve(task.model, c, task.values[d])
            except ConvergenceError as exc:
                shown = ", ".join(f"{p.name} = {v:.4g}"
                                  for p, v in zip(c.parameters, task.values[d], strict=True))
                raise ConvergenceError(
                    f"draw {task.first + d + 1} did not converge ({shown}): {exc}. "
                    "Reduce the standard errors or check the shock sizes.",
                    record=getattr(exc, "record", None),
                ) from None
            countries[d], sectors[d], pairs[d] = _extract(result, c)
            iterations[d] = result.iterations
    return SectoralChunk(task.first, countries, sectors, pairs, iterations)


def _band(central: np.ndarray, draws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if draws.shape[0] == 0:
        return central, central
    lo, hi = np.percentile(draws, [LOW, HIGH], axis=0)
    return lo, hi


def run_sectoral(scenario, world, *, n_draws: int, seed: int, workers, scheduler, estimate,
                 progress, started: float) -> ScenarioResult:
    """Run ``scenario`` on the multi-sector model of ``world`` (see the module docstring)."""
    spec, source, text = scenario.spec, scenario.source, scenario.text
    data = getattr(world, "sectors", None)
    if data is None:
        from jahan.scenario.compile import NO_SECTORS

        k = next(k for k, s in enumerate(spec.shocks) if isinstance(s, TariffShock))
        raise scenario_error(source, ("shocks", k, "type"), NO_SECTORS, text=text)
    for k, shock in enumerate(spec.shocks):
        if isinstance(shock, ProductivityShock | AutarkyShock):
            raise scenario_error(
                source, ("shocks", k, "type"),
                f"a {shock.type!r} shock has no counterpart in the multi-sector model this world "
                "with sectors runs; use tariff, agreement, trade_cost, border, corridor or "
                "sanctions shocks, or run it on a world without sectors",
                text=text,
            )
    imbalances = spec.model.imbalances
    if imbalances not in DEFICITS:
        raise scenario_error(
            source, ("model", "imbalances"),
            f"bad value {imbalances!r} for a world with sectors; allowed: \"balanced\" (no "
            "aggregate deficits, the Caliendo-Parro case) or \"fixed\" (observed deficits)",
            text=text,
        )
    model = data.model(deficits=DEFICITS[imbalances])
    compiled = scenario.compile(world, tuple(model.countries))
    if estimate is not None or any(p.coefficient for p in compiled.parameters):
        compiled = scenario._with_estimate(compiled, estimate)
    base = model.baseline
    _check_rates(spec, compiled, base.tariff, base.net_flows(), source, text)

    codes = list(compiled.countries)
    n, j = len(codes), len(compiled.sectors)
    with blas_single_thread():
        central = _solve(model, compiled, compiled.means)
    c_countries, c_sectors, c_pairs = _extract(central, compiled)
    check_finite(c_countries, "central results")
    check_finite(c_sectors, "central sector results")

    if not any(p.se > 0 or p.coefficient for p in compiled.parameters):
        n_draws = 0
    values = draw_parameters(compiled, n_draws, seed, estimate)
    n_workers = available_workers() if not workers else int(workers)
    n_chunks = max(1, 4 * n_workers) if scheduler is None else max(1, n_draws // 10)
    chunks = []
    if n_draws:
        bounds = np.linspace(0, n_draws, max(1, min(n_chunks, n_draws)) + 1).astype(int)
        chunks = [SectoralTask(model, compiled, int(a), values[a:b])
                  for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
    done = [0]

    def on_done(k: int) -> None:
        done[0] += chunks[k].values.shape[0]
        if progress is not None:
            progress(done[0], n_draws)

    results = run_tasks(solve_sectoral_chunk, chunks, workers=workers, scheduler=scheduler,
                        on_done=on_done)
    draw_out = np.empty((n_draws, n, len(SECTORAL_OUTPUTS)))
    draw_sec = np.empty((n_draws, n, j, len(SECTOR_OUTPUTS)))
    draw_pairs = np.empty((n_draws, len(compiled.shocked_pairs)))
    iterations = np.zeros(n_draws, dtype=np.int64)
    for chunk in results:
        m = chunk.countries.shape[0]
        draw_out[chunk.first : chunk.first + m] = chunk.countries
        draw_sec[chunk.first : chunk.first + m] = chunk.sectors
        draw_pairs[chunk.first : chunk.first + m] = chunk.pair_trade_pct
        iterations[chunk.first : chunk.first + m] = chunk.iterations
    check_finite(draw_out, "draw results")

    countries = pd.DataFrame(index=pd.Index(codes, name="country"))
    lo, hi = _band(c_countries, draw_out)
    for k, o in enumerate(SECTORAL_OUTPUTS):
        countries[o] = c_countries[:, k]
        countries[f"{o}_p05"] = lo[:, k]
        countries[f"{o}_p95"] = hi[:, k]
    sec = central.sectors
    sectors = sec[["output_baseline", "exports_baseline", "imports_baseline"]].copy()
    lo, hi = _band(c_sectors, draw_sec)
    for k, o in enumerate(SECTOR_OUTPUTS):
        sectors[o] = c_sectors[:, :, k].ravel()
        sectors[f"{o}_p05"] = lo[:, :, k].ravel()
        sectors[f"{o}_p95"] = hi[:, :, k].ravel()

    shocks = scenario._shock_table(compiled, c_pairs, draw_pairs)
    shocks["sectors"] = [
        ", ".join(compiled.sectors[s] for s in compiled.shocked_sectors[k])
        if k in compiled.shocked_sectors else "" for k in range(len(spec.shocks))
    ]
    parameters = parameter_table(compiled, values, n_draws)
    theta = model.trade_elasticity
    settings = run_settings(
        spec, world, n_draws=n_draws, seed=seed, n_countries=n, central=central,
        iterations=iterations, started=started,
        model="multi-sector",
        trade_elasticity=float(theta.mean()),
        closure="full",
        imbalances=imbalances,
        deficits=model.deficits,
        n_sectors=j,
    )
    return ScenarioResult(
        name=scenario.name,
        spec=spec,
        source=source,
        text=text,
        _countries=countries,
        _shocks=shocks,
        _parameters=parameters,
        _flows=central.flows,
        _names=scenario._names(world, codes),
        _draw_values=values,
        _draw_outputs=draw_out,
        _settings=settings,
        _sectors=sectors,
        _outputs=SECTORAL_OUTPUTS,
    )


__all__ = ["DEFICITS", "build_arrays", "needs_sectors", "pair_trade", "run_sectoral",
           "solve_sectoral_chunk"]
