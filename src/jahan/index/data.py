"""Indicator data: validation of the long table and the treatment of missing values.

The input is a long table with columns ``country``, ``year``, ``indicator``, ``value``. Missing
values inside a series (a country's indicator observed before and after a gap) are filled by
linear interpolation in the year; values before the first or after the last observation are
filled only when asked (``extrapolate="nearest"`` carries the nearest observed value), and every
filled cell is recorded.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jahan.errors import DataError, Message

COLUMNS: tuple[str, ...] = ("country", "year", "indicator", "value")
EXTRAPOLATIONS: tuple[str, ...] = ("none", "nearest")


def validate_long(data: pd.DataFrame) -> pd.DataFrame:
    """Check a long indicator table and return a clean copy (country, year, indicator, value).

    Raises :class:`DataError` naming the missing column, the duplicated rows or the row with a
    non-numeric or infinite value. Rows with an empty value are dropped (they are missing).
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError(
            Message(
                "indicator data must be a pandas DataFrame with columns {columns!r}; got {kind}",
                columns=COLUMNS,
                kind=type(data).__name__,
            )
        )
    for column in COLUMNS:
        if column not in data.columns:
            near = difflib.get_close_matches(column, [str(c) for c in data.columns], n=1)
            hint = (
                Message(" Did you mean {suggestion!r}? Rename it.", suggestion=near[0])
                if near
                else ""
            )
            raise DataError(
                Message(
                    "indicator data lacks column {column!r} (has {columns!r}); the long table "
                    "needs columns {needed}.{hint}",
                    column=column,
                    columns=list(data.columns),
                    needed=list(COLUMNS),
                    hint=hint,
                )
            )
    out = data.loc[:, list(COLUMNS)].copy()
    out["country"] = out["country"].astype(str).str.strip().str.upper()
    out["indicator"] = out["indicator"].astype(str).str.strip()
    years = pd.to_numeric(out["year"], errors="coerce")
    bad_year = years.isna() | (years != np.round(years))
    if bad_year.any():
        row = int(np.flatnonzero(bad_year.to_numpy())[0])
        raise DataError(
            Message(
                "row {row} of the indicator data has year {year!r}: years must be integers",
                row=row,
                year=data["year"].iloc[row],
            )
        )
    out["year"] = years.astype(int)
    values = pd.to_numeric(out["value"], errors="coerce")
    nonnumeric = values.isna() & out["value"].notna() & (out["value"].astype(str).str.strip() != "")
    if nonnumeric.any():
        row = int(np.flatnonzero(nonnumeric.to_numpy())[0])
        raise DataError(
            Message(
                "row {row} of the indicator data ({country}, {year}, {indicator}) has value "
                "{value!r}: values must be numbers (leave the cell empty for a missing value)",
                row=row,
                country=out["country"].iloc[row],
                year=str(out["year"].iloc[row]),
                indicator=out["indicator"].iloc[row],
                value=data["value"].iloc[row],
            )
        )
    infinite = np.isinf(values.to_numpy(dtype=float, na_value=np.nan))
    if infinite.any():
        row = int(np.flatnonzero(infinite)[0])
        raise DataError(
            Message(
                "row {row} of the indicator data ({country}, {year}, {indicator}) is infinite: "
                "give a finite value or leave it empty",
                row=row,
                country=out["country"].iloc[row],
                year=str(out["year"].iloc[row]),
                indicator=out["indicator"].iloc[row],
            )
        )
    out["value"] = values.astype(float)
    out = out[out["value"].notna()]
    dup = out.duplicated(["country", "year", "indicator"], keep=False)
    if dup.any():
        first = out[dup].iloc[0]
        raise DataError(
            Message(
                "{count} rows repeat a (country, year, indicator) key, e.g. "
                "({country}, {year}, {indicator}): keep one value per key",
                count=int(dup.sum()),
                country=first["country"],
                year=str(first["year"]),
                indicator=first["indicator"],
            )
        )
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class Panel:
    """Indicator values after the treatment of missing data.

    Attributes
    ----------
    values : DataFrame
        Indexed by (country, year), one column per indicator; NaN where still missing.
    imputed : DataFrame
        One row per filled cell: country, year, indicator, value, method
        ("interpolated" or "extrapolated (nearest)").
    """

    values: pd.DataFrame
    imputed: pd.DataFrame

    @property
    def years(self) -> tuple[int, ...]:
        """Years present in the panel, ascending."""
        return tuple(sorted(set(self.values.index.get_level_values("year"))))

    def year(self, year: int) -> pd.DataFrame:
        """Countries x indicators for one year."""
        return self.values.xs(year, level="year")


