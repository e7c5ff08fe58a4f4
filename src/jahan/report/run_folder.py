"""A run's output folder, written whole: stage beside the target, swap in, clean up on every exit.

A run writes several files (report, tables, manifest). Renaming them one by one into an existing
folder lets a kill or a failure leave the new report beside the old run's tables. Instead:

1. every file is written into a fresh staging folder beside the target
   (``.<name>.jahan-staging.<pid>.<random>``, on the same filesystem);
2. ``manifest.json`` (what produced the run, and the list of files) is written last;
3. the staging folder is exchanged with the target in one step (Linux ``renameat2`` with
   ``RENAME_EXCHANGE``; elsewhere two renames, see :func:`_swap`), and the old run, now in the
   staging folder, is deleted.

A reader therefore sees either the whole old run or the whole new run, never a mix. The staging
folder is removed on every exit path Python can see (an error, Ctrl-C, SIGTERM, SIGHUP); a
process killed with SIGKILL cannot clean up, so the next write into the same parent removes the
staging folders of processes that no longer exist.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import secrets
import shutil
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from jahan.errors import JahanError, Message

MANIFEST = "manifest.json"
"""The file naming what produced a run folder; a folder without it is not a jahan run."""

STAGING_TAG = ".jahan-staging."
"""Part of every staging folder's name (``.<target>.jahan-staging.<pid>.<random>``)."""

_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


class OutputError(JahanError, OSError):
    """An output folder cannot be written: it names the folder and what to do."""


def staging_folders(out_dir: Path) -> list[Path]:
    """Staging folders of ``out_dir`` (any process) currently beside it."""
    out_dir = Path(out_dir)
    prefix = f".{out_dir.name}{STAGING_TAG}"
    if not out_dir.parent.is_dir():
        return []
    return sorted(p for p in out_dir.parent.iterdir() if p.name.startswith(prefix))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def remove_stale_staging(out_dir: Path) -> list[Path]:
    """Delete staging folders of ``out_dir`` left by processes that no longer run (SIGKILL).

    Returns the folders removed. A staging folder of a live process (another run writing into
    the same target right now) is left alone.
    """
    removed = []
    prefix = f".{Path(out_dir).name}{STAGING_TAG}"
    for folder in staging_folders(out_dir):
        pid_text = folder.name[len(prefix) :].split(".", 1)[0]
        if pid_text.isdigit() and int(pid_text) != os.getpid() and _pid_alive(int(pid_text)):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux >= 3.15); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # kernel or filesystem without exchange: fall back to two renames
    raise OSError(code, os.strerror(code), str(b))


def _swap(staging: Path, target: Path) -> None:
    """Put ``staging`` at ``target``; the old ``target`` (if any) ends up at ``staging``."""
    if not target.exists():
        os.rename(staging, target)
        return
    if _exchange(staging, target):
        return
    # Two renames: between them the target is briefly absent (never mixed).
    parked = staging.with_name(staging.name + ".old")
    os.rename(target, parked)
    os.rename(staging, target)
    os.rename(parked, staging)


class _Terminated(BaseException):
    """SIGTERM or SIGHUP arrived while a folder was being staged."""


@contextlib.contextmanager
def _signals_unwind() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into an exception while staging, so ``finally`` cleans up.

    Only the main thread can set signal handlers; elsewhere this is a no-op.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_terminated(signum, _frame):
        raise _Terminated(signum)

    previous = {}
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None:
            previous[sig] = signal.signal(sig, raise_terminated)
    try:
        yield
    except _Terminated as exc:
        # Exit with the shell's status for a signal death (128 + number) once the callers'
        # ``finally`` blocks have removed the staging folder.
        raise SystemExit(128 + int(exc.args[0])) from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# Files of a run written before runs had a manifest: such a folder may be replaced with --force.
_EARLIER = re.compile(
    r"^(report_(kk|ru|en)\.html|countries\.(csv|parquet)|shocks\.csv|"
    r"parameters\.csv|flows\.parquet|sectors\.(csv|parquet)|results_(kk|ru|en)\.xlsx)$"
)


def _earlier_outputs(folder: Path) -> bool:
    return all(_EARLIER.match(entry.name) for entry in folder.iterdir())


