"""The dashboard in real headless Chromium (Debian's chromium + chromedriver, driven by Selenium).

Switch to Kazakh, pick the EAEU scenario, run it, read the map and the table, download the TOML and
run it with ``jahan run``; compose a scenario; compare two runs. Screenshots of the main pages go to
tests/screenshots/web/ (not committed). Skipped when Chromium is absent, except under CI=true.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from jahan._i18n import fmt_pct, tr

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots" / "web"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
DRAWS, SEED = 10, 1

pytestmark = pytest.mark.browser


def _require(condition: bool, what: str) -> None:
    if not condition:
        if IN_CI:
            pytest.fail(f"{what} is required under CI")
        pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="module")
def world():
    from jahan.world import World

    return World.builtin()


@pytest.fixture(scope="module")
def server(world):
    pytest.importorskip("uvicorn")
    from jahan.web.server import start_in_thread

    running = start_in_thread(world=world)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(tmp_path_factory, downloads):
    _require(Path(CHROMIUM).exists(), "headless Chromium (apt-get install chromium)")
    _require(Path(CHROMEDRIVER).exists(), "chromedriver (apt-get install chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _require(False, "selenium (pip install selenium)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-default-apps",
        "--window-size=1280,1000",
        "--lang=en-US",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
        # No host name resolves: a request for anything off this machine would fail loudly.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "intl.accept_languages": "en-US,en",
        },
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    yield driver
    driver.quit()


def _wait(predicate, timeout: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _figure_ready(driver, element_id: str) -> None:
    _wait(
        lambda: driver.execute_script(
            f"const d = document.getElementById('{element_id}'); return d && d.dataset.ready === '1';"
        ),
        what=f"figure #{element_id}",
    )


def _shot(driver, name: str, height: int | None = None) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if height is None:
        height = min(int(driver.execute_script("return document.body.scrollHeight")), 4000)
    driver.set_window_size(1280, height)
    time.sleep(0.4)  # plotly redraws on resize
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 1000)
    assert path.stat().st_size > 30_000
    return path


def _no_errors_in_console(driver, expected: tuple[str, ...] = ()) -> None:
    entries = [
        e
        for e in driver.get_log("browser")
        if e["level"] == "SEVERE" and not any(text in e["message"] for text in expected)
    ]
    assert not entries, entries[:3]


def test_kazakh_eaeu_run_map_table_and_toml(browser, server, world, downloads, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    from typer.testing import CliRunner

    from jahan.cli import app as cli_app
    from jahan.scenario import Scenario

    driver = browser
    driver.get(server.url + "/?lang=en")
    _figure_ready(driver, "world-map")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    _shot(driver, "world_en", 1400)

    # Switch to Kazakh: the page and the next ones speak Kazakh.
    driver.find_element(By.ID, "lang-kk").click()
    _wait(
        lambda: driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "kk",
        what="Kazakh page",
    )
    _figure_ready(driver, "world-map")
    assert driver.find_element(By.ID, "nav-builder").text == tr("Scenario builder", "kk")
    assert len(driver.find_elements(By.CSS_SELECTOR, "#world-map path.choroplethlocation")) > 150
    card = driver.find_element(By.ID, "card-KAZ")
    assert world.name("KAZ", "kk") in card.text
    _shot(driver, "world_kk", 1400)

    driver.find_element(By.ID, "nav-builder").click()
    _wait(lambda: driver.find_elements(By.ID, "library"), what="builder")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "kk"
    Select(driver.find_element(By.ID, "library")).select_by_value("eaeu_customs_union")
    for field, value in (("draws", DRAWS), ("seed", SEED)):
        box = driver.find_element(By.ID, field)
        box.clear()
        box.send_keys(str(value))
    _shot(driver, "builder_kk", 1000)
    driver.find_element(By.ID, "run").click()
    _wait(lambda: "/results/" in driver.current_url, what="the results page")
    _figure_ready(driver, "map")
    _figure_ready(driver, "bars")

    # The map is drawn: one shape per country, from the locally served geometry.
    assert len(driver.find_elements(By.CSS_SELECTOR, "#map path.choroplethlocation")) > 150
    assert driver.find_element(By.ID, "result-title").text == "ЕАЭО кеден одағы"

    # The table's numbers are those of the Python API for the same scenario and seed.
    expected = Scenario.load("eaeu_customs_union").run(world, draws=DRAWS, seed=SEED).countries
    rows = driver.find_elements(By.CSS_SELECTOR, "#focus-table tbody tr")
    codes = [r.get_attribute("data-code") for r in rows]
    assert codes == ["KAZ", "RUS", "BLR", "KGZ", "ARM", "UZB", "CHN"]
    # Columns equal to an earlier one in every country are shown once (see report.columns).
    from jahan.report.columns import distinct_outputs
    from jahan.report.html import output_labels

    outputs = [o for o, _ in distinct_outputs(expected, output_labels("kk"), "kk")[0]]
    for row, code in zip(rows, codes, strict=True):
        cells = row.find_elements(By.CSS_SELECTOR, "td.num")
        for cell, output in zip(cells, outputs, strict=True):
            assert float(cell.get_attribute("data-value")) == expected.at[code, output]
            shown = cell.find_element(By.CSS_SELECTOR, ".central").text
            assert shown == fmt_pct(expected.at[code, output], "kk", 3)
    # Kazakhstan's welfare band is a real band over the draws.
    kaz = expected.loc["KAZ"]
    assert kaz["welfare_pct_p05"] < kaz["welfare_pct"] < kaz["welfare_pct_p95"]
    headers = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "#focus-table th")]
    assert tr("Welfare", "kk") in headers
    assert driver.find_elements(By.ID, "inequality-table")
    _shot(driver, "results_kk")
    # The map can show another output: its values follow.
    Select(driver.find_element(By.ID, "map-output")).select_by_value("exports_pct")
    shown = driver.execute_script(
        "const d = document.getElementById('map'); const k = d.data[0].locations.indexOf('KAZ');"
        "return [d.dataset.output, d.data[0].z[k]];"
    )
    assert shown == ["exports_pct", expected.at["KAZ", "exports_pct"]]
    _no_errors_in_console(driver)

    # Download the scenario as TOML; `jahan run` accepts it unchanged and gives the same numbers.
    driver.find_element(By.ID, "dl-toml").click()
    toml = _wait(
        lambda: next(iter(downloads.glob("scenario*.toml")), None), 30, "the TOML download"
    )
    out = tmp_path / "cli"
    result = CliRunner().invoke(cli_app, ["run", str(toml), "--out", str(out), "--lang", "kk"])
    assert result.exit_code == 0, result.output
    cli = pd.read_csv(out / "countries.csv").set_index("country")
    for code in codes:
        assert cli.at[code, "welfare_pct"] == expected.at[code, "welfare_pct"]


def test_compose_a_scenario_then_compare_two_runs(browser, server, world):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = browser
    driver.get(server.url + "/builder?lang=ru")
    _figure_ready(driver, "builder-map")
    driver.find_element(By.ID, "mode-compose").click()
    shock = _wait(
        lambda: driver.find_elements(By.CSS_SELECTOR, "#shocks fieldset.shock"), what="a shock"
    )[0]
    Select(shock.find_element(By.CSS_SELECTOR, "select.group")).select_by_value("CA5")
    assert shock.find_element(By.CSS_SELECTOR, "input.members").get_attribute("value") == "CA5"
    # The map shows the chosen members.
    _wait(
        lambda: (
            driver.execute_script(
                "const d = document.getElementById('builder-map');"
                "return d.data[0].z.filter((v) => v === 1).length;"
            )
            == len(world.group("CA5"))
        ),
        what="members on the map",
    )
    # Clicking a country on the map adds it to the shock.
    driver.execute_script(
        "const d = document.getElementById('builder-map');"
        "d.emit('plotly_click', {points: [{location: 'AZE'}]});"
    )
    members = shock.find_element(By.CSS_SELECTOR, "input.members").get_attribute("value")
    assert set(members.replace(" ", "").split(",")) == {*world.group("CA5"), "AZE"}
    for field, value in (("draws", 5), ("seed", SEED)):
        box = driver.find_element(By.ID, field)
        box.clear()
        box.send_keys(str(value))
    driver.find_element(By.ID, "check").click()
    preview = driver.find_element(By.ID, "toml-preview")
    _wait(lambda: preview.is_displayed() and "[[shocks]]" in preview.text, what="the TOML preview")
    assert '"AZE"' in preview.text and 'type = "agreement"' in preview.text
    assert driver.find_element(By.ID, "status-text").text == tr(
        "The scenario is valid; this is the file that will run.", "ru"
    )
    _shot(driver, "builder_compose_ru", 2200)
    driver.find_element(By.ID, "run").click()
    _wait(lambda: "/results/" in driver.current_url, what="the results page")
    _figure_ready(driver, "map")
    first = driver.current_url.split("/results/")[1].split("?")[0]

    # A malformed scenario is refused with the validator's message, shown on the page.
    driver.get(server.url + "/builder?lang=en")
    driver.find_element(By.ID, "mode-compose").click()
    shock = _wait(
        lambda: driver.find_elements(By.CSS_SELECTOR, "#shocks fieldset.shock"), what="a shock"
    )[0]
    shock.find_element(By.CSS_SELECTOR, "input.members").send_keys("KAZ, KAZZ")
    driver.find_element(By.ID, "run").click()
    status = _wait(lambda: driver.find_element(By.ID, "status-text").text or None, what="an error")
    # Said in the page's language before any request (the server would refuse it the same way).
    assert status == tr(
        "Shock {n}: {code} is neither a country code nor a group of this world. "
        "Did you mean {near}?",
        "en",
        n=1,
        code="KAZZ",
        near="KAZ",
    )

    # A second run (a library scenario), then both side by side.
    driver.find_element(By.ID, "mode-library").click()
    Select(driver.find_element(By.ID, "library")).select_by_value("eaeu_customs_union")
    box = driver.find_element(By.ID, "draws")
    box.clear()
    box.send_keys("5")
    driver.find_element(By.ID, "run").click()
    _wait(lambda: "/results/" in driver.current_url, what="the results page")
    second = driver.current_url.split("/results/")[1].split("?")[0]
    driver.get(f"{server.url}/compare?lang=kk&a={first}&b={second}")
    _figure_ready(driver, "compare-bars")
    rows = driver.find_elements(By.CSS_SELECTOR, "#compare-table tbody tr")
    assert len(rows) == len(world.countries)
    a, b, d = (
        float(c.get_attribute("data-value"))
        for c in rows[0].find_elements(By.CSS_SELECTOR, "td.num")
    )
    assert d == pytest.approx(b - a, abs=1e-12)
    _shot(driver, "compare_kk", 1600)
    # The one refused request is the malformed scenario above.
    _no_errors_in_console(
        driver,
        expected=("/api/run - Failed to load resource: the server responded with a status of 400",),
    )


def test_progress_is_shown_and_a_run_can_be_cancelled(browser, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = browser
    driver.get(server.url + "/builder?lang=kk")
    Select(driver.find_element(By.ID, "library")).select_by_value("eaeu_customs_union")
    box = driver.find_element(By.ID, "draws")
    box.clear()
    box.send_keys("400")
    driver.find_element(By.ID, "run").click()
    # Progress after the first chunk of draws: "Шешілуде: 400 іріктеменің 100".
    prefix = tr("Solving: {done} of {total} draws", "kk").split(":")[0]
    _wait(lambda: driver.find_element(By.ID, "status-text").text.startswith(prefix), 60, "progress")
    assert 0 < float(driver.find_element(By.ID, "progress").get_attribute("value")) < 1
    _shot(driver, "builder_progress_kk", 1000)
    driver.find_element(By.ID, "cancel").click()
    _wait(
        lambda: (
            driver.find_element(By.ID, "status-text").text == tr("The run was cancelled.", "kk")
        ),
        60,
        "the cancellation",
    )
    job = driver.execute_script("return document.body.dataset.job")
    assert server.server.config.app.state.jobs.get(job).status == "cancelled"
    assert "/builder" in driver.current_url
