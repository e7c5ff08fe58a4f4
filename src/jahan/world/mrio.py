"""Readers for multi-region input-output tables: WIOD, OECD ICIO, ADB MRIO.

Each reader turns one year's wide table into the long inputs of
:class:`jahan.ge.multisector.MultiSectorGEModel`: ``flows``, ``tariffs`` (empty: input-output
tables carry no tariff rates), ``gross_output``, ``value_added_share`` and ``io_shares``.
Nothing is downloaded; the user passes a file or a DataFrame already read.

From the intermediate block Z (rows: supplying country i and sector k; columns: using country
n and sector j) and the final-demand block F (rows as Z; columns: country n and a final-demand
category):

* ``flows`` (exporter i, importer n, sector k) = sum_j Z[(i, k), (n, j)] + sum_f F[(i, k), (n, f)],
  domestic sales included (i = n). Tables are at basic prices, so flows are net of tariffs;
* ``gross_output`` (i, k) = the row total of Z and F (output at basic prices);
* ``io_shares`` (n, k, j) = sum_i Z[(i, k), (n, j)] / sum_{i, k} Z[(i, k), (n, j)];
* ``value_added_share`` (n, j) = 1 - sum_{i, k} Z[(i, k), (n, j)] / gross_output (n, j): what
  is not bought as intermediate inputs counts as value added, so net taxes on products and
  the cif/fob adjustment rows are folded into value added. A sector with no output or no
  intermediate purchases gets a share of 1.

Negative final demand (inventory drawdowns) can make a flow negative; such flows are set to 0
with a :class:`~jahan.errors.DataWarning`. See docs/multisector.md for the layouts assumed.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from jahan.errors import DataError, DataWarning, Message

ICIO_MERGE: dict[str, str] = {"CN1": "CHN", "CN2": "CHN", "MX1": "MEX", "MX2": "MEX"}
"""OECD ICIO splits China and Mexico by processing-trade status; these codes are merged back."""

_LAYOUT_DOC = Message("see docs/multisector.md, section 'Input-output tables'")


def _read_grid(source: object, *, header: bool, sheet: str | int | None = None) -> pd.DataFrame:
    """A raw table from a DataFrame or a CSV / Excel / Parquet file."""
    if isinstance(source, pd.DataFrame):
        return source.copy()
    if not isinstance(source, (str, os.PathLike)):
        raise DataError(
            Message(
                "expected a file path or a pandas DataFrame, got {kind}",
                kind=type(source).__name__,
            )
        )
    path = Path(source)
    if not path.exists():
        raise DataError(Message("input-output file not found: {path}", path=str(path)))
    suffix = path.suffix.lower()
    head = 0 if header else None
    if suffix in (".csv", ".txt", ".gz"):
        return pd.read_csv(path, header=head, low_memory=False)
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix in (".xlsx", ".xlsb", ".xls"):
        try:
            return pd.read_excel(path, header=head, sheet_name=0 if sheet is None else sheet)
        except ImportError as exc:
            raise DataError(
                Message(
                    "reading {file} needs an Excel engine ({error}); install openpyxl or save "
                    "the sheet as CSV and pass the CSV file",
                    file=path.name,
                    error=str(exc),
                )
            ) from exc
    raise DataError(
        Message(
            "{file}: unsupported file type {suffix!r}; use .csv, .xlsx or .parquet",
            file=path.name,
            suffix=suffix,
        )
    )


def mrio_to_inputs(
    intermediate: pd.DataFrame,
    final_demand: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    """Model inputs from labelled intermediate and final-demand blocks.

    Parameters
    ----------
    intermediate : DataFrame
        Z: rows a MultiIndex (country, sector) of suppliers, columns a MultiIndex
        (country, sector) of users, same order of sectors.
    final_demand : DataFrame
        F: rows as Z, columns a MultiIndex (country, category) or an Index of countries.

    Returns
    -------
    dict
        ``flows, tariffs, gross_output, value_added_share, io_shares`` ready for
        ``MultiSectorGEModel(**inputs, trade_elasticity=...)``.
    """
    rows = intermediate.index
    countries = list(pd.unique(rows.get_level_values(0)))
    sectors = list(pd.unique(rows.get_level_values(1)))
    n, j = len(countries), len(sectors)
    full = pd.MultiIndex.from_product([countries, sectors])
    z = intermediate.reindex(index=full, columns=full, fill_value=0.0)
    z = z.apply(pd.to_numeric, errors="coerce").fillna(0.0).to_numpy(dtype=float)
    f = final_demand
    if isinstance(f.columns, pd.MultiIndex):
        f = f.T.groupby(level=0, sort=False).sum().T
    f = f.reindex(index=full, columns=countries, fill_value=0.0)
    f = f.apply(pd.to_numeric, errors="coerce").fillna(0.0).to_numpy(dtype=float)
    z4 = z.reshape(n, j, n, j)  # [i, k, n, j]
    flows = z4.sum(axis=3) + f.reshape(n, j, n)  # [exporter i, sector k, importer n]
    negative = flows < 0
    if negative.any():
        warnings.warn(
            f"{int(negative.sum())} flows are negative after adding final demand (inventory "
            "changes); they are set to 0",
            DataWarning,
            stacklevel=3,
        )
        flows = np.where(negative, 0.0, flows)
    output = flows.sum(axis=2)  # (i, k)
    purchases = z4.sum(axis=0)  # [k, n, j]: input k bought by (n, j) from all sources
    bought = purchases.sum(axis=0)  # (n, j)
    with np.errstate(divide="ignore", invalid="ignore"):
        va = np.where((output > 0) & (bought > 0), 1.0 - bought / output, 1.0)
    low = va <= 0
    if low.any():
        cells = [(countries[a], sectors[b]) for a, b in np.argwhere(low)[:5]]
        warnings.warn(
            f"{int(low.sum())} (country, sector) cells buy more intermediates than they produce, "
            f"e.g. {cells}; their value-added share is set to 0.001",
            DataWarning,
            stacklevel=3,
        )
        va = np.where(low, 1e-3, va)
    share = np.divide(
        purchases, bought[None, :, :], out=np.zeros_like(purchases), where=bought[None, :, :] > 0
    )  # [k, n, j]
    share[:, va >= 1.0] = 0.0

    ex, sec, im = np.nonzero(flows > 0)
    flow_frame = pd.DataFrame(
        {
            "exporter": np.asarray(countries, dtype=object)[ex],
            "importer": np.asarray(countries, dtype=object)[im],
            "sector": np.asarray(sectors, dtype=object)[sec],
            "value": flows[ex, sec, im],
        }
    )
    grid = pd.MultiIndex.from_product([countries, sectors], names=["country", "sector"])
    gross = pd.DataFrame({"value": output.ravel()}, index=grid).reset_index()
    va_frame = pd.DataFrame({"share": va.ravel()}, index=grid).reset_index()
    k_idx, n_idx, j_idx = np.nonzero(share > 0)
    io_frame = pd.DataFrame(
        {
            "country": np.asarray(countries, dtype=object)[n_idx],
            "input_sector": np.asarray(sectors, dtype=object)[k_idx],
            "using_sector": np.asarray(sectors, dtype=object)[j_idx],
            "share": share[k_idx, n_idx, j_idx],
        }
    )
    tariffs = pd.DataFrame(
        {
            "exporter": pd.Series(dtype=object),
            "importer": pd.Series(dtype=object),
            "sector": pd.Series(dtype=object),
            "rate": pd.Series(dtype=float),
        }
    )
    return {
        "flows": flow_frame,
        "tariffs": tariffs,
        "gross_output": gross,
        "value_added_share": va_frame,
        "io_shares": io_frame,
    }


# -- WIOD and ADB MRIO: label columns beside a numeric block ----------------------------------

_INDUSTRY_ROW = re.compile(r"^c\d+$", re.IGNORECASE)
_COUNTRY = re.compile(r"^[A-Za-z][A-Za-z0-9]{2}$")


def _labelled_block(
    raw: pd.DataFrame, *, name: str, n_labels: int, country_col: int, sector_col: int, code_col: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a WIOD/ADB-style raw grid into Z and F with (country, sector) labels."""
    grid = raw.reset_index(drop=True)
    grid.columns = range(grid.shape[1])
    text = grid.astype(str).apply(lambda col: col.str.strip())
    codes = text[code_col]
    countries = text[country_col]
    is_data = codes.str.match(_INDUSTRY_ROW) & countries.str.match(_COUNTRY)
    if not is_data.any():
        raise DataError(
            Message(
                "{name}: found no industry rows (column {code_col} like 'c1', column "
                "{country_col} a 3-letter country code); {doc}",
                name=name,
                code_col=code_col + 1,
                country_col=country_col + 1,
                doc=_LAYOUT_DOC,
            )
        )
    data_rows = np.flatnonzero(is_data.to_numpy())
    first = int(data_rows[0])
    country_set = set(countries.iloc[data_rows])
    header = text.iloc[:first, n_labels:]
    # The header row of column countries is the one whose cells are mostly row countries.
    hits = header.apply(lambda row: row.isin(country_set).sum(), axis=1)
    if hits.empty or hits.max() == 0:
        raise DataError(
            Message(
                "{name}: no header row above the data names the column countries; {doc}",
                name=name,
                doc=_LAYOUT_DOC,
            )
        )
    col_country = header.loc[hits.idxmax()]
    code_rows = header.apply(lambda row: row.str.match(_INDUSTRY_ROW).sum(), axis=1)
    col_code = header.loc[code_rows.idxmax()] if code_rows.max() > 0 else None
    row_sector = text[sector_col].iloc[data_rows].to_numpy()
    row_country = countries.iloc[data_rows].to_numpy()
    ind_code = dict(zip(codes.iloc[data_rows], row_sector, strict=False))
    values = grid.iloc[data_rows, n_labels:].apply(pd.to_numeric, errors="coerce").fillna(0.0)
    z_cols: list[object] = []
    f_cols: list[object] = []
    z_labels: list[tuple[str, str]] = []
    f_labels: list[tuple[str, str]] = []
    for pos, col in enumerate(values.columns):
        country = col_country.iloc[pos]
        if country not in country_set:
            continue  # totals and other columns
        code = col_code.iloc[pos] if col_code is not None else ""
        if code in ind_code and _INDUSTRY_ROW.match(code) and len(z_labels) < len(data_rows):
            z_cols.append(col)
            z_labels.append((country, ind_code[code]))
        else:
            f_cols.append(col)
            f_labels.append((country, code))
    if len(z_cols) != len(data_rows):
        raise DataError(
            Message(
                "{name}: {rows} industry rows but {columns} industry columns; the column codes "
                "must repeat the row codes (c1, c2, ...); {doc}",
                name=name,
                rows=len(data_rows),
                columns=len(z_cols),
                doc=_LAYOUT_DOC,
            )
        )
    index = pd.MultiIndex.from_arrays([row_country, row_sector])
    z = pd.DataFrame(
        values[z_cols].to_numpy(), index=index, columns=pd.MultiIndex.from_tuples(z_labels)
    )
    f = pd.DataFrame(
        values[f_cols].to_numpy(), index=index, columns=pd.MultiIndex.from_tuples(f_labels)
    )
    return z, f


