"""The outcome of a scenario run: central results with 5th-95th percentile bands (immutable)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from jahan._compat import deprecated
from jahan._i18n import check_lang, fmt_pct, tr
from jahan._io import write_parquet_atomic
from jahan._result import Result, SummaryText, band_frame
from jahan._text import text_table
from jahan.errors import Message, ScenarioError

OUTPUTS: tuple[str, ...] = (
    "welfare_pct",
    "real_gdp_pct",
    "terms_of_trade_pct",
    "volume_of_trade_pct",
    "trade_cost_pct",
    "tariff_revenue_income_pct",
    "exports_pct",
    "imports_pct",
    "domestic_trade_pct",
    "factory_price_pct",
    "price_index_pct",
)
"""Country outputs carried through the draws (definitions in docs/ge.md and docs/scenarios.md)."""

SUMMARY_OUTPUTS: tuple[str, ...] = ("welfare_pct", "real_gdp_pct", "exports_pct", "imports_pct")

SECTORAL_OUTPUTS: tuple[str, ...] = (
    "welfare_pct",
    "terms_of_trade_pct",
    "volume_of_trade_pct",
    "real_wage_pct",
    "trade_cost_pct",
    "price_index_pct",
    "exports_pct",
    "imports_pct",
    "tariff_revenue_pct",
    "tariff_revenue_income_pct",
)
"""Country outputs of a run on a world with sectors (the multi-sector model; docs/multisector.md)."""

SECTORAL_SUMMARY_OUTPUTS: tuple[str, ...] = (
    "welfare_pct",
    "real_wage_pct",
    "exports_pct",
    "imports_pct",
)

SECTOR_OUTPUTS: tuple[str, ...] = ("output_pct", "exports_pct", "imports_pct", "price_pct")
"""Outputs by country and sector carried through the draws of a run with sectors."""

LOW, HIGH = 5.0, 95.0
"""Percentiles of the uncertainty band."""


def _table(name: str, doc: str) -> property:
    """A read-only attribute showing the record's field ``_name``; :class:`Result` hands the
    frame out as a new object, so a caller's edit never reaches the record."""
    return property(attrgetter(f"_{name}"), doc=doc)


def focus_codes(focus: Any, countries: pd.Index) -> list[str]:
    """``focus`` as a list of codes of ``countries``; an unknown code is an error naming it."""
    codes = [focus] if isinstance(focus, str) else list(focus)
    unknown = [c for c in codes if c not in countries]
    if unknown:
        from jahan.scenario._errors import nearest

        hint = nearest(str(unknown[0]), countries)
        found = Message("focus country {code!r} is not in the results", code=unknown[0])
        raise ScenarioError(
            Message("{found}; did you mean {hint!r}?", found=found, hint=hint) if hint else found
        )
    return codes


def band_text(row: Any, column: str, lang: str, digits: int = 2) -> str:
    """``"central [p05; p95]"`` of ``column`` in ``row`` (its ``_p05`` and ``_p95``), for ``lang``."""
    return (
        f"{fmt_pct(row[column], lang, digits)} [{fmt_pct(row[f'{column}_p05'], lang, digits)}; "
        f"{fmt_pct(row[f'{column}_p95'], lang, digits)}]"
    )


def parameter_table(compiled: Any, values: np.ndarray, n_draws: int) -> pd.DataFrame:
    """The uncertain effect parameters: stated mean and s.e., and the 5th-95th percentiles of
    the draws (the means when there are no draws)."""
    params = compiled.parameters
    return pd.DataFrame(
        {
            "name": [p.name for p in params],
            "shock": [p.shock + 1 for p in params],
            "unit": [p.unit for p in params],
            "mean": [p.mean for p in params],
            "se": [p.se for p in params],
            "coefficient": [p.coefficient or "" for p in params],
            "p05": np.percentile(values, LOW, axis=0) if n_draws else compiled.means,
            "p95": np.percentile(values, HIGH, axis=0) if n_draws else compiled.means,
        }
    )


def run_settings(
    spec: Any,
    world: Any,
    *,
    n_draws: int,
    seed: int,
    n_countries: int,
    central: Any,
    iterations: np.ndarray,
    started: float,
    **model: Any,
) -> dict[str, Any]:
    """The settings recorded with a result: the model's (given as keywords) first, then the
    run's (draws, seed, years, baseline kind) and the central solve's diagnostics."""
    baseline_year = int(getattr(world, "baseline_year", 0) or 0)
    return {
        **model,
        "draws": n_draws,
        "seed": seed,
        "baseline_year": baseline_year,
        "membership_year": spec.scenario.year or baseline_year,
        "flows_kind": str(getattr(world, "flows_kind", "observed")),
        "n_countries": n_countries,
        "central_converged": bool(central.converged),
        "central_iterations": int(central.iterations),
        "central_max_residual": float(central.max_residual),
        "draw_iterations_max": int(iterations.max()) if n_draws else 0,
        "seconds": time.perf_counter() - started,
    }


