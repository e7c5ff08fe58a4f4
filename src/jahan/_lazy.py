"""Lazy attribute loading for package namespaces (PEP 562), so `import jahan` stays fast."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(
    package: str, names: Mapping[str, str], submodules: frozenset[str] = frozenset()
) -> Callable[[str], Any]:
    """Return a module ``__getattr__`` that imports ``names[attr]`` on first access.

    Names in ``submodules`` are the package's own subpackages, imported on first access so that
    ``import jahan; jahan.culture`` works.
    """

    def __getattr__(attr: str) -> Any:
        if attr in submodules:
            return importlib.import_module(f"{package}.{attr}")
        try:
            module_name = names[attr]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {attr!r}") from None
        return getattr(importlib.import_module(module_name), attr)

    return __getattr__
