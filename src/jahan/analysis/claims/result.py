"""Sealed records of the claims analysis: one :class:`Claim` per claim, :class:`ClaimsResult` for all."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from jahan._i18n import check_lang, fmt_number, tr
from jahan._io import write_parquet_atomic
from jahan._result import Result
from jahan.analysis.claims.quotes import QUOTES
from jahan.analysis.claims.verdict import Figure, claim_verdict, verdict_text


def _sealed(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """A private copy whose arrays cannot be written (callers get read-only views)."""
    if frame is None:
        return None
    out = frame.copy(deep=True)
    for column in out.columns:
        values = out[column].to_numpy()
        if hasattr(values, "flags"):
            values.flags.writeable = False
    return out


def _copy(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    return None if frame is None else frame.copy(deep=True)


class Conditions(tuple):
    """Codes of readiness conditions in a note, shown by their names in the reader's language."""


class Precise(float):
    """A number in a note shown with five decimals (e.g. a Gini index near zero)."""


def _note_value(value: Any, lang: str) -> Any:
    if isinstance(value, Conditions):
        from jahan.index.readiness import condition_name

        return "; ".join(condition_name(code, lang) for code in value) or "-"
    if isinstance(value, Precise):
        return fmt_number(float(value), lang, 5)
    if isinstance(value, float):
        return fmt_number(value, lang, 3)
    return value


@dataclass(frozen=True, eq=False)
class Claim(Result):
    """One claim: its figures, verdict and what reproduces it.

    Attributes
    ----------
    number : int
        1-10, as in docs/claims.md.
    key : str
        Stable identifier ("eaeu_lifts_kazakhstan").
    title : str
        English msgid of the section title.
    figures : tuple of Figure
        The numbers that bear on the claim, each with its 90% band and direction.
    decide : str
        English msgid: the data that would decide the claim where the data here cannot.
    notes : tuple of (msgid, values)
        Caveats and pending parts, translated when shown.
    reproduce : str
        Scenario file or code that reproduces the section.
    table : DataFrame or None
        Supporting table (read-only copy on access).
    series : DataFrame or None
        Series over time behind the section's figure (read-only copy on access).
    """

    number: int
    key: str
    title: str
    figures: tuple[Figure, ...]
    decide: str = ""
    notes: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    reproduce: str = ""
    _table: pd.DataFrame | None = field(default=None, repr=False)
    _series: pd.DataFrame | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "figures", tuple(self.figures))
        object.__setattr__(
            self, "notes", tuple((m, MappingProxyType(dict(v))) for m, v in self.notes)
        )
        object.__setattr__(self, "_table", _sealed(self._table))
        object.__setattr__(self, "_series", _sealed(self._series))

    @property
    def verdict(self) -> str:
        """supported, not_supported, mixed or untestable (rules in docs/claims.md)."""
        return claim_verdict(self.figures)

    @property
    def table(self) -> pd.DataFrame | None:
        return _copy(self._table)

    @property
    def series(self) -> pd.DataFrame | None:
        return _copy(self._series)

    def quote(self, lang: str = "en") -> str:
        return QUOTES[self.number].text(lang)

    def quote_source(self, lang: str = "en") -> str:
        return QUOTES[self.number].source(lang)

    def summary(self, lang: str = "en") -> str:
        """The claim's verdict and figures in ``lang``."""
        return ClaimsResult((self,)).summary(lang=lang)

    def to_frame(self) -> pd.DataFrame:
        """One row per figure (as :meth:`ClaimsResult.to_frame`)."""
        return ClaimsResult((self,)).to_frame()

    def note_texts(self, lang: str = "en") -> list[str]:
        """The notes in ``lang``, numbers formatted for the locale."""
        out = []
        for msgid, values in self.notes:
            shown = {k: _note_value(v, lang) for k, v in values.items()}
            out.append(tr(msgid, lang, **shown))
        return out


def _digits(*values: float) -> int:
    """Three decimals, or enough that the largest of ``values`` shows two significant digits
    (a shelter of 0.0003 percent must not read as zero)."""
    finite = [abs(v) for v in values if math.isfinite(v) and v != 0]
    if not finite or max(finite) >= 0.01:
        return 3
    return min(8, 1 - math.floor(math.log10(max(finite))))


