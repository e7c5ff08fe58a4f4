"""Estimation-ready tables of a World, with the column names gravity formulas use.

``jahan world export`` writes these tables so that a formula from the docs runs on them as
printed: ``trade ~ ln_dist + cntg + international | exporter + importer``. Every table is built
from the World's public tables (``flows_frame()``, ``pairs``, ``countries`` and, when the world
has one, ``trade_panel()``), so the export follows whatever world it is given.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jahan.errors import DataError, Message

EXPORT_TABLES: tuple[str, ...] = ("flows", "pairs", "countries", "panel")
"""Tables ``export_table`` can build."""

FORMULA_NAMES: dict[str, str] = {
    "value": "trade",
    "distance_km": "dist",
    "contiguity": "cntg",
    "common_language": "lang",
    "common_currency": "comcur",
    "same_former_state": "smctry",
}
"""World column -> exported column, the short names of the gravity literature (Yotov et al.
2016; CEPII Gravity: ``dist``, ``cntg``, ``comcur``, ``smctry``). ``ln_dist`` = log(dist) is
added; other columns (``international``, ``rta``, group dummies, ``both_<GROUP>``) keep their
names."""


def _with_formula_names(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.rename(columns={k: v for k, v in FORMULA_NAMES.items() if k in frame.columns})
    if "dist" in out.columns and "ln_dist" not in out.columns:
        out.insert(out.columns.get_loc("dist") + 1, "ln_dist", np.log(out["dist"].astype(float)))
    return out


def _pair_id(frame: pd.DataFrame) -> pd.Series:
    """One label per ordered pair ("KAZ-RUS"), for clustered standard errors (cluster:pair_id)."""
    return frame["exporter"].astype(str) + "-" + frame["importer"].astype(str)


def export_table(world, table: str) -> pd.DataFrame:
    """One of :data:`EXPORT_TABLES` as a flat frame with :data:`FORMULA_NAMES` applied.

    - ``flows``: one row per ordered pair of the baseline (domestic flows included, marked by
      ``international`` = 0): exporter, importer, year, trade (USD millions), pair_id and every
      pair variable;
    - ``pairs``: the pair variables alone (no flows needed);
    - ``countries``: the countries table with ``iso3`` as a column;
    - ``panel``: the world's multi-year trade panel (``World.trade_panel()``), for worlds that
      carry one.

    Raises
    ------
    DataError
        For an unknown table name, or a table the world does not have (flows, panel).
    """
    key = str(table).strip().lower()
    if key not in EXPORT_TABLES:
        from jahan._suggest import closest

        near = closest(key, EXPORT_TABLES)
        hint = Message(" Did you mean {suggestion!r}?", suggestion=near) if near else ""
        raise DataError(
            Message(
                "unknown table {table!r}: use one of {tables}.{hint}",
                table=table,
                tables=EXPORT_TABLES,
                hint=hint,
            )
        )
    if key == "countries":
        return world.countries.rename_axis("iso3").reset_index()
    if key == "pairs":
        return _with_formula_names(world.pairs.reset_index())
    if key == "panel":
        if not hasattr(world, "trade_panel"):
            raise DataError(
                Message(
                    "table 'panel': this world has no multi-year trade panel; export 'flows' "
                    "(the baseline year) instead"
                )
            )
        panel = _with_formula_names(world.trade_panel())
        if "pair_id" not in panel.columns:
            panel["pair_id"] = _pair_id(panel)
        return panel
    if not world.has_flows:
        raise DataError(
            Message("table 'flows': this world has no flows; export 'pairs' or 'countries'")
        )
    flows = world.flows_frame()
    pairs = world.pairs.reset_index()
    frame = flows.merge(pairs, on=["exporter", "importer"], how="left", validate="one_to_one")
    if world.baseline_year is not None:
        frame.insert(2, "year", int(world.baseline_year))
    frame = _with_formula_names(frame)
    frame.insert(frame.columns.get_loc("trade") + 1, "pair_id", _pair_id(frame))
    return frame


__all__ = ["EXPORT_TABLES", "FORMULA_NAMES", "export_table"]
