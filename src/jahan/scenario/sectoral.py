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
Draws, seeds, workers and bands run on the same path as one-sector scenarios
(:func:`jahan.scenario.draws.run_draws`); this module supplies the model, the solve and the
extraction of outputs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jahan.errors import Message
from jahan.ge.multisector import MultiSectorGEModel
from jahan.scenario._errors import scenario_error
from jahan.scenario.compile import PROHIBITIVE, CompiledScenario
from jahan.scenario.result import SECTOR_OUTPUTS, SECTORAL_OUTPUTS
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
    return bool(getattr(world, "has_sectors", False)) and not bool(
        getattr(world, "has_flows", True)
    )


def build_arrays(
    compiled: CompiledScenario, values: np.ndarray, base_tariff: np.ndarray, theta: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
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


def _check_rates(
    spec,
    compiled: CompiledScenario,
    base_tariff: np.ndarray,
    flows: np.ndarray,
    source: str,
    text: str,
) -> None:
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
                source,
                ("shocks", t.shock, "change"),
                Message(
                    "change {change:g} percentage points makes {count} traded "
                    "tariff(s) negative, e.g. {exporter}->{importer} sector {sector!r} "
                    "({before:.3g} % before); use rate = 0.0 to remove tariffs, a smaller "
                    "cut, or fewer sectors",
                    change=means[t.param],
                    count=int(bad.sum()),
                    exporter=exporter,
                    importer=importer,
                    sector=sector,
                    before=100 * before,
                ),
                text=text,
            )
        tariff[where] = np.maximum(tariff[where], 0.0)


def extract_sectoral(result, compiled: CompiledScenario):
    """Country outputs (N, K), sector outputs (N, J, L) and shocked-pair trade of a result."""
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


def solve_arrays(model, compiled: CompiledScenario, values: np.ndarray):
    """Solve one parameter vector in the multi-sector model."""
    base = model.baseline
    tariff, cost = build_arrays(compiled, values, base.tariff, base.theta)
    return model.simulate_arrays(tariff, cost)


def prepare_sectoral(scenario, world, estimate) -> tuple[Any, CompiledScenario, dict]:
    """The multi-sector model of ``world``, the compiled scenario and the settings to record.

    Refuses shocks without a multi-sector counterpart and imbalance rules the model lacks.
    """
    spec, source, text = scenario.spec, scenario.source, scenario.text
    data = getattr(world, "sectors", None)
    if data is None:
        from jahan.scenario.compile import NO_SECTORS

        k = next(k for k, s in enumerate(spec.shocks) if isinstance(s, TariffShock))
        raise scenario_error(source, ("shocks", k, "type"), NO_SECTORS, text=text)
    for k, shock in enumerate(spec.shocks):
        if isinstance(shock, ProductivityShock | AutarkyShock):
            raise scenario_error(
                source,
                ("shocks", k, "type"),
                Message(
                    "a {type!r} shock has no counterpart in the multi-sector model this world "
                    "with sectors runs; use tariff, agreement, trade_cost, border, corridor or "
                    "sanctions shocks, or run it on a world without sectors",
                    type=shock.type,
                ),
                text=text,
            )
    imbalances = spec.model.imbalances
    if imbalances not in DEFICITS:
        raise scenario_error(
            source,
            ("model", "imbalances"),
            Message(
                'bad value {value!r} for a world with sectors; allowed: "balanced" (no '
                'aggregate deficits, the Caliendo-Parro case) or "fixed" (observed deficits)',
                value=imbalances,
            ),
            text=text,
        )
    model = MultiSectorGEModel(**data.inputs(), imbalances=imbalances)
    compiled = scenario.compile(world, tuple(model.countries))
    if estimate is not None or any(p.coefficient for p in compiled.parameters):
        compiled = scenario._with_estimate(compiled, estimate)
    base = model.baseline
    _check_rates(spec, compiled, base.tariff, base.net_flows(), source, text)
    settings = {
        "model": "multi-sector",
        "trade_elasticity": float(model.trade_elasticity.mean()),
        "closure": "full",
        "imbalances": imbalances,
        "deficits": DEFICITS[model.imbalances],
        "n_sectors": len(compiled.sectors),
    }
    return model, compiled, settings


def sector_frame(central, run) -> pd.DataFrame:
    """Sector outputs by (country, sector) with their bands, from a multi-sector run."""
    from jahan.scenario.draws import band

    sectors = central.sectors[["output_baseline", "exports_baseline", "imports_baseline"]].copy()
    lo, hi = band(run.sectors, run.draw_sectors)
    for k, o in enumerate(SECTOR_OUTPUTS):
        sectors[o] = run.sectors[:, :, k].ravel()
        sectors[f"{o}_p05"] = lo[:, :, k].ravel()
        sectors[f"{o}_p95"] = hi[:, :, k].ravel()
    return sectors


__all__ = [
    "DEFICITS",
    "build_arrays",
    "extract_sectoral",
    "needs_sectors",
    "pair_trade",
    "prepare_sectoral",
    "sector_frame",
    "solve_arrays",
]
