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


__all__ = ["atomic_write", "write_parquet_atomic", "write_text_atomic"]
