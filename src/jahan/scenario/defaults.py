"""Literature defaults for agreement effects, in log points of bilateral trade (gravity coefficients).

A gravity coefficient ``b`` on an agreement dummy estimated with PPML, exporter-year and
importer-year fixed effects, pair fixed effects and intra-national flows identifies
``ln hat t_ij^(-theta) = b`` for member pairs, which is what the GE model takes. The values are
rounded central values within the ranges the cited studies report; the standard errors drive the
uncertainty draws. Override them per shock with ``effect`` and ``se`` (or ``coefficient`` to take
them from your own estimate). See docs/scenarios.md for the discussion.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AgreementDefault:
    """A documented default: effect (log points), standard error, and the source."""

    effect: float
    se: float
    source: str


AGREEMENT_DEFAULTS: dict[str, AgreementDefault] = {
    "fta": AgreementDefault(
        0.40, 0.10,
        "Baier, Yotov and Zylkin (2019, J. Int. Econ. 116): average FTA effect with PPML and "
        "pair fixed effects, about 0.3-0.5 log points",
    ),
    "customs_union": AgreementDefault(
        0.50, 0.10,
        "Yotov, Piermartini, Monteiro and Larch (2016), An Advanced Guide to Trade Policy Analysis, "
        "ch. 1, application 3: average RTA effect with PPML, pair fixed effects and intra-national "
        "trade, about 0.5 log points; customs unions lie at the upper end for FTAs "
        "(Baier, Yotov and Zylkin 2019)",
    ),
    "deep": AgreementDefault(
        0.70, 0.15,
        "Mattoo, Mulabdic and Ruta (2022, Can. J. Econ. 55): deeper agreements create more trade "
        "than shallow ones",
    ),
    "currency_union": AgreementDefault(
        0.20, 0.10,
        "Larch, Wanner, Yotov and Zylkin (2019, Oxf. Bull. Econ. Stat. 81): with PPML and "
        "high-dimensional fixed effects the trade effect of currency unions is far below earlier "
        "estimates (Glick and Rose 2016); a conservative 0.2 log points, added on top of the "
        "customs union",
    ),
}
"""Default (effect, se) by agreement ``kind``; ``custom`` has none and needs an explicit effect."""

__all__ = ["AGREEMENT_DEFAULTS", "AgreementDefault"]
