"""Observed bilateral migrant stocks (UN DESA International Migrant Stock 2019) for the world build.

The source is ``undesa_migrant_stock_2019/UN_MigrantStockByOriginAndDestination_2019_clean.csv``
under the build's sources folder: one row per (Year, Dest), one column per country of origin, UN
names rather than ISO codes, persons at mid-year, ``..`` for "not available" and ``-`` for "nil".
Licence: CC BY 3.0 IGO (United Nations, Department of Economic and Social Affairs, Population
Division (2019), International Migrant Stock 2019, POP/DB/MIG/Stock/Rev.2019).

UN names are turned into ISO 3166-1 alpha-3 codes by the reviewed table ``undesa_names.csv``
beside this script (``un_name,iso3,note``). Regional aggregates and residual categories have an
empty ``iso3`` and are left out. A name in the source that the table does not list is an error,
so a new edition of the source cannot lose people silently.

    from world_migrants import read_migrants, restrict_migrants, unmapped_names
    migrants = read_migrants(sources)                     # origin, destination, year, persons
    kept, dropped = restrict_migrants(migrants, countries.index)
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from jahan.errors import DataError

SOURCE = Path("undesa_migrant_stock_2019") / "UN_MigrantStockByOriginAndDestination_2019_clean.csv"
NAMES_TABLE = Path(__file__).resolve().parent / "undesa_names.csv"
NAMES_COLUMNS = ["un_name", "iso3", "note"]

# UN DESA's published markers: ".." data not available, "-" nil. Both mean "no stock reported".
NOT_REPORTED = ("..", "-")
ID_COLUMNS = ("Year", "Dest")
_ISO3 = re.compile(r"[A-Z]{3}")


def read_names(table: Path = NAMES_TABLE) -> dict[str, str]:
    """Read the UN name table: ``{un_name: iso3}``, with ``""`` for names that have no ISO code.

    Parameters
    ----------
    table : Path
        CSV with the columns ``un_name,iso3,note``.

    Raises
    ------
    DataError
        A malformed table: wrong header, empty or repeated name, a code that is not three
        capital letters, an empty code or a shared code without a note saying why. The
        message names the table and the row.
    """
    with open(table, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows or rows[0] != NAMES_COLUMNS:
        raise DataError(f"{table}: the header must be {','.join(NAMES_COLUMNS)}")
    names: dict[str, str] = {}
    first_row_of: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != 3:
            raise DataError(
                f"{table}, row {line}: expected 3 fields (un_name,iso3,note), got {row}"
            )
        name, iso3, note = (field.strip() for field in row)
        if not name:
            raise DataError(f"{table}, row {line}: un_name is empty")
        if name in names:
            raise DataError(f"{table}, row {line}: {name!r} is listed twice; keep one row")
        if iso3 and not _ISO3.fullmatch(iso3):
            raise DataError(
                f"{table}, row {line}: iso3 {iso3!r} for {name!r} must be an ISO 3166-1 alpha-3 "
                "code (three capital letters) or empty"
            )
        if not iso3 and not note:
            raise DataError(
                f"{table}, row {line}: {name!r} has no iso3; say in the note why (aggregate, "
                "no ISO code)"
            )
        if iso3 in first_row_of and not note:
            raise DataError(
                f"{table}, row {line}: {name!r} maps to {iso3}, as row {first_row_of[iso3]} does; "
                "document the alias in the note"
            )
        names[name] = iso3
        if iso3:
            first_row_of.setdefault(iso3, line)
    return names


def _read_wide(sources: Path) -> tuple[pd.DataFrame, Path]:
    """The source table as published, every cell a string; checked for shape and duplicates."""
    path = Path(sources) / SOURCE
    if not path.is_file():
        raise DataError(
            f"UN DESA migrant stock file not found: {path}; pass the sources folder that holds "
            f"{SOURCE}"
        )
    wide = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in ID_COLUMNS if c not in wide.columns]
    if missing:
        raise DataError(f"{path}: column(s) {missing} missing; expected Year, Dest, then origins")
    repeated = wide.columns[wide.columns.duplicated()].tolist()
    if repeated:
        raise DataError(f"{path}: origin column(s) {repeated} appear twice")
    dup = wide.duplicated(list(ID_COLUMNS), keep=False)
    if dup.any():
        line = int(np.flatnonzero(dup.to_numpy())[0]) + 2
        raise DataError(
            f"{path}, row {line}: (Year, Dest) = ({wide.at[line - 2, 'Year']}, "
            f"{wide.at[line - 2, 'Dest']}) appears more than once"
        )
    return wide, path


def _check_names(names: Iterable[str], table: dict[str, str], table_path: Path, path: Path) -> None:
    unknown = sorted(set(names) - set(table))
    if unknown:
        shown = ", ".join(repr(n) for n in unknown)
        raise DataError(
            f"{path}: UN name(s) {shown} are not in {table_path}; add a row un_name,iso3,note for "
            "each (empty iso3 and a note for an aggregate) so no persons are lost silently"
        )


def _long(wide: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Melt to (Dest, origin, Year, persons); markers and zeros dropped, anything else checked."""
    long = wide.reset_index(names="row").melt(
        id_vars=["row", *ID_COLUMNS], var_name="origin_name", value_name="cell"
    )
    cell = long["cell"].str.strip()
    reported = ~cell.isin(NOT_REPORTED)
    persons = pd.to_numeric(cell.where(reported), errors="coerce")
    bad = reported & (persons.isna() | (persons < 0) | ~np.isfinite(persons))
    if bad.any():
        first = long[bad].iloc[0]
        raise DataError(
            f"{path}, row {int(first['row']) + 2} (Year {first['Year']}, Dest {first['Dest']!r}), "
            f"column {first['origin_name']!r}: {first['cell']!r} is not a count of persons; "
            f"cells must be non-negative numbers or one of {list(NOT_REPORTED)}"
        )
    years = pd.to_numeric(wide["Year"], errors="coerce")
    if years.isna().any() or (years % 1 != 0).any():
        line = int(np.flatnonzero((years.isna() | (years % 1 != 0)).to_numpy())[0]) + 2
        raise DataError(f"{path}, row {line}: Year {wide.at[line - 2, 'Year']!r} is not a year")
    long["persons"] = persons
    long = long[reported & (persons > 0)]
    return long.assign(year=long["Year"].astype(int))[["Dest", "origin_name", "year", "persons"]]


