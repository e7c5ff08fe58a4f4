"""Open the report in headless Chromium with the network cut off, in each language.

Screenshots go to tests/screenshots/ (not committed). Skipped when /usr/bin/chromium is absent,
except under CI=true, where a missing browser fails the test.
"""

from __future__ import annotations

import re

import pytest
from conftest import SCREENSHOTS_DIR

from jahan._i18n import tr
from jahan.scenario import Scenario

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def result():
    from jahan.world import World

    return Scenario.load("eaeu_customs_union").run(World.builtin(), draws=20, seed=1)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_report_renders_offline(result, lang, tmp_path, headless_chromium):
    page = result.report(tmp_path / f"report_{lang}.html", lang=lang)
    url = page.resolve().as_uri()

    dom = headless_chromium(["--dump-dom", url], tmp_path / "profile-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    # The map container holds plotly's drawn country shapes, the tables are there, in the language.
    map_div = html[html.index('id="map"') :]
    assert len(re.findall(r'class="choroplethlocation"', map_div)) > 150
    assert 'id="focus-table"' in html and "<table" in html
    assert tr("Welfare change by country", lang) in html
    assert tr("Focus countries", lang) in html
    assert result.name_of("KAZ", lang) in html

    SCREENSHOTS_DIR.mkdir(exist_ok=True)
    shot = SCREENSHOTS_DIR / f"report_{lang}.png"
    shot.unlink(missing_ok=True)
    run = headless_chromium(
        [f"--screenshot={shot}", "--window-size=1280,1900", url], tmp_path / "profile-shot"
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 50_000

    # No request left the machine: nothing failed to resolve, nothing tried to fetch.
    log = dom.stderr + run.stderr
    for marker in ("net::ERR", "Failed to load resource", "fetching topojson", "Uncaught"):
        assert marker not in log, [line for line in log.splitlines() if marker in line][:3]