def build_panel(
    data: pd.DataFrame,
    indicators: tuple[str, ...] | None = None,
    *,
    interpolate: bool = True,
    extrapolate: str = "none",
) -> Panel:
    """Pivot a long table to a (country, year) x indicator panel and fill gaps as stated.

    Parameters
    ----------
    data : DataFrame
        Long table (country, year, indicator, value); see :func:`validate_long`.
    indicators : tuple of str, optional
        Indicators to keep (others are left out); default all.
    interpolate : bool
        Fill gaps inside a country's series by linear interpolation in the year.
    extrapolate : {"none", "nearest"}
        "none" leaves values before the first and after the last observation missing;
        "nearest" carries the nearest observed value outward.
    """
    if extrapolate not in EXTRAPOLATIONS:
        raise DataError(
            Message(
                "extrapolate={value!r}: use one of {choices!r}",
                value=extrapolate,
                choices=EXTRAPOLATIONS,
            )
        )
    long = validate_long(data)
    if indicators is not None:
        long = long[long["indicator"].isin(indicators)]
    if long.empty:
        raise DataError(Message("the indicator data has no values for the framework's indicators"))
    countries = sorted(long["country"].unique())
    years = sorted(long["year"].unique())
    codes = list(indicators) if indicators is not None else sorted(long["indicator"].unique())
    codes = [c for c in codes if c in set(long["indicator"])]
    # Year rows, (indicator, country) columns: interpolation runs down each column.
    wide = long.pivot(index="year", columns=["indicator", "country"], values="value")
    wide = wide.reindex(
        index=years,
        columns=pd.MultiIndex.from_product([codes, countries], names=["indicator", "country"]),
    )
    observed = wide.notna()
    filled = wide
    if interpolate and len(years) > 1:
        filled = filled.interpolate(method="index", limit_area="inside", axis=0)
    interpolated = filled.notna() & ~observed
    if extrapolate == "nearest":
        filled = filled.ffill(axis=0).bfill(axis=0)
    extrapolated = filled.notna() & ~observed & ~interpolated
    shape = (len(years), len(codes), len(countries))
    cube = filled.to_numpy(dtype=float).reshape(shape)
    logs = []
    for mask, method in ((interpolated, "interpolated"), (extrapolated, "extrapolated (nearest)")):
        y, i, c = np.nonzero(mask.to_numpy().reshape(shape))
        if len(y):
            logs.append(
                pd.DataFrame(
                    {
                        "country": np.asarray(countries, dtype=object)[c],
                        "year": np.asarray(years)[y],
                        "indicator": np.asarray(codes, dtype=object)[i],
                        "value": cube[y, i, c],
                        "method": method,
                    }
                )
            )
    empty = pd.DataFrame(
        {
            "country": pd.Series(dtype=object),
            "year": pd.Series(dtype=int),
            "indicator": pd.Series(dtype=object),
            "value": pd.Series(dtype=float),
            "method": pd.Series(dtype=object),
        }
    )
    imputed = pd.concat(logs, ignore_index=True) if logs else empty
    # (year, indicator, country) -> rows (country, year), columns indicator
    flat = cube.transpose(2, 0, 1).reshape(len(countries) * len(years), len(codes))
    values = pd.DataFrame(
        flat,
        index=pd.MultiIndex.from_product([countries, years], names=["country", "year"]),
        columns=pd.Index(codes, name="indicator"),
    )
    return Panel(values=values, imputed=imputed)
