"""Scenario runs in background threads: a job id to poll, progress, cancellation, bounded memory.

A run is solved by :meth:`jahan.Scenario.run` in a worker thread, so the server keeps answering
while it works. Cancellation is cooperative: the run's progress callback raises once the job is
cancelled, which stops it after the chunk of draws being solved (a queued job never starts).
"""

from __future__ import annotations

import secrets
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from jahan.errors import JahanError, Message
from jahan.web.store import IN_MEMORY, ResultStore

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"


class _Cancelled(Exception):
    """Raised inside a run's progress callback to stop a cancelled job."""


class QueueFull(JahanError):
    """Too many runs are waiting; the client should retry later."""


@dataclass(eq=False)
class Job:
    """One submitted run: its inputs, state, progress and (when done) its result."""

    id: str
    scenario: Any
    toml: str
    draws: int
    seed: int
    created: float = field(default_factory=time.time)
    status: str = QUEUED
    done: int = 0
    total: int = 0
    error: str = ""
    failure: JahanError | None = field(default=None, repr=False)
    finished: float | None = None
    store: Any = field(default=None, repr=False)
    cancel_event: threading.Event = field(default_factory=threading.Event, repr=False)
    future: Future | None = field(default=None, repr=False)

    @property
    def result(self) -> Any:
        """The finished run's result (read from the manager's store), or None."""
        if self.status != DONE or self.store is None:
            return None
        try:
            return self.store.get(self.id)
        except KeyError:  # dropped meanwhile
            return None

    def public(self, lang: str = "en") -> dict:
        """The job's state as JSON-ready values (no result frames); a failure's message in
        ``lang``."""
        return {
            "id": self.id,
            "name": self.scenario.name,
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "draws": self.draws,
            "seed": self.seed,
            "error": self.failure.translated(lang) if self.failure is not None else self.error,
            "seconds": round((self.finished or time.time()) - self.created, 3),
        }


class JobManager:
    """Run scenarios on a small pool of threads and keep the latest results.

    Parameters
    ----------
    world : callable
        Returns the world the scenarios run on (called in the worker thread).
    workers : int
        Runs solved at the same time.
    max_queued : int
        Runs allowed to wait beyond those running; more raise :class:`QueueFull`.
    keep : int
        Finished jobs kept; the oldest finished ones are dropped first.
    in_memory : int
        Finished results held in memory; all kept results are on disk
        (:class:`jahan.web.store.ResultStore`), so memory does not grow with ``keep``.
    """

    def __init__(
        self,
        world,
        *,
        workers: int = 2,
        max_queued: int = 8,
        keep: int = 40,
        in_memory: int = IN_MEMORY,
    ) -> None:
        self._store = ResultStore(in_memory=in_memory)
        self._world = world
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="jahan-run")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._workers = workers
        self._max_queued = max_queued
        self._keep = keep

    def submit(self, scenario, toml: str, draws: int, seed: int) -> Job:
        """Queue a run; returns the job at once."""
        with self._lock:
            waiting = sum(1 for j in self._jobs.values() if j.status in (QUEUED, RUNNING))
            if waiting >= self._workers + self._max_queued:
                raise QueueFull(
                    Message(
                        "{waiting} runs are already queued or running; wait for one to finish "
                        "or cancel one, then submit again",
                        waiting=waiting,
                    )
                )
            job = Job(
                id=secrets.token_hex(8),
                scenario=scenario,
                toml=toml,
                draws=draws,
                seed=seed,
                total=draws,
            )
            self._jobs[job.id] = job
            self._trim()
        job.future = self._pool.submit(self._run, job)
        return job

    def _trim(self) -> None:
        finished = sorted(
            (j for j in self._jobs.values() if j.status in (DONE, FAILED, CANCELLED)),
            key=lambda j: j.finished or 0.0,
        )
        for job in finished[: max(0, len(self._jobs) - self._keep)]:
            del self._jobs[job.id]
            self._store.drop(job.id)

    def _run(self, job: Job) -> None:
        if job.cancel_event.is_set():
            self._finish(job, CANCELLED)
            return
        job.status = RUNNING

        def progress(done: int, total: int) -> None:
            job.done, job.total = done, total
            if job.cancel_event.is_set():
                raise _Cancelled

        try:
            result = job.scenario.run(
                self._world(), draws=job.draws, seed=job.seed, workers=1, progress=progress
            )
        except _Cancelled:
            self._finish(job, CANCELLED)
            return
        except JahanError as exc:
            job.error, job.failure = str(exc), exc
            self._finish(job, FAILED)
            return
        except Exception as exc:  # an unexpected failure is reported to the page, not swallowed
            job.error = f"{type(exc).__name__}: {exc}"
            self._finish(job, FAILED)
            return
        if job.cancel_event.is_set():
            self._finish(job, CANCELLED)
            return
        try:
            self._store.put(job.id, result)
        except OSError as exc:  # a full or read-only temporary disk
            job.failure = JahanError(
                Message("the result could not be kept: {reason}", reason=exc.strerror or str(exc))
            )
            job.error = str(job.failure)
            self._finish(job, FAILED)
            return
        job.store = self._store
        job.done = job.total = result.draws
        del result  # only the store holds it now
        self._finish(job, DONE)

    def _finish(self, job: Job, status: str) -> None:
        with self._lock:
            job.finished = time.time()
            job.status = status

    def get(self, job_id: str) -> Job | None:
        """The job with this id, or None."""
        with self._lock:
            return self._jobs.get(job_id)

    def cancel(self, job_id: str) -> Job | None:
        """Ask a job to stop; a queued job never starts, a running one stops at its next chunk."""
        job = self.get(job_id)
        if job is None:
            return None
        job.cancel_event.set()
        if job.future is not None and job.future.cancel():
            self._finish(job, CANCELLED)
        return job

    def finished(self) -> list[Job]:
        """Jobs with results, newest first."""
        with self._lock:
            jobs = [j for j in self._jobs.values() if j.status == DONE]
        return sorted(jobs, key=lambda j: j.created, reverse=True)

    def shutdown(self) -> None:
        """Cancel everything and stop the threads."""
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            job.cancel_event.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._store.close()

    @property
    def store(self) -> ResultStore:
        """Where finished results are kept."""
        return self._store


__all__ = ["CANCELLED", "DONE", "FAILED", "Job", "JobManager", "QUEUED", "QueueFull", "RUNNING"]
