"""Plain-text tables for ``summary()`` methods (first column left-aligned, the rest right)."""

from __future__ import annotations

from collections.abc import Sequence


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]], gap: str = "  ") -> list[str]:
    """The lines of a table whose column widths fit the widest cell."""
    table = [list(header), *(list(r) for r in rows)]
    widths = [max(len(r[k]) for r in table) for k in range(len(header))]
    return [
        gap.join(c.ljust(widths[0]) if k == 0 else c.rjust(widths[k]) for k, c in enumerate(r))
        for r in table
    ]


__all__ = ["text_table"]
