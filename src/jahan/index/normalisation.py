"""Normalisation of indicators onto a common scale (OECD/JRC Handbook 2008, section 5).

Every method first multiplies an indicator by its direction (+1 or -1), so that a higher
normalised value always means more of what the index measures. With ``x`` one indicator across
countries in the scored year (missing values ignored):

- ``minmax``:     100 (x - min x) / (max x - min x), on [0, 100];
- ``zscore``:     (x - mean x) / sd x, with the sample standard deviation (n - 1), as COINr's n_zscore;
- ``rank``:       the rank of x among countries with a value, 1 (lowest) to n (highest), ties averaged;
- ``percentile``: 100 rank / n, on (0, 100];
- ``kof``:        1 + 99 (x - min) / (max - min), min and max over all countries and all years of the
                  reference period (Gygli, Haelg, Potrafke and Sturm 2019, section 3: "each variable is
                  transformed to an index on a scale from 1 to 100, where 100 is the maximum value for a
                  specific variable over the period").

All methods are unchanged by a change of units (x -> a x + b with a > 0), and all are
non-decreasing in each country's own value.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

from jahan.errors import DataError, Message

NORMALISATIONS: tuple[str, ...] = ("minmax", "zscore", "rank", "percentile", "kof")
POSITIVE_NORMALISATIONS: frozenset[str] = frozenset({"rank", "percentile", "kof"})
"""Methods whose values are always > 0 (and so may be combined with geometric aggregation)."""


def check_normalisation(method: str) -> str:
    """Return ``method`` or raise naming the allowed methods."""
    if method not in NORMALISATIONS:
        import difflib

        near = difflib.get_close_matches(str(method), NORMALISATIONS, n=1)
        hint = Message(" Did you mean {suggestion!r}?", suggestion=near[0]) if near else ""
        raise DataError(
            Message(
                "unknown normalisation {method!r}: use one of {choices!r}.{hint}",
                method=method,
                choices=NORMALISATIONS,
                hint=hint,
            )
        )
    return method


def normalise(
    values: np.ndarray,
    method: str,
    directions: np.ndarray,
    reference: np.ndarray | None = None,
    *,
    codes: tuple[str, ...] | None = None,
) -> np.ndarray:
    """Normalise the columns of ``values`` (countries x indicators).

    Parameters
    ----------
    values : ndarray, shape (n, m)
        Raw indicator values of the scored year; NaN where missing (NaN stays NaN).
    method : str
        One of :data:`NORMALISATIONS`.
    directions : ndarray, shape (m,)
        +1 or -1 per indicator.
    reference : ndarray, shape (r, m), optional
        Values over the reference period (all countries, all reference years) for ``kof``;
        default the scored year alone.
    codes : tuple of str, optional
        Indicator codes, used to name an indicator without spread in the error message.

    Returns
    -------
    ndarray, shape (n, m)
    """
    check_normalisation(method)
    directions = np.asarray(directions, dtype=float)
    x = np.asarray(values, dtype=float) * directions[None, :]
    n, m = x.shape
    present = ~np.isnan(x)
    names = codes or tuple(f"column {j}" for j in range(m))
    for j in range(m):
        if not present[:, j].any():
            raise DataError(
                Message("indicator {code!r} has no values in the scored year", code=names[j])
            )

    def _check_spread(constant: np.ndarray, where: Message) -> None:
        if np.any(constant):
            j = int(np.flatnonzero(constant)[0])
            raise DataError(
                Message(
                    "indicator {code!r} has the same value for every country {where}: it cannot "
                    "be normalised (it carries no information); drop it from the framework or "
                    "the data",
                    code=names[j],
                    where=where,
                )
            )

    scored_year = Message("in the scored year")

    if method == "minmax":
        lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
        _check_spread(hi == lo, scored_year)
        return 100.0 * (x - lo) / (hi - lo)
    if method == "zscore":
        mean = np.nanmean(x, axis=0)
        counts = present.sum(axis=0)
        if np.any(counts < 2):
            raise DataError(
                Message(
                    "indicator {code!r} has fewer than two values in the scored year: a z-score "
                    "needs a standard deviation",
                    code=names[int(np.flatnonzero(counts < 2)[0])],
                )
            )
        sd = np.sqrt(np.nansum((x - mean) ** 2, axis=0) / (counts - 1))
        _check_spread(sd == 0, scored_year)
        return (x - mean) / sd
    if method in ("rank", "percentile"):
        ranks = rankdata(x, axis=0, method="average", nan_policy="omit")
        if method == "rank":
            return ranks
        return 100.0 * ranks / present.sum(axis=0)[None, :]
    # kof: min and max over the reference period
    ref = x if reference is None else np.asarray(reference, dtype=float) * directions[None, :]
    lo, hi = np.nanmin(np.vstack([ref, x]), axis=0), np.nanmax(np.vstack([ref, x]), axis=0)
    _check_spread(hi == lo, Message("over the reference period"))
    return 1.0 + 99.0 * (x - lo) / (hi - lo)