def read_migrants(sources: Path, table: Path = NAMES_TABLE) -> pd.DataFrame:
    """Bilateral migrant stocks by country of origin and of destination, as published.

    Parameters
    ----------
    sources : Path
        The build's sources folder (it holds ``undesa_migrant_stock_2019/``).
    table : Path, default ``tools/undesa_names.csv``
        The UN name table.

    Returns
    -------
    pandas.DataFrame
        Columns ``origin`` and ``destination`` (ISO3), ``year`` (int), ``persons`` (float,
        > 0), one row per origin-destination-year, sorted. Cells marked ``..`` or ``-`` and
        zeros are dropped; rows and columns of regional aggregates are left out. No rescaling.

    Raises
    ------
    DataError
        The file is missing or malformed (naming row and column), a UN name is not in the
        table (naming it and the table), or two names the file uses map to one code.
    """
    names = read_names(table)
    wide, path = _read_wide(sources)
    in_file = set(wide["Dest"]) | set(wide.columns.drop(list(ID_COLUMNS)))
    _check_names(in_file, names, table, path)
    origins = set(wide.columns.drop(list(ID_COLUMNS)))
    for role, used in (("destination", set(wide["Dest"])), ("origin", origins)):
        codes: dict[str, str] = {}
        for name in sorted(used):
            code = names[name]
            if code and code in codes:
                raise DataError(
                    f"{path}: {role}s {codes[code]!r} and {name!r} both map to {code} in {table}; "
                    "one country would be counted twice"
                )
            codes[code] = name
    long = _long(wide, path)
    long["destination"] = long["Dest"].map(names)
    long["origin"] = long["origin_name"].map(names)
    long = long[(long["destination"] != "") & (long["origin"] != "")]
    out = long[["origin", "destination", "year", "persons"]].astype({"persons": float})
    return out.sort_values(["origin", "destination", "year"]).reset_index(drop=True)


def unmapped_names(sources: Path, table: Path = NAMES_TABLE) -> list[str]:
    """Every UN name in the source without an ISO3 code, with the persons it holds.

    Returns
    -------
    list of str
        One entry per name, sorted by name: ``"Caribbean: destination 9,876,543 persons,
        origin 0 persons (all years)"``. Unknown names raise as in :func:`read_migrants`.
    """
    names = read_names(table)
    wide, path = _read_wide(sources)
    in_file = set(wide["Dest"]) | set(wide.columns.drop(list(ID_COLUMNS)))
    _check_names(in_file, names, table, path)
    long = _long(wide, path)
    out = []
    for name in sorted(n for n in in_file if not names[n]):
        as_dest = long.loc[long["Dest"] == name, "persons"].sum()
        as_origin = long.loc[long["origin_name"] == name, "persons"].sum()
        out.append(
            f"{name}: destination {as_dest:,.0f} persons, origin {as_origin:,.0f} persons (all years)"
        )
    return out


def restrict_migrants(
    migrants: pd.DataFrame, codes: Iterable[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep the pairs whose origin and destination are both in ``codes``.

    Parameters
    ----------
    migrants : pandas.DataFrame
        ``origin, destination, year, persons`` as :func:`read_migrants` returns.
    codes : iterable of str
        ISO3 codes of the world's countries.

    Returns
    -------
    kept : pandas.DataFrame
        The rows of ``migrants`` with both ends in ``codes`` (index reset).
    dropped : pandas.DataFrame
        One row per (``iso3``, ``year``) for each code outside ``codes`` that holds persons:
        ``as_origin`` (its emigrants in the source, summed over destinations) and
        ``as_destination`` (its immigrants, summed over origins), so a build can report what
        the world leaves out; largest first. A pair with both ends outside counts for both.
    """
    required = ["origin", "destination", "year", "persons"]
    missing = [c for c in required if c not in migrants.columns]
    if missing:
        raise DataError(f"migrants lacks column(s) {missing}; expected {required}")
    keep = set(codes)
    o_in = migrants["origin"].isin(keep)
    d_in = migrants["destination"].isin(keep)
    kept = migrants[o_in & d_in].reset_index(drop=True)
    lost = migrants[~(o_in & d_in)]
    as_origin = lost[~lost["origin"].isin(keep)].groupby(["origin", "year"])["persons"].sum()
    as_dest = (
        lost[~lost["destination"].isin(keep)].groupby(["destination", "year"])["persons"].sum()
    )
    dropped = pd.concat(
        [
            as_origin.rename_axis(["iso3", "year"]).rename("as_origin"),
            as_dest.rename_axis(["iso3", "year"]).rename("as_destination"),
        ],
        axis=1,
    ).fillna(0.0)
    size = dropped["as_origin"] + dropped["as_destination"]
    dropped = dropped.iloc[
        np.lexsort(
            (
                dropped.index.get_level_values("year"),
                dropped.index.get_level_values("iso3"),
                -size.to_numpy(),
            )
        )
    ]
    return kept, dropped.reset_index()
