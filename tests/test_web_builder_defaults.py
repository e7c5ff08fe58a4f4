"""The dashboard offers the library's agreement defaults, speaks the default language, and keeps
plotly's toolbar off the colour-bar title."""

from __future__ import annotations

import json
import re

import pytest
from test_web_api import call

from jahan._i18n import LANG_ENV
from jahan.scenario.defaults import AGREEMENT_DEFAULTS
from jahan.web.pages import MODEBAR_MARGIN_PX


def test_agreement_kinds_carry_the_library_defaults(server):  # noqa: F811
    status, _, body = call(server.url + "/builder?lang=kk")
    assert status == 200
    html = body.decode()
    for kind, default in AGREEMENT_DEFAULTS.items():
        option = re.search(
            rf'<option value="{kind}" data-effect="([^"]+)" data-se="([^"]+)">', html
        )
        assert option, kind
        assert float(option.group(1)) == default.effect and float(option.group(2)) == default.se
    # The first kind's numbers fill the inputs, which accept them (no step that rejects 0.055771).
    first = next(iter(re.finditer(r'<option value="(\w+)" data-effect', html))).group(1)
    effect = re.search(r'class="effect-value" type="number" step="any" value="([^"]+)"', html)
    se = re.search(r'class="se-value" type="number" step="any" min="0" value="([^"]+)"', html)
    assert float(effect.group(1)) == AGREEMENT_DEFAULTS[first].effect
    assert float(se.group(1)) == AGREEMENT_DEFAULTS[first].se
    assert 'value="0.5"' not in html and 'value="0.1"' not in html


def test_pages_default_to_the_one_default_language(server, monkeypatch):  # noqa: F811
    monkeypatch.delenv(LANG_ENV, raising=False)
    _, _, body = call(server.url + "/", headers={"Accept-Language": "en-US,en"})
    assert '<html lang="kk">' in body.decode()
    _, _, body = call(server.url + "/?lang=ru")
    assert '<html lang="ru">' in body.decode()


@pytest.mark.parametrize("page", ["/", "/builder"])
def test_figures_leave_room_for_the_toolbar(server, page):  # noqa: F811
    _, _, body = call(server.url + page + "?lang=kk")
    figure = json.loads(
        re.search(
            r'<script id="[\w-]*map-json" type="application/json">(.*?)</script>',
            body.decode(),
            re.S,
        )
        .group(1)
        .replace("<\\/", "</")
    )
    assert figure["layout"]["margin"]["t"] >= MODEBAR_MARGIN_PX >= 36  # toolbar height ~ 30 px
    assert figure["layout"]["separators"] == ",\u00a0"  # the axes speak Kazakh numbers too
