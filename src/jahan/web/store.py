"""Finished dashboard results kept on disk, with a small number held in memory.

A 2,000-draw result on a world of about 200 economies holds some 27 MB of draws; kept in memory,
the dashboard's 40 finished runs would take over a gigabyte. Each finished result is pickled into
a private temporary folder (mode 0700, removed at shutdown) and only the ``in_memory`` most
recently used results stay loaded. A page that needs an older run loads it from disk (about
0.1 s for a 2,000-draw run).
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from jahan._io import atomic_write

IN_MEMORY = 2
"""Finished results held in memory by default (the rest are read from disk on demand)."""


class ResultStore:
    """Results by job id: on disk always, in memory for the ``in_memory`` most recently used.

    Parameters
    ----------
    in_memory : int
        How many results stay loaded (>= 0).
    folder : path, optional
        Where the files go (default: a new private temporary folder, removed by :meth:`close`).
    """

    def __init__(
        self, in_memory: int = IN_MEMORY, folder: str | os.PathLike[str] | None = None
    ) -> None:
        if in_memory < 0:
            raise ValueError(f"in_memory must be >= 0, got {in_memory}")
        self.in_memory = int(in_memory)
        self._own = folder is None
        self._dir = (
            Path(tempfile.mkdtemp(prefix="jahan-results-")) if folder is None else Path(folder)
        )
        self._dir.mkdir(parents=True, exist_ok=True)
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self._keys: set[str] = set()
        self._lock = threading.Lock()

    @property
    def folder(self) -> Path:
        """The folder holding the result files."""
        return self._dir

    def _path(self, key: str) -> Path:
        if not key.isalnum():
            raise KeyError(key)
        return self._dir / f"{key}.pickle"

    def _remember(self, key: str, result: Any) -> None:
        self._cache[key] = result
        self._cache.move_to_end(key)
        while len(self._cache) > self.in_memory:
            self._cache.popitem(last=False)

    def put(self, key: str, result: Any) -> None:
        """Store ``result`` under ``key`` (written to disk before this returns)."""
        path = self._path(key)
        atomic_write(
            path, lambda p: p.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        )
        with self._lock:
            self._keys.add(key)
            self._remember(key, result)

    def get(self, key: str) -> Any:
        """The result stored under ``key`` (KeyError if there is none)."""
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            if key not in self._keys:
                raise KeyError(key)
            result = pickle.loads(self._path(key).read_bytes())
            self._remember(key, result)
            return result

    def drop(self, key: str) -> None:
        """Forget ``key`` and delete its file."""
        with self._lock:
            self._cache.pop(key, None)
            self._keys.discard(key)
            self._path(key).unlink(missing_ok=True)

    def loaded(self) -> int:
        """How many results are held in memory now."""
        with self._lock:
            return len(self._cache)

    def __len__(self) -> int:
        with self._lock:
            return len(self._keys)

    def close(self) -> None:
        """Forget everything; delete the folder if this store created it."""
        with self._lock:
            self._cache.clear()
            self._keys.clear()
        if self._own:
            shutil.rmtree(self._dir, ignore_errors=True)


__all__ = ["IN_MEMORY", "ResultStore"]
