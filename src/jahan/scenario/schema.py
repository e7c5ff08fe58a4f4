"""The typed form of a scenario file: pydantic models for ``[scenario]``, ``[model]``, ``[[shocks]]``.

Fields are strict (a string where a number belongs is an error, not a guess) and unknown keys are
rejected, so a misspelt key is reported instead of silently ignored. Country codes and group names
are checked later, against the world the scenario runs on (see :mod:`jahan.scenario.compile`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from jahan._validate_numbers import field_limits

Members = str | list[str]
"""A group name ("EAEU"), one ISO3 code ("KAZ") or a list mixing both."""

AgreementKind = Literal["fta", "customs_union", "deep", "currency_union", "custom"]


class _Strict(BaseModel):
    # NaN and infinity are refused everywhere (TOML can write them: ``inf``, ``nan``, ``1e400``).
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, allow_inf_nan=False)


class ScenarioMeta(_Strict):
    """``[scenario]``: what the scenario is and which founding claim it tests."""

    name: str = Field(min_length=1)
    description: str = ""
    claim: str = ""
    source: str = ""
    name_kk: str = ""
    name_ru: str = ""
    description_kk: str = ""
    description_ru: str = ""
    focus: list[str] = Field(default_factory=lambda: ["KAZ"])
    year: int | None = Field(default=None, ge=1900, le=2100)
    references: list[str] = Field(default_factory=list)


class ModelSettings(_Strict):
    """``[model]``: the general-equilibrium model the shocks are solved in."""

    trade_elasticity: float = Field(default=5.0, **field_limits("trade_elasticity"))
    closure: Literal["full", "conditional"] = "full"
    imbalances: Literal["fixed", "multiplicative", "balanced"] = "fixed"


class UncertaintySettings(_Strict):
    """``[uncertainty]``: default number of draws and seed (the command line may override)."""

    draws: int = Field(default=200, **field_limits("draws"))
    seed: int = Field(default=1, **field_limits("seed"))


class _Shock(_Strict):
    label: str = ""
    label_kk: str = ""
    label_ru: str = ""


class AgreementShock(_Shock):
    """Members form (or leave) an agreement: ``t_ij^(-theta)`` rises by ``exp(effect)`` among them.

    ``effect`` is in log points of trade (the gravity coefficient of the agreement dummy); when it is
    omitted the documented literature default for ``kind`` is used. ``coefficient`` names a
    coefficient of a gravity estimate passed to ``Scenario.run(estimate=...)`` instead.
    """

    type: Literal["agreement"]
    members: Members
    kind: AgreementKind = "customs_union"
    action: Literal["join", "leave"] = "join"
    effect: float | None = Field(default=None, **field_limits("effect"))
    se: float | None = Field(default=None, **field_limits("effect_se"))
    coefficient: str | None = None

    @model_validator(mode="after")
    def _custom_needs_effect(self) -> AgreementShock:
        if self.kind == "custom" and self.effect is None and self.coefficient is None:
            raise ValueError("kind = 'custom' needs an 'effect' (log points) or a 'coefficient'")
        return self


class TradeCostShock(_Shock):
    """Ad-valorem trade costs from ``exporters`` to ``importers`` change by ``change_pct`` percent."""

    type: Literal["trade_cost"]
    exporters: Members
    importers: Members
    change_pct: float = Field(**field_limits("change_pct"))
    se_pct: float = Field(default=0.0, **field_limits("se_pct"))
    symmetric: bool = True


class BorderShock(_Shock):
    """A country's international border thickens (change_pct > 0) or thins (< 0), both directions."""

    type: Literal["border"]
    country: Members
    change_pct: float = Field(**field_limits("change_pct"))
    se_pct: float = Field(default=0.0, **field_limits("se_pct"))


