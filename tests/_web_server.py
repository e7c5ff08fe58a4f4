"""The draw limit of the dashboard server the API tests share (fixtures in conftest.py)."""

from __future__ import annotations

MAX_DRAWS = 50
"""The server's draw limit in these tests (a request for more is refused)."""
