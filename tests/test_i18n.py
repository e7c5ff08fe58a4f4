"""The translation layer: every message used in the code is translated into Kazakh and Russian."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from _error_words import _without_literals

from jahan._i18n import LANGUAGES, catalog, check_lang, fmt_number, fmt_pct, fmt_signif, tr
from jahan.errors import JahanError

SRC = Path(__file__).resolve().parents[1] / "src" / "jahan"


def _has_words(msgid: str) -> bool:
    """A template of placeholders and punctuation only ("{where}: {problem}") needs no translation."""
    return any(ch.isalpha() for text, _, _, _ in string.Formatter().parse(msgid) for ch in text)


def _messages_in_code() -> dict[str, str]:
    """msgid -> 'file:line' for every literal first argument of tr(...) or Message(...) and every
    literal ``msgid=`` keyword (errors: ``JahanError(msgid=...)``) in the package."""
    found: dict[str, str] = {}
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            literals = []
            if (
                name in ("tr", "Message")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                literals.append(node.args[0].value)
            literals += [
                kw.value.value
                for kw in node.keywords
                if kw.arg == "msgid"
                and isinstance(kw.value, ast.Constant)
                and isinstance(kw.value.value, str)
            ]
            for msgid in literals:
                if _has_words(msgid):
                    found.setdefault(msgid, f"{path.relative_to(SRC)}:{node.lineno}")
    for path in SRC.rglob("*.html"):
        for match in re.finditer(r"""tr\(\s*(['"])(.+?)\1""", path.read_text(encoding="utf-8")):
            found.setdefault(match.group(2), str(path.relative_to(SRC)))
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_message_in_code_is_translated(lang):
    messages = _messages_in_code()
    missing = [
        f"{msgid!r} ({where})" for msgid, where in messages.items() if msgid not in catalog(lang)
    ]
    assert not missing, f"{len(missing)} messages lack a {lang} translation:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_translations_keep_placeholders(lang):
    bad = [msgid for msgid, text in catalog(lang).items() if _fields(msgid) != _fields(text)]
    assert not bad, f"placeholders differ between msgid and {lang} translation: {bad}"


def test_kazakh_is_cyrillic():
    texts = list(catalog("kk").values())
    if not texts:
        pytest.skip("no Kazakh messages yet")
    # The prose around the values: placeholders and what stays as typed (quoted values, column
    # and field names, formulas, codes) are not Kazakh words and are left out of the count.
    prose = [_without_literals(re.sub(r"\{[^{}]*\}", " ", text)) for text in texts]
    letters = "".join(ch for text in prose for ch in text if ch.isalpha())
    cyrillic = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    assert cyrillic / len(letters) > 0.9


def test_unknown_language_is_a_clear_error():
    with pytest.raises(JahanError, match="kk = Kazakh"):
        check_lang("de")
    assert check_lang("KK") == "kk"
    assert set(LANGUAGES) == {"en", "ru", "kk"}


def test_english_falls_back_to_msgid_and_fills_values():
    assert tr("{n} countries", "en", n=3) == "3 countries"


def test_number_formats_follow_cldr():
    assert fmt_pct(1.2345, "en") == "+1.23%"
    assert fmt_pct(-0.5, "ru").startswith("-0,50")
    assert fmt_number(1234.5, "en") == "1,234.50"
    assert "," in fmt_number(1234.5, "kk")


def test_small_changes_do_not_read_as_zero():
    assert fmt_pct(-0.00043, "en") == "-0.00043%"
    assert fmt_pct(1.23456, "en") == "+1.23%"
    assert fmt_pct(0.0, "en") == "0.00%"
    assert fmt_pct(0.0012, "ru").replace("\xa0", " ") == "+0,0012%"
    assert fmt_pct(0.012, "ru").replace("\xa0", " ") == "+0,01%"


def test_a_small_loss_never_reads_as_a_gain():
    # Uzbekistan's welfare change in the EAEU scenario was printed as "+0.000%".
    assert fmt_pct(-0.000234, "en", 3) == "-0.00023%"
    for lang in ("kk", "ru", "en"):
        text = fmt_pct(-0.000234, lang, 3)
        assert text.startswith("-") and "23" in text, text
        assert fmt_pct(0.000234, lang, 3).startswith("+")


def test_significant_digits_never_use_exponents():
    assert fmt_signif(5.19e-05, "en") == "0.0000519"
    assert fmt_signif(5.19e-05, "ru") == "0,0000519"
    assert fmt_signif(0.12345, "kk") == "0,123"
    assert fmt_signif(float("nan"), "en") == "—"


def test_noise_below_precision_is_not_a_negative_zero():
    assert fmt_pct(-1e-16, "en", 3) == "0.000%"
    assert fmt_pct(-0.0004, "en", 3) == "-0.00040%"
    assert fmt_pct(-0.0006, "en", 3) == "-0.001%"


def test_group_labels_in_each_language():
    from jahan._i18n import group_label

    assert group_label("EAEU", "kk") == "ЕАЭО" and group_label("EAEU", "ru") == "ЕАЭС"
    assert group_label("EAEU", "en") == "EAEU"
    assert group_label("CA5", "kk") == "CA5"  # no usual abbreviation: shown as it is


def test_an_error_message_renders_in_each_language():
    import pickle

    from jahan.errors import Message, ScenarioError

    where = [Message("{path}, row {line}", path="t.csv", line=12)]
    exc = ScenarioError(
        Message(
            "{where}: the file is {size:,} bytes; a scenario file is at most {limit:,} bytes "
            "(the built-in ones are under 4 KB)",
            where=where,
            size=1234567,
            limit=1048576,
        )
    )
    # English is str.format's own text: existing messages read as before.
    assert str(exc) == (
        "t.csv, row 12: the file is 1,234,567 bytes; a scenario file is at most 1,048,576 bytes "
        "(the built-in ones are under 4 KB)"
    )
    ru = exc.translated("ru")
    assert ru.startswith("t.csv, строка 12:")
    assert "1\xa0234\xa0567" in ru and "," not in ru.split(":")[1].split("(")[0]
    kk = exc.translated("kk")
    assert "12-жол" in kk and "1\xa0234\xa0567" in kk
    # A process pool hands errors back pickled: the translatable form survives.
    assert pickle.loads(pickle.dumps(exc)).translated("kk") == kk


def test_lists_of_codes_are_joined_and_quoted_values_stay_as_typed():
    from jahan.errors import Message

    text = Message(
        "{outside} cannot leave: not a member of {bloc!r} in {year} (members then: {codes}); "
        "name members of the bloc in the baseline year",
        outside=["UZB"],
        bloc="EAEU",
        year=2016,
        codes=["ARM", "BLR", "KAZ"],
    )
    assert str(text).startswith(
        "UZB cannot leave: not a member of 'EAEU' in 2016 (members then: ARM, BLR, KAZ)"
    )
    ru = text.render("ru")
    assert "'EAEU'" in ru and "ARM, BLR, KAZ" in ru and "2016" in ru  # years are not grouped


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_shock_type_is_named_in_every_language(lang):
    from jahan.scenario import tr_shock_type
    from jahan.scenario.schema import SHOCK_TYPES

    # The English name is the message id (tr falls back to it).
    missing = [t for t in SHOCK_TYPES if tr_shock_type(t, "en") not in catalog(lang)]
    assert not missing, f"shock types without a {lang} name: {missing}"
    names = {t: tr_shock_type(t, lang) for t in SHOCK_TYPES}
    assert all(any("\u0400" <= ch <= "\u04ff" for ch in n) for n in names.values()), names
    assert len(set(names.values())) == len(SHOCK_TYPES)  # no two types share a name
    assert tr_shock_type("trade_cost", "en") == "trade cost"
    assert tr_shock_type("not_a_type", lang) == "not_a_type"
