"""Run the ``jahan`` command in this process, as ``python -m jahan.cli`` would, and capture it.

A fresh interpreter per command costs seconds of imports; the error tests run dozens of commands,
so they call :func:`jahan.cli.main` here with ``sys.argv``, the working folder and the environment
set as a shell would set them (``JAHAN_LANG`` unset, a wide terminal), and restore all three after.
``tests/test_cli_errors_translated.py`` keeps the real entry point (a subprocess) covered.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Ran:
    """What one command left: its exit code and its two output streams."""

    returncode: int
    stdout: str
    stderr: str


def jahan(*args: str, cwd: Path | None = None) -> Ran:
    """Run ``jahan ARGS`` through :func:`jahan.cli.main` in this process."""
    from jahan import cli

    saved_argv, saved_cwd = sys.argv, os.getcwd()
    saved_env = {key: os.environ.get(key) for key in ("JAHAN_LANG", "COLUMNS")}
    os.environ.pop("JAHAN_LANG", None)
    os.environ["COLUMNS"] = "400"
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        sys.argv = ["jahan", *args]
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                cli.main()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        sys.argv = saved_argv
        os.chdir(saved_cwd)
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return Ran(code, out.getvalue(), err.getvalue())


def message(run: Ran) -> str:
    """The one-line error a failed command printed (exit code 2, no traceback), unwrapped."""
    assert run.returncode == 2, run.stderr + run.stdout
    assert "Traceback" not in run.stderr
    return " ".join(run.stderr.split())
