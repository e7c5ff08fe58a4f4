"""The data model: countries, pairs, flows and groups; the built-in world; importers.

>>> import jahan as jh
>>> w = jh.World.builtin()
>>> w.group("EAEU", year=2019)
['ARM', 'BLR', 'KAZ', 'KGZ', 'RUS']
"""

from __future__ import annotations

from jahan.world._cepii import read_cepii_gravity
from jahan.world._geo import great_circle_km, internal_distance_km
from jahan.world._sectors import SectorData
from jahan.world._validate import check_flows
from jahan.world._world import COUNTRY_COLUMNS, World
from jahan.world.examples import language_example
from jahan.world.globalization import GLOBALIZATION_VARIABLES, globalization_variables
from jahan.world.mrio import ICIO_MERGE, mrio_to_inputs, read_adb_mrio, read_oecd_icio, read_wiod
from jahan.world.pwt import PWT_COLUMNS, pwt_panel

__all__ = [
    "COUNTRY_COLUMNS",
    "PWT_COLUMNS",
    "GLOBALIZATION_VARIABLES",
    "ICIO_MERGE",
    "SectorData",
    "World",
    "check_flows",
    "globalization_variables",
    "great_circle_km",
    "internal_distance_km",
    "language_example",
    "mrio_to_inputs",
    "pwt_panel",
    "read_adb_mrio",
    "read_cepii_gravity",
    "read_oecd_icio",
    "read_wiod",
]
