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
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jahan._i18n import check_lang
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


def lang_and_top(lang: Any, top: int, where: str) -> tuple[str, int]:
    """``summary(lang, top)`` of the index results; a number first is the old ``summary(top)``."""
    if isinstance(lang, int) and not isinstance(lang, bool):
        warnings.warn(
            f"{where}(top) with the number first is deprecated: summary takes lang first; "
            "pass top=... by keyword.",
            DeprecationWarning,
            stacklevel=3,
        )
        return "en", int(lang)
    return check_lang(lang), int(top)


def band_frame(
    countries: pd.DataFrame,
    columns: Iterable[tuple[str, Mapping[str, Any]]],
    attrs: Mapping[str, Any],
) -> pd.DataFrame:
    """The long ``to_frame()`` of a result with bands: one row per country and banded column.

    ``columns`` pairs each column of ``countries`` (which also holds its ``_p05`` and ``_p95``)
    with the labels its rows carry (e.g. ``{"output": "welfare_pct"}``). Columns: ``country``,
    the labels, ``central``, ``p05``, ``p95``; the scalar entries of ``attrs`` go to
    ``frame.attrs``.
    """
    parts = [
        pd.DataFrame(
            {
                "country": countries.index,
                **labels,
                "central": countries[column].to_numpy(),
                "p05": countries[f"{column}_p05"].to_numpy(),
                "p95": countries[f"{column}_p95"].to_numpy(),
            }
        )
        for column, labels in columns
    ]
    frame = pd.concat(parts, ignore_index=True)
    frame.attrs.update({k: v for k, v in attrs.items() if np.isscalar(v)})
    return frame


class SummaryText(str):
    """The text a ``summary()`` returns, still answering the old non-text uses for one release.

    ``summary()`` of :class:`jahan.World` used to return a dict and that of
    :class:`jahan.scenario.ScenarioResult` a DataFrame. The text behaves as a ``str``; a key
    lookup (``text["countries"]``) or an attribute a ``str`` lacks (``text.loc``) is answered
    from the old object with a :class:`DeprecationWarning` naming the replacement.
    """

    __slots__ = ("_legacy", "_instead")
    _legacy: Any
    _instead: str

    def __new__(cls, text: str, legacy: Any, instead: str) -> SummaryText:
        self = super().__new__(cls, text)
        self._legacy = legacy
        self._instead = instead
        return self

    def _warn(self) -> None:
        warnings.warn(
            f"summary() now returns text; for the {type(self._legacy).__name__} it returned "
            f"before use {self._instead}.",
            DeprecationWarning,
            stacklevel=3,
        )

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            self._warn()
            return self._legacy[key]
        return str.__getitem__(self, key)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        self._warn()
        return getattr(self._legacy, name)


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

    def _raw(self, name: str) -> Any:
        """An attribute as stored (for the record's own ``__post_init__`` and methods)."""
        return object.__getattribute__(self, name)

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


__all__ = [
    "FixedParameters",
    "Result",
    "SummaryText",
    "band_frame",
    "handout",
    "lang_and_top",
]
