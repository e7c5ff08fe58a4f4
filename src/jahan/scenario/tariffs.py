"""Baseline tariffs of a one-sector scenario: the ``[tariffs]`` table and user tariff files.

Tariffs are stated, never implied: a scenario with tariff shocks or a common external tariff on
a world without sector data must say what rate it assumes on the pairs it does not list
(``[tariffs] elsewhere``). A user table (CSV or Parquet: importer, exporter, optional sector,
rate) is validated row by row; every problem is one :class:`~jahan.errors.ScenarioError` naming
the file, the row and the fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from jahan.errors import Message, ScenarioError
from jahan.scenario._errors import nearest

COLUMNS = ("importer", "exporter", "rate")


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise ScenarioError(
            Message(
                "{path}: no such tariff table; give a CSV or Parquet file with "
                "columns importer, exporter, rate (and optionally sector)",
                path=str(path),
            )
        )
    if path.suffix.lower() in (".parquet", ".pq"):
        return pd.read_parquet(path)
    if path.suffix.lower() in (".csv", ".txt"):
        return pd.read_csv(
            path,
            dtype={"importer": str, "exporter": str},
            keep_default_na=False,
            na_values=["", "NA", "NaN", "nan"],
        )
    raise ScenarioError(
        Message(
            "{path}: unknown tariff table format {suffix!r}; use .csv or .parquet",
            path=str(path),
            suffix=path.suffix,
        )
    )


def _row(path: Path, line: int) -> Message:
    return Message("{path}, row {line}", path=str(path), line=line)


def read_tariff_table(path: str | Path, countries: Sequence[str]) -> pd.DataFrame:
    """Read and validate a tariff table for a one-sector world.

    Parameters
    ----------
    path : str or Path
        CSV or Parquet with columns ``importer, exporter, rate`` (a ``sector`` column is
        accepted only when every row says ``all``: this world has one sector).
    countries : sequence of str
        ISO3 codes of the world.

    Returns
    -------
    DataFrame
        ``exporter, importer, rate`` (rate as a share, 0.05 = 5 %).
    """
    path = Path(path)
    frame = _read(path)
    if missing := [c for c in COLUMNS if c not in frame.columns]:
        raise ScenarioError(
            Message(
                "{path}: missing column(s) {missing!r}; a tariff table has columns "
                "importer, exporter, rate (found {found!r})",
                path=str(path),
                missing=missing,
                found=list(frame.columns)[:10],
            )
        )
    if "sector" in frame.columns:
        bad = frame["sector"].astype(str).str.strip().str.lower() != "all"
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ScenarioError(
                Message(
                    "{where}: sector {sector!r} on "
                    "a world without sector data; drop the sector column or use a "
                    "world with sectors",
                    where=_row(path, row + 2),
                    sector=frame["sector"].iloc[row],
                )
            )
    index = set(countries)
    seen: dict[tuple[str, str], int] = {}
    rates = pd.to_numeric(frame["rate"], errors="coerce").to_numpy(dtype=float)
    out = []
    for row in range(len(frame)):
        line = row + 2  # the header is line 1 of a CSV
        where = _row(path, line)
        pair = []
        for column in ("importer", "exporter"):
            code = str(frame[column].iloc[row]).strip().upper()
            if code not in index:
                hint = nearest(code, list(countries))
                raise ScenarioError(
                    Message(
                        "{where}: unknown {column} code {code!r}; use an ISO3 code "
                        "of this world (did you mean {hint!r}?)",
                        where=where,
                        column=column,
                        code=code,
                        hint=hint,
                    )
                    if hint
                    else Message(
                        "{where}: unknown {column} code {code!r}; use an ISO3 code of this world",
                        where=where,
                        column=column,
                        code=code,
                    )
                )
            pair.append(code)
        importer, exporter = pair
        rate = rates[row]
        if not np.isfinite(rate) or rate < 0 or rate > 10:
            raise ScenarioError(
                Message(
                    "{where} ({importer} on {exporter}): rate "
                    "{rate!r} must be a finite share from 0 to 10 (0.05 = 5 %)",
                    where=where,
                    importer=importer,
                    exporter=exporter,
                    rate=frame["rate"].tolist()[row],
                )
            )
        if importer == exporter:
            raise ScenarioError(
                Message(
                    "{where}: {importer} on itself; tariffs apply to imports only, drop the row",
                    where=where,
                    importer=importer,
                )
            )
        if (importer, exporter) in seen:
            raise ScenarioError(
                Message(
                    "{where}: duplicate of row {row} ({importer} on {exporter}); "
                    "keep one row per pair",
                    where=where,
                    row=seen[(importer, exporter)],
                    importer=importer,
                    exporter=exporter,
                )
            )
        seen[(importer, exporter)] = line
        out.append((exporter, importer, float(rate)))
    return pd.DataFrame(out, columns=["exporter", "importer", "rate"])


__all__ = ["read_tariff_table"]
