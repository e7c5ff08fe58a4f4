"""Analyses across models: estimate from the observed panel, then simulate in general equilibrium.

``evaluate_bloc`` estimates a bloc's effect on its members' trade (three-way PPML) and evaluates
it ex post: the observed world against the same world without the bloc, with uncertainty bands.
``claims`` tests the founding texts' claims on observed data (:mod:`jahan.analysis.claims`).
"""

from __future__ import annotations

from jahan._lazy import lazy_getattr

_LAZY = {
    "evaluate_bloc": "jahan.analysis.ex_post",
    "BlocEvaluation": "jahan.analysis.ex_post",
    "observed_vs_without": "jahan.analysis.ex_post",
    "claims": "jahan.analysis.claims",
    "ClaimsResult": "jahan.analysis.claims",
}

__getattr__ = lazy_getattr(__name__, _LAZY)


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = list(_LAZY)
