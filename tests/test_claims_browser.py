"""Open the Kazakh claims report in headless Chromium with the network cut off and find every claim
section and its verdict in Kazakh.

Skipped when /usr/bin/chromium is absent, except under CI=true, where a missing browser fails.
"""

from __future__ import annotations

import re

import pytest
from conftest import SCREENSHOTS_DIR

from jahan._i18n import tr
from jahan.analysis.claims import claims, verdict_text

pytestmark = pytest.mark.browser


def test_kazakh_claims_report_renders_offline(tmp_path, headless_chromium):
    lang = "kk"
    result = claims(draws=10, seed=1)
    page = result.report(tmp_path / "claims_kk.html", lang=lang)
    url = page.resolve().as_uri()

    dom = headless_chromium(["--dump-dom", url], tmp_path / "profile-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert tr("The founding texts, tested", lang) in html
    for claim in result.claims:
        start = html.index(f'id="claim-{claim.number}"')
        section = html[start : html.index("</section>", start)]
        assert tr(claim.title, lang) in section
        badge = re.search(r'id="verdict-(\d+)" data-verdict="(\w+)"[^>]*>([^<]+)<', section)
        assert badge is not None, claim.number
        assert int(badge.group(1)) == claim.number and badge.group(2) == claim.verdict
        assert badge.group(3) == verdict_text(claim.verdict, lang)
    # plotly drew the band figures (its SVG root is inside each container).
    part = html[html.index('id="figure-1"') :]
    assert re.search(r'class="main-svg"', part[:200_000])
    assert 'id="figure-5-series"' in html

    SCREENSHOTS_DIR.mkdir(exist_ok=True)
    shot = SCREENSHOTS_DIR / f"claims_report_{lang}.png"
    shot.unlink(missing_ok=True)
    run = headless_chromium(
        [f"--screenshot={shot}", "--window-size=1280,3000", url], tmp_path / "profile-shot"
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 50_000

    log = dom.stderr + run.stderr
    for marker in ("net::ERR", "Failed to load resource", "Uncaught"):
        assert marker not in log, [line for line in log.splitlines() if marker in line][:3]
