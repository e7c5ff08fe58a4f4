"""Gravity estimation: PPML with high-dimensional fixed effects, and its bridge to GE.

``fepois`` fits, ``GravityEstimate`` holds the result, ``cost_change`` turns an estimate and a
change in cost variables into the shock ``GEModel.simulate`` takes, ``trade_costs`` gives the
fitted bilateral trade costs :math:`t_{ij}^{1-\\sigma}` for every pair; ``migration_panel``
builds the frame for migration gravity on bilateral migrant stocks.
"""

from __future__ import annotations

from jahan._lazy import lazy_getattr

_LAZY = {
    "fepois": "jahan.estimate.ppml",
    "SEPARATION_CHECKS": "jahan.estimate.ppml",
    "GravityEstimate": "jahan.estimate.result",
    "DroppedObservations": "jahan.estimate.result",
    "cost_change": "jahan.estimate.costs",
    "trade_costs": "jahan.estimate.costs",
    "dummy_change": "jahan.estimate.costs",
    "parse_vcov": "jahan.estimate.vcov",
    "estimate_bloc": "jahan.estimate.bloc",
    "BlocEstimate": "jahan.estimate.bloc",
    "migration_panel": "jahan.estimate.migration",
    "PAIR_VARIABLES": "jahan.estimate.migration",
}

__getattr__ = lazy_getattr(__name__, _LAZY)


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = list(_LAZY)
