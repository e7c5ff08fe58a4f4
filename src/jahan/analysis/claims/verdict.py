"""Verdict rules of the claims analysis, stated before any number (docs/claims.md).

A claim is tested by one or more *figures*, each a central value with a 90% band (5th to 95th
percentile of draws, or the estimate plus and minus 1.645 standard errors) and the direction the
claim predicts. The rules, fixed in advance and never tuned to a result:

1. A figure whose value or band is missing (data absent) is *untestable*.
2. A figure that only restates an assumption (``counts = False``) is shown but is not evidence.
3. A counted figure *supports* the claim when its whole band lies beyond the threshold in the
   claimed direction (above it for direction +1, below it for -1); otherwise it does *not support*
   it (the band includes the threshold, or lies on the other side).
4. A claim is *supported* when every counted, testable figure supports it; *not supported* when
   none does; *mixed* when some do and some do not; *untestable* when it has no counted,
   testable figure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

SUPPORTED = "supported"
NOT_SUPPORTED = "not_supported"
MIXED = "mixed"
UNTESTABLE = "untestable"

VERDICTS: tuple[str, ...] = (SUPPORTED, NOT_SUPPORTED, MIXED, UNTESTABLE)

Z90 = 1.6448536269514722
"""Standard normal quantile of 0.95: a 90% band is the estimate plus and minus Z90 standard errors."""


@dataclass(frozen=True, eq=False)
class Figure:
    """One number that bears on a claim.

    Attributes
    ----------
    key : str
        Stable identifier ("eaeu_trade_effect").
    label : str
        English msgid of the figure's name (translated when shown).
    value, low, high : float
        Central value and 90% band (NaN when the data are missing).
    unit : str
        "log points", "percent", "index", "share", "correlation" or "percentage points".
    direction : int
        +1 when the claim predicts a value above ``threshold``, -1 below, 0 when the figure is
        descriptive and predicts nothing (it never counts).
    threshold : float
        The value the band must clear (0 unless stated).
    counts : bool
        Whether the figure is evidence (False for a restated assumption or a description).
    data : str
        English msgid naming the data and years used.
    fill : mapping
        Values of the ``{placeholders}`` in ``label`` and ``data``.
    """

    key: str
    label: str
    value: float
    low: float
    high: float
    unit: str
    direction: int = 0
    threshold: float = 0.0
    counts: bool = True
    data: str = ""
    fill: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fill", MappingProxyType(dict(self.fill)))
        for name in ("value", "low", "high"):
            object.__setattr__(self, name, float(getattr(self, name)))

    def label_text(self, lang: str = "en") -> str:
        """The figure's name in ``lang``."""
        from jahan._i18n import tr

        return tr(self.label, lang, **self.fill)

    def data_text(self, lang: str = "en") -> str:
        """The data and years in ``lang``."""
        from jahan._i18n import tr

        return tr(self.data, lang, **self.fill) if self.data else ""

    @property
    def testable(self) -> bool:
        """True when the value and both ends of the band are numbers."""
        return all(
            isinstance(v, (int, float)) and math.isfinite(float(v))
            for v in (self.value, self.low, self.high)
        )

    @property
    def verdict(self) -> str:
        """Rules 1-3 of the module docstring for this figure alone."""
        return figure_verdict(
            self.low,
            self.high,
            self.direction,
            self.threshold,
            counts=self.counts,
            testable=self.testable,
        )


def figure_verdict(
    low: float,
    high: float,
    direction: int,
    threshold: float = 0.0,
    *,
    counts: bool = True,
    testable: bool | None = None,
) -> str:
    """Verdict of one figure from its 90% band (rules 1-3 of the module docstring).

    Parameters
    ----------
    low, high : float
        Ends of the 90% band.
    direction : int
        +1 (claim predicts above ``threshold``), -1 (below) or 0 (descriptive: untestable).
    threshold : float
        The value the band must clear.
    counts : bool
        False for a figure that restates an assumption: untestable as evidence.
    """
    if testable is None:
        testable = all(isinstance(v, (int, float)) and math.isfinite(float(v)) for v in (low, high))
    if not testable or not counts or direction == 0:
        return UNTESTABLE
    if low > high:
        low, high = high, low
    if direction > 0:
        return SUPPORTED if low > threshold else NOT_SUPPORTED
    return SUPPORTED if high < threshold else NOT_SUPPORTED


def combine(verdicts: Iterable[str]) -> str:
    """Verdict of a claim from the verdicts of its figures (rule 4 of the module docstring)."""
    tested = [v for v in verdicts if v != UNTESTABLE]
    if not tested:
        return UNTESTABLE
    if all(v == SUPPORTED for v in tested):
        return SUPPORTED
    if all(v == NOT_SUPPORTED for v in tested):
        return NOT_SUPPORTED
    return MIXED


def claim_verdict(figures: Iterable[Figure]) -> str:
    """Verdict of a claim from its figures."""
    return combine(f.verdict for f in figures)


def verdict_text(verdict: str, lang: str = "en") -> str:
    """The verdict in plain words in ``lang``."""
    from jahan._i18n import tr

    texts = {
        SUPPORTED: tr("supported", lang),
        NOT_SUPPORTED: tr("not supported", lang),
        MIXED: tr("mixed", lang),
        UNTESTABLE: tr("cannot be tested with the data here", lang),
    }
    return texts[verdict]


__all__ = [
    "MIXED",
    "NOT_SUPPORTED",
    "SUPPORTED",
    "UNTESTABLE",
    "VERDICTS",
    "Z90",
    "Figure",
    "claim_verdict",
    "combine",
    "figure_verdict",
    "verdict_text",
]
