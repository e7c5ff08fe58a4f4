"""Literature defaults for agreement effects, in log points of bilateral trade (gravity coefficients).

A gravity coefficient ``b`` on an agreement dummy estimated with PPML, exporter-year and
importer-year fixed effects, pair fixed effects and intra-national flows identifies
``ln hat t_ij^(-theta) = b`` for member pairs, which is what the GE model takes. Agreements take
the published average RTA effect of Yotov et al. (2016); the currency-union value is a stated
assumption. The standard errors drive the uncertainty draws. Override them per shock with ``effect`` and ``se`` (or ``coefficient`` to take
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


RTA_EFFECT_YOTOV_2016 = 0.5571853
"""Average RTA effect, Yotov, Piermartini, Monteiro and Larch (2016), ch. 2, application 2
(``RTAsEffects.log``): PPML with exporter-year, importer-year and pair fixed effects and
intra-national flows, 69 countries, 1986-2006 every four years. Reproduced by
``tests/test_estimate_validation.py`` from the book's data."""

RTA_SE_YOTOV_2016 = 0.055771
"""Its published standard error (Stata ``ppml``, semi-robust)."""

_RTA_SOURCE = (
    "Yotov, Piermartini, Monteiro and Larch (2016), An Advanced Guide to Trade Policy Analysis, "
    "WTO/UNCTAD, ch. 2, application 2: average RTA effect 0.557 (s.e. 0.056), PPML with "
    "exporter-year, importer-year and pair fixed effects and intra-national trade"
)

AGREEMENT_DEFAULTS: dict[str, AgreementDefault] = {
    # The published average pools every kind of RTA; effects differ widely across agreements
    # (Baier, Yotov and Zylkin 2019), so an analyst with an estimate for the agreement at hand
    # should give it as ``effect``/``se`` or ``coefficient``.
    "fta": AgreementDefault(RTA_EFFECT_YOTOV_2016, RTA_SE_YOTOV_2016, _RTA_SOURCE),
    "customs_union": AgreementDefault(RTA_EFFECT_YOTOV_2016, RTA_SE_YOTOV_2016, _RTA_SOURCE),
    "deep": AgreementDefault(RTA_EFFECT_YOTOV_2016, RTA_SE_YOTOV_2016, _RTA_SOURCE),
    "currency_union": AgreementDefault(
        0.20,
        0.10,
        "Assumption of jahan, not an estimate: Larch, Wanner, Yotov and Zylkin (2019, Oxf. Bull. "
        "Econ. Stat. 81) find the overall currency-union effect economically small and "
        "statistically insignificant with PPML and three-way fixed effects; 0.2 log points with a "
        "wide standard error illustrates a modest effect on top of the customs union",
    ),
}
"""Default (effect, se) by agreement ``kind``; ``custom`` has none and needs an explicit effect."""

__all__ = ["AGREEMENT_DEFAULTS", "RTA_EFFECT_YOTOV_2016", "RTA_SE_YOTOV_2016", "AgreementDefault"]
