"""One set of bounds for every number that enters jahan from outside: files, CLI options, the dashboard.

Each bound is declared once (:data:`BOUNDS`) and used three ways: as pydantic ``Field`` limits in
the scenario schema (so a file and the dashboard, which parses the same TOML, agree), by
:func:`check_number` for command-line options and API arguments, and in docs/scenarios.md. A number
outside its bound is refused before any allocation or solve, with one message naming where it came
from (file, line, field, or option), the value, and the allowed range.

Why these bounds
----------------
- ``draws`` <= 100,000: each draw keeps countries x outputs doubles (about 13 KB on a world of 200
  economies), so the cap holds a run's draws under about 1.3 GB.
- ``seed`` in [0, 2**63 - 1]: what NumPy's generators accept as one integer seed.
- ``trade_elasticity`` in [0.5, 50]: published estimates lie between about 1 and 15 (Head and
  Mayer 2014); welfare is ``Phi**(1/theta)``, which overflows as theta goes to zero.
- ``effect`` in [-10, 10] log points: exp(10) multiplies trade 22,026-fold; beyond that the GE
  solver's flows overflow. Use ``autarky`` or ``sanctions`` without ``change_pct`` for a
  prohibitive barrier.
- ``change_pct`` in (-100, 10,000]: costs cannot fall by 100 % or more; +10,000 % is 101 times the
  cost, which with theta = 5 already cuts trade by a factor of 10**10.
- ``years``: culture projections end by 2300 and span at most 500 years (each year is a step).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from jahan.errors import DataError, Message


@dataclass(frozen=True)
class Bound:
    """Allowed range of one quantity; ``low_open`` excludes the lower end."""

    low: float
    high: float
    integer: bool = False
    low_open: bool = False
    hint: str | Message = ""

    def describe(self) -> str:
        """``"between 0 and 100000"`` or ``"greater than -100 and at most 10000"``."""
        return str(self.describe_message())

    def describe_message(self) -> Message:
        """:meth:`describe` as a translatable message."""
        # Numbers (not text) so Kazakh and Russian show them with their decimal comma.
        low = _shown(self.low)
        high = _shown(self.high)
        if self.low_open:
            if self.integer:
                return Message(
                    "a whole number greater than {low} and at most {high}", low=low, high=high
                )
            return Message(
                "a finite number greater than {low} and at most {high}", low=low, high=high
            )
        if self.integer:
            return Message("a whole number between {low} and {high}", low=low, high=high)
        return Message("a finite number between {low} and {high}", low=low, high=high)

    def allowed(self) -> Message:
        """``allowed: <describe> (<hint>)``, translatable."""
        if self.hint:
            return Message(
                "allowed: {range} ({hint})", range=self.describe_message(), hint=self.hint
            )
        return Message("allowed: {range}", range=self.describe_message())

    def pydantic(self) -> dict[str, float]:
        """Keyword limits for ``pydantic.Field``."""
        return {"gt" if self.low_open else "ge": self.low, "le": self.high}


def _shown(value: float) -> int | float | str:
    """A bound as :func:`_plain` writes it, kept a number where it is one."""
    if float(value).is_integer():
        return _plain(value) if abs(value) >= 100_000 else int(value)
    return float(value)


def _plain(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "_") if abs(value) >= 100_000 else str(int(value))
    return repr(float(value))


BOUNDS: dict[str, Bound] = {
    "draws": Bound(
        0,
        100_000,
        integer=True,
        hint=Message("use fewer draws; 500 to 2,000 give stable 5th-95th percentile bands"),
    ),
    "seed": Bound(0, 2**63 - 1, integer=True, hint=Message("any whole number from 0 up")),
    "workers": Bound(0, 1024, integer=True, hint=Message("0 uses every CPU")),
    "trade_elasticity": Bound(
        0.5,
        50.0,
        hint=Message("published estimates lie between about 1 and 15"),
    ),
    "effect": Bound(
        -10.0,
        10.0,
        hint=Message(
            "log points of trade; for a prohibitive barrier use "
            'type = "autarky" or "sanctions" without change_pct'
        ),
    ),
    "effect_se": Bound(0.0, 10.0),
    "change_pct": Bound(
        -100.0,
        10_000.0,
        low_open=True,
        hint=Message("percent change of trade costs; -100 would make trade free"),
    ),
    "se_pct": Bound(0.0, 10_000.0),
    "tariff_rate": Bound(0.0, 100.0, hint=Message("a share: 0.05 is 5 %")),
    "tariff_change": Bound(-10_000.0, 10_000.0),
    "tariff_se": Bound(0.0, 10_000.0),
    "year": Bound(1, 2300, hint=Message("culture projections end by 2300")),
    "year_span": Bound(0, 500, hint=Message("at most 500 years between the first and last year")),
}
"""Every bound, by quantity name."""


def check_number(
    value: Any, name: str, *, where: str | Message = "", bound: str | None = None
) -> Any:
    """Return ``value`` if it is a finite number inside the bound of ``bound`` (default ``name``).

    Parameters
    ----------
    value
        The number given.
    name
        How the user wrote it (``"--draws"``, ``"draws"``, ``"effect"``).
    where
        Where it came from (``"scenario.toml, line 4"``, ``"command line"``, ``"request"``).
    bound
        The key in :data:`BOUNDS`, when it differs from ``name``.

    Raises
    ------
    DataError
        One message: where, the name, the value, the allowed range and a hint.
    """
    spec = BOUNDS[bound or name.lstrip("-").replace("-", "_")]
    allowed = spec.allowed()

    def refused(text: Message) -> DataError:
        return DataError(
            Message("{where}: {problem}", where=where, problem=text) if where else text
        )

    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            value = float(value) if not spec.integer else int(str(value).strip())
        except (TypeError, ValueError):
            raise refused(
                Message(
                    "{name} = {value!r} is not a number; {allowed}",
                    name=name,
                    value=value,
                    allowed=allowed,
                )
            ) from None
    if spec.integer and isinstance(value, float):
        if not value.is_integer():
            raise refused(
                Message(
                    "{name} = {value!r} is not a whole number; {allowed}",
                    name=name,
                    value=value,
                    allowed=allowed,
                )
            )
        value = int(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise refused(
            Message(
                "{name} = {value!r} is not finite; {allowed}",
                name=name,
                value=value,
                allowed=allowed,
            )
        )
    below = value <= spec.low if spec.low_open else value < spec.low
    if below or value > spec.high:
        raise refused(
            Message(
                "{name} = {value!r} is out of range; {allowed}",
                name=name,
                value=value,
                allowed=allowed,
            )
        )
    return value


MAX_NESTING = 32
"""Deepest nesting of arrays and tables a scenario file or a request may have (real ones use 3)."""

MAX_TEXT_BYTES = 1024 * 1024
"""Largest scenario file read (the built-in ones are under 4 KB)."""


def nesting_depth(text: str, *, limit: int = MAX_NESTING) -> int:
    """Deepest bracket nesting (``[``, ``{``) of TOML or JSON ``text``, outside strings and
    comments; stops counting once past ``limit``.

    A cheap scan run before the recursive parsers (tomllib, json), which raise RecursionError or
    exhaust the stack on a few thousand nested brackets.
    """
    depth = deepest = 0
    k, n = 0, len(text)
    while k < n:
        ch = text[k]
        if ch in "\"'":
            triple = text.startswith(ch * 3, k)
            end_mark = ch * 3 if triple else ch
            k += len(end_mark)
            while k < n and not text.startswith(end_mark, k):
                if ch == '"' and text[k] == "\\":
                    k += 1  # an escaped character in a basic string (TOML) or any JSON string
                elif not triple and text[k] == "\n":
                    break  # an unterminated one-line string: the parser reports it
                k += 1
            k += len(end_mark)
            continue
        if ch == "#":
            newline = text.find("\n", k)
            k = n if newline < 0 else newline
            continue
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
        elif ch in "]}":
            depth = max(0, depth - 1)
        k += 1
    return deepest


def check_nesting(text: str, where: str, *, limit: int = MAX_NESTING) -> None:
    """Raise DataError when ``text`` nests arrays or tables deeper than ``limit``."""
    if nesting_depth(text, limit=limit) > limit:
        raise DataError(
            msgid="{where}: arrays or tables are nested more than {limit} levels deep; "
            "a scenario needs at most 3 (check for unbalanced brackets)",
            values={"where": where, "limit": limit},
        )


def field_limits(bound: str) -> dict[str, float]:
    """``pydantic.Field`` keyword limits of a bound: ``Field(**field_limits("effect"))``."""
    return BOUNDS[bound].pydantic()


__all__ = [
    "BOUNDS",
    "Bound",
    "MAX_NESTING",
    "MAX_TEXT_BYTES",
    "check_nesting",
    "check_number",
    "field_limits",
    "nesting_depth",
]
