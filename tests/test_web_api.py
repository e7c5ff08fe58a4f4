"""The dashboard's server without a browser: pages, the run API, downloads, limits, tokens, jobs."""

from __future__ import annotations

import io
import json
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from _web_server import MAX_DRAWS  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from jahan._i18n import tr  # noqa: E402
from jahan.cli import app as cli_app  # noqa: E402
from jahan.errors import JahanError, ScenarioError  # noqa: E402
from jahan.scenario import Scenario, library_names  # noqa: E402
from jahan.web.app import Limits  # noqa: E402
from jahan.web.runs import parse_run_request  # noqa: E402
from jahan.web.server import check_binding, start_in_thread  # noqa: E402
from jahan.web.toml_text import spec_to_toml  # noqa: E402


@pytest.fixture(autouse=True)
def english_answers(monkeypatch):
    """These tests read the English texts: the server answers in the request's language
    (Kazakh by default); the Kazakh and Russian answers are tested in
    tests/test_web_errors_translated.py."""
    monkeypatch.setenv("JAHAN_LANG", "en")


def call(
    url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None
):
    """(status, headers, body) without raising on 4xx."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def post_json(server, payload) -> tuple[int, dict]:
    status, _, body = call(
        server.url + "/api/run", json.dumps(payload).encode(), {"Content-Type": "application/json"}
    )
    return status, json.loads(body)


def wait(server, job_id: str, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, _, body = call(f"{server.url}/api/jobs/{job_id}")
        state = json.loads(body)
        assert status == 200, state
        if state["status"] not in ("queued", "running"):
            return state
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def still_serving(server) -> None:
    status, _, body = call(server.url + "/builder?lang=ru")
    assert status == 200 and tr("Scenario builder", "ru").encode() in body


# -- pages ------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_pages_in_each_language_use_only_local_assets(server, lang):
    for path, title in (
        ("/", "The world"),
        ("/builder", "Scenario builder"),
        ("/compare", "Compare runs"),
    ):
        status, headers, body = call(f"{server.url}{path}?lang={lang}")
        html = body.decode()
        assert status == 200
        assert f'<html lang="{lang}">' in html
        assert (
            tr(title, lang) in html
            and tr("Runs on this computer; nothing is sent over the network.", lang) in html
        )
        # Every script and stylesheet is served by this server.
        assert 'src="http' not in html and 'href="http' not in html and "cdn" not in html.lower()
        assert f"jahan_lang={lang}" in " ".join(headers.get_all("set-cookie") or [])
    # The language choice is kept: the next page without ?lang comes in the same language.
    status, _, body = call(server.url + "/builder", headers={"Cookie": f"jahan_lang={lang}"})
    assert tr("Scenario builder", lang) in body.decode()


def test_world_page_has_a_card_per_country(server, world):
    _, _, body = call(server.url + "/?lang=kk")
    html = body.decode()
    assert html.count('class="card"') == len(world.countries)
    assert world.name("KAZ", "kk") in html and 'id="card-KAZ"' in html


def test_static_assets_come_from_the_installed_packages(server):
    from plotly.offline import get_plotlyjs

    status, headers, body = call(server.url + "/static/plotly.min.js")
    assert status == 200 and body.decode() == get_plotlyjs()
    status, _, body = call(server.url + "/static/countries.geo.json")
    geo = json.loads(body)
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) > 150
    assert call(server.url + "/static/../../etc/passwd")[0] == 404


# -- runs ---------------------------------------------------------------------------------------
def test_run_equals_the_python_api_and_the_toml_reruns_unchanged(server, world, tmp_path):
    status, answer = post_json(server, {"scenario": "eaeu_customs_union", "draws": 10, "seed": 1})
    assert status == 202, answer
    state = wait(server, answer["job"])
    assert state["status"] == "done" and state["done"] == 10
    job = answer["job"]

    expected = Scenario.load("eaeu_customs_union").run(world, draws=10, seed=1).countries
    _, _, body = call(f"{server.url}/api/jobs/{job}/countries.csv")
    web = pd.read_csv(io.BytesIO(body)).set_index("country")
    pd.testing.assert_frame_equal(web, expected, check_exact=True, check_names=False)

    _, _, body = call(f"{server.url}/api/jobs/{job}/countries.parquet")
    long = pd.read_parquet(io.BytesIO(body))
    kaz = long[(long["country"] == "KAZ") & (long["output"] == "welfare_pct")].iloc[0]
    assert kaz["central"] == expected.at["KAZ", "welfare_pct"]
    assert kaz["p05"] < kaz["central"] < kaz["p95"]

    status, headers, body = call(f"{server.url}/api/jobs/{job}/report.html?lang=kk")
    assert status == 200 and "attachment" in headers["content-disposition"]
    assert tr("Welfare change by country", "kk") in body.decode()

    # The downloaded scenario runs with `jahan run` as it is, and gives the same numbers.
    _, _, body = call(f"{server.url}/api/jobs/{job}/scenario.toml")
    toml = tmp_path / "scenario.toml"
    toml.write_bytes(body)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli_app, ["run", str(toml), "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    cli = pd.read_csv(out / "countries.csv").set_index("country")
    pd.testing.assert_frame_equal(cli, web, check_exact=True)

    _, _, body = call(f"{server.url}/results/{job}?lang=kk")
    html = body.decode()
    assert 'id="focus-table"' in html and 'id="all-table"' in html and 'id="map"' in html
    assert tr("Inequality of gains", "kk") in html


def test_composed_scenario_runs_and_its_toml_is_the_one_validated(server, world):
    spec = {
        "scenario": {"name": "Central Asian customs union", "focus": ["KAZ", "UZB"]},
        "model": {"trade_elasticity": 4, "closure": "conditional"},
        "shocks": [
            {
                "type": "agreement",
                "members": "CA5",
                "kind": "customs_union",
                "effect": 0.3,
                "se": 0.05,
            },
            {
                "type": "trade_cost",
                "exporters": ["KAZ"],
                "importers": "CHN",
                "change_pct": -10,
                "se_pct": 2,
            },
        ],
    }
    status, answer = post_json(server, {"spec": spec, "draws": 5, "seed": 4})
    assert status == 202, answer
    assert wait(server, answer["job"])["status"] == "done"
    _, _, body = call(f"{server.url}/api/jobs/{answer['job']}/scenario.toml")
    sc = Scenario.from_toml(body.decode())
    assert sc.spec.model.closure == "conditional" and sc.spec.model.trade_elasticity == 4.0
    assert (sc.spec.uncertainty.draws, sc.spec.uncertainty.seed) == (5, 4)
    expected = sc.run(world).countries
    _, _, body = call(f"{server.url}/api/jobs/{answer['job']}/countries.csv")
    web = pd.read_csv(io.BytesIO(body)).set_index("country")
    assert web.loc["UZB", "welfare_pct"] == expected.loc["UZB", "welfare_pct"]


@pytest.mark.parametrize("name", library_names())
def test_library_scenarios_survive_the_round_trip_through_toml(world, name):
    scenario, text, draws, seed = parse_run_request(
        {"scenario": name, "draws": 3, "seed": 9}, world, 100
    )
    original = Scenario.load(name).spec.model_dump()
    original["uncertainty"] = {"draws": 3, "seed": 9}
    assert scenario.spec.model_dump() == original
    assert Scenario.from_toml(text).spec == scenario.spec


# -- malformed requests -------------------------------------------------------------------------
def test_unknown_country_gets_the_command_line_error(server, tmp_path):
    spec = {
        "scenario": {"name": "x"},
        "shocks": [{"type": "agreement", "members": ["KAZ", "KAZZ"], "effect": 0.2}],
    }
    status, answer = post_json(server, {"spec": spec, "draws": 0})
    assert status == 400
    assert (
        "unknown country code or group 'KAZZ'" in answer["error"]
        and "Did you mean 'KAZ'?" in answer["error"]
    )
    # `jahan run` on the same file says the same thing (the file name aside).
    path = tmp_path / "scenario.toml"
    path.write_text(answer["toml"], encoding="utf-8")
    result = CliRunner().invoke(
        cli_app, ["run", str(path), "--lang", "en", "--out", str(tmp_path / "o")]
    )
    assert isinstance(result.exception, ScenarioError)
    assert str(result.exception).replace(str(path), "scenario.toml") == answer["error"]
    still_serving(server)


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        (
            {"scenario": "eaeu_customs_union", "draws": MAX_DRAWS + 1},
            400,
            f"draws must be between 0 and {MAX_DRAWS}",
        ),
        ({"scenario": "eaeu_customs_union", "draws": -1}, 400, "draws must be between 0"),
        ({"scenario": "eaeu_customs_union", "draws": 2.5}, 400, "draws must be a whole number"),
        ({"scenario": "eaeu_custom_union"}, 400, "Did you mean 'eaeu_customs_union'?"),
        ({"scenario": "../../../etc/passwd"}, 400, "unknown scenario"),
        ({"scenario": "eaeu_customs_union", "spec": {}}, 400, "exactly one of"),
        ({"scenario": "eaeu_customs_union", "colour": "red"}, 400, "unknown field 'colour'"),
        (
            {
                "spec": {
                    "scenario": {"name": "x"},
                    "shocks": [{"type": "agrement", "members": "EAEU"}],
                },
                "draws": 0,
            },
            400,
            "unknown shock type 'agrement'",
        ),
        (
            {
                "spec": {
                    "scenario": {"name": "x"},
                    "shocks": [{"type": "agreement", "members": {"a": 1}}],
                }
            },
            400,
            "field shocks[1].members",
        ),
        (
            {
                "toml": "[scenario]\nname = 'x'\n[[shocks]]\ntype = 'autarky'\ncountries = 'KAZ'\n",
                "draws": 1000,
            },
            400,
            "draws must be between",
        ),
        ([1, 2, 3], 400, "must be a JSON object"),
    ],
)
def test_malformed_run_requests_get_a_clear_4xx(server, payload, status, message):
    got, answer = post_json(server, payload)
    assert got == status, answer
    assert message in answer["error"]
    still_serving(server)


def test_oversized_and_non_json_bodies_are_refused(server):
    big = b'{"toml": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    status, _, body = call(server.url + "/api/run", big, {"Content-Type": "application/json"})
    assert status == 413 and "request body too large" in json.loads(body)["error"]
    still_serving(server)
    status, _, body = call(
        server.url + "/api/run", b"{not json", {"Content-Type": "application/json"}
    )
    assert status == 400 and "not valid JSON" in json.loads(body)["error"]
    status, _, body = call(
        server.url + "/api/run",
        b"scenario=x",
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 415
    status, _, body = call(server.url + "/api/jobs/nope")
    assert status == 404 and "no run with this id" in json.loads(body)["error"]
    still_serving(server)


# -- jobs: several users, cancellation, queue bound -----------------------------------------------
def test_several_runs_at_once_and_pages_stay_responsive(server):
    answers = []

    def submit(seed: int) -> None:
        answers.append(
            post_json(server, {"scenario": "sanctions_russia_eu", "draws": 0, "seed": seed})
        )

    threads = [threading.Thread(target=submit, args=(s,)) for s in (1, 2, 3)]
    for t in threads:
        t.start()
    started = time.monotonic()
    still_serving(server)
    assert time.monotonic() - started < 5.0
    for t in threads:
        t.join()
    assert all(status == 202 for status, _ in answers)
    assert {wait(server, a["job"])["status"] for _, a in answers} == {"done"}


def test_a_run_can_be_cancelled(server):
    status, answer = post_json(
        server, {"scenario": "eaeu_customs_union", "draws": MAX_DRAWS, "seed": 2}
    )
    assert status == 202
    status, _, body = call(f"{server.url}/api/jobs/{answer['job']}/cancel", b"", method="POST")
    assert status == 200
    state = wait(server, answer["job"])
    assert state["status"] == "cancelled" and state["done"] < MAX_DRAWS
    assert call(f"{server.url}/results/{answer['job']}")[0] == 404
    still_serving(server)


def test_queue_is_bounded(world):
    running = start_in_thread(
        world=world, limits=Limits(max_draws=MAX_DRAWS, workers=1, max_queued=0)
    )
    try:
        first = post_json(running, {"scenario": "eaeu_customs_union", "draws": MAX_DRAWS})
        second = post_json(running, {"scenario": "eaeu_customs_union", "draws": 0})
        assert first[0] == 202
        assert second[0] == 429 and "already queued or running" in second[1]["error"]
        call(f"{running.url}/api/jobs/{first[1]['job']}/cancel", b"", method="POST")
    finally:
        running.stop()


# -- binding and tokens ---------------------------------------------------------------------------
def test_binding_beyond_loopback_needs_a_token():
    with pytest.raises(JahanError, match="--token"):
        check_binding("0.0.0.0", None)
    with pytest.raises(JahanError, match="too short"):
        check_binding("0.0.0.0", "short")
    check_binding("127.0.0.1", None)
    check_binding("0.0.0.0", "a-long-enough-secret-token")
    result = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0", "--port", "1"])
    assert isinstance(result.exception, JahanError) and "--token" in str(result.exception)


def test_token_is_required_when_set(world):
    token = "a-long-enough-secret-token"
    running = start_in_thread(world=world, token=token)
    try:
        status, _, body = call(running.url + "/builder")
        assert status == 401 and "token is required" in json.loads(body)["error"]
        assert (
            call(running.url + "/builder", headers={"X-Jahan-Token": "wrong-token-of-some-length"})[
                0
            ]
            == 401
        )
        status, headers, _ = call(f"{running.url}/builder?token={token}")
        assert status == 200 and "jahan_token=" in " ".join(headers.get_all("set-cookie") or [])
        assert call(running.url + "/builder", headers={"Cookie": f"jahan_token={token}"})[0] == 200
    finally:
        running.stop()


def test_foreign_host_names_and_cross_site_posts_are_refused(server):
    status, _, body = call(server.url + "/", headers={"Host": "attacker.example:8050"})
    assert status == 421 and "127.0.0.1 only" in json.loads(body)["error"]
    status, _, body = call(
        server.url + "/api/run",
        b"{}",
        {"Content-Type": "application/json", "Origin": "http://attacker.example"},
    )
    assert status == 403


def test_serve_command_is_registered():
    result = CliRunner().invoke(cli_app, ["serve", "--help"])
    assert result.exit_code == 0 and "--token" in result.output and "127.0.0.1" in result.output


def test_paths_of_the_package_assets_exist():
    from importlib import resources

    for name in ("app.js", "style.css"):
        assert (resources.files("jahan.web") / "static" / name).is_file()
    assert Path(str(resources.files("jahan.web") / "templates" / "base.html")).is_file()


def test_toml_writer_keeps_text_exact_and_refuses_what_toml_cannot_hold():
    import tomllib

    name = 'Қазақстан "жол" \\ 100%\nsecond line\ttab'
    text = spec_to_toml(
        {
            "scenario": {"name": name, "focus": ["KAZ"]},
            "shocks": [{"type": "autarky", "countries": "KAZ"}],
        }
    )
    assert tomllib.loads(text)["scenario"]["name"] == name
    with pytest.raises(ScenarioError, match=r"shocks\[1\].change_pct.*finite"):
        spec_to_toml(
            {"scenario": {"name": "x"}, "shocks": [{"type": "border", "change_pct": float("nan")}]}
        )
    with pytest.raises(ScenarioError, match=r"model: must be a table"):
        spec_to_toml({"scenario": {"name": "x"}, "model": [1], "shocks": []})


def test_jahan_serve_starts_on_loopback_and_stops(tmp_path):
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "jahan.cli", "serve", "--port", str(port), "--lang", "en"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status = call(f"http://127.0.0.1:{port}/builder?lang=en")[0]
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        assert status == 200
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=20)
    assert f"Dashboard: http://127.0.0.1:{port}/?lang=en" in output


def test_language_links_keep_the_page_and_its_query(server):
    _, _, body = call(server.url + "/builder?view=x%26y&lang=ru")
    html = body.decode()
    assert 'id="lang-kk" href="/builder?view=x%26y&amp;lang=kk"' in html
    assert 'id="lang-en" href="/builder?view=x%26y&amp;lang=en"' in html


def test_validate_returns_the_file_without_running(server):
    payload = {"scenario": "kazakhstan_autarky", "draws": 3, "seed": 5}
    status, _, body = call(
        server.url + "/api/validate",
        json.dumps(payload).encode(),
        {"Content-Type": "application/json"},
    )
    answer = json.loads(body)
    assert status == 200
    sc = Scenario.from_toml(answer["toml"])
    assert (sc.spec.uncertainty.draws, sc.spec.uncertainty.seed) == (3, 5)
    assert sc.spec.shocks == Scenario.load("kazakhstan_autarky").spec.shocks
    bad = {"scenario": "kazakhstan_autarky", "draws": MAX_DRAWS + 1}
    status, _, body = call(
        server.url + "/api/validate", json.dumps(bad).encode(), {"Content-Type": "application/json"}
    )
    assert status == 400 and json.loads(body)["error"] == post_json(server, bad)[1]["error"]
