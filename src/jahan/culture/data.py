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
from jahan.errors import DataError, Message

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
        return str(_where(i, self.source, self.lines, self.frame["year"].iloc[i]))

    def __len__(self) -> int:
        return len(self.frame)


def _where(i: int, source: str | None, lines: Sequence[int] | None, year: object = None) -> Message:
    """Where row ``i`` is: ``file, line N (year Y)``, as a message read in any language."""
    place = (
        Message("line {line}", line=lines[i])
        if lines is not None
        else Message("row {row}", row=i + 1)
    )
    if source:
        place = Message("{source}, {place}", source=source, place=place)
    if year is not None and not (isinstance(year, float) and np.isnan(year)):
        if isinstance(year, int | float):
            place = Message("{place} (year {year:g})", place=place, year=year)
        else:
            place = Message("{place} (year {year})", place=place, year=year)
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
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        col = missing[0]
        near = difflib.get_close_matches(col, [str(c) for c in frame.columns], n=1)
        hint = (
            Message("; found {found!r}, rename it to {column!r}", found=near[0], column=col)
            if near
            else ""
        )
        if source:
            raise DataError(
                Message(
                    "column {column!r} is missing in {source}: the columns must be {columns}{hint}",
                    column=col,
                    source=source,
                    columns=list(COLUMNS),
                    hint=hint,
                )
            )
        raise DataError(
            Message(
                "column {column!r} is missing: the columns must be {columns}{hint}",
                column=col,
                columns=list(COLUMNS),
                hint=hint,
            )
        )
    values = {}
    for col in COLUMNS:
        numeric = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
        bad = np.nonzero(~np.isfinite(numeric))[0]
        if bad.size:
            i = int(bad[0])
            raise DataError(
                Message(
                    "{where}: {column} = {value!r} is not a number; "
                    "give every share as a number between 0 and 1",
                    where=_where(i, source, lines),
                    column=col,
                    value=frame[col].iloc[i],
                )
            )
        values[col] = numeric
    years = values["year"]
    year_bound = BOUNDS["year"]
    far = np.nonzero((years < year_bound.low) | (years > year_bound.high))[0]
    if far.size:
        i = int(far[0])
        raise DataError(
            Message(
                "{where}: year = {year:g} is outside {low:g} to {high:g}; give calendar years "
                "(projections step one year at a time)",
                where=_where(i, source, lines),
                year=years[i],
                low=year_bound.low,
                high=year_bound.high,
            )
        )
    for col in SHARE_COLUMNS:
        v = values[col]
        bad = np.nonzero((v < 0.0) | (v > 1.0))[0]
        if bad.size:
            i = int(bad[0])
            hint = Message(" (percentages? divide by 100)") if v[i] > 1.0 and v[i] <= 100.0 else ""
            raise DataError(
                Message(
                    "{where}: {column} = {value:g} is outside [0, 1]; "
                    "shares must lie between 0 and 1{hint}",
                    where=_where(i, source, lines, years[i]),
                    column=col,
                    value=v[i],
                    hint=hint,
                )
            )
    total = values["monolingual_a"] + values["bilingual"] + values["monolingual_b"]
    bad = np.nonzero(np.abs(total - 1.0) > tolerance)[0]
    if bad.size:
        i = int(bad[0])
        raise DataError(
            Message(
                "{where}: monolingual_a + bilingual + monolingual_b = {total:.4f}, not 1 "
                "(tolerance {tolerance:g}); the three shares must cover the population",
                where=_where(i, source, lines, years[i]),
                total=total[i],
                tolerance=tolerance,
            )
        )
    step = np.diff(years)
    bad = np.nonzero(step <= 0)[0]
    if bad.size:
        i = int(bad[0]) + 1
        raise DataError(
            Message(
                "{where}: year {year:g} does not come after {previous:g}; years must be strictly "
                "increasing (sort the rows, remove duplicates)",
                where=_where(i, source, lines, years[i]),
                year=years[i],
                previous=years[i - 1],
            )
        )
    if len(years) < min_points:
        raise DataError(
            Message(
                "{rows} rows in {source}, but at least {needed} are needed (more observations "
                "than free parameters); add years or fix parameters",
                rows=len(years),
                source=source,
                needed=min_points,
            )
            if source
            else Message(
                "{rows} rows, but at least {needed} are needed (more observations than free "
                "parameters); add years or fix parameters",
                rows=len(years),
                needed=min_points,
            )
        )
    clean = pd.DataFrame({c: values[c] for c in COLUMNS})
    return ShareSeries(clean, source, tuple(int(n) for n in lines) if lines is not None else None)


__all__ = ["COLUMNS", "SHARE_COLUMNS", "SUM_TOLERANCE", "ShareSeries", "validate_shares"]
