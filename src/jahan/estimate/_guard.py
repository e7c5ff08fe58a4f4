"""Checks on an estimation sample before any compiled code runs.

pyfixest's demeaning and singleton detection are compiled (Rust); on a sample with no positive
outcome they abort the whole Python process (a panic no ``except`` can catch), and a regressor
column with one stray text cell is silently expanded into one dummy per distinct value. These
checks run on the data frame first and raise one :class:`~jahan.errors.DataError` naming the
column, the row and the fix.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from jahan.errors import DataError, Message

MAX_OUTCOME = 1e100
"""Largest outcome accepted: the Poisson deviance sums y * log(y / mu) and overflows near 1e308.
PPML slopes do not change when the outcome is rescaled (only the constant and fixed effects
shift by the log of the factor), so a rescaled outcome loses nothing."""

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_CATEGORICAL = re.compile(r"\bC\(\s*([A-Za-z_][A-Za-z0-9_.]*)")


def _rows(index: pd.Index, limit: int = 5) -> str:
    shown = ", ".join(str(r) for r in index[:limit])
    return shown + (", ..." if len(index) > limit else "")


def formula_columns(formula: str, columns: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(regressors, categorical regressors, fixed-effect columns) named in ``formula``."""
    rhs = formula.split("~", 1)[1]
    parts = rhs.split("|")
    regressors_text = parts[0]
    fixed_text = "|".join(parts[1:2])
    categorical = [c for c in _CATEGORICAL.findall(regressors_text) if c in columns]
    regressors = [
        t
        for t in dict.fromkeys(_IDENT.findall(regressors_text))
        if t in columns and t not in categorical
    ]
    fixed = [t for t in dict.fromkeys(_IDENT.findall(fixed_text)) if t in columns]
    return regressors, categorical, fixed


def check_sample(formula: str, data: pd.DataFrame, depvar: str) -> None:
    """Refuse a sample PPML cannot estimate, before pyfixest sees it.

    Raises
    ------
    DataError
        A regressor column mixing numbers and text; an outcome that is not numeric, too large,
        all zero or positive in only one row; fewer usable rows than coefficients.
    """
    columns = [str(c) for c in data.columns]
    regressors, _categorical, fixed = formula_columns(formula, columns)
    for name in regressors:
        column = data[name]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            continue
        numbers = pd.to_numeric(column, errors="coerce")
        text = column.notna() & numbers.isna()
        if text.any() and (~text & column.notna()).any():
            rows = data.index[text.to_numpy()]
            first = column[text].iloc[0]
            raise DataError(
                Message(
                    "regressor column {name!r} mixes numbers and text: {count} non-numeric "
                    "value(s), e.g. {first!r} in row {row} (rows {rows}); fix or blank those "
                    "cells (blank rows are dropped), or write C({column}) to treat {name!r} "
                    "as categories",
                    name=name,
                    count=len(rows),
                    first=first,
                    row=rows[0],
                    rows=_rows(rows),
                    column=name,
                )
            )
    if depvar not in columns:
        return
    y = pd.to_numeric(data[depvar], errors="coerce")
    text = data[depvar].notna() & y.isna()
    if text.any():
        rows = data.index[text.to_numpy()]
        raise DataError(
            Message(
                "outcome {depvar!r} has {count} non-numeric value(s), e.g. {first!r} in row "
                "{row}; fix or blank them",
                depvar=depvar,
                count=len(rows),
                first=data[depvar][text].iloc[0],
                row=rows[0],
            )
        )
    used = y.notna()
    for name in (*regressors, *fixed):
        used &= data[name].notna()
    values = y[used].to_numpy(dtype=float)
    big = np.abs(values) > MAX_OUTCOME
    if big.any():
        row = data.index[used.to_numpy()][np.argmax(big)]
        raise DataError(
            Message(
                "outcome {depvar!r} has values up to {largest:.3g} (row {row}); values above "
                "{limit:.0e} overflow the Poisson deviance. Rescale the outcome (e.g. divide by "
                "1e6): PPML slopes do not change with its scale",
                depvar=depvar,
                largest=float(np.max(np.abs(values))),
                row=row,
                limit=MAX_OUTCOME,
            )
        )
    n = len(values)
    positive = int(np.sum(values > 0))
    if n == 0:
        raise DataError(
            Message(
                "no usable rows: every row misses {depvar!r} or a column of {formula!r}",
                depvar=depvar,
                formula=formula,
            )
        )
    if positive == 0:
        raise DataError(
            Message(
                "outcome {depvar!r} is zero in all {n} usable rows; a Poisson model "
                "needs positive values (is the right column named?)",
                depvar=depvar,
                n=n,
            )
        )
    if positive == 1:
        row = data.index[used.to_numpy()][int(np.argmax(values > 0))]
        raise DataError(
            Message(
                "outcome {depvar!r} is positive in one row only (row {row}) of {n}; the "
                "coefficients are not identified: PPML needs several positive values",
                depvar=depvar,
                row=row,
                n=n,
            )
        )
    # Coefficients: the regressors, plus the constant when there are no fixed effects.
    k = len(regressors) + (0 if fixed else 1)
    if n <= k:
        raise DataError(
            Message(
                "{n} usable row(s) for {k} coefficient(s) in {formula!r}; standard "
                "errors need more observations than coefficients",
                n=n,
                k=k,
                formula=formula,
            )
        )


def check_fitted_sample(fit, formula: str) -> None:
    """After separated and singleton rows are dropped, refuse an empty or all-zero sample
    (the compiled demeaning would abort the process)."""
    y = np.asarray(fit._Y, dtype=float).ravel()
    if y.size == 0 or not np.any(y > 0):
        raise DataError(
            Message(
                "no observation of {formula!r} is left to estimate on after dropping separated "
                "and singleton observations (or the rest are all zero); add data, or use fewer "
                "fixed effects",
                formula=formula,
            )
        )


__all__ = ["MAX_OUTCOME", "check_fitted_sample", "check_sample", "formula_columns"]
