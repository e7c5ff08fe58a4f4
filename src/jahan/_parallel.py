"""Run independent tasks serially, on local processes, or on a Dask cluster.

The results come back in task order whatever the executor, so a computation whose randomness is
drawn up front (one NumPy generator, before any task starts) gives identical results with any
number of workers. Tasks and the function must be picklable (a module-level function).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

from jahan.errors import JahanError

T = TypeVar("T")
R = TypeVar("R")

CONNECT_TIMEOUT = 10
"""Seconds to wait for a Dask scheduler before giving up with a message."""

Progress = Callable[[int], None]
"""Called with the index of each task as it finishes."""


def blas_single_thread():
    """Context: limit BLAS to one thread (parallelism comes from the workers, not BLAS).

    Small dense solves run many times slower with a multi-threaded BLAS on a busy machine. Uses
    threadpoolctl when it is installed; otherwise a no-op.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def available_workers() -> int:
    """CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _mp_context():
    # fork starts workers fast on Linux and shares the imported libraries; elsewhere spawn is safe.
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")


def run_serial(
    fn: Callable[[T], R], tasks: Sequence[T], on_done: Progress | None = None
) -> list[R]:
    """Run ``fn`` on each task in this process."""
    out: list[R] = []
    for k, task in enumerate(tasks):
        out.append(fn(task))
        if on_done is not None:
            on_done(k)
    return out


def run_processes(
    fn: Callable[[T], R], tasks: Sequence[T], workers: int, on_done: Progress | None = None
) -> list[R]:
    """Run ``fn`` on each task in a pool of ``workers`` local processes."""
    results: list[Any] = [None] * len(tasks)
    with ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context()) as pool:
        pending: dict[Future, int] = {pool.submit(fn, task): k for k, task in enumerate(tasks)}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                k = pending.pop(future)
                results[k] = future.result()
                if on_done is not None:
                    on_done(k)
    return results


def run_dask(
    fn: Callable[[T], R], tasks: Sequence[T], scheduler: Any, on_done: Progress | None = None
) -> list[R]:
    """Run ``fn`` on each task on a Dask cluster.

    ``scheduler`` is an address (``"tcp://host:8786"``), a ``dask.distributed.Client`` or a
    ``LocalCluster``.
    """
    try:
        from dask.distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise JahanError(
            "a scheduler was given but dask.distributed is not installed: "
            "pip install 'jahan[dask]' or run without --scheduler"
        ) from exc

    own = not isinstance(scheduler, Client)
    if own:
        try:
            client = Client(scheduler, set_as_default=False, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise JahanError(
                f"cannot reach the Dask scheduler {scheduler!r} within {CONNECT_TIMEOUT} s "
                f"({type(exc).__name__}: {exc}); start one with `dask scheduler` and workers with "
                "`dask worker ADDRESS`, check the address (tcp://host:8786), or run without "
                "--scheduler"
            ) from None
    else:
        client = scheduler
    try:
        # The client is not the process default (set_as_default=False, so a user's own default
        # client is left alone); as_completed and Future.result look the client up through the
        # "current" one, so make it current while the tasks run.
        with client.as_current():
            futures = client.map(fn, list(tasks), pure=False)
            index = {f.key: k for k, f in enumerate(futures)}
            results: list[Any] = [None] * len(tasks)
            for future in as_completed(futures):
                k = index[future.key]
                results[k] = future.result()
                if on_done is not None:
                    on_done(k)
        return results
    finally:
        if own:
            client.close()


def run_tasks(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    *,
    workers: int | None = 1,
    scheduler: Any = None,
    on_done: Progress | None = None,
) -> list[R]:
    """Run ``fn`` over ``tasks``; results in task order.

    Parameters
    ----------
    fn, tasks
        A picklable function and its inputs.
    workers
        Local processes; 1 runs in this process, None or 0 uses every available CPU.
    scheduler
        A Dask scheduler address or client; when given, ``workers`` is ignored.
    on_done
        Progress callback, called with each finished task's index.
    """
    if scheduler is not None:
        return run_dask(fn, tasks, scheduler, on_done)
    n = available_workers() if not workers else int(workers)
    if n < 0:
        raise JahanError(f"workers must be >= 0 (0 = all CPUs), got {workers}")
    n = min(n, len(tasks))
    if n <= 1:
        return run_serial(fn, tasks, on_done)
    return run_processes(fn, tasks, n, on_done)


__all__ = [
    "available_workers",
    "blas_single_thread",
    "run_dask",
    "run_processes",
    "run_serial",
    "run_tasks",
]
