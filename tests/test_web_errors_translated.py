"""The dashboard refuses a request in the page's language: no English sentence in kk or ru.

Each refusal is asked for three times, in English, Kazakh and Russian (``?lang=``). The Kazakh
and Russian answers must contain Cyrillic and none of the words of the English answer, literals
(codes, field and file names, quoted values) left aside; the English answer is the library's
English text, unchanged.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from _error_words import english_left, english_words, has_cyrillic, literal_words  # noqa: E402
from _web_server import MAX_DRAWS  # noqa: E402

from jahan.errors import ConvergenceError, JahanError, Message  # noqa: E402
from jahan.scenario import library_names  # noqa: E402
from jahan.scenario.schema import SHOCK_TYPES  # noqa: E402
from jahan.web.app import Limits  # noqa: E402
from jahan.web.runs import REQUEST_FIELDS  # noqa: E402
from jahan.web.server import start_in_thread  # noqa: E402
from jahan.world import World  # noqa: E402


def _post(server, body: bytes, lang: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{server.url}/api/run?lang={lang}",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _spec(model: dict | None = None, shock: dict | None = None) -> dict:
    return {
        "scenario": {"name": "x"},
        "model": model or {"trade_elasticity": 5.0},
        "shocks": [shock or {"type": "agreement", "members": ["KAZ", "UZB"], "effect": 0.2}],
    }


REFUSALS = {
    "bad field value": {"spec": _spec(model={"closure": "ful"}), "draws": 0},
    "unknown field with a did-you-mean": {"spec": _spec(model={"clousre": "full"}), "draws": 0},
    "unknown country code with a suggestion": {
        "spec": _spec(shock={"type": "agreement", "members": ["KAZ", "KAZZ"], "effect": 0.2}),
        "draws": 0,
    },
    "malformed TOML": {"toml": "[scenario\nname = 'x'\n"},
    "too many draws": {"scenario": "eaeu_customs_union", "draws": MAX_DRAWS + 1},
    "a number out of its bound": {"spec": _spec(model={"trade_elasticity": 0.1}), "draws": 0},
    "unknown shock type": {"spec": _spec(shock={"type": "agrement", "members": "EAEU"})},
}


def _literals(world, payload) -> set[str]:
    return literal_words(
        payload, SHOCK_TYPES, REQUEST_FIELDS, library_names(), world.group_names(), "jahan"
    )


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_refusal_reads_in_the_page_language(server, world, case):
    payload = REFUSALS[case]
    body = json.dumps(payload).encode()
    status, english = _post(server, body, "en")
    assert status == 400, english
    words = english_words(english["error"], _literals(world, payload))
    assert len(words) >= 3, (english["error"], words)  # a sentence to translate
    for lang in ("kk", "ru"):
        got, answer = _post(server, body, lang)
        assert got == status
        text = answer["error"]
        assert has_cyrillic(text), text
        assert not english_left(english["error"], text, _literals(world, payload)), (lang, text)


def test_the_english_answer_is_the_library_text(server, world):
    status, english = _post(server, json.dumps(REFUSALS["malformed TOML"]).encode(), "en")
    assert status == 400
    assert english["error"].startswith("scenario.toml: not valid TOML: Expected ']'")
    _, answer = _post(
        server, json.dumps(REFUSALS["unknown country code with a suggestion"]).encode(), "ru"
    )
    assert "'KAZZ'" in answer["error"] and "'KAZ'" in answer["error"]  # the codes stay as typed


def test_a_body_that_is_not_json_is_refused_in_the_page_language(server):
    status, english = _post(server, b"{not json", "en")
    assert status == 400 and english["error"].startswith("the request body is not valid JSON")
    for lang in ("kk", "ru"):
        _, answer = _post(server, b"{not json", lang)
        assert has_cyrillic(answer["error"])
        assert not english_left(english["error"], answer["error"]), answer["error"]


def test_the_word_check_can_fail():
    english = "scenario.toml, line 4, field model.closure: bad value 'ful'"
    assert english_words(english) == {"line", "field", "bad", "value"}
    assert english_left(english, "scenario.toml, 4-жол, model.closure өрісі: bad value 'ful'") == [
        "bad",
        "value",
    ]
    assert (
        english_left(english, "scenario.toml, 4-жол, model.closure өрісі: жарамсыз мән 'ful'") == []
    )


def test_a_failed_run_reports_in_the_page_language():
    from jahan.web.jobs import Job

    failure = ConvergenceError(
        Message(
            "GE solver did not converge: {why}. {advice}",
            why=Message(
                "the largest market-clearing gap is still {norm:.3g} (log points) after "
                "{iterations} iterations",
                norm=0.0123,
                iterations=500,
            ),
            advice=Message(
                "Raise max_iter, check the shock for extreme or zero values (an importer must "
                "keep at least one supplier), or use imbalances='multiplicative' or 'balanced' "
                "when large trade deficits make expenditure non-positive."
            ),
        )
    )
    job = Job(id="x", scenario=type("S", (), {"name": "x"})(), toml="", draws=0, seed=1)
    job.error, job.failure = str(failure), failure
    english = job.public("en")["error"]
    assert english == str(failure) and "0.0123" in english
    for lang in ("kk", "ru"):
        text = job.public(lang)["error"]
        assert has_cyrillic(text) and "0,0123" in text  # the number in the language's symbols
        assert not english_left(english, text), text


def test_an_error_without_a_translatable_form_still_shows_in_english():
    exc = JahanError("something plain")
    assert exc.translated("kk") == "something plain"


# -- a user world with missing numbers ----------------------------------------------------------
@pytest.fixture(scope="module")
def gappy_server():
    """A world of three countries, one without GDP and one without population."""
    import pandas as pd

    codes = ["AAA", "BBB", "CCC"]
    countries = pd.DataFrame(
        {
            "iso3": codes,
            "name_en": ["Aland", "Bland", "Cland"],
            "gdp_usd": [1.0e11, float("nan"), 3.0e11],
            "population": [1.0e6, 2.0e6, float("nan")],
        }
    )
    flows = pd.DataFrame(
        [
            {"exporter": e, "importer": i, "value": 100.0 if e == i else 10.0}
            for e in codes
            for i in codes
        ]
    )
    running = start_in_thread(world=World.from_frames(countries=countries, flows=flows))
    yield running
    running.stop()


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_world_api_gives_null_for_missing_numbers(gappy_server):
    status, body = _get(gappy_server.url + "/api/world")
    assert status == 200, body[:300]
    rows = {row["iso3"]: row for row in json.loads(body)["countries"]}
    assert rows["BBB"]["gdp_usd"] is None and rows["CCC"]["population"] is None
    assert rows["AAA"]["gdp_usd"] == 1.0e11 and rows["BBB"]["population"] == 2.0e6


@pytest.mark.parametrize(("lang", "no_data"), [("kk", "деректер жоқ"), ("ru", "нет данных")])
def test_world_page_says_no_data_in_its_language(gappy_server, lang, no_data):
    from jahan._i18n import tr

    assert tr("no data", lang) == no_data
    status, body = _get(f"{gappy_server.url}/?lang={lang}")
    assert status == 200
    page = body.decode("utf-8")
    # BBB lacks GDP (so GDP and GDP per person), CCC lacks population (and per person).
    assert page.count(no_data) == 4, page.count(no_data)
    assert "NaN" not in page.replace("NaN,", "")  # no "NaN" shown as a number


def test_a_full_queue_is_explained_in_the_page_language(world):
    running = start_in_thread(
        world=world, limits=Limits(max_draws=MAX_DRAWS, workers=1, max_queued=0)
    )
    try:
        first = _post(
            running, json.dumps({"scenario": "eaeu_customs_union", "draws": 50}).encode(), "en"
        )
        assert first[0] == 202
        busy = json.dumps({"scenario": "eaeu_customs_union", "draws": 0}).encode()
        answers = {lang: _post(running, busy, lang) for lang in ("en", "kk", "ru")}
        english = answers["en"][1]["error"]
        assert answers["en"][0] == 429 and "already queued or running" in english
        for lang in ("kk", "ru"):
            status, answer = answers[lang]
            assert status == 429 and has_cyrillic(answer["error"])
            assert not english_left(english, answer["error"]), answer["error"]
        cancel = urllib.request.Request(
            f"{running.url}/api/jobs/{first[1]['job']}/cancel", data=b"", method="POST"
        )
        urllib.request.urlopen(cancel, timeout=60).close()
    finally:
        running.stop()
