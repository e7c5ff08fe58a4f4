"""Atomic writes: a reader never sees a half-written file, a failed run leaves nothing behind."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from jahan._io import atomic_write, write_text_atomic


def write_text(text: str, target: Path) -> Path:
    """Write UTF-8 text to ``target`` atomically."""
    return write_text_atomic(text, target)


def write_frame(frame: pd.DataFrame, target: Path) -> Path:
    """Write a frame as Parquet (``.parquet``) or CSV (anything else), atomically."""
    target = Path(target)
    if target.suffix == ".parquet":
        return atomic_write(target, lambda p: frame.to_parquet(p))
    return atomic_write(target, lambda p: frame.to_csv(p, index=False))


def write_folder(files: dict[str, Callable[[Path], None]], out_dir: Path) -> dict[str, Path]:
    """Write several files into ``out_dir`` all or nothing.

    Every file is first written into a temporary folder beside ``out_dir``; only when all of them
    succeeded are they moved into place (each move is an atomic rename on the same filesystem).
    If any writer fails, ``out_dir`` is left exactly as it was.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.", suffix=".tmp"))
    try:
        for name, write in files.items():
            write(staging / name)
        out_dir.mkdir(parents=True, exist_ok=True)
        written = {}
        for name in files:
            os.replace(staging / name, out_dir / name)
            written[name] = out_dir / name
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


__all__ = ["write_folder", "write_frame", "write_text"]
