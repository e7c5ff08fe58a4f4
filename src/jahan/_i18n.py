"""The translation layer: every user-facing text goes through :func:`tr`.

Messages are written in English (the msgid) and translated in gettext PO catalogs under
``jahan/locale/<lang>/<domain>.po`` (one domain per area: ``world.po``, ``scenario.po``, ...).
Catalogs are read with babel at first use; numbers are formatted with CLDR rules through babel.
"""

from __future__ import annotations

import difflib
import math
import string
from functools import cache
from importlib import resources

from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from jahan.errors import JahanError, Message

LANGUAGES: tuple[str, ...] = ("en", "ru", "kk")
"""Supported interface languages: English, Russian, Kazakh (Cyrillic)."""

_BABEL_LOCALE = {"en": "en_US", "ru": "ru_RU", "kk": "kk_KZ"}

DEFAULT_LANG: str = "kk"
"""The interface language when none is asked for: Kazakh, in every command and the dashboard."""

LANG_ENV: str = "JAHAN_LANG"
"""Environment variable that overrides :data:`DEFAULT_LANG` (``--lang`` overrides both)."""


def check_lang(lang: str) -> str:
    """Return ``lang`` normalised ("KK" -> "kk"), or raise naming the allowed codes."""
    code = str(lang).strip().lower().replace("-", "_").split("_")[0]
    if code not in LANGUAGES:
        near = difflib.get_close_matches(code, LANGUAGES, n=1)
        hint = Message(" Did you mean {suggestion!r}?", suggestion=near[0]) if near else ""
        raise JahanError(
            Message(
                "unknown language {lang!r}: use one of {codes} "
                "(kk = Kazakh, ru = Russian, en = English).{hint}",
                lang=lang,
                codes=LANGUAGES,
                hint=hint,
            )
        )
    return code


def default_lang() -> str:
    """The language used when ``--lang`` (or ``?lang=``) is not given.

    ``$JAHAN_LANG`` when set (checked, so a typo is an error naming the variable), else
    :data:`DEFAULT_LANG`.
    """
    import os

    value = os.environ.get(LANG_ENV, "").strip()
    if not value:
        return DEFAULT_LANG
    try:
        return check_lang(value)
    except JahanError as exc:
        raise JahanError(
            Message("environment variable {name}: {error}", name=LANG_ENV, error=exc)
        ) from None


def resolve_lang(lang: str | None) -> str:
    """``lang`` checked and normalised, or :func:`default_lang` when it is None or empty."""
    return check_lang(lang) if lang else default_lang()


@cache
def catalog(lang: str) -> dict[str, str]:
    """All translations for ``lang`` merged from every domain's PO file (msgid -> msgstr)."""
    lang = check_lang(lang)
    if lang == "en":
        return {}
    merged: dict[str, str] = {}
    folder = resources.files("jahan") / "locale" / lang
    if not folder.is_dir():
        return merged
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".po"):
            continue
        with entry.open("rb") as fh:
            po = read_po(fh, locale=_BABEL_LOCALE[lang])
        for message in po:
            if message.id and isinstance(message.id, str) and message.string:
                merged[message.id] = str(message.string)
    return merged


def tr(msgid: str, lang: str = "en", /, **values: object) -> str:
    """Translate ``msgid`` into ``lang`` and fill ``{placeholders}`` from ``values``.

    A message missing from a catalog falls back to English; the test suite checks that
    every message used in the code has a Kazakh and a Russian translation.
    """
    text = catalog(lang).get(msgid, msgid)
    return text.format(**values) if values else text


class _LocaleFormatter(string.Formatter):
    """``str.format`` with numbers in the language's symbols and lists joined.

    English output is exactly ``str.format``'s, so an error's English text does not change when it
    becomes a :class:`~jahan.errors.Message`. In Kazakh and Russian a number is formatted as
    Python would, then its decimal point and grouping commas become the CLDR symbols
    ("1,048,576" -> "1 048 576", "0.5" -> "0,5"). A value converted with ``!r`` is a literal the
    user typed and is left as it is.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        text = super().format_field(value, format_spec)
        if (
            self.lang != "en"
            and isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
        ):
            from babel.numbers import get_decimal_symbol, get_group_symbol

            locale = babel_locale(self.lang)
            text = text.translate(
                {ord("."): get_decimal_symbol(locale), ord(","): get_group_symbol(locale)}
            )
        return text


def _rendered(value: object, lang: str) -> object:
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, JahanError):
        return value.translated(lang)
    if isinstance(value, list | tuple) and any(isinstance(v, Message | JahanError) for v in value):
        return [_rendered(v, lang) for v in value]
    return value


def render_message(message: Message, lang: str = "en") -> str:
    """``message`` in ``lang``: its msgid translated from the catalogs, values filled in.

    Nested messages are rendered in the same language, numbers in its symbols, lists of codes
    joined with commas (as Kazakh, Russian and English write them).
    """
    lang = check_lang(lang)
    if lang == "en" and message.english is not None:
        return message.english
    text = catalog(lang).get(message.msgid, message.msgid)
    values = {name: _rendered(value, lang) for name, value in message.values.items()}
    return _LocaleFormatter(lang).format(text, **values)


def error_text(exc: BaseException, lang: str = "en") -> str:
    """An exception's message for a reader of ``lang``: a jahan error translated, any other
    exception's own (English) text."""
    if isinstance(exc, JahanError):
        return exc.translated(lang)
    return str(exc)