@dataclass(frozen=True, eq=False)
class ScenarioResult(Result):
    """Results of :meth:`jahan.Scenario.run` (a sealed record: see :mod:`jahan._result`).

    Attributes
    ----------
    name : str
        The scenario's name.
    spec : ScenarioSpec
        The validated scenario file.
    countries : DataFrame
        Indexed by ISO3 (``country``): for each output ``o`` of :data:`OUTPUTS` the central value
        ``o`` (the run at the central parameters) and the band ``o_p05``, ``o_p95`` (5th and 95th
        percentiles over the draws; equal to the central value when there are no draws).
    shocks : DataFrame
        One row per shock: label, type, members, pairs, and ``trade_pct`` (change of total trade
        over the shock's pairs) with its band.
    parameters : DataFrame
        Uncertain effects: name, shock (its number), unit, mean, se, coefficient, and the band
        of the drawn values.
    flows : DataFrame
        Central bilateral flows: exporter, importer, baseline, counterfactual, change_pct.
    names : DataFrame
        Country names (name_en, name_ru, name_kk) from the world.
    settings : mapping
        Model settings, draws, seed, baseline year, flows kind, solver diagnostics;
        ``model`` is ``"one-sector"`` or ``"multi-sector"``.
    sectors : DataFrame or None
        Runs with sectors only: indexed by (``country``, ``sector``), the baseline levels
        ``output_baseline``, ``exports_baseline``, ``imports_baseline`` and, for each output of
        :data:`SECTOR_OUTPUTS`, the central value and its band ``_p05``, ``_p95``.

    A run with sectors (the multi-sector model) has the country outputs
    :data:`SECTORAL_OUTPUTS` instead of :data:`OUTPUTS`; :attr:`outputs` says which.
    """

    name: str
    spec: Any
    source: str
    text: str
    # The tables (shown through the read-only attributes below; __repr__ is the class's own).
    _countries: pd.DataFrame
    _shocks: pd.DataFrame
    _parameters: pd.DataFrame
    _flows: pd.DataFrame
    _names: pd.DataFrame
    _draw_values: np.ndarray
    _draw_outputs: np.ndarray
    _settings: dict = field(default_factory=dict)
    _sectors: pd.DataFrame | None = None
    _outputs: tuple[str, ...] = OUTPUTS

    def __post_init__(self) -> None:
        for arr in (self._draw_values, self._draw_outputs):
            arr.setflags(write=False)
        for name in ("_countries", "_shocks", "_parameters", "_flows", "_names", "_sectors"):
            frame = self._raw(name)
            if frame is not None:
                # The record keeps its own frames: a caller's later edit of a frame it passed
                # in cannot reach the result (copy-on-write shallow copy).
                object.__setattr__(self, name, frame.copy(deep=False))

    # -- accessors: the record's tables, each handed out as a new frame (Result) ----------------
    countries = _table("countries", "Outputs by country with their bands.")
    shocks = _table("shocks", "One row per shock with its trade change and band.")
    parameters = _table("parameters", "The uncertain effects and the band of their draws.")
    flows = _table("flows", "Central bilateral flows, baseline and counterfactual.")
    names = _table("names", "Country names in each language.")
    sectors = _table("sectors", "Results by country and sector (runs with sectors), else None.")

    @property
    def outputs(self) -> tuple[str, ...]:
        """The country outputs of this result (:data:`OUTPUTS` or :data:`SECTORAL_OUTPUTS`)."""
        return self._outputs

    @property
    def summary_outputs(self) -> tuple[str, ...]:
        """The outputs :meth:`summary` shows."""
        return SUMMARY_OUTPUTS if self._outputs == OUTPUTS else SECTORAL_SUMMARY_OUTPUTS

    @property
    def settings(self) -> MappingProxyType:
        return MappingProxyType(dict(self._settings))

    @property
    def draws(self) -> int:
        """Number of uncertainty draws solved."""
        return int(self._draw_outputs.shape[0])

    @property
    def focus(self) -> list[str]:
        """The scenario's focus countries present in the results."""
        return [c for c in self.spec.scenario.focus if c in self._countries.index]

    @property
    def modelled_baseline(self) -> bool:
        """True when the baseline flows are modelled, not observed."""
        return self._settings.get("flows_kind") == "modelled"

    def draw_values(self) -> pd.DataFrame:
        """The drawn parameter values, one row per draw."""
        return pd.DataFrame(np.array(self._draw_values), columns=list(self._parameters["name"]))

    def draw_outputs(self, output: str = "welfare_pct") -> pd.DataFrame:
        """One output for every draw: rows draws, columns countries."""
        k = self._output_index(output)
        return pd.DataFrame(np.array(self._draw_outputs[:, :, k]), columns=self._countries.index)

    def _output_index(self, output: str) -> int:
        if output not in self._outputs:
            raise ScenarioError(
                Message(
                    "unknown output {output!r}; choose one of {outputs}",
                    output=output,
                    outputs=list(self._outputs),
                )
            )
        return self._outputs.index(output)

    def name_of(self, code: str, lang: str = "en") -> str:
        """A country's name in ``lang`` (falls back to English, then the code)."""
        lang = check_lang(lang)
        if code in self._names.index:
            for column in (f"name_{lang}", "name_en"):
                value = self._names.at[code, column] if column in self._names.columns else None
                if isinstance(value, str) and value:
                    return value
        return code

    # -- views -------------------------------------------------------------------------------
    def summary(self, lang: str = "en", focus: list[str] | None = None) -> str:
        """A text table of the main outputs with their bands for the focus countries.

        Welfare, real GDP (real wage in a run with sectors), exports and imports, each as the
        central value and [5th; 95th percentile], in ``lang``; rows: ``focus`` (default: the
        scenario's focus countries). :meth:`summary_table` gives the same as a DataFrame.
        """
        if not isinstance(lang, str):  # the old order was summary(focus, lang)
            deprecated(
                "ScenarioResult.summary(focus, ...) with focus first",
                "lang is the first argument now; pass focus=... by keyword.",
            )
            lang, focus = (focus if isinstance(focus, str) else "en"), lang
        lang = check_lang(lang)
        frame = self.summary_table(focus=focus, lang=lang)
        labels = {
            "welfare_pct": tr("Welfare", lang),
            "real_gdp_pct": tr("Real GDP", lang),
            "real_wage_pct": tr("Real wage", lang),
            "exports_pct": tr("Exports", lang),
            "imports_pct": tr("Imports", lang),
        }
        outputs = list(self.summary_outputs)
        header = [tr("Country", lang), *(labels.get(o, o) for o in outputs)]
        rows = [
            [f"{row['name']} ({code})", *(band_text(row, o, lang, 2) for o in outputs)]
            for code, row in frame.iterrows()
        ]
        title = tr(
            "{name}: change from the baseline, percent [5th; 95th percentile]", lang, name=self.name
        )
        text = "\n".join([title, "", *text_table(header, rows)])
        return SummaryText(text, frame, "ScenarioResult.summary_table()")

    def summary_table(self, focus: list[str] | None = None, lang: str = "en") -> pd.DataFrame:
        """Main outputs with bands for the focus countries (default: the scenario's focus).

        Returns a frame indexed by ISO3 with ``name`` (in ``lang``) and, for welfare, real GDP
        (real wage in a run with sectors), exports and imports, the central value and its band.
        """
        codes = focus_codes(focus if focus is not None else self.focus, self._countries.index)
        cols = [c for o in self.summary_outputs for c in (o, f"{o}_p05", f"{o}_p95")]
        out = self._countries.loc[list(codes), cols].copy()
        out.insert(0, "name", [self.name_of(c, lang) for c in out.index])
        return out

    def to_frame(self) -> pd.DataFrame:
        """Long frame: country, output, central, p05, p95 (one row per country and output)."""
        columns = [(o, {"output": o}) for o in self._outputs]
        return band_frame(self._countries, columns, self._settings)

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_frame` to a Parquet file atomically (temporary file, then rename)."""
        return write_parquet_atomic(self.to_frame(), path, index=False)

    def report(
        self, path: str | os.PathLike[str], lang: str = "kk", focus: list[str] | None = None
    ) -> Path:
        """Write the self-contained offline HTML report (map, bands, tables, claim, settings)."""
        from jahan.report.html import write_report

        return write_report(self, Path(path), lang=lang, focus=focus)

    def __repr__(self) -> str:
        sectors = (
            ""
            if self._sectors is None
            else (f"{self._sectors.index.get_level_values('sector').nunique()} sectors, ")
        )
        return (
            f"ScenarioResult({self.name!r}, {len(self._countries)} countries, {sectors}"
            f"{self.draws} draws, seed={self._settings.get('seed')})"
        )


__all__ = [
    "LOW",
    "band_text",
    "focus_codes",
    "HIGH",
    "OUTPUTS",
    "SECTORAL_OUTPUTS",
    "SECTORAL_SUMMARY_OUTPUTS",
    "SECTOR_OUTPUTS",
    "SUMMARY_OUTPUTS",
    "ScenarioResult",
]
