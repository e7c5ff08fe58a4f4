"""Turn validation failures into one clear :class:`~jahan.errors.ScenarioError`.

Each message names the file, the line and field, the bad value, what is allowed and, for codes,
the nearest valid country code or group name.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

from jahan.errors import Message, ScenarioError

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.]+)\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\"']+)\s*=")


def field_path(loc: Sequence[object]) -> str:
    """``("shocks", 2, "members")`` -> ``"shocks[3].members"`` (shocks counted from 1, as read)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def find_line(text: str, loc: Sequence[object]) -> int | None:
    """The 1-based line of the TOML key at ``loc`` (or of its table header), if it can be found."""
    if not text or not loc:
        return None
    table = str(loc[0])
    index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    keys = [str(p) for p in loc[(2 if index is not None else 1) :] if not isinstance(p, int)]
    key = keys[0] if keys else None
    seen = -1
    header_line: int | None = None
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            inside = header.group(2) == table
            if inside:
                seen += 1
                inside = index is None or seen == index
                if inside:
                    header_line = number
            continue
        if inside and key is not None:
            match = _KEY.match(line)
            if match and match.group(1).strip("\"'") == key:
                return number
    return header_line


def nearest(value: str, choices: Iterable[str]) -> str | None:
    """The closest of ``choices`` to ``value`` (case-insensitive, by edit distance), or None."""
    from jahan._suggest import closest

    choices = list(choices)
    best = closest(value, choices)
    if best is None and len(str(value)) > 3:
        # Long names (scenarios, fields) also match on a shared stretch, e.g. "eaeu" -> "eaeu_customs_union".
        pool = {c.upper(): c for c in choices}
        match = difflib.get_close_matches(str(value).upper(), list(pool), n=1, cutoff=0.4)
        best = pool[match[0]] if match else None
    return best


def did_you_mean(suggestion: str | None) -> Message | str:
    """`` Did you mean 'KAZ'?`` (with its leading space), or nothing when there is no suggestion."""
    return Message(" Did you mean {suggestion!r}?", suggestion=suggestion) if suggestion else ""


def scenario_error(
    source: str,
    loc: Sequence[object],
    problem: str | Message,
    *,
    text: str = "",
    suggestion: str | None = None,
) -> ScenarioError:
    """Build the error: ``file, line N, field shocks[2].members: <problem>. Did you mean X?``.

    ``problem`` is a :class:`~jahan.errors.Message`, so the error reads in the user's language
    (``exc.translated(lang)``); the file name, field path and suggested code stay as written.
    """
    where: list[object] = [source]
    line = find_line(text, loc)
    if line is not None:
        where.append(Message("line {line}", line=line))
    if loc:
        where.append(Message("field {field}", field=field_path(loc)))
    hint = did_you_mean(suggestion)
    # The suggestion is a sentence of its own: end the problem with a full stop first.
    ended = not hint or str(problem).rstrip().endswith((".", "?", "!"))
    template = "{where}: {problem}{hint}" if ended else "{where}: {problem}.{hint}"
    return ScenarioError(Message(template, where=where, problem=problem, hint=hint))


__all__ = ["did_you_mean", "field_path", "find_line", "nearest", "scenario_error"]
