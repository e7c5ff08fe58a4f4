"""Names of shock types in the interface languages (a shock without a label is named by its type)."""

from __future__ import annotations

from jahan._i18n import tr


def tr_shock_type(kind: str, lang: str) -> str:
    """The translated name of a shock type ("agreement" -> "келісім" in Kazakh)."""
    names = {
        "agreement": tr("agreement", lang),
        "trade_cost": tr("trade cost", lang),
        "border": tr("border", lang),
        "sanctions": tr("sanctions", lang),
        "corridor": tr("corridor", lang),
        "productivity": tr("productivity", lang),
        "autarky": tr("autarky", lang),
        "tariff": tr("tariff", lang),
    }
    return names.get(kind, kind)


__all__ = ["tr_shock_type"]
