"""Time series of speaker shares: validation with errors that name the row.

Columns: ``year, monolingual_a, bilingual, monolingual_b`` (shares of the population, summing to 1).
The model layer takes a DataFrame; the command line reads the file and passes the file name and the
line number of each row, so that an error points to the line in the file.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jahan._validate_numbers import BOUNDS
from jahan.errors import DataError

COLUMNS: tuple[str, ...] = ("year", "monolingual_a", "bilingual", "monolingual_b")
SHARE_COLUMNS: tuple[str, ...] = COLUMNS[1:]
SUM_TOLERANCE = 0.01


@dataclass(frozen=True)
class ShareSeries:
    """A validated series of shares (sorted by year, strictly increasing)."""

    frame: pd.DataFrame  # columns COLUMNS, float
    source: str | None
    lines: tuple[int, ...] | None

    @property
    def years(self) -> np.ndarray:
        """The years as floats."""
        return self.frame["year"].to_numpy(dtype=float)

    def where(self, i: int) -> str:
        """Human-readable location of row ``i`` (line in the file when known)."""
        return _where(i, self.source, self.lines, self.frame["year"].iloc[i])

    def __len__(self) -> int:
        return len(self.frame)


def _where(i: int, source: str | None, lines: Sequence[int] | None, year: object = None) -> str:
    place = f"line {lines[i]}" if lines is not None else f"row {i + 1}"
    if source:
        place = f"{source}, {place}"
    if year is not None and not (isinstance(year, float) and np.isnan(year)):
        place += f" (year {year:g})" if isinstance(year, int | float) else f" (year {year})"
    return place


def validate_shares(
    frame: pd.DataFrame,
    *,
    source: str | None = None,
    lines: Sequence[int] | None = None,
    min_points: int = 2,
    tolerance: float = SUM_TOLERANCE,
) -> ShareSeries:
    """Check a table of shares and return a :class:`ShareSeries`.

    Parameters
    ----------
    frame
        Columns year, monolingual_a, bilingual, monolingual_b; one row per observation.
    source
        File name, used in error messages.
    lines
        Line number in the file of each row (used in error messages instead of row numbers).
    min_points
        Fewest rows allowed (the fit asks for more rows than free parameters).
    tolerance
        Allowed departure of monolingual_a + bilingual + monolingual_b from 1.

    Raises
    ------
    DataError
        Missing column, non-numeric or missing value, share outside [0, 1], shares not summing to 1,
        years not strictly increasing, or fewer than ``min_points`` rows; the message names the row.
    """
    if lines is not None and len(lines) != len(frame):
        raise ValueError("lines must give one line number per row")
    where_file = f" in {source}" if source else ""
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        col = missing[0]
        near = difflib.get_close_matches(col, [str(c) for c in frame.columns], n=1)
        hint = f"; found {near[0]!r}, rename it to {col!r}" if near else ""
        raise DataError(
            f"column {col!r} is missing{where_file}: the columns must be {', '.join(COLUMNS)}{hint}"
        )
    values = {}
    for col in COLUMNS:
        numeric = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
        bad = np.nonzero(~np.isfinite(numeric))[0]
        if bad.size:
            i = int(bad[0])
            raise DataError(
                f"{_where(i, source, lines)}: {col} = {frame[col].iloc[i]!r} is not a number; "
                f"give every share as a number between 0 and 1"
            )
        values[col] = numeric
    years = values["year"]
    year_bound = BOUNDS["year"]
    far = np.nonzero((years < year_bound.low) | (years > year_bound.high))[0]
    if far.size:
        i = int(far[0])
        raise DataError(
            f"{_where(i, source, lines)}: year = {years[i]:g} is outside {year_bound.low:g} to "
            f"{year_bound.high:g}; give calendar years (projections step one year at a time)"
        )
    for col in SHARE_COLUMNS:
        v = values[col]
        bad = np.nonzero((v < 0.0) | (v > 1.0))[0]
        if bad.size:
            i = int(bad[0])
            hint = " (percentages? divide by 100)" if v[i] > 1.0 and v[i] <= 100.0 else ""
            raise DataError(
                f"{_where(i, source, lines, years[i])}: {col} = {v[i]:g} is outside [0, 1]; "
                f"shares must lie between 0 and 1{hint}"
            )
    total = values["monolingual_a"] + values["bilingual"] + values["monolingual_b"]
    bad = np.nonzero(np.abs(total - 1.0) > tolerance)[0]
    if bad.size:
        i = int(bad[0])
        raise DataError(
            f"{_where(i, source, lines, years[i])}: monolingual_a + bilingual + monolingual_b = "
            f"{total[i]:.4f}, not 1 (tolerance {tolerance:g}); the three shares must cover the population"
        )
    step = np.diff(years)
    bad = np.nonzero(step <= 0)[0]
    if bad.size:
        i = int(bad[0]) + 1
        raise DataError(
            f"{_where(i, source, lines, years[i])}: year {years[i]:g} does not come after "
            f"{years[i - 1]:g}; years must be strictly increasing (sort the rows, remove duplicates)"
        )
    if len(years) < min_points:
        raise DataError(
            f"{len(years)} rows{where_file}, but at least {min_points} are needed "
            f"(more observations than free parameters); add years or fix parameters"
        )
    clean = pd.DataFrame({c: values[c] for c in COLUMNS})
    return ShareSeries(clean, source, tuple(int(n) for n in lines) if lines is not None else None)


__all__ = ["COLUMNS", "SHARE_COLUMNS", "SUM_TOLERANCE", "ShareSeries", "validate_shares"]
