"""The data model: countries, pairs, flows and groups; the built-in world; importers.

>>> import jahan as jh
>>> w = jh.World.builtin()
>>> w.group("EAEU", year=2019)
['ARM', 'BLR', 'KAZ', 'KGZ', 'RUS']
"""

from __future__ import annotations

from jahan.world._baseline import GravityBaseline, solve_gravity_baseline
from jahan.world._cepii import read_cepii_gravity
from jahan.world._geo import great_circle_km, internal_distance_km
from jahan.world._validate import check_flows
from jahan.world._world import COUNTRY_COLUMNS, World

__all__ = [
    "COUNTRY_COLUMNS",
    "GravityBaseline",
    "World",
    "check_flows",
    "great_circle_km",
    "internal_distance_km",
    "read_cepii_gravity",
    "solve_gravity_baseline",
]
