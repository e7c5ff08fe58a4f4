"""Analyses where the models meet: the founding texts' claims tested on observed data.

Names load on first use, so ``import jahan.analysis`` stays cheap.
"""

from __future__ import annotations

from jahan._lazy import lazy_getattr

_LAZY = {
    "claims": "jahan.analysis.claims",
    "ClaimsResult": "jahan.analysis.claims",
}

__getattr__ = lazy_getattr(__name__, _LAZY)


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = list(_LAZY)