def figure_line(fig: Figure, lang: str = "en") -> str:
    """ "EAEU effect on members' trade: -0.158 [-0.278; -0.038] log points"."""
    digits = _digits(fig.value, fig.low, fig.high)
    if not math.isfinite(fig.value):
        return f"{fig.label_text(lang)}: {tr('not available', lang)}"
    if not fig.testable:
        return f"{fig.label_text(lang)}: {fmt_number(fig.value, lang, digits)} {tr(fig.unit, lang)}"
    return (
        f"{fig.label_text(lang)}: {fmt_number(fig.value, lang, digits)} "
        f"[{fmt_number(fig.low, lang, digits)}; {fmt_number(fig.high, lang, digits)}] "
        f"{tr(fig.unit, lang)}"
    )


@dataclass(frozen=True, eq=False)
class ClaimsResult(Result):
    """The founding texts' claims, tested: one :class:`Claim` per claim (immutable).

    ``settings`` holds the world's baseline year and kind, draws, seed and the seconds the
    analysis took.
    """

    claims: tuple[Claim, ...]
    settings: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "claims", tuple(self.claims))
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))

    def claim(self, number: int) -> Claim:
        """The claim with this number (1-10)."""
        for c in self.claims:
            if c.number == number:
                return c
        raise KeyError(f"no claim {number}: claims are numbered {[c.number for c in self.claims]}")

    @property
    def figures(self) -> pd.DataFrame:
        """Every figure of every claim, one row each (the same table as :meth:`to_frame`)."""
        return self.to_frame()

    @property
    def verdicts(self) -> dict[int, str]:
        return {c.number: c.verdict for c in self.claims}

    def to_frame(self) -> pd.DataFrame:
        """One row per figure: claim, key, label, value, low, high, unit, direction, threshold,
        counts, figure_verdict, claim_verdict, data."""
        rows = []
        for c in self.claims:
            for f in c.figures:
                rows.append(
                    {
                        "claim": c.number,
                        "claim_key": c.key,
                        "figure": f.key,
                        "label": f.label,
                        "value": f.value,
                        "low": f.low,
                        "high": f.high,
                        "unit": f.unit,
                        "direction": f.direction,
                        "threshold": f.threshold,
                        "counts": f.counts,
                        "figure_verdict": f.verdict,
                        "claim_verdict": c.verdict,
                        "data": f.data,
                    }
                )
        return pd.DataFrame(rows)

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_frame` to Parquet (atomically)."""
        return write_parquet_atomic(self.to_frame(), path, index=False)

    def _lang(self, lang: str | None) -> str:
        return check_lang(lang if lang is not None else str(self.settings.get("lang", "en")))

    def summary(self, lang: str | None = None) -> str:
        """Plain text: per claim, its verdict and figures with bands, data and years (default
        language: the one given to :func:`jahan.claims`)."""
        lang = self._lang(lang)
        lines = [tr("The founding texts, tested", lang)]
        for c in self.claims:
            lines.append(f"{c.number}. {tr(c.title, lang)}: {verdict_text(c.verdict, lang)}")
            for f in c.figures:
                lines.append(
                    f"   - {figure_line(f, lang)}" + (f" ({f.data_text(lang)})" if f.data else "")
                )
            if c.verdict == "untestable" and c.decide:
                lines.append(f"   {tr('Data that would decide it', lang)}: {tr(c.decide, lang)}")
        return "\n".join(lines)

    def report(self, path: str | os.PathLike[str], lang: str | None = None) -> Path:
        """Write the self-contained HTML report "The founding texts, tested" (atomically; default
        language: the one given to :func:`jahan.claims`)."""
        from jahan.report.claims_report import write_claims_report

        return write_claims_report(self, Path(path), self._lang(lang))

    def __repr__(self) -> str:
        verdicts = ", ".join(f"{n}: {v}" for n, v in self.verdicts.items())
        return f"ClaimsResult({verdicts})"


__all__ = ["Claim", "ClaimsResult", "Conditions", "Precise", "figure_line"]
