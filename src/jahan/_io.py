"""Atomic file writes, shared by every layer that writes: a reader never sees a half-written
file, and a failed write leaves nothing behind (temporary file in the same folder, then
``os.replace``, which is atomic on one filesystem)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

_FILE_MODE = 0o644  # mkstemp creates 0600 files; outputs are meant to be shared


def atomic_write(target: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp_path)`` then move the temporary file onto ``target``.

    The parent folder is created if needed. If ``write`` raises, the temporary file is removed
    and ``target`` is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        os.chmod(tmp_path, _FILE_MODE)
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    return target


def write_text_atomic(text: str, target: str | os.PathLike[str]) -> Path:
    """Write UTF-8 ``text`` to ``target`` atomically."""
    return atomic_write(target, lambda p: p.write_text(text, encoding="utf-8"))


def write_parquet_atomic(
    frame: pd.DataFrame, target: str | os.PathLike[str], *, index: bool | None = None
) -> Path:
    """Write ``frame`` to Parquet atomically (``index`` as in ``DataFrame.to_parquet``)."""
    return atomic_write(target, lambda p: frame.to_parquet(p, index=index))


TABLE_FORMATS: tuple[str, ...] = ("csv", "parquet", "xlsx")
"""File formats of :func:`write_table_atomic`."""

_EXCEL_MAX_ROWS = 1_048_576  # rows in one Excel worksheet, header included


def table_format(target: str | os.PathLike[str], fmt: str | None = None) -> str:
    """The format of a table file: ``fmt`` when given, else the file's suffix; or raise."""
    from jahan.errors import DataError, Message

    chosen = (fmt or Path(target).suffix.lstrip(".")).strip().lower()
    if chosen not in TABLE_FORMATS:
        raise DataError(
            Message(
                "{target!r}: unknown table format {format!r}; use a .csv, .parquet or .xlsx "
                "file name, or --format {formats}",
                target=str(target),
                format=chosen or Message("(none)"),
                formats="|".join(TABLE_FORMATS),
            )
        )
    return chosen


def write_table_atomic(
    frame: pd.DataFrame,
    target: str | os.PathLike[str],
    fmt: str | None = None,
    *,
    sheet: str = "data",
) -> Path:
    """Write ``frame`` (without its index) as CSV (UTF-8), Parquet or Excel, atomically."""
    from jahan.errors import DataError, Message

    kind = table_format(target, fmt)
    if kind == "csv":
        return atomic_write(target, lambda p: frame.to_csv(p, index=False, encoding="utf-8"))
    if kind == "parquet":
        return atomic_write(target, lambda p: frame.to_parquet(p, index=False))
    if len(frame) + 1 > _EXCEL_MAX_ROWS:
        raise DataError(
            Message(
                "{target!r}: {rows} rows do not fit one Excel sheet ({limit} at most); "
                "write .parquet or .csv instead",
                target=str(target),
                rows=len(frame),
                limit=_EXCEL_MAX_ROWS - 1,
            )
        )
    # Excel sheet names are at most 31 characters.
    return atomic_write(
        target, lambda p: frame.to_excel(p, index=False, sheet_name=sheet[:31], engine="openpyxl")
    )


__all__ = [
    "TABLE_FORMATS",
    "atomic_write",
    "table_format",
    "write_parquet_atomic",
    "write_table_atomic",
    "write_text_atomic",
]
