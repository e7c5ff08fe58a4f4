"""Scenarios: policy and shock files, run in general equilibrium with uncertainty draws.

>>> import jahan as jh
>>> out = jh.Scenario.load("eaeu_customs_union").run(draws=100, seed=1)   # doctest: +SKIP
>>> out.report("eaeu.html", lang="kk")                                   # doctest: +SKIP
"""

from __future__ import annotations

from jahan.scenario.compare import compare
from jahan.scenario.load import library_names
from jahan.scenario.result import OUTPUTS, ScenarioResult
from jahan.scenario.scenario import Scenario, library
from jahan.scenario.schema import ScenarioSpec
from jahan.scenario.shelter import ShelterResult, crisis_shelter

__all__ = ["OUTPUTS", "Scenario", "ScenarioResult", "ScenarioSpec", "ShelterResult", "compare",
           "crisis_shelter", "library", "library_names"]
