"""Reports: the offline HTML report, figures, and atomic writers for results.

>>> from jahan.report import write_report, write_outputs   # doctest: +SKIP
"""

from __future__ import annotations

from jahan._lazy import lazy_getattr

_LAZY = {
    "render_report": "jahan.report.html",
    "write_report": "jahan.report.html",
    "write_outputs": "jahan.report.outputs",
    "write_frame": "jahan.report.io",
    "write_text": "jahan.report.io",
}

__getattr__ = lazy_getattr(__name__, _LAZY)
__all__ = list(_LAZY)
