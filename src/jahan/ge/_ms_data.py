"""Long DataFrames -> validated arrays and the calibration of the multi-sector model.

Every problem raises :class:`jahan.errors.DataError` naming the table, the column, the rows
and the fix. The calibration follows Caliendo and Parro (2015, section 4 and their
``script.m``): expenditure gross of tariffs, domestic sales as gross output minus exports,
final-demand shares as what is left of expenditure after intermediate use.
"""

from __future__ import annotations

import difflib
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jahan.errors import DataError, DataWarning, Message

NEGATIVE_IO_LIMIT = 0.01
"""Input-output shares down to -0.01 are accepted with a warning (the CP 2015 table has one)."""

IO_COLUMN_TOLERANCE = 1e-4
"""How far a using sector's input-output column may sum from 1 (published tables are rounded)."""


@dataclass(frozen=True)
class Calibration:
    """Baseline arrays in the kernel layout (see ``_ms_solver``), with their labels."""

    countries: tuple[str, ...]
    sectors: tuple[str, ...]
    shares: np.ndarray  # (J, N, N) pi_ni^j, importer n, exporter i
    tariff: np.ndarray  # (J, N, N) ad valorem rate
    expenditure: np.ndarray  # (J, N) X_n^j gross of tariffs
    theta: np.ndarray  # (J,)
    va_share: np.ndarray  # (J, N)
    io_cost: np.ndarray  # (N, K, J) gamma_n^{k,j}
    alpha: np.ndarray  # (J, N)
    value_added: np.ndarray  # (N,)
    deficit: np.ndarray  # (N,) imports - exports, net of tariffs

    def net_flows(self) -> np.ndarray:
        """Flows net of tariffs, (J, N importer, N exporter)."""
        return self.shares * self.expenditure[:, :, None] / (1.0 + self.tariff)


def _rows(frame: pd.DataFrame, mask: np.ndarray, limit: int = 5) -> str | Message:
    """``row 3 (country='KAZ', ...); row 7 (...); and 2 more``, as a message value."""
    shown = frame.loc[mask].head(limit)
    text: str | Message = ""
    for idx, row in shown.iterrows():
        one = Message(
            "row {row} ({fields})",
            row=str(idx),
            fields=", ".join(f"{k}={v!r}" for k, v in row.items()),
        )
        text = one if text == "" else Message("{first}; {then}", first=text, then=one)
    extra = int(mask.sum()) - len(shown)
    if extra > 0:
        return Message("{rows}; and {extra} more", rows=text, extra=extra)
    return text


