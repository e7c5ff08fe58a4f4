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

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jahan._compat import _MISSING, deprecated
from jahan._i18n import check_lang, fmt_pct, tr
from jahan._io import write_parquet_atomic
from jahan._parallel import available_workers, run_tasks
from jahan._result import Result
from jahan._text import text_table
from jahan.errors import Message, ScenarioError
from jahan.scenario.draws import band, chunk_tasks, draw_parameters, solve_chunk
from jahan.scenario.result import band_text, focus_codes
from jahan.scenario.sectoral import needs_sectors

_OUTPUT = ("welfare_pct",)
_MEASURES = ("loss_without", "loss_with", "shelter")
"""The measures of a :class:`ShelterResult`, each with its band (percent of real income)."""


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
class ShelterResult(Result):
    """Crisis losses with and without the union and the shelter, by country (a sealed record).

    ``countries`` is indexed by ISO3 (``country``) with ``loss_without``, ``loss_with``,
    ``shelter``, each with its band ``_p05`` and ``_p95`` (percent of real income), and
    ``band_excludes_zero`` for the shelter. ``union`` and ``crisis`` name the two scenarios;
    ``draws`` and ``seed`` are those of the paired draws (no bands when ``draws`` is 0).
    """

    union: str
    crisis: str
    claim: str
    draws: int
    seed: int
    _countries: pd.DataFrame = field(repr=False)

    def __post_init__(self) -> None:
        # The record keeps its own frame: a later edit of the frame passed in cannot reach it.
        object.__setattr__(self, "_countries", self._raw("_countries").copy(deep=False))

    @property
    def countries(self) -> pd.DataFrame:
        """Losses and shelter by country (a new frame over the record's data)."""
        return self._countries

    def _rows(self, focus: Any) -> pd.DataFrame:
        if focus is None:
            return self._countries
        return self._countries.loc[focus_codes(focus, self._countries.index)]

    def lines(self, lang: str = "en", *, focus: Any = None, digits: int = 3) -> list[str]:
        """The claim, then one sentence per country: its losses and its shelter with the band.

        ``focus``: the countries (ISO3 codes) to state, default every country.
        """
        lang = check_lang(lang)
        head = [tr("Claim: {claim}", lang, claim=self.claim)] if self.claim else []
        rows = self._rows(focus)
        return head + [shelter_line(str(c), row, lang, digits) for c, row in rows.iterrows()]

    def summary(  # type: ignore[override]
        self,
        lang: Any = "en",
        *legacy: Any,
        focus: Any = None,
        digits: int = 3,
        codes: Any = _MISSING,
    ) -> str | list[str]:
        """A text table of the crisis losses and the shelter, with bands, in ``lang``.

        ``focus``: the countries (ISO3 codes) shown, default every country. The old form
        ``summary(codes, lang)`` (or ``codes=``) still returns the sentences of :meth:`lines`
        for one release, with a :class:`DeprecationWarning`.
        """
        if codes is not _MISSING or not isinstance(lang, str):
            if codes is _MISSING:
                codes, lang = lang, (legacy[0] if legacy else "en")
            deprecated(
                "ShelterResult.summary(codes, lang)",
                "summary(lang, focus=...) returns a text table; the sentences are "
                "lines(lang, focus=...).",
            )
            return self.lines(lang, focus=codes)
        if legacy:
            raise TypeError(
                "ShelterResult.summary takes the language first and its options by keyword: "
                "summary(lang, focus=[...], digits=3)"
            )
        lang = check_lang(lang)
        bands = self.draws > 0  # one central run has no band to show
        header = [
            tr("Country", lang),
            tr("Without the union", lang),
            tr("With the union", lang),
            tr("Shelter", lang),
        ]
        if bands:
            header.append(tr("Band excludes zero", lang))
        rows = []
        for code, row in self._rows(focus).iterrows():
            cells = [
                band_text(row, k, lang, digits) if bands else fmt_pct(row[k], lang, digits)
                for k in _MEASURES
            ]
            if bands:
                cells.append(tr("yes", lang) if row["band_excludes_zero"] else tr("no", lang))
            rows.append([str(code), *cells])
        title = (
            tr(
                "Crisis loss, percent of real income, each from its own pre-crisis world "
                "[5th; 95th percentile]",
                lang,
            )
            if bands
            else tr("Crisis loss, percent of real income, each from its own pre-crisis world", lang)
        )
        against = tr(
            'Crisis shelter against "{against}": each crisis is measured from its own '
            "pre-crisis world; shelter = loss without the union minus loss with it "
            "(paired draws).",
            lang,
            against=self.crisis,
        )
        head = [tr("Claim: {claim}", lang, claim=self.claim)] if self.claim else []
        return "\n".join([*head, against, title, "", *text_table(header, rows)])

    def to_frame(self) -> pd.DataFrame:
        """One row per country: ``country`` and the columns of :attr:`countries`.

        The two scenarios, the draws and the seed are in ``attrs``.
        """
        frame = self._countries.reset_index()
        frame.attrs.update(union=self.union, crisis=self.crisis, draws=self.draws, seed=self.seed)
        return frame

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_frame` to a Parquet file atomically and return the path."""
        return write_parquet_atomic(self.to_frame(), path, index=False)


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
    model, compiled = scenario._model(world)
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
    for name, data in zip(_MEASURES, (loss_without, loss_with, shelter), strict=True):
        lo, hi = band(data[0], data[1:])
        frame[name], frame[f"{name}_p05"], frame[f"{name}_p95"] = data[0], lo, hi
    frame["band_excludes_zero"] = (frame["shelter_p05"] > 0) | (frame["shelter_p95"] < 0)
    if not np.all(np.isfinite(frame.select_dtypes("number").to_numpy())):
        raise ScenarioError("non-finite crisis losses; check the shocks for extreme values")
    # union, crisis, claim, draws, seed, countries
    return ShelterResult(
        with_union.name, without_union.name, with_union.claim, n_draws, seed, frame
    )


__all__ = ["ShelterResult", "crisis_shelter", "shelter_line"]