# The usual Kazakh and Russian abbreviations of the groups a World may hold; other group names
# (and every name in English) are shown as they are.
GROUP_ABBREVIATIONS: dict[str, dict[str, str]] = {
    "EAEU": {"kk": "ЕАЭО", "ru": "ЕАЭС"},
    "CU": {"kk": "Кеден одағы", "ru": "Таможенный союз"},
    "CIS": {"kk": "ТМД", "ru": "СНГ"},
    "EU": {"kk": "ЕО", "ru": "ЕС"},
    "SCO": {"kk": "ШЫҰ", "ru": "ШОС"},
    "CSTO": {"kk": "ҰҚШҰ", "ru": "ОДКБ"},
    "WTO": {"kk": "ДСҰ", "ru": "ВТО"},
    "OECD": {"kk": "ЭЫДҰ", "ru": "ОЭСР"},
    "BRICS": {"kk": "БРИКС", "ru": "БРИКС"},
    "ASEAN": {"kk": "АСЕАН", "ru": "АСЕАН"},
    "MERCOSUR": {"kk": "МЕРКОСУР", "ru": "МЕРКОСУР"},
}


def group_label(name: str, lang: str = "en") -> str:
    """A group's name as a reader of ``lang`` knows it (EAEU is ЕАЭО in Kazakh, ЕАЭС in Russian)."""
    return GROUP_ABBREVIATIONS.get(str(name), {}).get(check_lang(lang), str(name))


def babel_locale(lang: str) -> str:
    """The babel/CLDR locale used to format numbers for ``lang``."""
    return _BABEL_LOCALE[check_lang(lang)]


def fmt_number(value: float, lang: str = "en", digits: int = 2) -> str:
    """Format a number with the language's decimal and grouping symbols."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=babel_locale(lang))


def plotly_separators(lang: str) -> str:
    """Plotly's ``layout.separators`` for ``lang``: the CLDR decimal then grouping symbol
    ("." and "," in English; "," and a no-break space in Russian and Kazakh), so plot axes
    and hover labels use the same symbols as the tables."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = babel_locale(lang)
    return get_decimal_symbol(locale) + get_group_symbol(locale)


def fmt_signif(value: float, lang: str = "en", sig: int = 3, max_digits: int = 10) -> str:
    """A number with ``sig`` significant digits in the language's symbols, never in exponent
    notation (a Gini of 5.19e-05 reads "0.0000519" / "0,0000519"); NaN gives an em dash."""
    if not math.isfinite(value):
        return "—"
    if value == 0:
        return fmt_number(0.0, lang, 0)
    digits = max(0, min(max_digits, sig - 1 - math.floor(math.log10(abs(value)))))
    return fmt_number(value, lang, digits)


def fmt_pct(value_pct: float, lang: str = "en", digits: int = 2, max_digits: int = 6) -> str:
    """Format a change already in percent with its sign: the one formatter of signed percentages.

    1.5 -> "+1.50%" ("+1,50 %" in ru/kk). A non-zero change too small for ``digits`` gets the
    decimals it needs for two significant digits (up to ``max_digits``), so a loss never reads as
    a gain or as zero: -0.000234 -> "-0.00023%", not "+0.000%". Only a change below half a unit
    of ``max_digits`` (solver noise, about 1e-6 percent) prints as an unsigned "0.00%".
    """
    if not math.isfinite(value_pct):
        return "—"
    magnitude = abs(value_pct)
    if magnitude < 0.5 * 10 ** (-max_digits):
        return format_percent(
            0.0,
            format="#,##0" + ("." + "0" * digits if digits > 0 else "") + "%",
            locale=babel_locale(lang),
        )
    if round(magnitude, digits) == 0:
        digits = min(max_digits, -math.floor(math.log10(magnitude)) + 1)
    body = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
    return format_percent(value_pct / 100.0, format=f"+{body};-{body}", locale=babel_locale(lang))


__all__ = [
    "DEFAULT_LANG",
    "LANGUAGES",
    "LANG_ENV",
    "babel_locale",
    "catalog",
    "check_lang",
    "default_lang",
    "fmt_number",
    "fmt_pct",
    "fmt_signif",
    "error_text",
    "plotly_separators",
    "render_message",
    "resolve_lang",
    "tr",
]
