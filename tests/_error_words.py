"""The English words of an error message, to look for in its Kazakh or Russian form.

A translated error keeps what the user typed (codes, field and file names, quoted values, commands
in backticks) and translates the sentence around them. So the words to look for are those of the
English text of the same error, minus literals: quoted or back-quoted text, tokens with ``_``, ``.``
or ``[`` (field paths, file names), tokens in capitals or with digits (codes, formats such as TOML),
and the words the caller names as literals (the request's own keys and values, shock types...).
"""

from __future__ import annotations

import re

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`")
_LITERAL_TOKEN = re.compile(r"[\w\-/]*[_.\[\]/=][\w.\-\[\]/=]*")
_WORD = re.compile(r"[A-Za-z]+")


def _without_literals(text: str) -> str:
    return _LITERAL_TOKEN.sub(" ", _QUOTED.sub(" ", text))


def english_words(english: str, literals: set[str] = frozenset()) -> set[str]:
    """The words of the English sentence, literals left out."""
    words = set(_WORD.findall(_without_literals(english)))
    return {w for w in words if not w.isupper() and w not in literals and w.lower() not in literals}


def english_left(english: str, translated: str, literals: set[str] = frozenset()) -> list[str]:
    """Words of ``english`` still found (as whole words, any case) in ``translated``."""
    text = _without_literals(translated)
    return sorted(
        w
        for w in english_words(english, literals)
        if re.search(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])", text, re.IGNORECASE)
    )


def has_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def literal_words(*values: object) -> set[str]:
    """The alphabetic tokens of values (a request payload, lists of names), as literals."""
    out: set[str] = set()
    for value in values:
        out |= set(_WORD.findall(repr(value)))
    return out


def assert_translated(exc: Exception, literals: set[str] = frozenset(), min_words: int = 3) -> None:
    """``exc`` reads as before in English and as Cyrillic sentences with no English word of its
    English text in Kazakh and Russian (``literals``: words that stay as typed)."""
    english = str(exc)
    assert exc.translated("en") == english  # type: ignore[attr-defined]
    assert len(english_words(english, literals)) >= min_words, english
    for lang in ("kk", "ru"):
        text = exc.translated(lang)  # type: ignore[attr-defined]
        assert has_cyrillic(text), text
        assert not english_left(english, text, literals), (lang, text)
