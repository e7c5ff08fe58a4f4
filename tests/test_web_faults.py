"""Dashboard faults: tokens in any alphabet, refusals that arrive instead of a reset connection,
nesting bounded before JSON parsing, and finished results kept on disk within a memory budget."""

from __future__ import annotations

import gc
import json
import time
import urllib.error
import urllib.request
import weakref
from urllib.parse import quote

import pandas as pd
import pytest

pytest.importorskip("uvicorn")

from jahan.scenario import Scenario  # noqa: E402
from jahan.web.jobs import DONE, JobManager  # noqa: E402
from jahan.web.server import start_in_thread  # noqa: E402
from jahan.web.store import ResultStore  # noqa: E402

TOKEN = "құпия-сөз-секретный-токен"  # Kazakh and Russian letters
JUNK = b"\x00junk\xff" * (10 * 1024 * 1024 // 6)  # about 10 MB


@pytest.fixture(autouse=True)
def english_answers(monkeypatch):
    """These tests read the English texts: the server answers in the request's language
    (Kazakh by default); the Kazakh and Russian answers are tested in
    tests/test_web_errors_translated.py."""
    monkeypatch.setenv("JAHAN_LANG", "en")


@pytest.fixture(scope="module")
def world():
    from test_scenario import tiny_world

    return tiny_world()


def call(
    url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None
):
    """(status, headers, body); a reset connection raises, which is what the tests rule out."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def test_a_token_in_cyrillic_lets_its_holder_in(world):
    running = start_in_thread(world=world, token=TOKEN)
    try:
        assert call(running.url + "/builder")[0] == 401
        status, headers, _ = call(f"{running.url}/builder?token={quote(TOKEN)}")
        assert status == 200
        cookie = next(
            v for k, v in headers.items() if k.lower() == "set-cookie" and "jahan_token" in v
        )
        value = cookie.split(";")[0].split("=", 1)[1]
        assert value.isascii()
        assert call(running.url + "/builder", headers={"Cookie": f"jahan_token={value}"})[0] == 200
        assert call(running.url + "/builder", headers={"Cookie": "jahan_token=wrong"})[0] == 401
        assert (
            call(running.url + "/api/scenarios", headers={"X-Jahan-Token": TOKEN.encode("utf-8")})[
                0
            ]
            == 200
        )
    finally:
        running.stop()


@pytest.mark.parametrize(
    ("path", "content_type", "status"),
    [
        ("/api/run", "text/plain", 415),
        ("/api/validate", "application/octet-stream", 415),
        ("/", "text/plain", 405),
        ("/api/jobs/nope", "application/json", 405),
        ("/api/run", "application/json", 413),
    ],
)
def test_ten_megabytes_of_junk_get_an_answer_not_a_reset(world, path, content_type, status):
    running = start_in_thread(world=world)
    try:
        got, _, body = call(running.url + path, JUNK, {"Content-Type": content_type}, method="POST")
        assert got == status, body[:200]
        assert call(running.url + "/api/scenarios")[0] == 200  # still serving
    finally:
        running.stop()


def test_junk_without_the_token_gets_401_not_a_reset(world):
    running = start_in_thread(world=world, token=TOKEN)
    try:
        got, _, body = call(running.url + "/api/run", JUNK, {"Content-Type": "application/json"})
        assert got == 401 and "token is required" in json.loads(body)["error"]
    finally:
        running.stop()


def test_deeply_nested_json_is_a_400_not_a_500(world):
    running = start_in_thread(world=world)
    try:
        body = b'{"spec": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        got, _, answer = call(
            running.url + "/api/validate", body, {"Content-Type": "application/json"}
        )
        assert (
            got == 400
            and "nests arrays or objects more than 32 levels" in json.loads(answer)["error"]
        )
    finally:
        running.stop()


# -- memory budget -----------------------------------------------------------------------------
TOML = '[scenario]\nname = "m"\nfocus = ["KAZ"]\n\n[[shocks]]\ntype = "agreement"\nmembers = "EAEU"\neffect = 0.4\nse = 0.1\n'


def test_store_keeps_only_the_budget_in_memory_and_gives_results_back_exactly(world, tmp_path):
    sc = Scenario.from_toml(TOML, "m.toml")
    store = ResultStore(in_memory=1, folder=tmp_path / "store")
    first = sc.run(world, draws=15, seed=1)
    expected = first.countries
    ref = weakref.ref(first)
    store.put("a1", first)
    del first
    store.put("b2", sc.run(world, draws=15, seed=2))
    gc.collect()
    assert ref() is None, "an evicted result is still held in memory"
    assert store.loaded() == 1 and len(store) == 2
    pd.testing.assert_frame_equal(store.get("a1").countries, expected, check_exact=True)
    store.drop("a1")
    assert sorted(p.name for p in (tmp_path / "store").iterdir()) == ["b2.pickle"]


def test_job_manager_holds_at_most_its_budget_of_results(world):
    manager = JobManager(lambda: world, workers=1, max_queued=8, keep=4, in_memory=2)
    sc = Scenario.from_toml(TOML, "m.toml")
    try:
        jobs = [manager.submit(sc, TOML, 10, seed) for seed in range(1, 7)]
        deadline = time.monotonic() + 120
        while any(j.status not in (DONE, "failed") for j in jobs) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(j.status == DONE for j in jobs)
        manager.submit(sc, TOML, 0, 99)  # a submission trims the oldest finished runs
        assert manager.store.loaded() <= 2
        assert len(manager.store) <= 4 + 1
        files = list(manager.store.folder.iterdir())
        assert len(files) == len(manager.store)
        last = jobs[-1]
        pd.testing.assert_frame_equal(
            last.result.countries, sc.run(world, draws=10, seed=6).countries, check_exact=True
        )
        folder = manager.store.folder
    finally:
        manager.shutdown()
    assert not folder.exists()