def read_wiod(
    source: str | os.PathLike[str] | pd.DataFrame, *, sheet: str | int | None = None
) -> dict[str, pd.DataFrame]:
    """Read one year of the World Input-Output Database (2016 release, WIOT layout).

    Layout assumed (the ``WIOT<year>_Nov16_ROW`` sheet, read without a header): four label
    columns (industry code such as ``A01``, description, country such as ``AUS``, row code
    ``c1`` ... ``c56``) beside the numbers; header rows above the data hold, per column, the
    country and the column code (``c1`` ... ``c56`` industries, ``c57`` ... ``c61`` final demand,
    ``c62`` total, country ``TOT``). Rows below the industries (II_fob, TXSP, EXP_adj, PURR,
    PURNR, VA, IntTTM, GO) are not needed: output is the row total, value added the residual.
    Sectors are named by the industry code (``A01``).
    """
    raw = _read_grid(source, header=False, sheet=sheet)
    z, f = _labelled_block(
        raw, name="WIOD table", n_labels=4, country_col=2, sector_col=0, code_col=3
    )
    return mrio_to_inputs(z, f)


def read_adb_mrio(
    source: str | os.PathLike[str] | pd.DataFrame, *, sheet: str | int | None = None
) -> dict[str, pd.DataFrame]:
    """Read one year of the ADB Multi-Regional Input-Output tables (62/72 economies x 35 sectors).

    Layout assumed (an ``ADB MRIO <year>`` sheet, read without a header): four label columns
    (row code ``c1`` ... ``c35``, sector name, economy code such as ``KAZ``, and a fourth label
    column), data from the eighth row; header rows above hold, per column, the economy code
    and the column code (``c1`` ... ``c35`` industries, ``F1`` ... ``F5`` final demand, then the
    total). The value-added and total-input rows below the industries are not needed.
    Sectors are named by their code (``c1`` ... ``c35``), so different years line up.
    """
    raw = _read_grid(source, header=False, sheet=sheet)
    z, f = _labelled_block(
        raw, name="ADB MRIO table", n_labels=4, country_col=2, sector_col=0, code_col=0
    )
    return mrio_to_inputs(z, f)


