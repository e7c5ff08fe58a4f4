"""The local web dashboard: build a scenario with clicks, run it, see the map, in kk, ru or en.

>>> from jahan.web import serve      # doctest: +SKIP
>>> serve(port=8050)                 # doctest: +SKIP   (same as `jahan serve`)

Needs the ``web`` extra (starlette, uvicorn). Everything is served from this machine: plotly.js
comes from the installed plotly package and the map geometry from the report's assets.
"""

from __future__ import annotations

from jahan._lazy import lazy_getattr

_LAZY = {
    "Limits": "jahan.web.app",
    "create_app": "jahan.web.app",
    "serve": "jahan.web.server",
    "start_in_thread": "jahan.web.server",
}

__getattr__ = lazy_getattr(__name__, _LAZY)
__all__ = list(_LAZY)
