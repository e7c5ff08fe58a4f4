"""General-equilibrium counterfactuals of trade policy (one sector and many sectors)."""

from __future__ import annotations

from jahan._lazy import lazy_getattr

_LAZY = {
    "GEModel": "jahan.ge.model",
    "GEResult": "jahan.ge.model",
    "MultiSectorGEModel": "jahan.ge.multisector",
    "MultiSectorGEResult": "jahan.ge.multisector",
}

__getattr__ = lazy_getattr(__name__, _LAZY)
__all__ = list(_LAZY)
