"""Open the report in headless Chromium with the network cut off, in each language.

Screenshots go to tests/screenshots/ (not committed). Skipped when /usr/bin/chromium is absent,
except under CI=true, where a missing browser fails the test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from jahan._i18n import tr
from jahan.scenario import Scenario

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

pytestmark = pytest.mark.browser


def _require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail("headless Chromium is required under CI: apt-get install chromium")
        pytest.skip("headless Chromium not installed (apt-get install chromium)")


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    base = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-default-apps", f"--user-data-dir={profile}",
        # Every host name fails to resolve: any network request would show up as an error.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
    ]
    return subprocess.run(base + args, capture_output=True, text=True, timeout=180, check=False)


@pytest.fixture(scope="module")
def result():
    from jahan.world import World

    return Scenario.load("eaeu_customs_union").run(World.builtin(), draws=20, seed=1)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_report_renders_offline(result, lang, tmp_path):
    _require_chromium()
    page = result.report(tmp_path / f"report_{lang}.html", lang=lang)
    url = page.resolve().as_uri()

    dom = _chromium(["--dump-dom", url], tmp_path / "profile-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    # The map container holds plotly's drawn country shapes, the tables are there, in the language.
    map_div = html[html.index('id="map"'):]
    assert len(re.findall(r'class="choroplethlocation"', map_div)) > 150
    assert 'id="focus-table"' in html and "<table" in html
    assert tr("Welfare change by country", lang) in html
    assert tr("Focus countries", lang) in html
    assert result.name_of("KAZ", lang) in html

    SCREENSHOTS.mkdir(exist_ok=True)
    shot = SCREENSHOTS / f"report_{lang}.png"
    shot.unlink(missing_ok=True)
    run = _chromium([f"--screenshot={shot}", "--window-size=1280,1900", url], tmp_path / "profile-shot")
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 50_000

    # No request left the machine: nothing failed to resolve, nothing tried to fetch.
    log = dom.stderr + run.stderr
    for marker in ("net::ERR", "Failed to load resource", "fetching topojson", "Uncaught"):
        assert marker not in log, [line for line in log.splitlines() if marker in line][:3]
