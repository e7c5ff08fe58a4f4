"""Globalization measurement: a composite-index engine, a KOF-structured preset, readiness to
integrate, and the inequality of gains from integration.

Examples
--------
>>> from jahan.index import CompositeIndex, Framework, Node      # doctest: +SKIP
>>> idx = CompositeIndex(framework, normalisation="kof", weighting="pca")  # doctest: +SKIP
>>> result = idx.compute(long_table)                             # doctest: +SKIP
>>> unc = idx.uncertainty(long_table, draws=1000, seed=1)       # doctest: +SKIP
"""

from __future__ import annotations

from jahan._lazy import lazy_getattr

_LAZY = {
    "Node": "jahan.index.framework",
    "Framework": "jahan.index.framework",
    "CompositeIndex": "jahan.index.engine",
    "IndexResult": "jahan.index.result",
    "UncertaintyResult": "jahan.index.uncertainty",
    "uncertainty_analysis": "jahan.index.uncertainty",
    "build_panel": "jahan.index.data",
    "validate_long": "jahan.index.data",
    "normalise": "jahan.index.normalisation",
    "NORMALISATIONS": "jahan.index.normalisation",
    "pca_weights": "jahan.index.weights",
    "node_weights": "jahan.index.weights",
    "aggregate": "jahan.index.aggregation",
    "AGGREGATIONS": "jahan.index.aggregation",
    "KOF_VARIABLES": "jahan.index.kof",
    "kof_framework": "jahan.index.kof",
    "kof_index": "jahan.index.kof",
    "KOFResult": "jahan.index.kof",
    "MeasuredIndex": "jahan.index.measured",
    "measured_index": "jahan.index.measured",
    "measured_index_over_time": "jahan.index.measured",
    "measured_uncertainty": "jahan.index.measured",
    "BUILTIN_INDICATORS": "jahan.index.builtin",
    "builtin_indicators": "jahan.index.builtin",
    "CONDITIONS": "jahan.index.readiness",
    "readiness": "jahan.index.readiness",
    "ReadinessResult": "jahan.index.readiness",
    "parse_bloc": "jahan.index.readiness",
    "gini": "jahan.index.inequality",
    "theil": "jahan.index.inequality",
    "theil_decomposition": "jahan.index.inequality",
    "members_vs_outsiders": "jahan.index.inequality",
    "inequality_of_gains": "jahan.index.inequality",
    "InequalityResult": "jahan.index.inequality",
}

_lazy = lazy_getattr(__name__, _LAZY)


def __getattr__(name: str) -> object:
    if name == "readiness_vs_gains":
        # Moved to the scenario layer, where models meet (one release of this alias).
        import importlib
        import warnings

        warnings.warn(
            "jahan.index.readiness_vs_gains moved to jahan.scenario.readiness_vs_gains.",
            DeprecationWarning,
            stacklevel=2,
        )
        return importlib.import_module("jahan.scenario.readiness").readiness_vs_gains
    return _lazy(name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = list(_LAZY)
