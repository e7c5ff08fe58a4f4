"""Write a scenario (a plain dict in the shape of a scenario file) as TOML text.

The dashboard builds scenarios from form fields; the text written here is what the server parses
with the same validator as ``jahan run`` and what the user downloads, so the file and the run agree.
"""

from __future__ import annotations

import json
import math
from typing import Any

from jahan.errors import Message, ScenarioError

_TABLES = ("scenario", "model", "uncertainty", "estimate")


def _key(name: str) -> str:
    if name and all(ch.isalnum() or ch in "_-" for ch in name):
        return name
    return json.dumps(name, ensure_ascii=False)


def _value(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ScenarioError(
                Message(
                    "scenario.toml, field {where}: bad value {value!r}; give a finite number",
                    where=where,
                    value=value,
                )
            )
        return repr(value)
    if isinstance(value, str):
        # A JSON string literal is a valid TOML basic string (same escapes), kept on one line.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v, f"{where}[{k + 1}]") for k, v in enumerate(value)) + "]"
    if isinstance(value, dict):
        # An inline table, e.g. a customs union's tariffs_before = { KAZ = 0.053 }.
        items = [
            f"{_key(str(k))} = {_value(v, f'{where}.{k}')}"
            for k, v in value.items()
            if v is not None
        ]
        return "{ " + ", ".join(items) + " }" if items else "{}"
    kind = (
        Message("an empty value")
        if value is None
        else Message("a {kind}", kind=type(value).__name__)
    )
    raise ScenarioError(
        Message(
            "scenario.toml, field {where}: {kind} cannot be written; give a number, text, "
            "true/false or a list of them",
            where=where,
            kind=kind,
        )
    )


def _table_lines(table: dict, where: str) -> list[str]:
    lines = []
    for name, value in table.items():
        if value is None:
            continue  # an empty form field: the file's default applies
        lines.append(f"{_key(str(name))} = {_value(value, f'{where}.{name}')}")
    return lines


def spec_to_toml(spec: dict, header: str = "") -> str:
    """TOML text of a scenario given as a dict (``scenario``, ``model``, ``uncertainty``, ``shocks``).

    Parameters
    ----------
    spec : dict
        Tables as dicts and ``shocks`` as a list of dicts; ``None`` values are left out.
    header : str, optional
        Comment lines written at the top of the file.

    Raises
    ------
    ScenarioError
        A value that TOML cannot hold (a nested object, NaN), naming the field.
    """
    if not isinstance(spec, dict):
        raise ScenarioError(
            Message(
                "scenario.toml: the scenario must be an object with tables "
                "'scenario', 'model', 'uncertainty' and a list 'shocks'"
            )
        )
    out = [f"# {line}" for line in header.splitlines()] if header else []
    # Unknown top-level keys go before the first table (where TOML reads them as top-level), so
    # the validator reports them by name.
    for name, value in spec.items():
        if name not in (*_TABLES, "shocks") and value is not None:
            out.append(f"{_key(str(name))} = {_value(value, str(name))}")
    for table in _TABLES:
        if table in spec:
            body = spec[table]
            if not isinstance(body, dict):
                raise ScenarioError(
                    Message(
                        "scenario.toml, field {table}: must be a table of keys and values",
                        table=table,
                    )
                )
            out += ["", f"[{table}]", *_table_lines(body, table)]
    shocks = spec.get("shocks", [])
    if not isinstance(shocks, list):
        raise ScenarioError(Message("scenario.toml, field shocks: must be a list of shocks"))
    for k, shock in enumerate(shocks):
        if not isinstance(shock, dict):
            raise ScenarioError(
                Message(
                    "scenario.toml, field shocks[{number}]: each shock is a table of keys",
                    number=k + 1,
                )
            )
        out += ["", "[[shocks]]", *_table_lines(shock, f"shocks[{k + 1}]")]
    return "\n".join(out).lstrip("\n") + "\n"


__all__ = ["spec_to_toml"]
