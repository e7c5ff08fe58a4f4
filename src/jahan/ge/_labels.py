"""Labelled inputs of the one-sector GE model brought to arrays, vectorised.

Every label is looked at once per *unique* value: labels are factorised (hashing in C), the few
unique strings are cleaned and matched against the model's country index, and the integer codes
carry the positions to all N^2 rows. No Python loop runs over pairs; a Python loop only builds
an error message, over at most a handful of culprits.
"""

from __future__ import annotations

import difflib
import functools
import math
import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jahan.errors import DataError, Message


def pairs_text(
    pairs: Sequence[tuple[object, object]], limit: int = 5, total: int | None = None
) -> str | Message:
    """``A->B, C->D and 3 more`` for an error message (``total``: pairs in all, if more).

    A message value: the "and 3 more" is rendered in the error's language.
    """
    shown = ", ".join(f"{a}->{b}" for a, b in list(pairs)[:limit])
    more = (len(pairs) if total is None else total) - limit
    return Message("{shown} and {more} more", shown=shown, more=more) if more > 0 else shown


def _clean(uniques: object) -> np.ndarray:
    """Unique labels as stripped Python strings (an object array); a loop over uniques only."""
    return np.array([str(u).strip() for u in np.asarray(uniques, dtype=object)], dtype=object)


_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default dtype for text
_min, _max = np.minimum.reduce, np.maximum.reduce  # without the ndarray methods' wrappers


def code_index(codes: tuple[str, ...], name: str = "country") -> pd.Index:
    """``pd.Index(codes, name=name)``, built from an Arrow array (no per-label type inference)."""
    values = pd.arrays.ArrowStringArray(pa.array(codes, type=pa.large_string()), dtype=_STR)
    return pd.Index(values, name=name)


class CountryCodes:
    """The model's country codes with a position lookup built once (dict and arrays)."""

    __slots__ = ("codes", "_index", "_position")

    def __init__(self, codes: tuple[str, ...], index: pd.Index | None = None) -> None:
        self.codes = codes
        self._index = index
        self._position = {c: k for k, c in enumerate(codes)}

    @property
    def index(self) -> pd.Index:
        """The codes as a pandas Index (built on first use unless given)."""
        if self._index is None:
            self._index = pd.Index(self.codes)
        return self._index

    def __len__(self) -> int:
        return len(self.codes)

    def find(self, labels: np.ndarray) -> np.ndarray:
        """Positions of unique ``labels`` (-1 where unknown)."""
        get = self._position.get
        return np.fromiter((get(x, -1) for x in labels), dtype=np.intp, count=len(labels))


