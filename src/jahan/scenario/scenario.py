"""A scenario: a validated file plus the machinery to run it on a world with uncertainty."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jahan._validate_numbers import check_number
from jahan.errors import Message, ScenarioError
from jahan.scenario._labels import tr_shock_type
from jahan.scenario.compile import CompiledScenario, check_shocked_trade, compile_scenario
from jahan.scenario.draws import band, run_draws
from jahan.scenario.load import parse, resolve
from jahan.scenario.result import (
    HIGH,
    LOW,
    OUTPUTS,
    SECTORAL_OUTPUTS,
    ScenarioResult,
    parameter_table,
    run_settings,
)
from jahan.scenario.schema import ScenarioSpec
from jahan.scenario.sectoral import needs_sectors, prepare_sectoral, sector_frame


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
        return compile_scenario(
            self.spec, world, codes, source=self.source, text=self.text, sectors=sectors
        )

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
            A scenario with an ``[estimate]`` table estimates it from ``world``'s observed panel
            when none is given (:func:`jahan.estimate.bloc.estimate_bloc`).
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

        started = time.perf_counter()
        if world is None:
            from jahan.world import World

            world = World.builtin()
        spec = self.spec
        # The same bounds as the file's [uncertainty] table, before anything is allocated.
        n_draws = (
            spec.uncertainty.draws
            if draws is None
            else check_number(draws, "draws", where="Scenario.run")
        )
        seed = (
            spec.uncertainty.seed
            if seed is None
            else check_number(seed, "seed", where="Scenario.run")
        )
        if estimate is None and spec.estimate is not None:
            estimate = self.panel_estimate(world).estimate
        if needs_sectors(spec, world):
            kind, outputs = "multi-sector", SECTORAL_OUTPUTS
            model, compiled, model_settings = prepare_sectoral(self, world, estimate)
        else:
            kind, outputs = "one-sector", OUTPUTS
            model, compiled = self._one_sector(world, estimate)
            model_settings = spec.model.model_dump()
        run = run_draws(
            model,
            compiled,
            outputs,
            kind,
            n_draws=n_draws,
            seed=seed,
            estimate=estimate,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
        )
        codes = list(compiled.countries)
        countries = pd.DataFrame(index=pd.Index(codes, name="country"))
        lo, hi = band(run.countries, run.draw_countries)
        for k, o in enumerate(outputs):
            countries[o] = run.countries[:, k]
            countries[f"{o}_p05"] = lo[:, k]
            countries[f"{o}_p95"] = hi[:, k]
        shocks = self._shock_table(compiled, run.pairs, run.draw_pairs)
        sectors = None
        if kind == "multi-sector":
            sectors = sector_frame(run.central, run)
            shocks["sectors"] = [
                ", ".join(compiled.sectors[s] for s in compiled.shocked_sectors[k])
                if k in compiled.shocked_sectors
                else ""
                for k in range(len(spec.shocks))
            ]
        settings = run_settings(
            spec,
            world,
            n_draws=run.draws,
            seed=seed,
            n_countries=len(codes),
            central=run.central,
            iterations=run.iterations,
            started=started,
            **model_settings,
        )
        if kind == "one-sector":
            settings["tariff_assumptions"] = tuple(compiled.tariff_notes)
            if spec.scenario.crisis_without:
                settings["shelter"] = self._shelter(world, n_draws, seed, workers, scheduler)
        return ScenarioResult(
            name=self.name,
            spec=spec,
            source=self.source,
            text=self.text,
            _countries=countries,
            _shocks=shocks,
            _parameters=parameter_table(compiled, run.values, run.draws),
            _flows=run.central.flows,
            _names=self._names(world, codes),
            _draw_values=run.values,
            _draw_outputs=run.draw_countries,
            _settings=settings,
            _sectors=sectors,
            _outputs=outputs,
        )

    def panel_estimate(self, world: Any) -> Any:
        """The bloc estimate of the file's ``[estimate]`` table on ``world``'s observed panel."""
        from jahan.errors import DataError
        from jahan.estimate.bloc import estimate_bloc

        settings = self.spec.estimate
        if settings is None:
            raise ScenarioError(
                Message("{source}: the scenario has no [estimate] table", source=self.source)
            )
        try:
            return estimate_bloc(world, settings.bloc, years=settings.years)
        except DataError as exc:
            raise ScenarioError(
                Message("{source}: [estimate]: {error}", source=self.source, error=exc)
            ) from exc

    def _model(self, world: Any) -> tuple[Any, CompiledScenario]:
        """The one-sector model of ``world`` and the shocks compiled on its countries, with
        their effects as stated; a scenario that states tariffs gets a baseline that carries them."""
        from jahan.ge import GEModel

        options = self.spec.model.model_dump()  # trade_elasticity, closure, imbalances
        model = GEModel(world, **options)
        compiled = self.compile(world, tuple(model.countries))
        if compiled.tariff_base is not None:
            model = GEModel(world, tariffs=compiled.tariff_base, **options)
        return model, compiled

    def _one_sector(self, world: Any, estimate: Any) -> tuple[Any, CompiledScenario]:
        """The one-sector model and its shocks, effects taken from ``estimate`` where a shock
        names a coefficient; a shock on pairs without baseline trade is refused."""
        model, compiled = self._model(world)
        compiled = self._with_estimate(compiled, estimate)
        check_shocked_trade(
            compiled,
            model.baseline["value"].to_numpy().reshape(len(model.countries), -1),
            self.spec,
            source=self.source,
            text=self.text,
        )
        return model, compiled

    def _shelter(self, world: Any, n_draws: int, seed: int, workers, scheduler) -> dict:
        """The crisis shelter of the focus countries against ``crisis_without`` (paired draws)."""
        from pathlib import Path

        from jahan.scenario.shelter import crisis_shelter

        name = self.spec.scenario.crisis_without
        if Path(self.source).is_file() and not Path(name).is_absolute():
            near = Path(self.source).parent / name
            name = str(near) if near.is_file() else name
        frame = crisis_shelter(
            self,
            Scenario.load(name),
            world,
            draws=n_draws,
            seed=seed,
            workers=workers,
            scheduler=scheduler,
        ).countries
        codes = [c for c in self.spec.scenario.focus if c in frame.index]
        return {
            "against": Scenario.load(name).name,
            "countries": {c: dict(frame.loc[c]) for c in codes},
        }

    def _with_estimate(self, compiled: CompiledScenario, estimate: Any) -> CompiledScenario:
        linked = [p for p in compiled.parameters if p.coefficient is not None]
        if not linked:
            return compiled
        if estimate is None:
            raise ScenarioError(
                Message(
                    "{source}: shock effect {name!r} is taken from coefficient "
                    "{coefficient!r} of an estimate; pass estimate=jh.fepois(...) to run()",
                    source=self.source,
                    name=linked[0].name,
                    coefficient=linked[0].coefficient,
                )
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
                found = Message(
                    "{source}: coefficient {coefficient!r} is not in the estimate (it has {names})",
                    source=self.source,
                    coefficient=p.coefficient,
                    names=list(map(str, coef.index)),
                )
                raise ScenarioError(
                    Message("{found}; did you mean {hint!r}?", found=found, hint=hint)
                    if hint
                    else found
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
                # An unlabelled shock is named by its type, translated (not "agreement" in kk).
                "label": shock.label or tr_shock_type(shock.type, "en"),
                "label_kk": shock.label_kk or shock.label or tr_shock_type(shock.type, "kk"),
                "label_ru": shock.label_ru or shock.label or tr_shock_type(shock.type, "ru"),
                "type": shock.type,
                "members": ", ".join(compiled.members.get(k, ())),
                "pairs": 0,
                "trade_pct": np.nan,
                "trade_pct_p05": np.nan,
                "trade_pct_p95": np.nan,
                "overlap": "; ".join(
                    f"{g}: {', '.join(pairs)}" for g, pairs in compiled.overlaps.get(k, {}).items()
                ),
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
            frame["population"] = pd.to_numeric(
                table["population"].reindex(codes), errors="coerce"
            ).to_numpy()
        return frame


_LIBRARY_TEXTS = (("title", "name"), ("claim", "claim"))
"""Columns of :func:`library` taken from ``[scenario]``, each with its ``_ru`` and ``_kk`` form."""


def library() -> pd.DataFrame:
    """The built-in scenarios: name, title, claim (each in en, ru, kk), source text id, shock types."""
    from jahan.scenario.load import library_names

    rows = {}
    for name in library_names():
        spec = Scenario.load(name).spec
        meta = spec.scenario
        row = {
            f"{column}{suffix}": getattr(meta, f"{key}{suffix}")
            for column, key in _LIBRARY_TEXTS
            for suffix in ("", "_ru", "_kk")
        }
        rows[name] = {
            **row,
            "source": meta.source,
            "shocks": ", ".join(s.type for s in spec.shocks),
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("name")


__all__ = ["Scenario", "library"]
