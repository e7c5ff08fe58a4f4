"""A Kazakh report and the Kazakh dashboard, in headless Chromium: no English left in the text.

Screenshots go to tests/screenshots/kk/ (not committed). The page text (code blocks, the scenario
file and bibliographic references left out: they are code and proper names) is searched for English
words the templates used to leak: untranslated shock types, column heads, claims, settings.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from test_web_browser import _figure_ready, _wait, browser, downloads, server, world  # noqa: F401

from jahan._i18n import tr
from jahan.scenario.defaults import AGREEMENT_DEFAULTS

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots" / "kk"

LEAKED_WORDS = (
    # shock types and labels shown untranslated
    "agreement",
    "sanctions",
    "corridor",
    "autarky",
    "tariff",
    "border",
    # column heads and captions
    "Welfare",
    "Real GDP",
    "Exports",
    "Imports",
    "Terms of trade",
    "Country",
    "draws",
    "percentile",
    "Members",
    "Outsiders",
    "Mean welfare change",
    "Countries that lose",
    "Unweighted",
    # claims quoted in English, and the bare source id
    "Thanks to",
    "integration",
    "Claim tested",
    "founding text",
    # settings, notes, buttons
    "Uncertainty",
    "Seed",
    "Solver",
    "Trade elasticity",
    "Closure",
    "modelled",
    "baseline",
    "Download",
    "Results",
    "Report",
    "Scenario",
    "Check",
    "Run",
    "Add shock",
    "Standard error",
    "Effect",
    "free trade area",
    "customs union",
    "log points",
    # plain English function words betray any untranslated sentence
    "the",
    "and",
    "of",
    "with",
    "from",
    "in every",
)

_TEXT_JS = """
const copy = document.body.cloneNode(true);
copy.querySelectorAll('script, style, pre, code, .references, .modebar-container').forEach((e) => e.remove());
document.body.appendChild(copy); copy.style.display = 'block';
const text = copy.innerText; copy.remove(); return text;
"""


def _pattern(word: str) -> re.Pattern:
    # Function words count in lower case only: "AND" is Andorra's code, not English prose.
    flags = 0 if word.islower() and len(word) <= 4 else re.I
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", flags)


def english_words(text: str) -> list[str]:
    """The leaked English words found in ``text`` (whole words; case-insensitive but for
    short function words)."""
    return [w for w in LEAKED_WORDS if _pattern(w).search(text)]


def leaks(text: str) -> list[str]:
    """Each leaked word with 40 characters of context, for the failure message."""
    out = []
    for w in english_words(text):
        for m in _pattern(w).finditer(text):
            out.append(f"{w!r}: ...{text[max(0, m.start() - 40) : m.end() + 40]!r}...")
    return out


def test_the_word_search_finds_what_it_should():
    assert english_words("Әл-ауқат: +0,1 % (agreement)") == ["agreement"]
    assert english_words("Welfare change of KAZ") == ["Welfare", "of"]
    assert english_words("Қазақстан, EAEU, KOF, ISO3, Natural Earth, Андорра AND") == []


def _shot(driver, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = min(int(driver.execute_script("return document.body.scrollHeight")), 5000)
    driver.set_window_size(1280, height)
    time.sleep(0.5)  # plotly redraws on resize
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 1000)
    assert path.stat().st_size > 30_000
    return path


def _page_text(driver) -> str:
    return driver.execute_script(_TEXT_JS)


def test_kazakh_report_has_no_english_words(browser, world, tmp_path):  # noqa: F811
    from jahan.scenario import Scenario

    out = Scenario.load("eaeu_customs_union").run(world, draws=10, seed=1)
    path = out.report(tmp_path / "report_kk.html", lang="kk")
    browser.get(Path(path).resolve().as_uri())
    _wait(
        lambda: browser.execute_script(
            "return document.querySelectorAll('#map path.choroplethlocation').length > 150"
        ),
        what="the map",
    )
    text = _page_text(browser)
    _shot(browser, "report_kk")
    assert "Қазақстан" in text
    assert not english_words(text), leaks(text)


def test_kazakh_dashboard_has_no_english_words(browser, server):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = browser
    driver.get(server.url + "/?lang=kk")
    _figure_ready(driver, "world-map")
    text = _page_text(driver)
    assert not english_words(text), leaks(text)
    _shot(driver, "dashboard_world_kk")

    driver.get(server.url + "/builder?lang=kk")
    _figure_ready(driver, "builder-map")
    Select(driver.find_element(By.ID, "library")).select_by_value("eaeu_customs_union")
    box = driver.find_element(By.ID, "draws")
    box.clear()
    box.send_keys("5")
    text = _page_text(driver)
    assert not english_words(text), leaks(text)
    driver.find_element(By.ID, "run").click()
    _wait(lambda: "/results/" in driver.current_url, what="the results page")
    _figure_ready(driver, "map")
    text = _page_text(driver)
    _shot(driver, "dashboard_results_kk")
    assert not english_words(text), leaks(text)


def test_builder_uses_the_library_defaults_and_checks_blank_shocks(browser, server):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = browser
    driver.get(server.url + "/builder?lang=kk")
    _figure_ready(driver, "builder-map")
    driver.find_element(By.ID, "mode-compose").click()
    shock = _wait(
        lambda: driver.find_elements(By.CSS_SELECTOR, "#shocks fieldset.shock"), what="a shock"
    )[0]
    Select(shock.find_element(By.CSS_SELECTOR, "select.kind-select")).select_by_value("fta")
    fta = AGREEMENT_DEFAULTS["fta"]
    assert (
        float(shock.find_element(By.CSS_SELECTOR, "input.effect-value").get_attribute("value"))
        == fta.effect
    )
    assert (
        float(shock.find_element(By.CSS_SELECTOR, "input.se-value").get_attribute("value"))
        == fta.se
    )
    Select(shock.find_element(By.CSS_SELECTOR, "select.group")).select_by_value("CA5")
    driver.find_element(By.ID, "check").click()
    status = driver.find_element(By.ID, "status-text")
    _wait(
        lambda: status.text == tr("The scenario is valid; this is the file that will run.", "kk"),
        what="a valid check",
    )
    # A blank shock added after the check: the check no longer stands, and Run names the shock.
    driver.find_element(By.ID, "add-shock").click()
    assert status.text == ""
    driver.find_element(By.ID, "run").click()
    expected = tr(
        "Shock {n}: choose its countries (a group, ISO3 codes or clicks on the map).", "kk", n=2
    )
    _wait(lambda: status.text == expected, what="the blank-shock message")
    assert "/results/" not in driver.current_url
    # A mistyped code is named in Kazakh with the nearest code, before any request.
    second = driver.find_elements(By.CSS_SELECTOR, "#shocks fieldset.shock")[1]
    second.find_element(By.CSS_SELECTOR, "input.members").send_keys("KZA, RUS")
    driver.find_element(By.ID, "run").click()
    expected = tr(
        "Shock {n}: {code} is neither a country code nor a group of this world. Did you mean {near}?",
        "kk",
        n=2,
        code="KZA",
        near="KAZ",
    )
    _wait(
        lambda: status.text == expected, what=f"the unknown-code message (shown: {status.text!r})"
    )
    assert "/results/" not in driver.current_url


def test_a_refused_request_is_explained_in_kazakh(browser, server):  # noqa: F811
    """The server's refusal shown on the Kazakh page has no word left of its English text."""
    import json
    import urllib.error
    import urllib.request

    from _error_words import english_left, has_cyrillic
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = browser
    driver.get(server.url + "/builder?lang=kk")
    _figure_ready(driver, "builder-map")
    Select(driver.find_element(By.ID, "library")).select_by_value("eaeu_customs_union")
    for field, value in (("draws", "5000"), ("seed", "1")):
        box = driver.find_element(By.ID, field)
        box.clear()
        box.send_keys(value)
    driver.find_element(By.ID, "check").click()
    status = driver.find_element(By.ID, "status-text")
    prefix = tr("The server refused the request:", "kk")
    _wait(lambda: status.text.startswith(prefix), what="the refusal")
    shown = status.text
    # The same request in English, as the page sends it: the words that must not be left.
    request = urllib.request.Request(
        server.url + "/api/validate?lang=en",
        data=json.dumps({"draws": 5000, "seed": 1, "scenario": "eaeu_customs_union"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        urllib.request.urlopen(request, timeout=60)
        raise AssertionError("the request was not refused")
    except urllib.error.HTTPError as exc:
        assert exc.code == 400
        english = json.loads(exc.read())["error"]
    assert english.startswith("draws must be between 0 and")
    assert has_cyrillic(shown.removeprefix(prefix))
    assert not english_left(english, shown, {"jahan"}), shown
    _shot(driver, "dashboard_refusal_kk")
