"""Names of shock types in the interface languages (a shock without a label is named by its type)."""

from __future__ import annotations

from jahan._i18n import tr
from jahan.scenario.schema import SHOCK_TYPES


def tr_shock_type(kind: str, lang: str) -> str:
    """The translated name of a shock type ("agreement" -> "келісім" in Kazakh).

    Every type of :data:`jahan.scenario.schema.SHOCK_TYPES` has a name in each catalog
    (tests/test_i18n.py); anything else is returned as it is.
    """
    # A type's name is the type with spaces ("trade_cost" -> "trade cost"), its message id.
    return tr(kind.replace("_", " "), lang) if kind in SHOCK_TYPES else kind


__all__ = ["tr_shock_type"]
