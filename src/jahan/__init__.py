"""jahan: measure globalization and simulate regional integration.

The public API (see docs/ARCHITECTURE.md)::

    import jahan as jh
    w = jh.World.builtin()
    est = jh.fepois("trade ~ ln_dist + cntg | exporter^year + importer^year", data=df)
    r = jh.GEModel(w, trade_elasticity=5.0).simulate(cost_change)
    out = jh.Scenario.load("eaeu_customs_union").run(world=w, draws=100, seed=1)

Names are imported lazily so that ``import jahan`` and the command line start fast.
"""

from __future__ import annotations

from jahan._lazy import lazy_getattr
from jahan.errors import (
    ConvergenceError,
    ConvergenceWarning,
    DataError,
    DataWarning,
    JahanError,
    JahanWarning,
    ScenarioError,
)

__version__ = "0.1.0"

_LAZY = {
    "World": "jahan.world",
    "read_cepii_gravity": "jahan.world",
    "fepois": "jahan.estimate",
    "GravityEstimate": "jahan.estimate",
    "GEModel": "jahan.ge",
    "GEResult": "jahan.ge",
    "MultiSectorGEModel": "jahan.ge",
    "MultiSectorGEResult": "jahan.ge",
    "Scenario": "jahan.scenario",
    "ScenarioResult": "jahan.scenario",
    "evaluate_bloc": "jahan.analysis",
    "BlocEvaluation": "jahan.analysis",
    "claims": "jahan.analysis.claims",
    "ClaimsResult": "jahan.analysis.claims",
}

_SUBMODULES = frozenset(
    {"world", "estimate", "ge", "scenario", "analysis", "index", "culture", "report", "web"}
)

__getattr__ = lazy_getattr(__name__, _LAZY, _SUBMODULES)


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY, *_SUBMODULES])


__all__ = [
    "__version__",
    "ConvergenceError",
    "ConvergenceWarning",
    "DataError",
    "DataWarning",
    "JahanError",
    "JahanWarning",
    "ScenarioError",
    *_LAZY,
]
