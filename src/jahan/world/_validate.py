"""Checks on world tables: every error names the rows at fault and the fix."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from jahan.errors import DataError

ISO3_PATTERN = re.compile(r"^[A-Z]{3}$")
_SHOW = 8


def _listing(items: Sequence[str]) -> str:
    items = list(items)
    head = ", ".join(items[:_SHOW])
    return head + (f", ... ({len(items)} in all)" if len(items) > _SHOW else "")


def nearest(code: str, known: Iterable[str]) -> str:
    """' (did you mean X?)' for the known code nearest by edit distance, or ''."""
    from jahan._suggest import closest

    best = closest(str(code).upper(), known)
    return f" (did you mean {best}?)" if best is not None else ""


def check_codes(codes: Iterable[object], known: Iterable[str] | None, where: str) -> None:
    """Raise DataError if a code is not an ISO3 code or (when ``known`` is given) not known."""
    codes = list(codes)
    bad_format = sorted(
        {str(c) for c in codes if not isinstance(c, str) or not ISO3_PATTERN.match(c)}
    )
    if bad_format:
        raise DataError(
            f"{where}: {len(bad_format)} code(s) are not ISO 3166 alpha-3 codes (three capital "
            f"letters): {_listing(bad_format)}"
        )
    if known is None:
        return
    known_set = {str(k) for k in known}
    unknown = sorted({str(c) for c in codes} - known_set)
    if unknown:
        hints = "; ".join(f"{c}{nearest(c, known_set)}" for c in unknown[:_SHOW])
        raise DataError(
            f"{where}: {len(unknown)} unknown ISO3 code(s), not in the countries table: {hints}. "
            "Add them to countries or fix the codes."
        )


def pair_index(frame: pd.DataFrame | pd.Series, where: str) -> pd.MultiIndex:
    """The (exporter, importer) MultiIndex of a pair table, or raise."""
    idx = frame.index
    if not isinstance(idx, pd.MultiIndex) or idx.nlevels != 2:
        raise DataError(
            f"{where}: expected an (exporter, importer) index or columns 'exporter' and 'importer'"
        )
    return idx


def as_pair_frame(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    """Index a pair table by (exporter, importer), taking the columns if they are there."""
    if isinstance(frame.index, pd.MultiIndex):
        out = frame.copy()
    elif {"exporter", "importer"} <= set(frame.columns):
        out = frame.set_index(["exporter", "importer"])
    else:
        raise DataError(
            f"{where}: needs columns 'exporter' and 'importer' (ISO3 codes) or an "
            f"(exporter, importer) index; found columns {list(frame.columns)}"
        )
    out.index = out.index.set_names(["exporter", "importer"])
    return out


def check_duplicates(idx: pd.MultiIndex, where: str) -> None:
    dup = idx[idx.duplicated(keep="first")]
    if len(dup):
        pairs = sorted({f"{e}->{i}" for e, i in dup})
        raise DataError(
            f"{where}: {len(pairs)} duplicate pair(s): {_listing(pairs)}; keep one row per "
            "(exporter, importer)"
        )


def as_flow_series(flows: pd.Series | pd.DataFrame, where: str = "flows") -> pd.Series:
    """A flow table (Series on pairs or long frame exporter, importer, value) as a Series 'value'."""
    if isinstance(flows, pd.Series):
        s = flows.copy()
        if not isinstance(s.index, pd.MultiIndex):
            raise DataError(f"{where}: a flow Series needs an (exporter, importer) index")
        s.index = s.index.set_names(["exporter", "importer"])
    elif isinstance(flows, pd.DataFrame):
        frame = as_pair_frame(flows, where)
        value_col = next((c for c in ("value", "trade", "flow") if c in frame.columns), None)
        if value_col is None:
            if frame.shape[1] == 1:
                value_col = frame.columns[0]
            else:
                raise DataError(
                    f"{where}: needs a column 'value' (trade in USD millions); found {list(frame.columns)}"
                )
        s = frame[value_col]
    else:
        raise DataError(
            f"{where}: expected a pandas Series or DataFrame, got {type(flows).__name__}"
        )
    try:
        s = pd.to_numeric(s, errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{where}: values must be numbers ({exc})") from None
    return s.rename("value")


def check_flows(
    s: pd.Series,
    countries: Sequence[str] | None = None,
    *,
    require_domestic: bool = False,
    where: str = "flows",
) -> None:
    """Validate a flow Series: codes, duplicates, NaN, negatives, a square set, domestic flows.

    Parameters
    ----------
    s : Series
        Flows indexed by (exporter, importer).
    countries : sequence of str, optional
        The countries the flows must cover exactly (default: those appearing in the flows).
    require_domestic : bool
        Also require a positive domestic flow X_ii for every country (models need them).
    """
    idx = pair_index(s, where)
    exporters = idx.get_level_values(0)
    importers = idx.get_level_values(1)
    check_codes(list(exporters.unique()) + list(importers.unique()), countries, where)
    check_duplicates(idx, where)
    values = s.to_numpy(dtype=float)
    bad_nan = ~np.isfinite(values)
    if bad_nan.any():
        rows = [f"{e}->{i}" for (e, i) in idx[bad_nan]]
        raise DataError(
            f"{where}: {len(rows)} missing or infinite value(s): {_listing(rows)}; "
            "flows must be finite numbers (use 0 for no trade)"
        )
    bad_neg = values < 0
    if bad_neg.any():
        rows = [
            f"{e}->{i} ({v:g})" for (e, i), v in zip(idx[bad_neg], values[bad_neg], strict=True)
        ]
        raise DataError(
            f"{where}: {len(rows)} negative flow(s): {_listing(rows)}; trade flows must be >= 0"
        )
    codes = sorted(set(exporters) | set(importers)) if countries is None else list(countries)
    code_set = set(codes)
    only_exp = sorted(code_set - set(exporters))
    only_imp = sorted(code_set - set(importers))
    if only_exp or only_imp:
        parts = []
        if only_exp:
            parts.append(f"never exporters: {_listing(only_exp)}")
        if only_imp:
            parts.append(f"never importers: {_listing(only_imp)}")
        raise DataError(
            f"{where}: the flow set is not square ({'; '.join(parts)}); every country must appear "
            "as exporter and importer with every partner"
        )
    present = set(zip(exporters, importers, strict=True))
    missing = [f"{e}->{i}" for e in codes for i in codes if e != i and (e, i) not in present]
    if missing:
        raise DataError(
            f"{where}: the flow set is not square: {len(missing)} pair(s) missing, e.g. "
            f"{_listing(missing)}; add them (0 for no trade)"
        )
    if require_domestic:
        absent = [c for c in codes if (c, c) not in present]
        dom = s[[e == i for e, i in idx]]
        nonpos = sorted(e for (e, _), v in dom.items() if not v > 0)
        if absent or nonpos:
            culprits = sorted(set(absent) | set(nonpos))
            raise DataError(
                f"{where}: domestic flows X_ii are missing or not positive for {_listing(culprits)}; "
                "general-equilibrium models need each country's sales to itself (e.g. gross output "
                "minus exports)"
            )