class _IdentityCache:
    """A few values kept for live, immutable objects, found by identity.

    An entry holds weak references to its key objects and is used only while each reference
    still points at the very object looked up, so a reused ``id`` never finds an entry made for
    a dead object. Only immutable keys belong here (Arrow arrays, pandas indexes): what was
    derived from them stays true while they live. At most ``size`` entries, least recently
    used first out; one lock, since the dashboard solves in worker threads.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[int, ...], tuple[tuple[weakref.ref, ...], object]]
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, *keys: object) -> object | None:
        ident = tuple(map(id, keys))
        with self._lock:
            entry = self._entries.get(ident)
            if entry is None:
                return None
            if not all(ref() is key for ref, key in zip(entry[0], keys, strict=True)):
                del self._entries[ident]
                return None
            self._entries.move_to_end(ident)
            return entry[1]

    def put(self, keys: tuple[object, ...], value: object) -> None:
        refs = tuple(weakref.ref(key) for key in keys)
        with self._lock:
            self._entries[tuple(map(id, keys))] = (refs, value)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


def _arrow_strings(values: object) -> pa.ChunkedArray | None:
    """The Arrow array behind a pandas string column without nulls, if there is one.

    Only Arrow-backed columns qualify; the Arrow protocol (``__arrow_array__``) then hands out
    the column's own immutable chunked array, without a copy.
    """
    array = getattr(values, "array", values)
    if not isinstance(array, pd.arrays.ArrowExtensionArray):
        return None
    chunked = array.__arrow_array__()
    if not isinstance(chunked, pa.ChunkedArray) or not pa.types.is_large_string(chunked.type):
        if not isinstance(chunked, pa.ChunkedArray) or not pa.types.is_string(chunked.type):
            return None
    if chunked.null_count:
        return None
    return chunked  # chunked arrays slice and compare without a copy


def _structured_factorize(a: pa.ChunkedArray) -> tuple[np.ndarray, object] | None:
    """Codes of a long label column laid out in blocks or in a repeating cycle, or None.

    A pair table in the usual order holds each exporter in one block of N rows and the
    importers as one cycle of N labels repeated. Both layouts are recognised with one
    vectorised comparison of the column against itself shifted (C speed, no hashing); only
    the N distinct labels are then hashed. Any other layout returns None.
    """
    size = len(a)
    if size < 64:
        return None
    if a[0].as_py() == a[1].as_py():  # blocks: one code per run
        change = pc.not_equal(a.slice(1), a.slice(0, size - 1)).to_numpy(zero_copy_only=False)
        starts = np.concatenate(([0], np.flatnonzero(change) + 1))
        if starts.size * 8 > size:
            return None
        run_codes, uniques = pd.factorize(a.take(pa.array(starts)).to_numpy(zero_copy_only=False))
        lengths = np.diff(np.append(starts, size))
        return np.repeat(run_codes, lengths), uniques
    first = a[0]
    later = pc.index(a.slice(1), first).as_py()
    if later < 0:
        return None
    period = later + 1
    if (
        period * 8 > size
        or not pc.all(pc.equal(a.slice(period), a.slice(0, size - period))).as_py()
    ):
        return None
    cycle_codes, uniques = pd.factorize(a.slice(0, period).to_numpy(zero_copy_only=False))
    return np.resize(cycle_codes, size), uniques


@functools.lru_cache(maxsize=2)
def _regular_offsets(size: int, width: int, kind: str) -> pa.Buffer:
    """The offsets of ``size`` labels of ``width`` bytes each, from 0.

    Kept for the next call (a model is usually rebuilt on the same table size); two at most,
    8 bytes a label: 0.3 MB for the built-in world, 8 MB for a world of 1,000 economies.
    """
    return pa.py_buffer(np.arange(0, width * (size + 1), width, dtype=kind))


def _same_bytes(a: np.ndarray | bytes, b: np.ndarray | bytes) -> bool:
    """Byte-for-byte equality of two contiguous buffers (one memcmp, no temporary array)."""
    return bool(pa.py_buffer(a).equals(pa.py_buffer(b)))


def _fixed_width_bytes(a: pa.ChunkedArray) -> np.ndarray | None:
    """The labels' UTF-8 bytes as a (rows, width) array, without a copy, if all share a width."""
    if a.num_chunks != 1:
        return None
    chunk = a.chunk(0)
    size = len(chunk)
    offsets, data = chunk.buffers()[1:3]
    if size == 0 or data is None:
        return None
    kind = np.dtype(np.int64 if pa.types.is_large_string(chunk.type) else np.int32)
    off = np.frombuffer(offsets, dtype=kind, count=size + 1, offset=chunk.offset * kind.itemsize)
    width, rest = divmod(int(off[-1]), size)
    if rest or width == 0 or off[0] != 0:
        return None
    if not _same_bytes(off, _regular_offsets(size, width, kind.str)):
        return None
    return np.frombuffer(data, dtype=np.uint8, count=size * width).reshape(size, width)


def square_layout(exporter: object, importer: object) -> tuple[np.ndarray, np.ndarray] | None:
    """Row and column labels (stripped of blanks) of an N x N pair table in the usual order.

    The usual order holds each exporter in one block of N rows and the importers as one cycle
    of N labels repeated N times. For Arrow string columns whose labels share a byte width (ISO3
    codes do), both are recognised by comparing the raw label bytes with what that layout
    implies (memcmp, at memory speed); only the 2N labels that name the rows and columns are
    read as strings. Any other input returns None (and is factorised row by row in C).
    """
    a, b = _arrow_strings(exporter), _arrow_strings(importer)
    if a is None or b is None:
        return None
    return _square_layout(a, b)


