"""The result protocol every result class follows, and fixed model parameters.

A result (anything a model, a scenario, an index or an estimate hands back) is a sealed record:

- **frozen**: assigning or deleting an attribute raises :class:`AttributeError`;
- **nothing handed out can change it**: every public attribute or property that is a pandas
  object comes back as a new object over the same data (pandas copy-on-write: writing to it
  copies, the record keeps its values), every NumPy array as a read-only view, every dict or
  list as a deep copy;
- ``summary(lang="en") -> str``: a rendered text table, in Kazakh, Russian or English;
- ``to_frame() -> DataFrame``: one tidy frame;
- ``to_parquet(path) -> Path``: writes :meth:`to_frame` atomically (a temporary file in the
  same folder, then a rename) and returns the path.

A new result class subclasses :class:`Result` (plain class or ``@dataclass(frozen=True)``) and
implements ``summary`` and ``to_frame``; :class:`Result` gives it the sealing, the copies and
``to_parquet``. Models subclass :class:`FixedParameters` and call ``self._seal()`` at the end of
``__init__``: afterwards every attribute is fixed (change a parameter by building a new model).
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jahan._io import write_parquet_atomic


def handout(value: Any) -> Any:
    """``value`` in a form the caller may change freely without changing its owner."""
    if isinstance(value, pd.DataFrame | pd.Series | pd.Index):
        # Copy-on-write (pandas >= 3): a shallow copy is a new object; writing to it copies
        # the data first, so the owner's values never change.
        return value.copy(deep=False)
    if isinstance(value, np.ndarray):
        if not value.flags.writeable:
            return value
        view = value.view()
        view.setflags(write=False)
        return view
    if isinstance(value, dict | list | set):
        return copy.deepcopy(value)
    return value


def _refuse(owner: object, name: str, what: str) -> AttributeError:
    kind = type(owner).__name__
    return AttributeError(
        f"{kind}.{name} cannot be {what}: a {kind} is sealed once built. "
        f"Build a new {kind}(...) with the value you want instead."
    )


class Result:
    """Base of every result record: sealed, hands out copies, atomic ``to_parquet``.

    Subclasses implement :meth:`summary` and :meth:`to_frame`. Attributes whose names start
    with an underscore are the record's own storage and are returned as they are (to the
    record's own methods); everything public goes through :func:`handout`.
    """

    __slots__ = ()

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        if name.startswith("_"):
            return value
        return handout(value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise _refuse(self, name, "assigned")

    def __delattr__(self, name: str) -> None:
        raise _refuse(self, name, "deleted")

    def summary(self, lang: str = "en") -> str:  # pragma: no cover - every subclass overrides
        """A rendered text table of the main results in ``lang`` (kk, ru or en)."""
        raise NotImplementedError

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - every subclass overrides
        """The results as one tidy DataFrame (a new frame each call)."""
        raise NotImplementedError

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_frame` to ``path`` atomically and return the path."""
        return write_parquet_atomic(self.to_frame(), path)


class FixedParameters:
    """Base of models whose parameters are fixed at construction.

    ``__init__`` sets attributes as usual and ends with ``self._seal()``; any later assignment
    or deletion raises :class:`AttributeError` naming the parameter. Lazily computed caches
    (``functools.cached_property``) still work: they write to the instance dictionary directly.
    """

    _sealed = False

    def _seal(self) -> None:
        object.__setattr__(self, "_sealed", True)

    def __setattr__(self, name: str, value: Any) -> None:
        if self._sealed:
            raise _refuse(self, name, "changed after construction")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if self._sealed:
            raise _refuse(self, name, "deleted")
        object.__delattr__(self, name)


__all__ = ["FixedParameters", "Result", "handout"]
