r"""Does a union shelter its members from a crisis? A difference in differences with paired draws.

A crisis's cost is measured from each world's own pre-crisis equilibrium. With ``W`` the
welfare change (percent) from the baseline:

- the crisis without the union costs :math:`L_0 = -W(\text{crisis})`;
- with the union it costs :math:`L_1 = -100\,[(1 + W(\text{union + crisis})/100) /
  (1 + W(\text{union})/100) - 1]`, measured from the world with the union and no crisis;
- the shelter is :math:`S = L_0 - L_1` (positive: the union softens the crisis).

The crisis shocks are those of the scenario without the union; every one of them must appear in
the scenario with the union, whose other shocks are the union. All three runs use the same
parameter draws (drawn once from the union scenario's parameters), so the band of ``S`` is the
band of a paired difference. One-sector worlds only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from jahan._i18n import fmt_pct, tr
from jahan._parallel import available_workers, run_tasks
from jahan.errors import Message, ScenarioError
from jahan.scenario.draws import chunk_tasks, draw_parameters, solve_chunk
from jahan.scenario.result import HIGH, LOW
from jahan.scenario.sectoral import needs_sectors

_OUTPUT = ("welfare_pct",)


def shelter_line(country: str, row, lang: str, digits: int = 3) -> str:
    """One country's crisis losses and shelter with its band, as a sentence in ``lang``.

    ``row`` holds ``loss_without``, ``loss_with``, ``shelter``, ``shelter_p05``, ``shelter_p95``
    and ``band_excludes_zero`` (a row of :attr:`ShelterResult.countries` or its dict form).
    """
    verdict = (
        tr("the band excludes zero", lang)
        if row["band_excludes_zero"]
        else tr("the band includes zero", lang)
    )
    return tr(
        "{country}: crisis loss {without} without the union, {with_} with it; shelter "
        "{shelter} [{low}; {high}], {verdict}",
        lang,
        country=country,
        without=fmt_pct(row["loss_without"], lang, digits),
        with_=fmt_pct(row["loss_with"], lang, digits),
        shelter=fmt_pct(row["shelter"], lang, digits),
        low=fmt_pct(row["shelter_p05"], lang, digits),
        high=fmt_pct(row["shelter_p95"], lang, digits),
        verdict=verdict,
    )


@dataclass(frozen=True, eq=False)
class ShelterResult:
    """Crisis losses with and without the union and the shelter, by country (immutable copies).

    ``countries`` columns: ``loss_without``, ``loss_with``, ``shelter``, each with ``_p05`` and
    ``_p95`` (percent of real income), and ``band_excludes_zero`` for the shelter.
    """

    union: str
    crisis: str
    claim: str
    draws: int
    seed: int
    _countries: pd.DataFrame = field(repr=False)

    @property
    def countries(self) -> pd.DataFrame:
        return self._countries.copy()

    def summary(self, codes: list[str] | None = None, lang: str = "en") -> list[str]:
        """Lines stating the claim and, per country, the shelter with its band."""
        frame = self._countries if codes is None else self._countries.loc[codes]
        lines = [tr("Claim: {claim}", lang, claim=self.claim)] if self.claim else []
        for code, row in frame.iterrows():
            lines.append(shelter_line(str(code), row, lang, digits=3))
        return lines


def _split(with_union, without_union) -> tuple[list[int], list[int]]:
    crisis = [s.model_dump() for s in without_union.spec.shocks]
    shocks = [s.model_dump() for s in with_union.spec.shocks]
    crisis_idx: list[int] = []
    for k, shock in enumerate(crisis):
        matches = [j for j, s in enumerate(shocks) if s == shock and j not in crisis_idx]
        if not matches:
            raise ScenarioError(
                Message(
                    "{without}: shocks[{number}] ({label}) "
                    "is not in {with_union}; the scenario with the union must contain the "
                    "same crisis shocks, unchanged, plus the union's",
                    without=without_union.source,
                    number=k + 1,
                    label=shock.get("label") or shock["type"],
                    with_union=with_union.source,
                )
            )
        crisis_idx.append(matches[0])
    union_idx = [j for j in range(len(shocks)) if j not in crisis_idx]
    if not union_idx:
        raise ScenarioError(
            Message(
                "{with_union} adds no shock to {without}: there is no union to measure",
                with_union=with_union.source,
                without=without_union.source,
            )
        )
    if with_union.spec.model != without_union.spec.model:
        raise ScenarioError(
            Message(
                "the two scenarios use different [model] settings; give them the same "
                "trade elasticity, closure and imbalances"
            )
        )
    return sorted(crisis_idx), union_idx


def _part(scenario, keep: list[int]):
    from dataclasses import replace

    spec = scenario.spec.model_copy(update={"shocks": [scenario.spec.shocks[k] for k in keep]})
    return replace(scenario, spec=spec)


def _welfare(scenario, world, values: np.ndarray, workers, scheduler) -> np.ndarray:
    """Welfare change (draws, countries) of ``scenario`` at each row of ``values``."""
    from jahan.ge import GEModel

    settings = scenario.spec.model
    model = GEModel(
        world,
        trade_elasticity=settings.trade_elasticity,
        closure=settings.closure,
        imbalances=settings.imbalances,
    )
    compiled = scenario.compile(world, tuple(model.countries))
    if compiled.tariff_base is not None:
        model = GEModel(
            world,
            trade_elasticity=settings.trade_elasticity,
            closure=settings.closure,
            imbalances=settings.imbalances,
            tariffs=compiled.tariff_base,
        )
    n_workers = available_workers() if not workers else int(workers)
    tasks = chunk_tasks(model, compiled, _OUTPUT, values, n_chunks=max(1, 4 * n_workers))
    out = np.empty((values.shape[0], len(compiled.countries)))
    for chunk in run_tasks(solve_chunk, tasks, workers=workers, scheduler=scheduler):
        out[chunk.first : chunk.first + chunk.countries.shape[0]] = chunk.countries[:, :, 0]
    return out


def crisis_shelter(
    with_union: Any,
    without_union: Any,
    world: Any = None,
    *,
    draws: int | None = None,
    seed: int | None = None,
    workers: int | None = 1,
    scheduler: Any = None,
) -> ShelterResult:
    """Measure how much a union shelters each country from a crisis (see the module docstring).

    Parameters
    ----------
    with_union, without_union : Scenario
        The crisis with the union's shocks, and the crisis alone.
    world : World, optional
        Default: the built-in world.
    draws, seed : int, optional
        Default: the union scenario's ``[uncertainty]``.

    Returns
    -------
    ShelterResult
    """
    import warnings

    from jahan.errors import ScenarioWarning

    if world is None:
        from jahan.world import World

        world = World.builtin()
    if needs_sectors(with_union.spec, world) or needs_sectors(without_union.spec, world):
        raise ScenarioError(
            Message(
                "the crisis shelter is measured on one-sector worlds; this world runs "
                "the scenarios on its sector data"
            )
        )
    crisis_idx, union_idx = _split(with_union, without_union)
    n_draws = with_union.spec.uncertainty.draws if draws is None else int(draws)
    seed = with_union.spec.uncertainty.seed if seed is None else int(seed)
    with warnings.catch_warnings():
        # The overlap warning is given once, by the union's own run.
        warnings.simplefilter("ignore", ScenarioWarning)
        full = with_union.compile(world)
    values = draw_parameters(full, n_draws, seed)
    values = np.vstack([full.means[None, :], values])  # row 0: the central run

    def columns(keep: list[int]) -> list[int]:
        return [q for q, p in enumerate(full.parameters) if p.shock in keep]

    parts = {}
    for tag, keep in (
        ("full", list(range(len(with_union.spec.shocks)))),
        ("union", union_idx),
        ("crisis", crisis_idx),
    ):
        scenario = _part(with_union, keep)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioWarning)
            parts[tag] = _welfare(scenario, world, values[:, columns(keep)], workers, scheduler)
    effect_with = 100.0 * ((1.0 + parts["full"] / 100.0) / (1.0 + parts["union"] / 100.0) - 1.0)
    loss_with, loss_without = -effect_with, -parts["crisis"]
    shelter = loss_without - loss_with
    codes = list(full.countries)
    frame = pd.DataFrame(index=pd.Index(codes, name="country"))
    for name, data in (
        ("loss_without", loss_without),
        ("loss_with", loss_with),
        ("shelter", shelter),
    ):
        frame[name] = data[0]
        if n_draws:
            lo, hi = np.percentile(data[1:], [LOW, HIGH], axis=0)
        else:
            lo = hi = data[0]
        frame[f"{name}_p05"], frame[f"{name}_p95"] = lo, hi
    frame["band_excludes_zero"] = (frame["shelter_p05"] > 0) | (frame["shelter_p95"] < 0)
    if not np.all(np.isfinite(frame.select_dtypes("number").to_numpy())):
        raise ScenarioError("non-finite crisis losses; check the shocks for extreme values")
    return ShelterResult(
        union=with_union.name,
        crisis=without_union.name,
        claim=with_union.claim,
        draws=n_draws,
        seed=seed,
        _countries=frame,
    )


__all__ = ["ShelterResult", "crisis_shelter", "shelter_line"]
