"""Sector data of a world: the inputs of the multi-sector model, read and written as tables.

A :class:`SectorData` holds the long tables :class:`jahan.ge.multisector.MultiSectorGEModel`
takes (flows by sector, tariffs, gross output, value-added shares, input-output shares and
trade elasticities by sector). A :class:`~jahan.world.World` carries one in
:attr:`World.sectors`; the world supplies the country codes, names and groups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jahan.errors import DataError, Message

SECTOR_TABLES: dict[str, tuple[str, ...]] = {
    "flows": ("exporter", "importer", "sector", "value"),
    "tariffs": ("exporter", "importer", "sector", "rate"),
    "gross_output": ("country", "sector", "value"),
    "value_added_share": ("country", "sector", "share"),
    "io_shares": ("country", "input_sector", "using_sector", "share"),
    "trade_elasticity": ("sector", "theta"),
}
"""Tables of a sector folder and their columns (``tariffs`` may be empty)."""

SECTOR_FOLDER = "sectors"
"""Name of the sub-folder of a world folder that holds the sector tables."""


def _table(frame: object, name: str) -> pd.DataFrame:
    columns = SECTOR_TABLES[name]
    if frame is None and name == "tariffs":
        return pd.DataFrame(
            {c: pd.Series([], dtype=float if c == "rate" else object) for c in columns}
        )
    if not isinstance(frame, pd.DataFrame):
        raise DataError(
            Message(
                "sectors.{name}: expected a pandas DataFrame with columns {columns!r}, got {kind}",
                name=name,
                columns=list(columns),
                kind=type(frame).__name__,
            )
        )
    df = frame.reset_index() if not set(columns) <= set(frame.columns) else frame
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(
            Message(
                "sectors.{name}: missing column(s) {missing!r}; expected {columns!r}",
                name=name,
                missing=missing,
                columns=list(columns),
            )
        )
    df = df[list(columns)].reset_index(drop=True).copy()
    for c in columns[:-1]:
        df[c] = df[c].astype(str)
    value = pd.to_numeric(df[columns[-1]], errors="coerce")
    bad = value.isna() | ~np.isfinite(value.to_numpy(dtype=float, na_value=np.nan))
    if bad.any():
        rows = ", ".join(str(r) for r in np.flatnonzero(bad.to_numpy())[:5])
        raise DataError(
            Message(
                "sectors.{name}: column {column!r} has missing or non-numeric values in row(s) "
                "{rows}; give a number in every row",
                name=name,
                column=columns[-1],
                rows=rows,
            )
        )
    df[columns[-1]] = value.astype(float)
    return df


def _elasticity(theta: object) -> pd.DataFrame:
    if isinstance(theta, pd.Series):
        return pd.DataFrame(
            {"sector": theta.index.astype(str), "theta": theta.to_numpy(dtype=float)}
        )
    return _table(theta, "trade_elasticity")


@dataclass(frozen=True, eq=False)
class SectorData:
    """The multi-sector model's inputs for a world (long tables, read-only by convention).

    Attributes
    ----------
    flows : DataFrame
        exporter, importer, sector, value: trade net of tariffs (domestic sales may be given).
    tariffs : DataFrame
        exporter, importer, sector, rate: ad valorem (0.05 = 5 %); missing cells are 0.
    gross_output : DataFrame
        country, sector, value.
    value_added_share : DataFrame
        country, sector, share.
    io_shares : DataFrame
        country, input_sector, using_sector, share.
    trade_elasticity : DataFrame
        sector, theta.
    """

    flows: pd.DataFrame
    tariffs: pd.DataFrame
    gross_output: pd.DataFrame
    value_added_share: pd.DataFrame
    io_shares: pd.DataFrame
    trade_elasticity: pd.DataFrame

    @classmethod
    def from_frames(
        cls,
        flows: pd.DataFrame,
        tariffs: pd.DataFrame | None,
        gross_output: pd.DataFrame,
        value_added_share: pd.DataFrame,
        io_shares: pd.DataFrame,
        trade_elasticity: pd.Series | pd.DataFrame | float,
    ) -> SectorData:
        """Build sector data from the model's input tables (column checks only).

        ``trade_elasticity`` is a Series by sector, a frame (sector, theta) or one number for
        every sector of ``gross_output``. The full checks (shares summing to one, codes
        agreeing between tables) run when the model is built.
        """
        go = _table(gross_output, "gross_output")
        if isinstance(trade_elasticity, int | float):
            sectors = list(pd.unique(go["sector"]))
            trade_elasticity = pd.Series(float(trade_elasticity), index=sectors)
        return cls(
            flows=_table(flows, "flows"),
            tariffs=_table(tariffs, "tariffs"),
            gross_output=go,
            value_added_share=_table(value_added_share, "value_added_share"),
            io_shares=_table(io_shares, "io_shares"),
            trade_elasticity=_elasticity(trade_elasticity),
        )

    @classmethod
    def from_inputs(
        cls,
        inputs: Mapping[str, object],
        trade_elasticity: pd.Series | pd.DataFrame | float | None = None,
    ) -> SectorData:
        """From the dict of :func:`jahan.world.mrio_to_inputs` (plus the trade elasticities)."""
        theta = trade_elasticity if trade_elasticity is not None else inputs.get("trade_elasticity")
        if theta is None:
            raise DataError(
                Message(
                    "sector data needs trade elasticities by sector: pass "
                    "trade_elasticity=pd.Series({{sector: theta}}) or one number"
                )
            )
        return cls.from_frames(
            inputs["flows"],
            inputs.get("tariffs"),
            inputs["gross_output"],
            inputs["value_added_share"],
            inputs["io_shares"],
            theta,
        )

    @property
    def countries(self) -> list[str]:
        """Country codes of the sector data (from gross output), sorted."""
        return sorted(pd.unique(self.gross_output["country"]))

    @property
    def sectors(self) -> list[str]:
        """Sector codes in model order (first appearance in gross output)."""
        return list(pd.unique(self.gross_output["sector"]))

    def inputs(self) -> dict[str, Any]:
        """Keyword arguments for :class:`~jahan.ge.multisector.MultiSectorGEModel`."""
        theta = self.trade_elasticity.set_index("sector")["theta"]
        return {
            "flows": self.flows.copy(),
            "tariffs": self.tariffs.copy(),
            "gross_output": self.gross_output.copy(),
            "value_added_share": self.value_added_share.copy(),
            "io_shares": self.io_shares.copy(),
            "trade_elasticity": theta.copy(),
        }

    def check_countries(self, codes: list[str]) -> None:
        """Raise DataError if a country of the sector tables is not in ``codes`` (the world's)."""
        from jahan.world._validate import check_codes

        for name, columns in SECTOR_TABLES.items():
            frame = getattr(self, name)
            for column in columns:
                if column in ("exporter", "importer", "country"):
                    check_codes(list(pd.unique(frame[column])), codes, f"sectors.{name}.{column}")

    def __repr__(self) -> str:
        return f"SectorData({len(self.countries)} countries, {len(self.sectors)} sectors)"


def _find(folder: Path, name: str) -> Path | None:
    for suffix in (".parquet", ".csv"):
        p = folder / f"{name}{suffix}"
        if p.exists():
            return p
    return None


def read_sectors(folder: Path) -> SectorData:
    """Read the sector tables of ``folder`` (``<name>.parquet`` or ``.csv`` for each table)."""
    from jahan.world._io import _read_table

    tables: dict[str, pd.DataFrame | None] = {}
    for name in SECTOR_TABLES:
        path = _find(folder, name)
        if path is None and name != "tariffs":
            raise DataError(
                Message(
                    "{folder}: missing {name}.parquet or {name}.csv (a sector folder holds "
                    "{tables}; tariffs is optional)",
                    folder=str(folder),
                    name=name,
                    tables=list(SECTOR_TABLES),
                )
            )
        frame = _read_table(path) if path is not None else None
        if frame is not None:
            for column in SECTOR_TABLES[name][:-1]:
                if column in frame.columns:
                    frame[column] = frame[column].astype(str)
        tables[name] = frame
    try:
        return SectorData.from_frames(**tables)  # type: ignore[arg-type]
    except DataError as exc:
        raise DataError(Message("{path}: {error}", path=str(folder), error=exc)) from None


def write_sectors(data: SectorData, folder: Path) -> Path:
    """Write every sector table to ``folder`` as Parquet, each file atomically."""
    from jahan._io import write_parquet_atomic

    folder.mkdir(parents=True, exist_ok=True)
    for name in SECTOR_TABLES:
        write_parquet_atomic(getattr(data, name), folder / f"{name}.parquet", index=False)
    return folder


__all__ = ["SECTOR_FOLDER", "SECTOR_TABLES", "SectorData", "read_sectors", "write_sectors"]
