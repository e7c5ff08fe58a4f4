"""The typed form of a scenario file: pydantic models for ``[scenario]``, ``[model]``, ``[[shocks]]``.

Fields are strict (a string where a number belongs is an error, not a guess) and unknown keys are
rejected, so a misspelt key is reported instead of silently ignored. Country codes and group names
are checked later, against the world the scenario runs on (see :mod:`jahan.scenario.compile`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from jahan._validate_numbers import field_limits
from jahan.errors import Message, ScenarioError

Members = str | list[str]
"""A group name ("EAEU"), one ISO3 code ("KAZ") or a list mixing both."""

AgreementKind = Literal["fta", "customs_union", "deep", "currency_union", "custom", "exit"]

Rate = Annotated[float, Field(ge=0.0, le=10.0, allow_inf_nan=False)]
"""An ad valorem tariff as a share (0.053 = 5.3 %): finite, 0 to 1000 %."""


def _limited(bound: str, default: Any = ...) -> Any:
    """A ``pydantic.Field`` with the shared bounds of ``bound`` (jahan._validate_numbers)."""
    return Field(default, **field_limits(bound))  # type: ignore[misc, call-overload]


class _Strict(BaseModel):
    # NaN and infinity are refused everywhere (TOML can write them: ``inf``, ``nan``, ``1e400``).
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, allow_inf_nan=False)


class ScenarioMeta(_Strict):
    """``[scenario]``: what the scenario is and which founding claim it tests."""

    name: str = Field(min_length=1)
    description: str = ""
    claim: str = ""
    source: str = ""
    claim_kk: str = ""
    claim_ru: str = ""
    name_kk: str = ""
    name_ru: str = ""
    description_kk: str = ""
    description_ru: str = ""
    focus: list[str] = Field(default_factory=lambda: ["KAZ"])
    year: int | None = Field(default=None, ge=1900, le=2100)
    references: list[str] = Field(default_factory=list)
    crisis_without: str = ""
    """The same crisis without this scenario's union (a built-in name or a path): the run then
    measures the shelter, each crisis from its own pre-crisis world (jahan.scenario.shelter)."""


class ModelSettings(_Strict):
    """``[model]``: the general-equilibrium model the shocks are solved in."""

    trade_elasticity: float = _limited("trade_elasticity", 5.0)
    closure: Literal["full", "conditional"] = "full"
    imbalances: Literal["fixed", "multiplicative", "balanced"] = "fixed"


class UncertaintySettings(_Strict):
    """``[uncertainty]``: default number of draws and seed (the command line may override)."""

    draws: int = _limited("draws", 200)
    seed: int = _limited("seed", 1)


class PanelEstimateSettings(_Strict):
    """``[estimate]``: estimate a bloc's effect from the world's observed panel before the run.

    Three-way PPML (exporter-year, importer-year and pair fixed effects, international flows,
    errors clustered by pair) of :func:`jahan.estimate.bloc.estimate_bloc`; a shock takes the result
    with ``coefficient = "both_<BLOC>"``. An estimate passed to ``Scenario.run(estimate=...)`` wins.
    """

    bloc: str = Field(min_length=1)
    years: list[int] = Field(default_factory=lambda: [2000, 2004, 2008, 2012, 2016], min_length=2)


class _Shock(_Strict):
    label: str = ""
    label_kk: str = ""
    label_ru: str = ""
    type: str  # each shock narrows it to its own name, the tag of the union of shocks


class _ChangeShock(_Shock):
    """A shock whose size is a percentage change ``change_pct`` with standard error ``se_pct``."""

    change_pct: float = _limited("change_pct")
    se_pct: float = _limited("se_pct", 0.0)


class AgreementShock(_Shock):
    """Members form (or leave) an agreement: ``t_ij^(-theta)`` rises by ``exp(effect)`` among them.

    ``effect`` is in log points of trade (the gravity coefficient of the agreement dummy); when it is
    omitted the documented literature default for ``kind`` is used. ``coefficient`` names a
    coefficient of a gravity estimate passed to ``Scenario.run(estimate=...)`` instead.

    A customs union may state its common external tariff: ``external_tariff`` (the rate every
    member applies to non-members after joining), ``tariffs_before`` (each member's tariff on
    non-members before, by ISO3 code) and ``internal_tariff_before`` (the rate among members
    before, 0.0 under a free-trade area). Joining then sets internal tariffs to 0 and external
    tariffs to the common level.

    ``kind = "exit"``: the countries in ``leaving`` leave the bloc ``members``: the agreement
    effect between them and the others is removed and, with ``external_tariff`` and
    ``exit_tariff``, the leaver's tariff becomes ``exit_tariff`` on every partner while the
    remaining members apply the common external tariff to it.
    """

    type: Literal["agreement"]
    members: Members
    kind: AgreementKind = "customs_union"
    action: Literal["join", "leave"] = "join"
    effect: float | None = _limited("effect", None)
    se: float | None = _limited("effect_se", None)
    coefficient: str | None = None
    external_tariff: Rate | None = None
    external_tariff_se: float = Field(default=0.0, ge=0.0, allow_inf_nan=False)
    tariffs_before: dict[str, Rate] = Field(default_factory=dict)
    internal_tariff_before: Rate | None = None
    leaving: list[str] = Field(default_factory=list)
    exit_tariff: Rate | None = None

    @model_validator(mode="after")
    def _custom_needs_effect(self) -> AgreementShock:
        if self.kind == "custom" and self.effect is None and self.coefficient is None:
            raise ScenarioError(
                Message("kind = 'custom' needs an 'effect' (log points) or a 'coefficient'")
            )
        if self.kind == "exit":
            if not self.leaving:
                raise ScenarioError(
                    Message(
                        "kind = 'exit' needs 'leaving', the members that leave "
                        '(e.g. leaving = ["KAZ"])'
                    )
                )
            if (self.exit_tariff is None) != (self.external_tariff is None):
                raise ScenarioError(
                    Message(
                        "an exit with tariffs needs both 'external_tariff' (the bloc's "
                        "common tariff) and 'exit_tariff' (the leaver's tariff after)"
                    )
                )
            if self.tariffs_before:
                raise ScenarioError(
                    Message(
                        "'tariffs_before' belongs to a customs union being formed; an "
                        "exit starts from the common external tariff"
                    )
                )
        elif self.leaving or self.exit_tariff is not None:
            raise ScenarioError(Message("'leaving' and 'exit_tariff' need kind = 'exit'"))
        if self.external_tariff is not None:
            if self.kind not in ("customs_union", "exit"):
                raise ScenarioError(
                    Message(
                        "a common external tariff needs kind = 'customs_union' (or "
                        "'exit'), not {kind!r}",
                        kind=self.kind,
                    )
                )
            if self.internal_tariff_before is None:
                raise ScenarioError(
                    Message(
                        "state 'internal_tariff_before', the tariff among members before "
                        "(0.0 when they already trade duty-free, e.g. in the CIS FTA)"
                    )
                )
            if self.kind == "customs_union" and not self.tariffs_before:
                raise ScenarioError(
                    Message(
                        "state 'tariffs_before', each member's tariff on non-members "
                        "before joining (e.g. tariffs_before = {{ KAZ = 0.053 }})"
                    )
                )
        elif self.tariffs_before or self.internal_tariff_before is not None:
            raise ScenarioError(
                Message(
                    "'tariffs_before' and 'internal_tariff_before' describe a common "
                    "external tariff: give 'external_tariff' too"
                )
            )
        return self


class TradeCostShock(_ChangeShock):
    """Ad-valorem trade costs from ``exporters`` to ``importers`` change by ``change_pct`` percent."""

    type: Literal["trade_cost"]
    exporters: Members
    importers: Members
    symmetric: bool = True


class BorderShock(_ChangeShock):
    """A country's international border thickens (change_pct > 0) or thins (< 0), both directions."""

    type: Literal["border"]
    country: Members