class SanctionsShock(_Shock):
    """Trade between two sides becomes prohibitive (or costlier by ``change_pct``), both directions."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True,
                              allow_inf_nan=False)

    type: Literal["sanctions"]
    between: Members
    and_: Members = Field(alias="and")
    change_pct: float | None = Field(default=None, **field_limits("change_pct"))
    se_pct: float = Field(default=0.0, **field_limits("se_pct"))


class CorridorShock(_Shock):
    """Costs fall along a list of pairs (each side a code or group) or a route of consecutive countries."""

    type: Literal["corridor"]
    pairs: list[list[str]] = Field(default_factory=list)
    route: list[str] = Field(default_factory=list)
    change_pct: float = Field(**field_limits("change_pct"))
    se_pct: float = Field(default=0.0, **field_limits("se_pct"))
    symmetric: bool = True

    @model_validator(mode="after")
    def _needs_pairs(self) -> CorridorShock:
        if not self.pairs and len(self.route) < 2:
            raise ValueError("a corridor needs 'pairs' (e.g. [['KAZ', 'CHN']]) or a 'route' of 2+ codes")
        for pair in self.pairs:
            if len(pair) != 2:
                raise ValueError(f"each corridor pair has two sides, got {pair!r}")
        return self


class ProductivityShock(_Shock):
    """Productivity (hat A_i) of the countries changes by ``change_pct`` percent: a crisis or a boom."""

    type: Literal["productivity"]
    countries: Members
    change_pct: float = Field(**field_limits("change_pct"))
    se_pct: float = Field(default=0.0, **field_limits("se_pct"))


class AutarkyShock(_Shock):
    """The countries close: every international flow into or out of them becomes prohibitive."""

    type: Literal["autarky"]
    countries: Members


class TariffShock(_Shock):
    """Ad-valorem tariffs by sector change (worlds with sector data only).

    The pairs are every ordered pair among ``members`` or from ``exporters`` to ``importers``
    (both directions when ``symmetric``). In the ``sectors`` listed (default: all), the tariff
    becomes ``rate`` (a share: 0.05 = 5 %) or moves by ``change`` percentage points (-2 = two
    points lower). ``se`` is the standard error of ``rate`` or ``change``, in the same unit.
    """

    type: Literal["tariff"]
    members: Members | None = None
    exporters: Members | None = None
    importers: Members | None = None
    symmetric: bool = True
    sectors: str | list[str] = "all"
    rate: float | None = Field(default=None, **field_limits("tariff_rate"))
    change: float | None = Field(default=None, **field_limits("tariff_change"))
    se: float | None = Field(default=None, **field_limits("tariff_se"))

    @model_validator(mode="after")
    def _one_target(self) -> TariffShock:
        if (self.rate is None) == (self.change is None):
            raise ValueError(
                "give exactly one of 'rate' (the new rate, 0.05 = 5 %) or 'change' "
                "(percentage points added, -2 = two points lower)"
                + ("; both were given" if self.rate is not None else "; neither was given")
            )
        pairs = self.exporters is not None or self.importers is not None
        if self.members is not None and pairs:
            raise ValueError("give either 'members' or 'exporters' and 'importers', not both")
        if self.members is None and (self.exporters is None or self.importers is None):
            raise ValueError("a tariff shock needs 'members' (e.g. \"EAEU\") or both 'exporters' "
                             "and 'importers'")
        if isinstance(self.sectors, list) and not self.sectors:
            raise ValueError("'sectors' is empty; list sector codes or write sectors = \"all\"")
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


class ScenarioSpec(_Strict):
    """A whole scenario file."""

    scenario: ScenarioMeta
    model: ModelSettings = Field(default_factory=ModelSettings)
    uncertainty: UncertaintySettings = Field(default_factory=UncertaintySettings)
    shocks: list[Shock] = Field(min_length=1)


__all__ = [
    "AgreementShock",
    "AutarkyShock",
    "BorderShock",
    "CorridorShock",
    "ModelSettings",
    "ProductivityShock",
    "SanctionsShock",
    "ScenarioMeta",
    "ScenarioSpec",
    "SHOCK_TYPES",
    "Shock",
    "TariffShock",
    "TradeCostShock",
    "UncertaintySettings",
]
