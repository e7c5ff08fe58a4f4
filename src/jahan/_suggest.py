""" "Did you mean" suggestions ranked by edit distance.

Codes such as ISO3 country codes are short, so a ratio of common subsequences (difflib) ranks
a swapped pair of letters (KZA for KAZ) below a code that merely shares two letters (ZAF). The
optimal-string-alignment distance counts a transposition as one edit, like a substitution,
insertion or deletion (Damerau 1964), which is how codes are mistyped.
"""

from __future__ import annotations

import os
from collections.abc import Iterable


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment (restricted Damerau-Levenshtein) distance between two strings.

    Examples
    --------
    >>> edit_distance("KZA", "KAZ"), edit_distance("KZA", "ZAF"), edit_distance("CA6", "CA5")
    (1, 2, 1)
    """
    rows, cols = len(a) + 1, len(b) + 1
    d = [[0] * cols for _ in range(rows)]
    for i in range(rows):
        d[i][0] = i
    for j in range(cols):
        d[0][j] = j
    for i in range(1, rows):
        for j in range(1, cols):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)  # transposition of two neighbours
    return d[-1][-1]


def closest(value: str, choices: Iterable[str], *, max_distance: int | None = None) -> str | None:
    """The choice nearest to ``value`` (case-insensitive), or None if none is near enough.

    Ranked by edit distance, then by the longer common prefix, then alphabetically, so the
    answer does not depend on the order of ``choices``. ``max_distance`` defaults to half the
    length of ``value`` (at least 1): "KAX" suggests "KAZ", "QQQ" suggests nothing.
    """
    key = str(value).strip().upper()
    if not key:
        return None
    limit = max(1, len(key) // 2) if max_distance is None else max_distance
    best: tuple[int, int, str] | None = None
    chosen: str | None = None
    for choice in sorted({str(c) for c in choices}):
        upper = choice.upper()
        rank = (edit_distance(key, upper), -len(os.path.commonprefix([key, upper])), upper)
        if rank[0] <= limit and (best is None or rank < best):
            best, chosen = rank, choice
    return chosen


__all__ = ["closest", "edit_distance"]
