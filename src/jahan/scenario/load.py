"""Read a scenario file (TOML) or a built-in scenario by name into a validated spec."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ValidationError

from jahan._validate_numbers import BOUNDS, MAX_NESTING, MAX_TEXT_BYTES, nesting_depth
from jahan.errors import Message
from jahan.scenario._errors import field_path, nearest, scenario_error
from jahan.scenario._pydantic_text import pydantic_problem
from jahan.scenario.schema import SHOCK_TYPES, ScenarioSpec

_FIELD_NAMES: dict[str, tuple[str, ...]] = {}


def library_names() -> list[str]:
    """Names of the built-in scenarios (files in ``jahan/scenario/library``)."""
    folder = resources.files("jahan.scenario") / "library"
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def library_text(name: str) -> str:
    """The TOML text of a built-in scenario."""
    return (resources.files("jahan.scenario") / "library" / f"{name}.toml").read_text(
        encoding="utf-8"
    )


def resolve(name_or_path: str | Path) -> tuple[str, str]:
    """Return (source label, TOML text) for a built-in name or a path to a file."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists() or any(sep in str(name_or_path) for sep in "/\\"):
        if not path.is_file():
            raise scenario_error(
                str(path),
                (),
                Message(
                    "no such scenario file; give a path to a .toml file "
                    "or one of the built-in names: {names}",
                    names=library_names(),
                ),
            )
        return str(path), read_scenario_text(path)
    names = library_names()
    if str(name_or_path) not in names:
        raise scenario_error(
            str(name_or_path),
            (),
            unknown_scenario(names),
            suggestion=nearest(str(name_or_path), names),
        )
    return f"{name_or_path} (built-in)", library_text(str(name_or_path))


