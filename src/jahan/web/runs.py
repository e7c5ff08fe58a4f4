"""Validate a run request (JSON from ``POST /api/run``) into a scenario, its TOML text, draws and seed.

Every scenario, whether picked from the library, composed in the builder or pasted as TOML, is
written out as one TOML text and parsed back with the validator ``jahan run`` uses, so the errors
are the command line's errors and the downloadable file reproduces the run unchanged.
"""

from __future__ import annotations

from typing import Any

from jahan._validate_numbers import check_number
from jahan.errors import Message, ScenarioError
from jahan.web.toml_text import spec_to_toml

SOURCE = "scenario.toml"
"""The name a composed scenario is validated under (and downloaded as)."""

REQUEST_FIELDS = ("scenario", "spec", "toml", "draws", "seed")


class ScenarioFileError(ScenarioError):
    """A scenario that parsed but does not fit the world; ``toml`` is the text its line numbers refer to."""

    def __init__(self, message: str | Message, toml: str) -> None:
        super().__init__(message)
        self.toml = toml

    @classmethod
    def of(cls, exc: ScenarioError, toml: str) -> ScenarioFileError:
        """``exc`` (its translatable form kept) with the text its line numbers refer to."""
        return cls(exc.translatable or str(exc), toml)


def _whole(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(
            Message("{name} must be a whole number, got {value!r}", name=name, value=value)
        )
    return value


def base_scenario(payload: dict):
    """The scenario a request names (library name), composes (``spec``) or pastes (``toml``)."""
    from jahan.scenario import Scenario, library_names, nearest, scenario_error
    from jahan.scenario.load import unknown_scenario

    given = [k for k in ("scenario", "spec", "toml") if payload.get(k) is not None]
    if len(given) != 1:
        raise ScenarioError(
            Message(
                "a run request needs exactly one of 'scenario' (a built-in name), 'spec' (a "
                "composed scenario) or 'toml' (scenario file text); got {given!r}",
                given=given,
            )
            if given
            else Message(
                "a run request needs exactly one of 'scenario' (a built-in name), 'spec' (a "
                "composed scenario) or 'toml' (scenario file text); got none"
            )
        )
    if "scenario" in given:
        name = payload["scenario"]
        names = library_names()
        if not isinstance(name, str) or name not in names:
            # Only library names: a request may not make the server read a file by path.
            raise scenario_error(
                str(name),
                (),
                unknown_scenario(names),
                suggestion=nearest(str(name), names),
            )
        return Scenario.load(name)
    if "spec" in given:
        return Scenario.from_toml(spec_to_toml(payload["spec"]), SOURCE)
    text = payload["toml"]
    if not isinstance(text, str):
        raise ScenarioError(Message("'toml' must be the text of a scenario file"))
    return Scenario.from_toml(text, SOURCE)


def _without_empty_defaults(model, values: dict) -> dict:
    """Drop fields left at an empty default ("" or []) so the file shows what was chosen."""
    out = {}
    for name, field in type(model).model_fields.items():
        key = field.alias or name
        if key not in values:
            continue
        value = values[key]
        if value in ("", []) and field.get_default(call_default_factory=True) == value:
            continue
        out[key] = value
    return out


def scenario_dict(spec) -> dict:
    """A validated scenario as plain values: aliases such as ``and`` restored, unset optional
    fields and empty defaults (blank descriptions, labels) left out; the file parses back to
    the same scenario."""
    data = spec.model_dump(by_alias=True, exclude_none=True)
    data["scenario"] = _without_empty_defaults(spec.scenario, data["scenario"])
    data["shocks"] = [
        _without_empty_defaults(shock, values)
        for shock, values in zip(spec.shocks, data["shocks"], strict=True)
    ]
    return data


def parse_run_request(payload: Any, world, max_draws: int):
    """Validate a run request.

    Parameters
    ----------
    payload : dict
        ``{"scenario": name}`` or ``{"spec": {...}}`` or ``{"toml": text}``, with optional ``draws``
        and ``seed`` (default: the scenario's ``[uncertainty]``).
    world : World
        Country codes and groups are checked against it, as ``jahan run`` does.
    max_draws : int
        Upper bound on draws.

    Returns
    -------
    (Scenario, str, int, int)
        The scenario parsed from the TOML text returned (its ``[uncertainty]`` holds the draws and
        seed used, so ``jahan run`` on that text reproduces the run), draws and seed.

    Raises
    ------
    ScenarioError
        With the same message ``jahan run`` gives for the same file.
    """
    from jahan.scenario import Scenario

    if not isinstance(payload, dict):
        raise ScenarioError(
            Message(
                "the run request must be a JSON object, e.g. "
                '{{"scenario": "eaeu_customs_union", "draws": 20, "seed": 1}}'
            )
        )
    unknown = [k for k in payload if k not in REQUEST_FIELDS]
    if unknown:
        raise ScenarioError(
            Message(
                "unknown field {field!r} in the run request; allowed: {allowed}",
                field=unknown[0],
                allowed=REQUEST_FIELDS,
            )
        )
    base = base_scenario(payload)
    draws = (
        base.spec.uncertainty.draws
        if payload.get("draws") is None
        else _whole(payload["draws"], "draws")
    )
    seed = (
        base.spec.uncertainty.seed
        if payload.get("seed") is None
        else _whole(payload["seed"], "seed")
    )
    if not 0 <= draws <= max_draws:
        raise ScenarioError(
            Message(
                "draws must be between 0 and {max_draws} on this server, got {draws}; "
                "run larger studies with `jahan run SCENARIO --draws N`",
                max_draws=max_draws,
                draws=draws,
            )
        )
    check_number(seed, "seed", where=Message("run request"))  # the bound a file and the CLI have
    data = scenario_dict(base.spec)
    data["uncertainty"] = {"draws": draws, "seed": seed}
    header = (
        f"{base.name}: draws and seed as run in the jahan dashboard.\nRun it: jahan run {SOURCE}"
    )
    text = spec_to_toml(data, header=header)
    scenario = Scenario.from_toml(text, SOURCE)
    try:
        scenario.compile(world)  # unknown codes and groups, as `jahan run` reports them
    except ScenarioError as exc:
        raise ScenarioFileError.of(exc, text) from None
    return scenario, text, draws, seed


__all__ = [
    "REQUEST_FIELDS",
    "SOURCE",
    "ScenarioFileError",
    "base_scenario",
    "parse_run_request",
    "scenario_dict",
    "spec_to_toml",
]
