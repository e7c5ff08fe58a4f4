"""Open the language-shift report in headless Chromium with the network cut off.

The screenshot goes to tests/screenshots/ (not committed). Skipped when /usr/bin/chromium is absent,
except under CI=true, where a missing browser fails the test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import SCREENSHOTS_DIR

from jahan._i18n import tr

EXAMPLE = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "jahan"
    / "data"
    / "language"
    / "synthetic_language_shift.csv"
)

pytestmark = pytest.mark.browser


def test_language_report_renders_offline(tmp_path, headless_chromium):
    from jahan.culture import LanguagePolicy, fit_language_model, project
    from jahan.report.culture_figures import write_language_report

    lang = "kk"
    fit = fit_language_model(
        pd.read_csv(EXAMPLE, comment="#"), "minett-wang", draws=20, seed=1, calibration=0
    )
    proj = project(fit, LanguagePolicy(2030, status=0.55), until=2080)
    page = write_language_report(
        fit, proj, tmp_path / "language_report.html", lang, source=EXAMPLE.name, synthetic=True
    )
    url = page.resolve().as_uri()

    dom = headless_chromium(["--dump-dom", url], tmp_path / "profile-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    # plotly drew both figures (its SVG root is inside each container), in Kazakh.
    for key in ("projection", "phase-plane"):
        part = html[html.index(f'id="{key}"') :]
        assert re.search(r'class="main-svg"', part[:200_000]), key
    assert tr("Phase plane of the {model} model", lang, model="minett-wang") in html
    assert tr("Share speaking language A: baseline and policy", lang) in html

    SCREENSHOTS_DIR.mkdir(exist_ok=True)
    shot = SCREENSHOTS_DIR / f"language_report_{lang}.png"
    shot.unlink(missing_ok=True)
    run = headless_chromium(
        [f"--screenshot={shot}", "--window-size=1280,2600", url], tmp_path / "profile-shot"
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 50_000

    log = dom.stderr + run.stderr
    for marker in ("net::ERR", "Failed to load resource", "Uncaught"):
        assert marker not in log, [line for line in log.splitlines() if marker in line][:3]
