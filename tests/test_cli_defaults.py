"""One interface language for every command, overridable by JAHAN_LANG and --lang."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from jahan._i18n import DEFAULT_LANG, LANG_ENV, default_lang, tr
from jahan.cli import app

runner = CliRunner()


def test_the_default_is_kazakh_and_the_environment_overrides_it(monkeypatch):
    monkeypatch.delenv(LANG_ENV, raising=False)
    assert DEFAULT_LANG == "kk" and default_lang() == "kk"
    monkeypatch.setenv(LANG_ENV, "RU")
    assert default_lang() == "ru"
    monkeypatch.setenv(LANG_ENV, "de")
    with pytest.raises(Exception, match="JAHAN_LANG"):
        default_lang()


@pytest.mark.parametrize(
    ("args", "msgid"),
    [
        (["world"], "Baseline year"),
        (["scenarios"], "Built-in scenarios"),
        (["world", "groups"], "Groups in {year}"),
    ],
)
def test_every_command_speaks_the_same_default(monkeypatch, args, msgid):
    monkeypatch.delenv(LANG_ENV, raising=False)
    res = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert tr(msgid, "kk").split("{")[0].strip() in res.output
    res = runner.invoke(app, args, env={"COLUMNS": "200", LANG_ENV: "ru"})
    assert tr(msgid, "ru").split("{")[0].strip() in res.output
    res = runner.invoke(app, [*args, "--lang", "en"], env={"COLUMNS": "200", LANG_ENV: "ru"})
    assert msgid.split("{")[0].strip() in res.output


def test_index_estimate_and_readiness_default_to_kazakh_too():
    import importlib
    import inspect

    from jahan.cli import COMMAND_MODULES

    checked = 0
    for module in map(importlib.import_module, COMMAND_MODULES):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            default = inspect.signature(fn).parameters.get("lang")
            if default is not None and "LangOption" in str(default.annotation):
                assert default.default is None, f"{module.__name__}.{name} has its own default"
                checked += 1
    assert checked >= 10


def test_scenarios_hint_uses_the_chosen_language():
    res = runner.invoke(app, ["scenarios", "--lang", "en"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "jahan run NAME --lang en" in res.output
    assert "--lang kk" not in res.output