class SanctionsShock(_Shock):
    """Trade between two sides becomes prohibitive (or costlier by ``change_pct``), both directions."""

    model_config = ConfigDict(
        strict=True, extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )

    type: Literal["sanctions"]
    between: Members
    and_: Members = Field(alias="and")
    change_pct: float | None = _limited("change_pct", None)
    se_pct: float = _limited("se_pct", 0.0)


class CorridorShock(_ChangeShock):
    """Costs fall along a list of pairs (each side a code or group) or a route of consecutive countries."""

    type: Literal["corridor"]
    pairs: list[list[str]] = Field(default_factory=list)
    route: list[str] = Field(default_factory=list)
    symmetric: bool = True

    @model_validator(mode="after")
    def _needs_pairs(self) -> CorridorShock:
        if not self.pairs and len(self.route) < 2:
            raise ScenarioError(
                Message("a corridor needs 'pairs' (e.g. [['KAZ', 'CHN']]) or a 'route' of 2+ codes")
            )
        for pair in self.pairs:
            if len(pair) != 2:
                raise ScenarioError(
                    Message("each corridor pair has two sides, got {pair!r}", pair=pair)
                )
        return self


class ProductivityShock(_ChangeShock):
    """Productivity (hat A_i) of the countries changes by ``change_pct`` percent: a crisis or a boom."""

    type: Literal["productivity"]
    countries: Members


