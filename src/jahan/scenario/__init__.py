"""Scenarios: policy and shock files, run in general equilibrium with uncertainty draws.

>>> import jahan as jh
>>> out = jh.Scenario.load("eaeu_customs_union").run(draws=100, seed=1)   # doctest: +SKIP
>>> out.report("eaeu.html", lang="kk")                                   # doctest: +SKIP
"""

from __future__ import annotations

from jahan.scenario._errors import nearest, scenario_error
from jahan.scenario._labels import tr_shock_type
from jahan.scenario.compare import compare
from jahan.scenario.load import library_names
from jahan.scenario.result import OUTPUTS, ScenarioResult
from jahan.scenario.scenario import Scenario, library
from jahan.scenario.schema import ScenarioSpec
from jahan.scenario.shelter import ShelterResult, crisis_shelter


def __getattr__(name: str) -> object:
    # Readiness against gains imports the GE model and the index: load it on first use only.
    if name == "readiness_vs_gains":
        from jahan.scenario.readiness import readiness_vs_gains

        return readiness_vs_gains
    raise AttributeError(f"module 'jahan.scenario' has no attribute {name!r}")


__all__ = [
    "OUTPUTS",
    "Scenario",
    "ScenarioResult",
    "ScenarioSpec",
    "ShelterResult",
    "compare",
    "crisis_shelter",
    "library",
    "library_names",
    "nearest",
    "readiness_vs_gains",
    "scenario_error",
    "tr_shock_type",
]
