"""Deprecated names: one warning, one release, then removal (listed in CHANGELOG.md)."""

from __future__ import annotations

import warnings
from typing import Any

_MISSING: Any = object()
"""Default of a deprecated keyword: tells "not given" from any value."""


def renamed(where: str, old: str, new: str, old_value: Any, new_value: Any) -> Any:
    """The value of a renamed keyword argument, warning when the old name is used.

    ``old_value`` is :data:`_MISSING` unless the caller passed the old name.
    """
    if old_value is _MISSING:
        return new_value
    warnings.warn(
        f"{where}: {old}= is deprecated; use {new}= (the old name goes in the next release).",
        DeprecationWarning,
        stacklevel=3,
    )
    return old_value


def deprecated(where: str, message: str) -> None:
    """Warn that ``where`` is deprecated (``message`` says what to use instead)."""
    warnings.warn(f"{where} is deprecated: {message}", DeprecationWarning, stacklevel=3)


__all__ = ["_MISSING", "deprecated", "renamed"]
