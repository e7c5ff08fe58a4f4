"""Reading and writing worlds as folders of CSV / Parquet files."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import pandas as pd

from jahan._io import atomic_write
from jahan.errors import DataError, Message
from jahan.world._sectors import SECTOR_FOLDER, read_sectors, write_sectors

_TABLES = ("countries", "pairs", "flows", "groups", "sources")


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, index=True)


def _read_table(path: Path) -> pd.DataFrame:
    try:
        if path.suffix == ".parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, keep_default_na=False, na_values=[""])
    except (OSError, ValueError) as exc:
        raise DataError(
            Message(
                "{path}: cannot read ({detail})",
                english=f"{path}: cannot read ({exc})",
                path=str(path),
                detail=Message("the file is not a readable table"),
            )
        ) from None


def _find(folder: Path, name: str) -> Path | None:
    for suffix in (".parquet", ".csv"):
        p = folder / f"{name}{suffix}"
        if p.exists():
            return p
    return None


def _flows_only_countries(flows: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in ("exporter", "importer") if c in flows.columns]
    if len(cols) < 2 and isinstance(flows.index, pd.MultiIndex):
        flows = flows.reset_index()
    codes = sorted(set(flows["exporter"].astype(str)) | set(flows["importer"].astype(str)))
    return pd.DataFrame(index=pd.Index(codes, name="iso3"))


def read_world(path: Path, *, require_domestic: bool = False):
    """Read a world from a folder or a single long flows file (see :meth:`World.read`)."""
    from jahan.world._world import World

    if not path.exists():
        raise DataError(Message("{path}: no such file or folder", path=str(path)))
    if path.is_file():
        flows = _read_table(path)
        missing = {"exporter", "importer"} - set(flows.columns)
        if missing:
            raise DataError(
                Message(
                    "{path}: a flows file needs columns exporter, importer, value; missing "
                    "{missing!r}",
                    path=str(path),
                    missing=sorted(missing),
                )
            )
        return World.from_frames(
            countries=_flows_only_countries(flows), flows=flows, require_domestic=require_domestic
        )
    found = {name: _find(path, name) for name in _TABLES}
    if found["countries"] is None and found["flows"] is None:
        raise DataError(
            Message(
                "{path}: expected countries.csv/.parquet or flows.csv/.parquet in this folder "
                "(a world with sectors also needs countries.csv)",
                path=str(path),
            )
            if (path / SECTOR_FOLDER).is_dir()
            else Message(
                "{path}: expected countries.csv/.parquet or flows.csv/.parquet in this folder",
                path=str(path),
            )
        )
    tables = {name: (_read_table(p) if p is not None else None) for name, p in found.items()}
    meta: dict = {}
    if (path / "world.json").exists():
        try:
            meta = json.loads((path / "world.json").read_text(encoding="utf-8"))
        except ValueError as exc:
            raise DataError(
                Message(
                    "{path}: not valid JSON (line {line}, column {column})",
                    english=f"{path / 'world.json'}: not valid JSON ({exc})",
                    path=str(path / "world.json"),
                    line=getattr(exc, "lineno", 0),
                    column=getattr(exc, "colno", 0),
                )
            ) from None
    countries = tables["countries"]
    if countries is None:
        countries = _flows_only_countries(tables["flows"])
    sectors = None
    if (path / SECTOR_FOLDER).is_dir():
        sectors = read_sectors(path / SECTOR_FOLDER)
    try:
        return World.from_frames(
            countries=countries,
            pairs=tables["pairs"],
            flows=tables["flows"],
            groups=tables["groups"],
            baseline_year=meta.get("baseline_year"),
            flows_kind=meta.get("flows_kind", "observed"),
            sources=tables["sources"],
            require_domestic=require_domestic,
            sectors=sectors,
        )
    except DataError as exc:
        raise DataError(Message("{path}: {error}", path=str(path), error=exc)) from None


def write_world(world, folder: Path) -> Path:
    """Write ``world`` into ``folder`` (Parquet tables and world.json), each file atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    tables: dict[str, pd.DataFrame] = {
        "countries": world.countries,
        "pairs": world.pairs,
        "groups": world.groups,
        "sources": world.sources,
    }
    if world.has_flows:
        tables["flows"] = world.flows.to_frame()
    for name, df in tables.items():
        atomic_write(folder / f"{name}.parquet", partial(_write_parquet, df))
    meta = world.meta

    def dump(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(meta, fh, indent=2, ensure_ascii=False)
            fh.write("\n")

    if world.sectors is not None:
        write_sectors(world.sectors, folder / SECTOR_FOLDER)
    atomic_write(folder / "world.json", dump)
    return folder