def _require_columns(frame: object, name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise DataError(
            Message(
                "{name} must be a pandas DataFrame with columns {columns!r}",
                name=name,
                columns=list(columns),
            )
        )
    table: pd.DataFrame = frame.reset_index(drop=frame.index.names == [None])
    missing = [c for c in columns if c not in table.columns]
    if missing:
        hints: list[str | Message] = []
        for col in missing:
            near = difflib.get_close_matches(col, [str(c) for c in table.columns], n=1)
            hints.append(_hint(col, near))
        raise DataError(
            Message(
                "{name} lacks column(s) {hints}; it needs {columns!r}, it has {found!r}",
                name=name,
                hints=hints,
                columns=list(columns),
                found=list(table.columns),
            )
        )
    return table.loc[:, list(columns)].copy()


def _hint(value: str, near: list[str]) -> str | Message:
    """``'KAZZ' (did you mean 'KAZ'?)``, or the quoted value alone."""
    if near:
        return Message("{value!r} (did you mean {near!r}?)", value=value, near=near[0])
    return repr(value)


def _codes(frame: pd.DataFrame, name: str, column: str, labels: pd.Index, what: str) -> np.ndarray:
    values = frame[column].astype(str)
    codes = labels.get_indexer(values)
    bad = codes < 0
    if bad.any():
        unknown = sorted(set(values[bad]))[:5]
        hints = [
            _hint(code, difflib.get_close_matches(code, list(labels), n=1)) for code in unknown
        ]
        values = {"name": name, "column": column, "codes": hints, "rows": _rows(frame, bad, 3)}
        if what == "countries":
            raise DataError(
                Message(
                    "{name}.{column} has countries not in gross_output: {codes} ({rows}); "
                    "every country must have a gross_output row",
                    **values,
                )
            )
        raise DataError(
            Message(
                "{name}.{column} has sectors not in gross_output: {codes} ({rows}); "
                "every sector must have a gross_output row",
                **values,
            )
        )
    return codes


def _numeric(
    frame: pd.DataFrame,
    name: str,
    column: str,
    *,
    low: float,
    low_ok: bool,
    high: float | None = None,
) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    bad |= (values < low) if low_ok else (values <= low)
    if high is not None:
        bad |= values > high
    if bad.any():
        if high is None:
            rule = Message(">= {low!r}", low=low) if low_ok else Message("> {low!r}", low=low)
        elif low_ok:
            rule = Message(">= {low!r} and <= {high}", low=low, high=high)
        else:
            rule = Message("> {low!r} and <= {high}", low=low, high=high)
        raise DataError(
            Message(
                "{name}.{column} must be a finite number {rule}: {rows}",
                name=name,
                column=column,
                rule=rule,
                rows=_rows(frame, bad),
            )
        )
    return values


def _no_duplicates(frame: pd.DataFrame, name: str, keys: list[str]) -> None:
    dup = frame.duplicated(keys, keep=False).to_numpy()
    if dup.any():
        raise DataError(
            Message(
                "{name} has duplicate {keys!r} rows: {rows}; keep one",
                name=name,
                keys=tuple(keys),
                rows=_rows(frame, dup),
            )
        )


def calibrate(
    flows: pd.DataFrame,
    tariffs: pd.DataFrame | None,
    gross_output: pd.DataFrame,
    value_added_share: pd.DataFrame,
    io_shares: pd.DataFrame,
    trade_elasticity: pd.Series,
) -> Calibration:
    """Validate the long inputs and build the baseline arrays (see docs/multisector.md)."""
    go = _require_columns(gross_output, "gross_output", ("country", "sector", "value"))
    go["country"] = go["country"].astype(str)
    go["sector"] = go["sector"].astype(str)
    _no_duplicates(go, "gross_output", ["country", "sector"])
    go_value = _numeric(go, "gross_output", "value", low=0.0, low_ok=True)
    countries = pd.Index(sorted(go["country"].unique()))
    sectors = pd.Index(pd.unique(go["sector"]))
    n, j = len(countries), len(sectors)
    go_arr = np.zeros((j, n))
    go_arr[
        _codes(go, "gross_output", "sector", sectors, "sectors"),
        _codes(go, "gross_output", "country", countries, "countries"),
    ] = go_value

    fl = _require_columns(flows, "flows", ("exporter", "importer", "sector", "value"))
    _no_duplicates(fl, "flows", ["exporter", "importer", "sector"])
    fl_value = _numeric(fl, "flows", "value", low=0.0, low_ok=True)
    fe = _codes(fl, "flows", "exporter", countries, "countries")
    fi = _codes(fl, "flows", "importer", countries, "countries")
    fs = _codes(fl, "flows", "sector", sectors, "sectors")
    net = np.zeros((j, n, n))
    net[fs, fi, fe] = fl_value
    has_domestic = np.zeros((j, n), dtype=bool)
    has_domestic[fs[fe == fi], fe[fe == fi]] = True

    tariff = np.zeros((j, n, n))
    if tariffs is not None and len(tariffs):
        tf = _require_columns(tariffs, "tariffs", ("exporter", "importer", "sector", "rate"))
        _no_duplicates(tf, "tariffs", ["exporter", "importer", "sector"])
        rate = _numeric(tf, "tariffs", "rate", low=-1.0, low_ok=False)
        te = _codes(tf, "tariffs", "exporter", countries, "countries")
        ti = _codes(tf, "tariffs", "importer", countries, "countries")
        ts = _codes(tf, "tariffs", "sector", sectors, "sectors")
        home = (te == ti) & (rate != 0)
        if home.any():
            raise DataError(
                Message(
                    "tariffs on domestic sales must be 0: {rows}; drop these rows",
                    rows=_rows(tf, home),
                )
            )
        tariff[ts, ti, te] = rate

    va = _require_columns(value_added_share, "value_added_share", ("country", "sector", "share"))
    _no_duplicates(va, "value_added_share", ["country", "sector"])
    va_value = _numeric(va, "value_added_share", "share", low=0.0, low_ok=False, high=1.0)
    va_arr = np.full((j, n), np.nan)
    va_arr[
        _codes(va, "value_added_share", "sector", sectors, "sectors"),
        _codes(va, "value_added_share", "country", countries, "countries"),
    ] = va_value
    if np.isnan(va_arr).any():
        miss = np.argwhere(np.isnan(va_arr))[:5]
        listed = ", ".join(f"({countries[c]}, {sectors[s]})" for s, c in miss)
        raise DataError(
            Message(
                "value_added_share lacks {count} (country, sector) cells, "
                "e.g. {listed}; give a share in (0, 1] for every country and sector",
                count=int(np.isnan(va_arr).sum()),
                listed=listed,
            )
        )

    io = _require_columns(
        io_shares, "io_shares", ("country", "input_sector", "using_sector", "share")
    )
    _no_duplicates(io, "io_shares", ["country", "input_sector", "using_sector"])
    io_value = _numeric(io, "io_shares", "share", low=-NEGATIVE_IO_LIMIT, low_ok=True, high=1.0)
    negative = io_value < 0
    if negative.any():
        warnings.warn(
            f"io_shares has {int(negative.sum())} small negative share(s), kept as given "
            f"(published tables carry rounding and balancing residue): {_rows(io, negative)}",
            DataWarning,
            stacklevel=3,
        )
    io_arr = np.zeros((n, j, j))
    io_arr[
        _codes(io, "io_shares", "country", countries, "countries"),
        _codes(io, "io_shares", "input_sector", sectors, "sectors"),
        _codes(io, "io_shares", "using_sector", sectors, "sectors"),
    ] = io_value
    column_sum = io_arr.sum(axis=1)  # (N, J)
    intermediate = va_arr.T < 1.0
    bad = intermediate & (np.abs(column_sum - 1.0) > IO_COLUMN_TOLERANCE)
    if bad.any():
        cells = np.argwhere(bad)[:5]
        listed = ", ".join(
            f"({countries[c]}, using_sector={sectors[s]}: sum {column_sum[c, s]:.6g})"
            for c, s in cells
        )
        raise DataError(
            Message(
                "io_shares: {count} using-sector columns do not sum to 1 although the "
                "sector buys inputs (value_added_share < 1): {listed}; each column "
                "(country, using_sector) must sum to 1",
                count=int(bad.sum()),
                listed=listed,
            )
        )
    io_cost = io_arr * (1.0 - va_arr.T)[:, None, :]

    theta = _elasticities(trade_elasticity, sectors)

    # Domestic sales where absent: gross output minus exports, output raised to exports (CP 2015).
    exports = net.sum(axis=1) - np.einsum("jnn->jn", net)
    derived = np.maximum(go_arr - exports, 0.0)
    domestic = np.where(has_domestic, np.einsum("jnn->jn", net), derived)
    idx = np.arange(n)
    net[:, idx, idx] = domestic
    output = exports + domestic

    gross = net * (1.0 + tariff)
    expenditure = gross.sum(axis=2)
    shares = np.divide(
        gross, expenditure[:, :, None], out=np.zeros_like(gross), where=expenditure[:, :, None] > 0
    )
    value_added = np.sum(va_arr * output, axis=0)
    if (value_added <= 0).any():
        bad_c = [countries[c] for c in np.flatnonzero(value_added <= 0)][:5]
        raise DataError(
            Message(
                "countries with no value added (no gross output, or flows and output all zero): "
                "{codes}; give them gross_output rows or drop them",
                codes=", ".join(bad_c),
            )
        )
    imports = np.sum(net.sum(axis=2) - domestic, axis=0)
    deficit = imports - exports.sum(axis=0)
    revenue = np.sum(net * tariff, axis=(0, 2))
    # Final demand: alpha_n^j = (X_n^j - sum_k gamma_n^{j,k} Y_n^k) / (VA_n + R_n + D_n),
    # negatives set to 0 and renormalised, as Caliendo and Parro do.
    final = expenditure - np.einsum("njk,kn->jn", io_cost, output)
    final = final / (value_added + revenue + deficit)[None, :]
    final = np.maximum(final, 0.0)
    total = final.sum(axis=0)
    if (total <= 0).any():
        bad_c = [countries[c] for c in np.flatnonzero(total <= 0)][:5]
        raise DataError(
            Message(
                "no final demand is left after intermediate use for {codes}: "
                "check io_shares and value_added_share against the flows",
                codes=", ".join(bad_c),
            )
        )
    alpha = final / total[None, :]
    return Calibration(
        countries=tuple(countries),
        sectors=tuple(sectors),
        shares=shares,
        tariff=tariff,
        expenditure=expenditure,
        theta=theta,
        va_share=va_arr,
        io_cost=io_cost,
        alpha=alpha,
        value_added=value_added,
        deficit=deficit,
    )


def _elasticities(trade_elasticity: object, sectors: pd.Index) -> np.ndarray:
    if isinstance(trade_elasticity, (int, float)) and not isinstance(trade_elasticity, bool):
        trade_elasticity = pd.Series(float(trade_elasticity), index=sectors)
    if not isinstance(trade_elasticity, pd.Series):
        raise DataError(
            Message("trade_elasticity must be a pandas Series indexed by sector (or one number)")
        )
    series = trade_elasticity.copy()
    series.index = series.index.astype(str)
    missing = [s for s in sectors if s not in series.index]
    if missing:
        raise DataError(
            Message(
                "trade_elasticity lacks sectors {missing!r}; give theta for every sector of "
                "gross_output",
                missing=missing[:5],
            )
        )
    values = pd.to_numeric(series.loc[list(sectors)], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values <= 0)
    if bad.any():
        shown = {sectors[k]: values[k] for k in np.flatnonzero(bad)[:5]}
        raise DataError(Message("trade_elasticity must be finite and > 0: {shown!r}", shown=shown))
    return values


def index_array(
    frame: pd.DataFrame | pd.Series,
    name: str,
    value_column: str,
    countries: tuple[str, ...],
    sectors: tuple[str, ...],
    base: np.ndarray,
    *,
    low: float,
    low_ok: bool = False,
) -> np.ndarray:
    """Overwrite cells of ``base`` (J, N importer, N exporter) with a long table's values.

    The table has exporter, importer, value_column and optionally sector; without a sector
    column a row applies to every sector of the pair.
    """
    if isinstance(frame, pd.Series):
        frame = frame.rename(value_column).reset_index()
    if not isinstance(frame, pd.DataFrame):
        raise DataError(
            Message(
                "{name} must be a DataFrame (exporter, importer[, sector], {column})",
                name=name,
                column=value_column,
            )
        )
    with_sector = "sector" in frame.columns or "sector" in (frame.index.names or [])
    keys = ("exporter", "importer", "sector") if with_sector else ("exporter", "importer")
    table = _require_columns(frame, name, (*keys, value_column))
    _no_duplicates(table, name, list(keys))
    values = _numeric(table, name, value_column, low=low, low_ok=low_ok)
    c_index, s_index = pd.Index(countries), pd.Index(sectors)
    ex = _codes(table, name, "exporter", c_index, "countries")
    im = _codes(table, name, "importer", c_index, "countries")
    out = base.copy()
    if with_sector:
        out[_codes(table, name, "sector", s_index, "sectors"), im, ex] = values
    else:
        out[:, im, ex] = values[None, :]
    return out


__all__ = ["Calibration", "calibrate", "index_array"]
