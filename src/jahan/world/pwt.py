"""Penn World Table 9.1 series over time, from the extract shipped with jahan.

The extract (``jahan/data/pwt91_extract.parquet``) is built by ``tools/build_pwt_extract.py`` from
PWT 9.1 (Feenstra, Inklaar and Timmer 2015) without changing any value: isocode, year (1950-2017),
rgdpe, rgdpna, pop, csh_x, csh_m. Models take the frame as an argument; this is the layer that
reads it.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

from jahan.errors import DataError, Message

PWT_COLUMNS: tuple[str, ...] = ("isocode", "year", "rgdpe", "rgdpna", "pop", "csh_x", "csh_m")


@cache
def _read() -> pd.DataFrame:
    path = resources.files("jahan") / "data" / "pwt91_extract.parquet"
    if not path.is_file():
        raise DataError(
            Message(
                "the PWT 9.1 extract jahan/data/pwt91_extract.parquet is missing: rebuild it "
                "with `python tools/build_pwt_extract.py SOURCES_DIR`"
            )
        )
    with path.open("rb") as fh:
        frame = pd.read_parquet(fh)
    missing = [c for c in PWT_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(
            Message(
                "pwt91_extract.parquet lacks columns {columns!r}: rebuild it with "
                "tools/build_pwt_extract.py",
                columns=missing,
            )
        )
    return frame[list(PWT_COLUMNS)]


def pwt_panel() -> pd.DataFrame:
    """PWT 9.1 panel (a copy): isocode, year, rgdpe, rgdpna, pop, csh_x, csh_m, one row per
    country and year; missing values stay missing."""
    return _read().copy()


__all__ = ["PWT_COLUMNS", "pwt_panel"]
