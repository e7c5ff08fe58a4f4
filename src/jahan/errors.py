"""Domain errors and warnings.

Every message names the culprit (file, field, country code, row) and the fix. A message is
written once, in English, as a :class:`Message` (a msgid with the values it names); ``str(exc)``
is the English text and ``exc.translated(lang)`` the same message in Kazakh or Russian, from the
PO catalogs (``jahan/locale/<lang>/errors.po``) through :func:`jahan._i18n.render_message`.
"""

from __future__ import annotations

from collections.abc import Mapping


class Message:
    """A user-facing sentence: an English ``msgid`` with ``{placeholders}`` and their values.

    Values stay as given until the message is rendered: numbers are formatted for the language,
    lists are joined, and values that are themselves a :class:`Message` (or a :class:`JahanError`)
    are rendered in the same language. Codes, field and file names are values, so they are shown
    as the user typed them in every language.

    Examples
    --------
    >>> str(Message("unknown key {key!r}", key="clousre"))
    "unknown key 'clousre'"
    """

    __slots__ = ("english", "msgid", "values")

    def __init__(self, msgid: str, /, *, english: str | None = None, **values: object) -> None:
        self.msgid = msgid
        # The English text when it is not the msgid filled in (a third-party library's own
        # wording, kept verbatim in English; the msgid then gives the translated form).
        self.english = english
        self.values = values

    @classmethod
    def with_values(cls, msgid: str, values: Mapping[str, object]) -> Message:
        """A message whose placeholder values come as a mapping (names made at run time)."""
        message = cls(msgid)
        message.values = dict(values)
        return message

    def render(self, lang: str = "en") -> str:
        """The message in ``lang`` (kk, ru or en)."""
        from jahan._i18n import render_message

        return render_message(self, lang)

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, **{self.values!r})"

    def __getstate__(self) -> tuple[str, str | None, dict[str, object]]:
        return self.msgid, self.english, self.values

    def __setstate__(self, state: tuple[str, str | None, dict[str, object]]) -> None:
        self.msgid, self.english, self.values = state


class JahanError(Exception):
    """Base class of every error jahan raises on purpose.

    ``JahanError("text")`` keeps working (an English-only message); a translatable error is
    ``JahanError(Message(msgid, **values))`` or ``JahanError(msgid=..., values={...})``.
    ``str(exc)`` is always the English text; :meth:`translated` gives it in any language.
    """

    def __init__(
        self,
        message: str | Message | None = None,
        *args: object,
        msgid: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        text = Message.with_values(msgid, values or {}) if msgid is not None else None
        if isinstance(message, Message):
            text = message
        if isinstance(message, Message) or (message is None and text is not None):
            message = str(text)
        super().__init__(*(() if message is None else (message,)), *args)
        self.translatable: Message | None = text

    def translated(self, lang: str = "en") -> str:
        """The message in ``lang``; an error without a translatable form gives its English text."""
        if self.translatable is None:
            return str(self)
        return self.translatable.render(lang)


class DataError(JahanError, ValueError):
    """Input data is malformed: unknown codes, duplicates, negative or missing values."""


class ScenarioError(JahanError, ValueError):
    """A scenario file or object is invalid."""


class ConvergenceError(JahanError, RuntimeError):
    """A numerical solver did not converge.

    Carries the solver's diagnostic record (iterations, residual) where one exists.
    """

    def __init__(
        self,
        message: str | Message | None = None,
        *,
        record: object | None = None,
        msgid: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message, msgid=msgid, values=values)
        self.record = record


class JahanWarning(UserWarning):
    """Base class of jahan's warnings."""


class ConvergenceWarning(JahanWarning):
    """A solver stopped before its tolerance was met (raised as an error unless asked otherwise)."""


class DataWarning(JahanWarning):
    """Input data was repaired or dropped (singletons, separated observations, filled gaps)."""


class ModelledDataWarning(JahanWarning):
    """A quantity shown is modelled, not observed."""


class ScenarioWarning(JahanWarning):
    """A scenario runs, but something about it needs saying (e.g. it overlaps the baseline)."""


__all__ = [
    "Message",
    "JahanError",
    "DataError",
    "ScenarioError",
    "ConvergenceError",
    "JahanWarning",
    "ConvergenceWarning",
    "DataWarning",
    "ModelledDataWarning",
    "ScenarioWarning",
]