def read_oecd_icio(
    source: str | os.PathLike[str] | pd.DataFrame, *, merge: Mapping[str, str] | None = None
) -> dict[str, pd.DataFrame]:
    """Read one year of the OECD Inter-Country Input-Output tables (CSV release).

    Layout assumed (``ICIO<release>_<year>.csv``): the first column holds row labels, the
    header row column labels, both ``<country>_<industry>`` such as ``AUS_01T02`` (older
    releases ``AUS_C01T05``); final-demand columns are ``<country>_<category>`` with a category
    that is not an industry (``HFCE``, ``NPISH``, ``GGFC``, ``GFCF``, ``INVNT``, ``DPABR``);
    rows ``TLS``, ``VA``, ``OUT`` and the column ``OUT``/``TOTAL`` are not needed. Country codes in
    ``merge`` (default :data:`ICIO_MERGE`: CN1, CN2 -> CHN; MX1, MX2 -> MEX) are summed.
    """
    merge = ICIO_MERGE if merge is None else dict(merge)
    raw = _read_grid(source, header=True)
    first = raw.columns[0]
    raw = raw.set_index(first)
    raw.index = raw.index.astype(str).str.strip()
    raw.columns = raw.columns.astype(str).str.strip()

    def split(labels: pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        parts = list(labels.str.split("_", n=1))
        ok = np.array([len(p) == 2 for p in parts], dtype=bool)
        country = np.array(
            [p[0] if k else "" for p, k in zip(parts, ok, strict=True)], dtype=object
        )
        code = np.array([p[1] if k else "" for p, k in zip(parts, ok, strict=True)], dtype=object)
        country = np.array([merge.get(c, c) for c in country], dtype=object)
        return country, code, ok

    r_country, r_code, r_ok = split(raw.index)
    if not r_ok.any():
        raise DataError(
            Message("OECD ICIO table: no row labels like 'AUS_01T02'; {doc}", doc=_LAYOUT_DOC)
        )
    industries = list(pd.unique(r_code[r_ok]))
    countries = set(r_country[r_ok])
    c_country, c_code, c_ok = split(raw.columns)
    values = raw.loc[r_ok].apply(pd.to_numeric, errors="coerce").fillna(0.0)
    rows = pd.MultiIndex.from_arrays([r_country[r_ok], r_code[r_ok]])
    is_z = c_ok & np.isin(c_code, industries) & np.isin(c_country, list(countries))
    is_f = c_ok & ~np.isin(c_code, industries) & np.isin(c_country, list(countries))
    z = pd.DataFrame(
        values.loc[:, is_z].to_numpy(),
        index=rows,
        columns=pd.MultiIndex.from_arrays([c_country[is_z], c_code[is_z]]),
    )
    f = pd.DataFrame(
        values.loc[:, is_f].to_numpy(),
        index=rows,
        columns=pd.MultiIndex.from_arrays([c_country[is_f], c_code[is_f]]),
    )
    # merged countries: sum rows and columns that now share a label
    z = z.groupby(level=[0, 1], sort=False).sum()
    z = z.T.groupby(level=[0, 1], sort=False).sum().T
    f = f.groupby(level=[0, 1], sort=False).sum()
    if z.shape[1] != z.shape[0]:
        raise DataError(
            Message(
                "OECD ICIO table: {rows} country-industry rows but {columns} matching columns; "
                "{doc}",
                rows=z.shape[0],
                columns=z.shape[1],
                doc=_LAYOUT_DOC,
            )
        )
    return mrio_to_inputs(z, f)


__all__ = ["ICIO_MERGE", "mrio_to_inputs", "read_adb_mrio", "read_oecd_icio", "read_wiod"]