class AutarkyShock(_Shock):
    """The countries close: every international flow into or out of them becomes prohibitive."""

    type: Literal["autarky"]
    countries: Members


class TariffShock(_Shock):
    """Ad-valorem tariffs change, by sector on worlds with sector data, on all trade otherwise.

    The pairs are every ordered pair among ``members`` or from ``exporters`` to ``importers``
    (both directions when ``symmetric``); ``exporters = "rest"`` means every country not among
    the importers (the rest of the world), one direction only. In the ``sectors`` listed (default: all), the tariff
    becomes ``rate`` (a share: 0.05 = 5 %) or moves by ``change`` percentage points (-2 = two
    points lower). ``se`` is the standard error of ``rate`` or ``change``, in the same unit.
    """

    type: Literal["tariff"]
    members: Members | None = None
    exporters: Members | None = None
    importers: Members | None = None
    symmetric: bool = True
    sectors: str | list[str] = "all"
    rate: float | None = _limited("tariff_rate", None)
    change: float | None = _limited("tariff_change", None)
    se: float | None = _limited("tariff_se", None)

    @model_validator(mode="after")
    def _one_target(self) -> TariffShock:
        if (self.rate is None) == (self.change is None):
            raise ScenarioError(
                Message(
                    "give exactly one of 'rate' (the new rate, 0.05 = 5 %) or 'change' "
                    "(percentage points added, -2 = two points lower); both were given"
                )
                if self.rate is not None
                else Message(
                    "give exactly one of 'rate' (the new rate, 0.05 = 5 %) or 'change' "
                    "(percentage points added, -2 = two points lower); neither was given"
                )
            )
        pairs = self.exporters is not None or self.importers is not None
        if self.members is not None and pairs:
            raise ScenarioError(
                Message("give either 'members' or 'exporters' and 'importers', not both")
            )
        if self.members is None and (self.exporters is None or self.importers is None):
            raise ScenarioError(
                Message(
                    "a tariff shock needs 'members' (e.g. \"EAEU\") or both 'exporters' and 'importers'"
                )
            )
        if isinstance(self.sectors, list) and not self.sectors:
            raise ScenarioError(
                Message("'sectors' is empty; list sector codes or write sectors = \"all\"")
            )
        return self


Shock = Annotated[
    AgreementShock
    | TradeCostShock
    | BorderShock
    | SanctionsShock
    | CorridorShock
    | ProductivityShock
    | AutarkyShock
    | TariffShock,
    Field(discriminator="type"),
]

SHOCK_TYPES: tuple[str, ...] = (
    "agreement",
    "trade_cost",
    "border",
    "sanctions",
    "corridor",
    "productivity",
    "autarky",
    "tariff",
)


class TariffRates(_Strict):
    """One line of ``[[tariffs.rates]]``: what ``importers`` charge on ``exporters``."""

    importers: Members
    exporters: Members
    rate: Rate
    source: str = ""


class TariffBaseline(_Strict):
    """``[tariffs]``: the baseline tariffs a one-sector scenario assumes (stated, never implied).

    ``elsewhere`` is the rate on every pair not stated (required); ``file`` a CSV or Parquet
    table (importer, exporter, rate), relative to the scenario file; ``rates`` lines applied in
    order after the file; ``note`` is shown in the report.
    """

    elsewhere: Rate
    file: str | None = None
    rates: list[TariffRates] = Field(default_factory=list)
    note: str = ""
    note_kk: str = ""
    note_ru: str = ""


class ScenarioSpec(_Strict):
    """A whole scenario file."""

    scenario: ScenarioMeta
    model: ModelSettings = Field(default_factory=ModelSettings)
    uncertainty: UncertaintySettings = Field(default_factory=UncertaintySettings)
    estimate: PanelEstimateSettings | None = None
    tariffs: TariffBaseline | None = None
    shocks: list[Shock] = Field(min_length=1)


__all__ = [
    "AgreementShock",
    "AutarkyShock",
    "BorderShock",
    "CorridorShock",
    "ModelSettings",
    "PanelEstimateSettings",
    "ProductivityShock",
    "SanctionsShock",
    "ScenarioMeta",
    "ScenarioSpec",
    "SHOCK_TYPES",
    "TariffBaseline",
    "TariffRates",
    "Shock",
    "TariffShock",
    "TradeCostShock",
    "UncertaintySettings",
]
