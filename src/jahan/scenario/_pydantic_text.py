"""Translatable forms of the parser's and the validator's own English problem texts.

tomllib and pydantic word their problems in English. The English text is kept verbatim (it is
what ``str(exc)`` has always said); each known kind of problem also gets a msgid, so the same
error reads in Kazakh and Russian. A kind not listed here falls back to a general sentence in
those languages, never to English.
"""

from __future__ import annotations

import re
import tomllib

from jahan.errors import Message

_QUOTED = re.compile(r"'[^']*'")
_WHERE = re.compile(r"\s*\((at line (\d+), column (\d+)|at end of document)\)\s*$")


def choices(expected: str) -> Message | str:
    """pydantic's ``"'full' or 'conditional'"`` with the joining word translated."""
    items = _QUOTED.findall(expected)
    if len(items) < 2 or expected != ", ".join(items[:-1]) + " or " + items[-1]:
        return expected
    return Message("{head} or {last}", head=", ".join(items[:-1]), last=items[-1])


def pydantic_problem(err: dict) -> Message:
    """The problem of one pydantic error (``err`` from ``ValidationError.errors()``), in English
    exactly as pydantic words it (lower-cased), translatable by its type."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    english = str(err.get("msg", "")).lower()
    if kind == "literal_error" and "expected" in ctx:
        return Message(
            "input should be {expected}", english=english, expected=choices(str(ctx["expected"]))
        )
    if kind == "greater_than" and "gt" in ctx:
        return Message("input should be greater than {limit}", english=english, limit=ctx["gt"])
    if kind == "greater_than_equal" and "ge" in ctx:
        return Message(
            "input should be greater than or equal to {limit}", english=english, limit=ctx["ge"]
        )
    if kind == "less_than" and "lt" in ctx:
        return Message("input should be less than {limit}", english=english, limit=ctx["lt"])
    if kind == "less_than_equal" and "le" in ctx:
        return Message(
            "input should be less than or equal to {limit}", english=english, limit=ctx["le"]
        )
    if kind in ("float_type", "float_parsing", "finite_number"):
        return Message("input should be a valid number", english=english)
    if kind in ("int_type", "int_parsing", "int_from_float", "int_parsing_size"):
        return Message("input should be a valid integer", english=english)
    if kind in ("string_type", "string_unicode"):
        return Message("input should be a valid string", english=english)
    if kind in ("list_type", "tuple_type", "set_type"):
        return Message("input should be a valid list", english=english)
    if kind in ("bool_type", "bool_parsing"):
        return Message("input should be a valid boolean", english=english)
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return Message("input should be a table of keys and values", english=english)
    if kind in ("too_short", "too_long"):
        return Message("the list has the wrong number of items", english=english)
    return Message("the value is not valid here", english=english)


_TOML_PROBLEMS = {
    "Expected '=' after a key in a key/value pair": Message(
        "expected '=' after a key in a key/value pair"
    ),
    "Invalid value": Message("invalid value"),
    "Unclosed array": Message("an array is not closed with ']'"),
    "Unclosed inline table": Message("an inline table is not closed with '}}'"),
    "Unterminated string": Message("a string is not closed with its quote"),
    "Cannot overwrite a value": Message("a key is given twice"),
    "Cannot declare": Message("a table is declared twice"),
    "Expected ']' at the end of a table declaration": Message(
        "expected ']' at the end of a table declaration"
    ),
    "Expected newline or end of document after a statement": Message(
        "expected a new line after a statement"
    ),
}


def toml_problem(exc: tomllib.TOMLDecodeError) -> Message:
    """tomllib's problem text: verbatim in English, translated with its line and column."""
    english = str(exc)
    where = _WHERE.search(english)
    head = english[: where.start()] if where else english
    problem = next(
        (text for start, text in _TOML_PROBLEMS.items() if head.startswith(start)),
        Message("the text does not follow the TOML format"),
    )
    if where is None:
        return Message("{problem}", english=english, problem=problem)
    if where.group(2) is None:
        return Message("{problem} (at end of document)", english=english, problem=problem)
    return Message(
        "{problem} (at line {line}, column {column})",
        english=english,
        problem=problem,
        line=int(where.group(2)),
        column=int(where.group(3)),
    )


__all__ = ["choices", "pydantic_problem", "toml_problem"]
