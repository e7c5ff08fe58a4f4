"""A scenario: a validated file plus the machinery to run it on a world with uncertainty."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jahan._parallel import available_workers, blas_single_thread, run_tasks
from jahan._validate_numbers import check_number
from jahan.errors import ScenarioError
from jahan.scenario.compile import CompiledScenario, check_shocked_trade, compile_scenario
from jahan.scenario.draws import (
    check_finite,
    chunk_tasks,
    draw_parameters,
    flows_arrays,
    pair_trade_change,
    solve_chunk,
    solve_one,
)
from jahan.scenario.load import parse, resolve
from jahan.scenario.result import (
    HIGH,
    LOW,
    OUTPUTS,
    ScenarioResult,
    parameter_table,
    run_settings,
)
from jahan.scenario.schema import ScenarioSpec
from jahan.scenario.sectoral import needs_sectors, run_sectoral


@dataclass(frozen=True, eq=False)
class Scenario:
    """A policy or shock scenario read from a TOML file.

    Examples
    --------
    >>> sc = Scenario.load("eaeu_customs_union")            # doctest: +SKIP
    >>> out = sc.run(draws=200, seed=1)                      # doctest: +SKIP
    >>> out.summary()                                        # doctest: +SKIP
    """

    spec: ScenarioSpec
    source: str = "<scenario>"
    text: str = ""

    @classmethod
    def load(cls, name_or_path: str | Path) -> Scenario:
        """Load a built-in scenario by name (see :func:`library`) or a TOML file by path."""
        source, text = resolve(name_or_path)
        return cls(parse(text, source), source, text)

    @classmethod
    def from_toml(cls, text: str, source: str = "<string>") -> Scenario:
        """Validate TOML text into a scenario."""
        return cls(parse(text, source), source, text)

    @property
    def name(self) -> str:
        return self.spec.scenario.name

    @property
    def claim(self) -> str:
        return self.spec.scenario.claim

    def compile(self, world: Any, countries: tuple[str, ...] | None = None) -> CompiledScenario:
        """Resolve codes and groups against ``world``; raises ScenarioError naming the field."""
        codes = tuple(countries) if countries is not None else tuple(world.iso3)
        data = getattr(world, "sectors", None)
        sectors = tuple(data.sectors) if data is not None else None
        return compile_scenario(self.spec, world, codes, source=self.source, text=self.text,
                                sectors=sectors)

    def run(
        self,
        world: Any = None,
        *,
        draws: int | None = None,
        seed: int | None = None,
        workers: int | None = 1,
        scheduler: Any = None,
        estimate: Any = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> ScenarioResult:
        """Solve the scenario at its central parameters and for ``draws`` uncertainty draws.

        Parameters
        ----------
        world : World, optional
            The baseline (default: ``World.builtin()``).
        draws, seed : int, optional
            Number of parameter draws and the seed (default: the file's ``[uncertainty]``).
            The same seed gives identical results for any ``workers`` or ``scheduler``.
        workers : int, optional
            Local processes (1 = this process; 0 or None = every CPU).
        scheduler : str or dask.distributed.Client, optional
            Run the draws on a Dask cluster instead.
        estimate : GravityEstimate, optional
            Needed when a shock names a ``coefficient``: its value and covariance drive the draws.
        progress : callable, optional
            ``progress(done, total)`` after each chunk of draws.

        Returns
        -------
        ScenarioResult

        Notes
        -----
        A scenario with ``tariff`` shocks (or any scenario on a world with sector data and no
        one-sector flows) runs on the multi-sector model of ``world.sectors``; see
        :mod:`jahan.scenario.sectoral`. Its result has sector tables (:attr:`ScenarioResult.sectors`).
        """
        from jahan.ge import GEModel

        started = time.perf_counter()
        if world is None:
            from jahan.world import World

            world = World.builtin()
        spec = self.spec
        # The same bounds as the file's [uncertainty] table, before anything is allocated.
        n_draws = spec.uncertainty.draws if draws is None else check_number(draws, "draws",
                                                                           where="Scenario.run")
        seed = spec.uncertainty.seed if seed is None else check_number(seed, "seed",
                                                                       where="Scenario.run")
        if needs_sectors(spec, world):
            return run_sectoral(self, world, n_draws=n_draws, seed=seed, workers=workers,
                                scheduler=scheduler, estimate=estimate, progress=progress,
                                started=started)

        model = GEModel(
            world,
            trade_elasticity=spec.model.trade_elasticity,
            closure=spec.model.closure,
            imbalances=spec.model.imbalances,
        )
        compiled = self.compile(world, tuple(model.countries))
        compiled = self._with_estimate(compiled, estimate)
        check_shocked_trade(compiled, model.baseline["value"].to_numpy().reshape(
            len(model.countries), -1), spec, source=self.source, text=self.text)

        with blas_single_thread():
            central = solve_one(model, compiled, compiled.means)
        codes = list(compiled.countries)
        central_frame = central.countries.loc[codes, list(OUTPUTS)]
        check_finite(central_frame.to_numpy(), "central results")
        base, new = flows_arrays(central)
        central_pairs = pair_trade_change(compiled, base, new)

        if not any(p.se > 0 or p.coefficient for p in compiled.parameters):
            n_draws = 0  # nothing is uncertain: every draw would repeat the central run
        values = draw_parameters(compiled, n_draws, seed, estimate)
        n_workers = available_workers() if not workers else int(workers)
        chunks = chunk_tasks(model, compiled, OUTPUTS, values, n_chunks=max(1, 4 * n_workers)
                             if scheduler is None else max(1, n_draws // 10))
        done = [0]

        def on_done(k: int) -> None:
            done[0] += chunks[k].values.shape[0]
            if progress is not None:
                progress(done[0], n_draws)

        results = run_tasks(solve_chunk, chunks, workers=workers, scheduler=scheduler,
                            on_done=on_done)
        n = len(codes)
        draw_out = np.empty((n_draws, n, len(OUTPUTS)))
        draw_pairs = np.empty((n_draws, len(compiled.shocked_pairs)))
        iterations = np.zeros(n_draws, dtype=np.int64)
        for chunk in results:
            m = chunk.countries.shape[0]
            draw_out[chunk.first : chunk.first + m] = chunk.countries
            draw_pairs[chunk.first : chunk.first + m] = chunk.pair_trade_pct
            iterations[chunk.first : chunk.first + m] = chunk.iterations
        check_finite(draw_out, "draw results")

        countries = pd.DataFrame(index=pd.Index(codes, name="country"))
        for k, o in enumerate(OUTPUTS):
            countries[o] = central_frame[o].to_numpy()
            if n_draws:
                lo, hi = np.percentile(draw_out[:, :, k], [LOW, HIGH], axis=0)
            else:
                lo = hi = central_frame[o].to_numpy()
            countries[f"{o}_p05"] = lo
            countries[f"{o}_p95"] = hi

        shocks = self._shock_table(compiled, central_pairs, draw_pairs)
        parameters = parameter_table(compiled, values, n_draws)
        names = self._names(world, codes)
        settings = run_settings(
            spec, world, n_draws=n_draws, seed=seed, n_countries=n, central=central,
            iterations=iterations, started=started,
            trade_elasticity=spec.model.trade_elasticity,
            closure=spec.model.closure,
            imbalances=spec.model.imbalances,
        )
        return ScenarioResult(
            name=self.name,
            spec=spec,
            source=self.source,
            text=self.text,
            _countries=countries,
            _shocks=shocks,
            _parameters=parameters,
            _flows=central.flows,
            _names=names,
            _draw_values=values,
            _draw_outputs=draw_out,
            _settings=settings,
        )

    def _with_estimate(self, compiled: CompiledScenario, estimate: Any) -> CompiledScenario:
        linked = [p for p in compiled.parameters if p.coefficient is not None]
        if not linked:
            return compiled
        if estimate is None:
            raise ScenarioError(
                f"{self.source}: shock effect {linked[0].name!r} is taken from coefficient "
                f"{linked[0].coefficient!r} of an estimate; pass estimate=jh.fepois(...) to run()"
            )
        coef = estimate.coef
        from dataclasses import replace

        from jahan.scenario._errors import nearest

        params = []
        for p in compiled.parameters:
            if p.coefficient is None:
                params.append(p)
                continue
            if p.coefficient not in coef.index:
                hint = nearest(p.coefficient, list(coef.index))
                raise ScenarioError(
                    f"{self.source}: coefficient {p.coefficient!r} is not in the estimate "
                    f"(it has {', '.join(map(str, coef.index))})"
                    + (f"; did you mean {hint!r}?" if hint else "")
                )
            se = float(np.sqrt(estimate.vcov.loc[p.coefficient, p.coefficient]))
            params.append(replace(p, mean=float(coef[p.coefficient]), se=se))
        return replace(compiled, parameters=tuple(params))

    def _shock_table(self, compiled, central_pairs, draw_pairs) -> pd.DataFrame:
        keys = sorted(compiled.shocked_pairs)
        rows = []
        for k, shock in enumerate(self.spec.shocks):
            row = {
                "shock": k + 1,
                "label": shock.label or shock.type,
                "label_kk": shock.label_kk or shock.label or shock.type,
                "label_ru": shock.label_ru or shock.label or shock.type,
                "type": shock.type,
                "members": ", ".join(compiled.members.get(k, ())),
                "pairs": 0,
                "trade_pct": np.nan,
                "trade_pct_p05": np.nan,
                "trade_pct_p95": np.nan,
            }
            if k in compiled.shocked_pairs:
                s = keys.index(k)
                row["pairs"] = int(len(compiled.shocked_pairs[k][0]))
                row["trade_pct"] = central_pairs[s]
                if draw_pairs.shape[0]:
                    lo, hi = np.nanpercentile(draw_pairs[:, s], [LOW, HIGH])
                else:
                    lo = hi = central_pairs[s]
                row["trade_pct_p05"], row["trade_pct_p95"] = lo, hi
            rows.append(row)
        return pd.DataFrame(rows).set_index("shock")

    @staticmethod
    def _names(world: Any, codes: list[str]) -> pd.DataFrame:
        frame = pd.DataFrame(index=pd.Index(codes, name="country"))
        table = getattr(world, "countries", None)
        for lang in ("en", "ru", "kk"):
            column = f"name_{lang}"
            if isinstance(table, pd.DataFrame) and column in table.columns:
                frame[column] = table[column].reindex(codes).fillna("").astype(str).to_numpy()
            else:
                frame[column] = codes
        if isinstance(table, pd.DataFrame) and "population" in table.columns:
            frame["population"] = pd.to_numeric(table["population"].reindex(codes), errors="coerce").to_numpy()
        return frame


def library() -> pd.DataFrame:
    """The built-in scenarios: name, title, claim, source text id, shock types."""
    from jahan.scenario.load import library_names

    rows = []
    for name in library_names():
        sc = Scenario.load(name)
        meta = sc.spec.scenario
        rows.append(
            {
                "name": name,
                "title": meta.name,
                "title_ru": meta.name_ru,
                "title_kk": meta.name_kk,
                "claim": meta.claim,
                "source": meta.source,
                "shocks": ", ".join(s.type for s in sc.spec.shocks),
            }
        )
    return pd.DataFrame(rows).set_index("name")


__all__ = ["Scenario", "library"]
