"""Checks on world tables: every error names the rows at fault and the fix."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from jahan.errors import DataError, Message

ISO3_PATTERN = re.compile(r"^[A-Z]{3}$")
_SHOW = 8


def _listing(items: Sequence[str]) -> str | Message:
    items = list(items)
    head = ", ".join(items[:_SHOW])
    if len(items) > _SHOW:
        return Message("{head}, ... ({count} in all)", head=head, count=len(items))
    return head


def _joined(parts: Sequence[object], sep: str) -> Message:
    """Parts (messages or text) joined by ``sep`` (punctuation only: the same in every language)."""
    fields = "".join(f"{{p{k}}}" if k == 0 else f"{sep}{{p{k}}}" for k in range(len(parts)))
    return Message.with_values(fields, {f"p{k}": part for k, part in enumerate(parts)})


def _bad_number(exc: Exception) -> Message:
    """pandas' text for a value that is not a number, e.g. 'Unable to parse string "x" at
    position 3', translated with the value and its position."""
    found = re.search(r"Unable to parse string [\"'](.*)[\"'] at position (\d+)", str(exc))
    if found:
        return Message(
            "{value!r} at position {position} is not a number",
            value=found.group(1),
            position=int(found.group(2)),
        )
    return Message("a value is not a number")


def nearest(code: str, known: Iterable[str]) -> Message | str:
    """' (did you mean X?)' for the known code nearest by edit distance, or ''."""
    from jahan._suggest import closest

    best = closest(str(code).upper(), known)
    return Message(" (did you mean {code}?)", code=best) if best is not None else ""


def check_codes(codes: Iterable[object], known: Iterable[str] | None, where: str) -> None:
    """Raise DataError if a code is not an ISO3 code or (when ``known`` is given) not known."""
    codes = list(codes)
    bad_format = sorted(
        {str(c) for c in codes if not isinstance(c, str) or not ISO3_PATTERN.match(c)}
    )
    if bad_format:
        raise DataError(
            Message(
                "{where}: {count} code(s) are not ISO 3166 alpha-3 codes (three capital "
                "letters): {codes}",
                where=where,
                count=len(bad_format),
                codes=_listing(bad_format),
            )
        )
    if known is None:
        return
    known_set = {str(k) for k in known}
    unknown = sorted({str(c) for c in codes} - known_set)
    if unknown:
        hints = [
            Message("{code}{hint}", code=c, hint=nearest(c, known_set)) for c in unknown[:_SHOW]
        ]
        raise DataError(
            Message(
                "{where}: {count} unknown ISO3 code(s), not in the countries table: {hints}. "
                "Add them to countries or fix the codes.",
                where=where,
                count=len(unknown),
                hints=_joined(hints, "; "),
            )
        )


def pair_index(frame: pd.DataFrame | pd.Series, where: str) -> pd.MultiIndex:
    """The (exporter, importer) MultiIndex of a pair table, or raise."""
    idx = frame.index
    if not isinstance(idx, pd.MultiIndex) or idx.nlevels != 2:
        raise DataError(
            Message(
                "{where}: expected an (exporter, importer) index or columns 'exporter' and "
                "'importer'",
                where=where,
            )
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
            Message(
                "{where}: needs columns 'exporter' and 'importer' (ISO3 codes) or an "
                "(exporter, importer) index; found columns {found!r}",
                where=where,
                found=list(frame.columns),
            )
        )
    out.index = out.index.set_names(["exporter", "importer"])
    return out


def check_duplicates(idx: pd.MultiIndex, where: str) -> None:
    dup = idx[idx.duplicated(keep="first")]
    if len(dup):
        pairs = sorted({f"{e}->{i}" for e, i in dup})
        raise DataError(
            Message(
                "{where}: {count} duplicate pair(s): {pairs}; keep one row per "
                "(exporter, importer)",
                where=where,
                count=len(pairs),
                pairs=_listing(pairs),
            )
        )


def as_flow_series(flows: pd.Series | pd.DataFrame, where: str = "flows") -> pd.Series:
    """A flow table (Series on pairs or long frame exporter, importer, value) as a Series 'value'."""
    if isinstance(flows, pd.Series):
        s = flows.copy()
        if not isinstance(s.index, pd.MultiIndex):
            raise DataError(
                Message("{where}: a flow Series needs an (exporter, importer) index", where=where)
            )
        s.index = s.index.set_names(["exporter", "importer"])
    elif isinstance(flows, pd.DataFrame):
        frame = as_pair_frame(flows, where)
        value_col = next((c for c in ("value", "trade", "flow") if c in frame.columns), None)
        if value_col is None:
            if frame.shape[1] == 1:
                value_col = frame.columns[0]
            else:
                raise DataError(
                    Message(
                        "{where}: needs a column 'value' (trade in USD millions); found {found!r}",
                        where=where,
                        found=list(frame.columns),
                    )
                )
        s = frame[value_col]
    else:
        raise DataError(
            Message(
                "{where}: expected a pandas Series or DataFrame, got {kind}",
                where=where,
                kind=type(flows).__name__,
            )
        )
    try:
        s = pd.to_numeric(s, errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise DataError(
            Message(
                "{where}: values must be numbers ({detail})",
                english=f"{where}: values must be numbers ({exc})",
                where=where,
                detail=_bad_number(exc),
            )
        ) from None
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
            Message(
                "{where}: {count} missing or infinite value(s): {rows}; "
                "flows must be finite numbers (use 0 for no trade)",
                where=where,
                count=len(rows),
                rows=_listing(rows),
            )
        )
    bad_neg = values < 0
    if bad_neg.any():
        rows = [
            f"{e}->{i} ({v:g})" for (e, i), v in zip(idx[bad_neg], values[bad_neg], strict=True)
        ]
        raise DataError(
            Message(
                "{where}: {count} negative flow(s): {rows}; trade flows must be >= 0",
                where=where,
                count=len(rows),
                rows=_listing(rows),
            )
        )
    codes = sorted(set(exporters) | set(importers)) if countries is None else list(countries)
    code_set = set(codes)
    only_exp = sorted(code_set - set(exporters))
    only_imp = sorted(code_set - set(importers))
    if only_exp or only_imp:
        parts: list[Message] = []
        if only_exp:
            parts.append(Message("never exporters: {codes}", codes=_listing(only_exp)))
        if only_imp:
            parts.append(Message("never importers: {codes}", codes=_listing(only_imp)))
        raise DataError(
            Message(
                "{where}: the flow set is not square ({parts}); every country must appear "
                "as exporter and importer with every partner",
                where=where,
                parts=_joined(parts, "; "),
            )
        )
    present = set(zip(exporters, importers, strict=True))
    missing = [f"{e}->{i}" for e in codes for i in codes if e != i and (e, i) not in present]
    if missing:
        raise DataError(
            Message(
                "{where}: the flow set is not square: {count} pair(s) missing, e.g. "
                "{pairs}; add them (0 for no trade)",
                where=where,
                count=len(missing),
                pairs=_listing(missing),
            )
        )
    if require_domestic:
        absent = [c for c in codes if (c, c) not in present]
        dom = s[[e == i for e, i in idx]]
        nonpos = sorted(e for (e, _), v in dom.items() if not v > 0)
        if absent or nonpos:
            culprits = sorted(set(absent) | set(nonpos))
            raise DataError(
                Message(
                    "{where}: domestic flows X_ii are missing or not positive for {codes}; "
                    "general-equilibrium models need each country's sales to itself (e.g. gross "
                    "output minus exports)",
                    where=where,
                    codes=_listing(culprits),
                )
            )