def _square_layout(a: pa.ChunkedArray, b: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`square_layout` on the columns' Arrow arrays."""
    if len(a) != len(b):
        return None
    size = len(a)
    n = math.isqrt(size)
    if n < 8 or n * n != size:
        return None
    ea, ib = _fixed_width_bytes(a), _fixed_width_bytes(b)
    if ea is None or ib is None:
        return None
    # One exporter per block of n rows: the column is each block's first label repeated n times.
    width = ea.shape[1]
    firsts = ea[::n].tobytes()
    expected = b"".join([firsts[k : k + width] * n for k in range(0, n * width, width)])
    if not _same_bytes(ea, expected):
        return None
    # One cycle of importers repeated: the column's bytes repeat with the period of a cycle.
    flat, period = ib.reshape(-1), n * ib.shape[1]
    if not _same_bytes(flat[period:], flat[:-period]):
        return None
    # The row labels are the blocks' first labels (bytes in hand); labels that differ only by
    # surrounding blanks name the same country, as in factorize_labels.
    offsets = pa.py_buffer(np.arange(0, (n + 1) * width, width, dtype=np.int64))
    rows = pa.Array.from_buffers(pa.large_string(), n, [None, offsets, pa.py_buffer(firsts)])
    cols = b.slice(0, n)
    return (
        pc.utf8_trim_whitespace(rows).to_numpy(zero_copy_only=False),
        pc.utf8_trim_whitespace(cols).to_numpy(zero_copy_only=False),
    )


def factorize_labels(values: object) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and cleaned unique labels of a label column.

    Labels that differ only by surrounding blanks (``"KAZ "`` and ``"KAZ"``) share a code.
    """
    arrow = _arrow_strings(values)
    found = None if arrow is None else _structured_factorize(arrow)
    if found is None:
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
    else:
        codes, uniques = found
    clean = _clean(uniques)
    merged, labels = pd.factorize(clean)
    if not np.array_equal(merged, np.arange(merged.size)):
        codes = merged[codes]
    return codes.astype(np.intp, copy=False), np.asarray(labels, dtype=object)


def level_positions(
    index: pd.MultiIndex, level: int, countries: CountryCodes
) -> tuple[np.ndarray, list[str]]:
    """Positions in ``countries`` of one level of a pair index, and the unknown labels used.

    Works on the level's unique values and the MultiIndex's integer codes, so the cost in
    Python is O(unique labels), not O(pairs).
    """
    codes = np.asarray(index.codes[level])
    if index.levels[level].equals(countries.index) and codes.min(initial=0) >= 0:
        # The level is the model's own code list (a shock built on GEModel.countries).
        return codes, []
    labels = _clean(index.levels[level])
    lookup = countries.find(labels)
    # A missing label (NaN) has code -1: send it to an extra slot marked unknown.
    lookup = np.append(lookup, -1)
    labels = np.append(labels, "nan")
    identity = np.array_equal(lookup[:-1], np.arange(lookup.size - 1))
    positions = codes if identity else lookup[codes]
    if (positions >= 0).all():
        return positions, []
    return positions, sorted(set(labels[codes[positions < 0]].tolist()))


def unknown_error(argument: str, unknown: Sequence[str], countries: tuple[str, ...]) -> DataError:
    """One error naming up to five unknown codes, each with the closest known code."""
    hints: list[str | Message] = []
    for code in list(unknown)[:5]:
        near = difflib.get_close_matches(code, countries, n=1)
        hints.append(
            Message("{code} (did you mean {near}?)", code=code, near=near[0]) if near else code
        )
    more = len(unknown) - 5
    named = Message("{shown} and {more} more", shown=hints, more=more) if more > 0 else hints
    return DataError(
        Message(
            "{argument} names countries not in the model: {codes}. "
            "The model has {n} countries (see GEModel.countries).",
            argument=argument,
            codes=named,
            n=len(countries),
        )
    )


def flows_frame(flows: object) -> pd.DataFrame:
    """Bring every accepted input to a long frame with columns exporter, importer, value.

    A frame is returned as it is (other columns and its index are ignored by the readers).
    """
    # Frames and Series are not asked for the method: pandas would search their labels for it.
    to_frame = (
        None
        if isinstance(flows, (pd.DataFrame, pd.Series))
        else getattr(flows, "flows_frame", None)
    )
    if callable(to_frame):
        flows = to_frame()
    if isinstance(flows, pd.Series):
        if not isinstance(flows.index, pd.MultiIndex) or flows.index.nlevels != 2:
            raise DataError(
                Message(
                    "flows Series must have a two-level MultiIndex (exporter, importer); got an "
                    "index with {levels} level(s).",
                    levels=flows.index.nlevels,
                )
            )
        return pd.DataFrame(
            {
                "exporter": flows.index.get_level_values(0),
                "importer": flows.index.get_level_values(1),
                "value": flows.to_numpy(),
            }
        )
    if isinstance(flows, pd.DataFrame):
        missing = [c for c in ("exporter", "importer", "value") if c not in flows.columns]
        if missing:
            raise DataError(
                Message(
                    "flows frame lacks column(s) {missing!r}: it needs exporter, importer, value "
                    "(columns found: {found!r}).",
                    missing=missing,
                    found=list(flows.columns)[:10],
                )
            )
        return flows  # read by column and by position only: no copy needed
    raise DataError(
        Message(
            "flows must be a DataFrame (exporter, importer, value), a Series indexed by "
            "(exporter, importer), or a World; got {kind}.",
            kind=type(flows).__name__,
        )
    )


def _relabel(codes: np.ndarray, lookup: np.ndarray) -> np.ndarray:
    """``lookup[codes]``, skipping the N^2 gather when ``lookup`` is the identity."""
    return codes if np.array_equal(lookup, np.arange(lookup.size)) else lookup[codes]


def _in_order(i: np.ndarray, j: np.ndarray, n: int) -> bool:
    """True when the pairs are every (i, j) exactly once, exporter-major (a plain reshape)."""
    if i.size != n * n:
        return False
    # Compared in the codes' own integer type: no N^2 conversion.
    rows = np.broadcast_to(np.arange(n, dtype=i.dtype)[:, None], (n, n))
    cols = np.broadcast_to(np.arange(n, dtype=j.dtype)[None, :], (n, n))
    return np.array_equal(i.reshape(n, n), rows) and np.array_equal(j.reshape(n, n), cols)


def _read_only(view: np.ndarray) -> np.ndarray:
    """``view`` marked read-only: callers use it within one call and never write to it."""
    view.flags.writeable = False
    return view


_FULL_SHOCKS = _IdentityCache(size=4)
"""Pair indexes (immutable) that list every pair of a model's countries once, in order."""


def _scatter(
    i: np.ndarray,
    j: np.ndarray,
    n: int,
    values: np.ndarray,
    fill: float,
    in_order: bool | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Values placed in an (n, n) matrix, and the row mask of repeated pairs (None if none).

    ``in_order``: the caller's :func:`_in_order` verdict, if it has one.
    """
    if _in_order(i, j, n) if in_order is None else in_order:
        return _read_only(values.reshape(n, n)), None
    flat = i.astype(np.int64) * n + j
    counts = np.bincount(flat, minlength=n * n)
    if (counts > 1).any():
        return np.empty((0, 0)), counts[flat] > 1
    M = np.full((n, n), fill)
    M[i, j] = values
    return M, None


MAX_FLOW = 1e100
"""Largest single flow accepted (any unit); see :func:`baseline_matrix`."""


def numbers(values: object) -> np.ndarray:
    """A float array of a column (no copy when it already holds floats; text becomes NaN)."""
    if isinstance(values, pd.Series) and pd.api.types.is_float_dtype(values.dtype):
        return values.to_numpy(dtype=float, na_value=np.nan)
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)


@dataclass(frozen=True, slots=True)
class SquareLabels:
    """The countries of a square pair table in the usual order, read from its label columns.

    ``order`` is None when exporters and importers are already sorted; otherwise the row and
    column permutations (read-only) that sort them.
    """

    countries: CountryCodes
    order: tuple[np.ndarray, np.ndarray] | None


_SQUARE_LABELS = _IdentityCache(size=4)
"""Square layouts found, by the identity of the (immutable) Arrow label columns read."""


def square_labels(exporter: object, importer: object) -> SquareLabels | None:
    """The countries of a pair table in the usual order (see :func:`square_layout`), or None.

    The answer is kept for the two Arrow label columns it was read from: a model rebuilt on the
    same table (a new elasticity, the draws of a scenario) finds its countries without reading
    the N^2 labels again. Arrow arrays cannot change; a column the caller changes or replaces
    is a new array, read afresh.
    """
    a, b = _arrow_strings(exporter), _arrow_strings(importer)
    if a is None or b is None:
        return None
    found = _SQUARE_LABELS.get(a, b)
    if found is not None:
        return found  # type: ignore[return-value]
    layout = _square_layout(a, b)
    if layout is None:
        return None
    rows, cols = layout
    n = rows.size
    names = set(rows.tolist())
    if len(names) != n or names != set(cols.tolist()):
        return None
    by_row, by_col = np.argsort(rows), np.argsort(cols)
    order = None
    if not (np.array_equal(by_row, np.arange(n)) and np.array_equal(by_col, np.arange(n))):
        by_row.flags.writeable = by_col.flags.writeable = False
        order = (by_row, by_col)
    codes = tuple(rows[by_row].tolist())
    labels = SquareLabels(CountryCodes(codes, code_index(codes)), order)
    _SQUARE_LABELS.put((a, b), labels)
    return labels


def _square_baseline(frame: pd.DataFrame) -> tuple[CountryCodes, np.ndarray] | None:
    """:func:`baseline_matrix` for a valid table in the usual order, or None for any other."""
    labels = square_labels(frame["exporter"], frame["importer"])
    if labels is None:
        return None
    n = len(labels.countries)
    V = numbers(frame["value"]).reshape(n, n)
    # The model's own copy first: the checks then read it from cache, not the caller's column
    # from memory. min/max are NaN when a value is: the comparisons fail and the full check
    # reports it.
    X = V.copy() if labels.order is None else V[np.ix_(*labels.order)]
    if not (_min(X, axis=None) >= 0 and _max(X, axis=None) <= MAX_FLOW):
        return None
    if not _min(np.diagonal(X)) > 0:
        return None
    return labels.countries, X


def baseline_matrix(frame: pd.DataFrame) -> tuple[CountryCodes, np.ndarray]:
    """Sorted country codes and the square flow matrix of a long frame, validated."""
    fast = _square_baseline(frame)
    if fast is not None:
        return fast
    e_codes, e_labels = factorize_labels(frame["exporter"])
    i_codes, i_labels = factorize_labels(frame["importer"])
    value = numbers(frame["value"])

    def rows_text(mask: np.ndarray) -> tuple[list[int], str | Message]:
        rows = np.flatnonzero(mask)
        pairs = list(zip(e_labels[e_codes[rows[:6]]], i_labels[i_codes[rows[:6]]], strict=True))
        return rows[:5].tolist(), pairs_text(pairs, total=rows.size)

    bad = ~np.isfinite(value)
    if bad.any():
        rows, text = rows_text(bad)
        raise DataError(
            Message(
                "{count} flow(s) are missing or not numbers (rows {rows!r}: {pairs}); every pair "
                "needs a finite value >= 0 (use 0 for no trade).",
                count=int(bad.sum()),
                rows=rows,
                pairs=text,
            )
        )
    neg = value < 0
    if neg.any():
        rows, text = rows_text(neg)
        raise DataError(
            Message(
                "{count} flow(s) are negative (rows {rows!r}: {pairs}); trade flows must be >= 0.",
                count=int(neg.sum()),
                rows=rows,
                pairs=text,
            )
        )
    big = value > MAX_FLOW
    if big.any():
        # Exact hat algebra uses shares and ratios only, so the unit of the flows is free; sums
        # of flows near 1e308 overflow and would surface as a solver failure blamed on the shock.
        rows, text = rows_text(big)
        raise DataError(
            Message(
                "{count} flow(s) exceed {limit:.0e} (rows {rows!r}: {pairs}); sums of such "
                "values overflow. Rescale the flows (e.g. to USD millions): the model's results "
                "do not depend on their unit.",
                count=int(big.sum()),
                limit=MAX_FLOW,
                rows=rows,
                pairs=text,
            )
        )
    codes = tuple(sorted(set(e_labels.tolist()) | set(i_labels.tolist())))
    n = len(codes)
    index = CountryCodes(codes, code_index(codes))
    i = _relabel(e_codes, index.find(e_labels))
    j = _relabel(i_codes, index.find(i_labels))
    X, repeated = _scatter(i, j, n, value, np.nan)
    if not X.flags.writeable:
        X = X.copy()  # the model keeps X: it must not share the caller's memory
    if repeated is not None:
        rows, text = rows_text(repeated)
        n_repeated = np.unique(i[repeated].astype(np.int64) * n + j[repeated]).size
        raise DataError(
            Message(
                "{count} pair(s) appear more than once (rows {rows!r}: {pairs}); "
                "give one flow per (exporter, importer).",
                count=int(n_repeated),
                rows=rows,
                pairs=text,
            )
        )
    if np.isnan(X).any():
        gi, gj = np.nonzero(np.isnan(X))
        pairs = [(codes[a], codes[b]) for a, b in zip(gi[:6], gj[:6], strict=True)]
        raise DataError(
            Message(
                "flows are not square: {missing} of {total} (exporter, importer) pairs are "
                "missing ({pairs}); every country "
                "must appear as exporter and importer with every partner and itself (add missing "
                "pairs with value 0).",
                missing=int(gi.size),
                total=n * n,
                pairs=pairs_text(pairs, total=gi.size),
            )
        )
    dom = np.diag(X)
    if (dom <= 0).any():
        bad_codes = [codes[k] for k in np.flatnonzero(dom <= 0)]
        raise DataError(
            Message(
                "domestic flows X_ii must be positive; zero for {codes}. Supply domestic sales "
                "(gross output minus exports) for these countries or drop them.",
                codes=", ".join(bad_codes[:10]),
            )
        )
    return index, X


def shock_matrix(cost_change: object, countries: CountryCodes) -> np.ndarray:
    """The (N, N) matrix ``B_ij`` from a pair Series, a long frame or an array."""
    codes = countries.codes
    n = len(codes)
    if cost_change is None:
        return np.ones((n, n))
    if isinstance(cost_change, pd.DataFrame) and {"exporter", "importer", "value"} <= set(
        cost_change.columns
    ):
        cost_change = cost_change.set_index(["exporter", "importer"])["value"]
    if isinstance(cost_change, pd.Series):
        index = cost_change.index
        if not isinstance(index, pd.MultiIndex) or index.nlevels != 2:
            raise DataError(
                Message("cost_change Series must be indexed by (exporter, importer) pairs.")
            )
        values = numbers(cost_change)
        if _FULL_SHOCKS.get(index) is countries:
            # This index was read before for these countries: every pair once, in order.
            B, repeated = _read_only(values.reshape(n, n)), None
        else:
            i, unknown_i = level_positions(index, 0, countries)
            j, unknown_j = level_positions(index, 1, countries)
            unknown = sorted(set(unknown_i) | set(unknown_j))
            if unknown:
                raise unknown_error("cost_change", unknown, codes)
            in_order = _in_order(i, j, n)
            if in_order:
                _FULL_SHOCKS.put((index,), countries)
            B, repeated = _scatter(i, j, n, values, 1.0, in_order)
        if repeated is not None:
            gi, gj = np.divmod(np.unique(i[repeated].astype(np.int64) * n + j[repeated]), n)
            pairs = [(codes[a], codes[b]) for a, b in zip(gi, gj, strict=True)]
            raise DataError(
                Message(
                    "cost_change repeats pair(s) {pairs}; give each pair once.",
                    pairs=pairs_text(pairs),
                )
            )
    else:
        B = np.array(cost_change, dtype=float, copy=True)
        if B.shape != (n, n):
            raise DataError(
                Message(
                    "cost_change array has shape {shape!r}; expected ({n}, {n}) aligned with "
                    "GEModel.countries (rows exporters, columns importers).",
                    shape=B.shape,
                    n=n,
                )
            )
    # Two reductions decide the usual case; NaN makes both comparisons fail.
    if B.min() >= 0 and B.max() < np.inf:
        return B
    bad = ~np.isfinite(B) | (B < 0)
    if bad.any():
        gi, gj = np.nonzero(bad)
        pairs = [(codes[a], codes[b]) for a, b in zip(gi, gj, strict=True)]
        raise DataError(
            Message(
                "cost_change must be finite and >= 0 (1 = no change, 0 = prohibitive); "
                "{count} bad value(s) at {pairs}.",
                count=len(pairs),
                pairs=pairs_text(pairs),
            )
        )
    return B


def country_vector(values: object, countries: CountryCodes, argument: str) -> np.ndarray | None:
    """An (N,) array aligned with ``countries`` from a Series by ISO3 or an array; 1 = default."""
    if values is None:
        return None
    codes = countries.codes
    n = len(codes)
    if isinstance(values, pd.Series):
        k_codes, labels = factorize_labels(values.index)
        lookup = countries.find(labels)
        if (lookup < 0).any():
            raise unknown_error(argument, sorted(labels[lookup < 0].tolist()), codes)
        A = np.ones(n)
        A[lookup[k_codes]] = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    else:
        A = np.array(values, dtype=float, copy=True).ravel()
        if A.shape != (n,):
            raise DataError(
                Message(
                    "{argument} has {size} values; expected {n} aligned with GEModel.countries.",
                    argument=argument,
                    size=A.size,
                    n=n,
                )
            )
    return A


__all__ = [
    "CountryCodes",
    "baseline_matrix",
    "code_index",
    "country_vector",
    "factorize_labels",
    "flows_frame",
    "level_positions",
    "pairs_text",
    "shock_matrix",
    "unknown_error",
]