def check_target(out_dir: Path, *, force: bool) -> None:
    """Refuse a target that is a file, or a folder that would be overwritten without ``force``.

    ``force`` replaces a previous run's folder (one holding ``manifest.json``, or only the files an
    earlier version of ``jahan run`` wrote) or an empty folder;
    any other existing folder is refused even with ``force``, so a mistyped ``--out`` cannot
    delete unrelated files.
    """
    out_dir = Path(out_dir)
    try:
        is_file = out_dir.exists() and not out_dir.is_dir()
        empty = not out_dir.is_dir() or not any(out_dir.iterdir())
        is_run = not empty and ((out_dir / MANIFEST).is_file() or _earlier_outputs(out_dir))
    except OSError as exc:  # a name too long, a file where a parent folder should be, ...
        raise _describe_os_error(exc, out_dir) from None
    if is_file:
        raise OutputError(
            Message(
                "output folder {folder}: this is a file, not a folder; give a folder name with --out",
                folder=str(out_dir),
            )
        )
    if empty:
        return
    if not is_run:
        raise OutputError(
            Message(
                "output folder {folder} already holds files and is not a jahan run "
                "folder (no {manifest}); choose a new or empty folder with --out",
                folder=str(out_dir),
                manifest=MANIFEST,
            )
        )
    if not force:
        raise OutputError(
            Message(
                "output folder {folder} already holds a run; pass --force to replace "
                "it whole, or choose another folder with --out",
                folder=str(out_dir),
            )
        )


def _describe_os_error(exc: OSError, out_dir: Path) -> OutputError:
    denied = Message("permission denied; choose a folder you can write to with --out")
    reasons = {
        errno.EROFS: Message(
            "the file system is read-only; choose a folder on a writable disk with --out"
        ),
        errno.EACCES: denied,
        errno.EPERM: denied,
        errno.ENOSPC: Message("the disk is full; free space or choose another disk with --out"),
        errno.EDQUOT: Message(
            "the disk quota is exhausted; free space or choose another disk with --out"
        ),
        errno.ENAMETOOLONG: Message(
            "the name is too long for the file system; choose a shorter --out"
        ),
        errno.ENOTDIR: Message("a part of the path is a file, not a folder; fix the --out path"),
        errno.EEXIST: Message("a file is in the way; fix the --out path"),
    }
    # An error number without a sentence of its own keeps the system's (English) wording.
    reason = reasons.get(exc.errno or -1, exc.strerror or str(exc))
    return OutputError(
        Message(
            "output folder {folder}: cannot write ({reason}); nothing was changed",
            folder=str(out_dir),
            reason=reason,
        )
    )


def write_run_folder(
    files: dict[str, Callable[[Path], object]],
    out_dir: str | os.PathLike[str],
    *,
    manifest: dict | None = None,
    force: bool = False,
) -> dict[str, Path]:
    """Write ``files`` (name -> writer of that path) and ``manifest.json`` into ``out_dir``, whole.

    Parameters
    ----------
    files
        File name -> callable writing that file at the path it is given.
    out_dir
        The run's folder. Created if missing; an existing run folder is replaced only with ``force``.
    manifest
        What produced the run (scenario, seed, draws, versions, data sources); the list of files
        with their sizes is added. ``manifest.json`` is written last, so a staging folder with a
        manifest is complete.
    force
        Replace an existing run folder (see :func:`check_target`).

    Returns
    -------
    dict
        ``{file name: final path}``, including ``manifest.json``.

    Raises
    ------
    OutputError
        The target is a file, an unrelated folder, an existing run without ``force``, or cannot be
        written (read-only, disk full, name too long); nothing was changed.
    """
    out_dir = Path(out_dir)
    if MANIFEST in files:
        raise ValueError(f"{MANIFEST} is written by write_run_folder itself")
    check_target(out_dir, force=force)
    staging: Path | None = None
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(out_dir)
        with _signals_unwind():
            staging = (
                out_dir.parent / f".{out_dir.name}{STAGING_TAG}{os.getpid()}.{secrets.token_hex(4)}"
            )
            staging.mkdir(mode=0o755)
            for name, write in files.items():
                write(staging / name)
            record = dict(manifest or {})
            record["files"] = {name: (staging / name).stat().st_size for name in files}
            (staging / MANIFEST).write_text(
                json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n",
                encoding="utf-8",
            )
            check_target(out_dir, force=force)  # another run may have landed meanwhile
            _swap(staging, out_dir)
    except OutputError:
        raise
    except OSError as exc:
        raise _describe_os_error(exc, out_dir) from exc
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)  # the old run after a swap, or a failed one
    return {name: out_dir / name for name in (*files, MANIFEST)}


def read_manifest(out_dir: str | os.PathLike[str]) -> dict:
    """The manifest of a run folder (raises OutputError naming the folder if it has none)."""
    path = Path(out_dir) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OutputError(
            Message(
                "{path}: not a readable run manifest ({detail})", path=str(path), detail=str(exc)
            )
        ) from None


__all__ = [
    "MANIFEST",
    "OutputError",
    "STAGING_TAG",
    "check_target",
    "read_manifest",
    "remove_stale_staging",
    "staging_folders",
    "write_run_folder",
]