def read_scenario_text(path: Path) -> str:
    """A scenario file's text, refusing what is not UTF-8 TOML before parsing it.

    UTF-16 (a common "Unicode" choice of Windows editors) and other encodings get one message
    naming the file, the line and the fix; a UTF-8 byte-order mark is accepted.
    """
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise scenario_error(
                source,
                (),
                Message(
                    "the file is {size:,} bytes; a scenario file is at most "
                    "{limit:,} bytes (the built-in ones are under 4 KB)",
                    size=size,
                    limit=MAX_TEXT_BYTES,
                ),
            )
        data = path.read_bytes()
    except OSError as exc:
        raise scenario_error(
            source,
            (),
            Message("cannot read the file ({reason})", reason=exc.strerror or str(exc)),
        ) from None
    fix = Message("save it as UTF-8 (in most editors: Save as, Encoding: UTF-8)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise scenario_error(
            source, (), Message("the file is UTF-16 encoded, not UTF-8; {fix}", fix=fix)
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise scenario_error(
            source,
            (),
            Message(
                "line {line}: byte {byte} is not UTF-8 text; {fix}",
                line=line,
                byte=f"{data[exc.start]:#04x}",
                fix=fix,
            ),
        ) from None


def _bound_of(loc: tuple[object, ...], raw: dict) -> str | None:
    """The key of :data:`jahan._validate_numbers.BOUNDS` for a field of the file."""
    name = str(loc[-1]) if loc else ""
    if loc and loc[0] == "shocks" and name in ("se", "rate", "change"):
        shocks = raw.get("shocks") or []
        index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else -1
        kind = (
            shocks[index].get("type")
            if 0 <= index < len(shocks) and isinstance(shocks[index], dict)
            else None
        )
        return {
            "se": "tariff_se" if kind == "tariff" else "effect_se",
            "rate": "tariff_rate",
            "change": "tariff_change",
        }[name]
    return name if name in BOUNDS else None


def unknown_scenario(names: list[str]) -> Message:
    """The problem of a scenario name that is not built in."""
    return Message(
        "unknown scenario; built-in scenarios are {names}, or give a path to a .toml file",
        names=names,
    )


def _allowed_for(loc: tuple[object, ...], kind: str, ctx: dict | None) -> Message | str:
    if kind == "extra_forbidden":
        return Message("this key is not part of the scenario format")
    if ctx and "expected" in ctx:
        from jahan.scenario._pydantic_text import choices

        return Message("allowed: {range}", range=choices(str(ctx["expected"])))
    for bound, word in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<=")):
        if ctx and bound in ctx:
            return Message("must be {sign} {limit}", sign=word, limit=ctx[bound])
    return ""


def _known_keys(spec: dict, loc: tuple[object, ...]) -> list[str]:
    """Valid keys at the place of an unknown key (for a did-you-mean)."""
    from jahan.scenario import schema

    table = loc[0] if loc else None
    models: dict[str, type[BaseModel]] = {
        "scenario": schema.ScenarioMeta,
        "model": schema.ModelSettings,
        "uncertainty": schema.UncertaintySettings,
    }
    if table in models:
        return list(models[table].model_fields)
    if table == "shocks" and len(loc) > 2 and isinstance(loc[1], int):
        by_type: dict[str, type[BaseModel]] = {
            "agreement": schema.AgreementShock,
            "trade_cost": schema.TradeCostShock,
            "border": schema.BorderShock,
            "sanctions": schema.SanctionsShock,
            "corridor": schema.CorridorShock,
            "productivity": schema.ProductivityShock,
            "autarky": schema.AutarkyShock,
            "tariff": schema.TariffShock,
        }
        shocks = spec.get("shocks") or []
        kind = shocks[loc[1]].get("type") if loc[1] < len(shocks) else None
        model = by_type.get(str(kind))
        if model is not None:
            return [f.alias or name for name, f in model.model_fields.items()]
    return ["scenario", "model", "uncertainty", "shocks"]


def parse(text: str, source: str) -> ScenarioSpec:
    """Validate TOML ``text`` into a :class:`ScenarioSpec`; raise one clear ScenarioError."""
    if nesting_depth(text) > MAX_NESTING:
        raise scenario_error(
            source,
            (),
            Message(
                "arrays or tables are nested more than {limit} "
                "levels deep; a scenario needs at most 3 (check for unbalanced brackets)",
                limit=MAX_NESTING,
            ),
        )
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        from jahan.scenario._pydantic_text import toml_problem

        raise scenario_error(
            source, (), Message("not valid TOML: {detail}", detail=toml_problem(exc))
        ) from None
    except RecursionError:  # a nesting the scan above did not see (it skips strings)
        raise scenario_error(source, (), Message("not valid TOML: nested too deeply")) from None
    try:
        return ScenarioSpec.model_validate(raw)
    except ValidationError as exc:
        # A misspelt key also makes the right key "missing": report the misspelling first.
        order = {
            "union_tag_invalid": 0,
            "union_tag_not_found": 0,
            "extra_forbidden": 1,
            "missing": 3,
        }
        errors = sorted(exc.errors(include_url=False), key=lambda e: order.get(e["type"], 2))
        err = errors[0]
        loc = tuple(err["loc"])
        kind = err["type"]
        ctx = err.get("ctx")
        suggestion = None
        # Discriminated unions add the tag to the location: drop it so the field path reads plainly.
        if len(loc) > 2 and loc[0] == "shocks" and loc[2] in SHOCK_TYPES:
            loc = loc[:2] + loc[3:]
        problem: Message | str
        if kind in ("union_tag_invalid", "union_tag_not_found"):
            bad = ctx.get("tag") if ctx else None
            loc = (*loc, "type")
            problem = (
                Message("unknown shock type {bad!r}; allowed: {types}", bad=bad, types=SHOCK_TYPES)
                if bad is not None
                else Message("every shock needs a 'type': one of {types}", types=SHOCK_TYPES)
            )
            if bad is not None:
                suggestion = nearest(str(bad), SHOCK_TYPES)
        elif kind == "extra_forbidden":
            problem = Message(
                "unknown key {key!r}; {allowed}", key=loc[-1], allowed=_allowed_for(loc, kind, ctx)
            )
            suggestion = nearest(str(loc[-1]), _known_keys(raw, loc))
        elif kind == "missing":
            problem = Message("required key {key!r} is missing", key=loc[-1])
        elif kind == "value_error" and isinstance(err.get("input"), dict):
            # A rule across several keys of one table: the rule's own text says what to fix
            # (schema.py raises it as a ScenarioError, whose message translates).
            raised = getattr((ctx or {}).get("error"), "translatable", None)
            problem = (
                raised
                if isinstance(raised, Message)
                else str(err["msg"]).removeprefix("Value error, ")
            )
        else:
            value = err.get("input")
            allowed: Message | str = _allowed_for(loc, kind, ctx)
            bound = BOUNDS.get(_bound_of(loc, raw) or "")
            if bound is not None and isinstance(value, int | float) and not isinstance(value, bool):
                # Numbers: one wording with the CLI and the dashboard (jahan._validate_numbers).
                allowed = bound.allowed()
            problem = Message(
                "bad value {value!r} ({detail})", value=value, detail=pydantic_problem(dict(err))
            )
            if allowed and str(allowed) not in str(problem):
                problem = Message("{problem}; {allowed}", problem=problem, allowed=allowed)
        more = len(exc.errors()) - 1
        if more:
            extra = (
                Message("(and {count} more problem)", count=more)
                if more == 1
                else Message("(and {count} more problems)", count=more)
            )
            problem = Message("{problem} {more}", problem=problem, more=extra)
        raise scenario_error(source, loc, problem, text=text, suggestion=suggestion) from None


__all__ = ["field_path", "library_names", "library_text", "parse", "read_scenario_text", "resolve"]
