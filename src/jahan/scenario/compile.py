r"""Compile a scenario's shocks, against a world, into model inputs.

Every shock becomes a set of cells of the trade-cost matrix ``B_ij = hat t_ij^(-theta)`` (the GE
model's ``cost_change``) or of the productivity vector ``hat A_i``, and at most one uncertain
parameter. For a parameter value ``p``:

- agreement: :math:`B_{ij} \leftarrow B_{ij} e^{\pm p}` for members :math:`i \ne j` (``p`` in log
  points of trade; ``+`` join, ``-`` leave);
- trade_cost, border, corridor, sanctions with a finite ``change_pct``:
  :math:`B_{ij} \leftarrow B_{ij} (1 + p/100)^{-\theta}`, ``p`` the percentage change of the
  ad-valorem trade cost ``t_ij``;
- sanctions (prohibitive) and autarky: :math:`B_{ij} = 10^{-12}` (:data:`PROHIBITIVE`: trade
  falls by twelve orders of magnitude; an exact zero would leave a closed country's factory-gate
  price undetermined, since it then sells only to itself);
- productivity: :math:`\hat A_i \leftarrow \hat A_i (1 + p/100)`.

Effects compose multiplicatively; a prohibitive cell stays prohibitive. Groups resolve from the
world's memberships in the scenario's ``year`` (default: the world's baseline year).

Tariff shocks (worlds with sector data only) become cells of the multi-sector model's tariff
array, by sector: ``rate`` sets :math:`t_{ij}^s = p`, ``change`` adds :math:`p/100` (``p`` in
percentage points). They are applied by :mod:`jahan.scenario.sectoral`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from jahan.scenario._errors import nearest, scenario_error
from jahan.scenario.defaults import AGREEMENT_DEFAULTS
from jahan.scenario.schema import (
    AgreementShock,
    AutarkyShock,
    BorderShock,
    CorridorShock,
    ProductivityShock,
    SanctionsShock,
    ScenarioSpec,
    TariffShock,
    TradeCostShock,
)

PROHIBITIVE = 1e-12
"""Factor on ``t_ij^(-theta)`` for a prohibitive barrier (sanctions, autarky)."""


@dataclass(frozen=True)
class Parameter:
    """One uncertain effect: its central value, standard error and unit."""

    name: str
    mean: float
    se: float
    unit: str
    shock: int
    coefficient: str | None = None


@dataclass(frozen=True)
class _Cells:
    kind: str  # "exp" | "pct" | "zero" | "productivity"
    rows: np.ndarray
    cols: np.ndarray
    param: int | None
    sign: float = 1.0


@dataclass(frozen=True)
class TariffCells:
    """One tariff shock: sectors x (exporter ``rows``, importer ``cols``) pairs, set or shifted."""

    mode: str  # "rate" | "change"
    sectors: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    param: int
    shock: int


@dataclass(frozen=True)
class CompiledScenario:
    """Shocks as index arrays over ``countries`` plus the parameters that drive them."""

    countries: tuple[str, ...]
    trade_elasticity: float
    parameters: tuple[Parameter, ...]
    cells: tuple[_Cells, ...] = field(repr=False)
    shocked_pairs: dict[int, tuple[np.ndarray, np.ndarray]] = field(repr=False)
    members: dict[int, tuple[str, ...]] = field(repr=False)
    sectors: tuple[str, ...] = ()
    tariffs: tuple[TariffCells, ...] = field(default=(), repr=False)
    shocked_sectors: dict[int, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def means(self) -> np.ndarray:
        """Central parameter values (the central run uses these)."""
        return np.array([p.mean for p in self.parameters], dtype=float)

    def build(self, values: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(B, hat_A)`` for one vector of parameter values."""
        n = len(self.countries)
        values = np.asarray(values, dtype=float)
        cost = np.ones((n, n))
        productivity = np.ones(n)
        zero_rows: list[np.ndarray] = []
        zero_cols: list[np.ndarray] = []
        theta = self.trade_elasticity
        for cell in self.cells:
            if cell.kind == "zero":
                zero_rows.append(cell.rows)
                zero_cols.append(cell.cols)
                continue
            assert cell.param is not None
            p = values[cell.param]
            if cell.kind == "exp":
                cost[cell.rows, cell.cols] *= np.exp(cell.sign * p)
            elif cell.kind == "pct":
                cost[cell.rows, cell.cols] *= max(1.0 + p / 100.0, 1e-9) ** (-theta)
            else:
                productivity[cell.rows] *= max(1.0 + p / 100.0, 1e-9)
        for rows, cols in zip(zero_rows, zero_cols, strict=True):
            cost[rows, cols] = PROHIBITIVE
        return cost, productivity


class _Resolver:
    """Resolve codes and group names against the world, with clear errors."""

    def __init__(self, world, countries: Sequence[str], year: int | None, source: str, text: str):
        self.world = world
        self.countries = tuple(countries)
        self.index = {c: k for k, c in enumerate(self.countries)}
        self.year = year
        self.source = source
        self.text = text
        self.group_names = {g.upper(): g for g in world.group_names()}

    def codes(self, value: str | list[str], loc: tuple[object, ...]) -> list[str]:
        items = [value] if isinstance(value, str) else list(value)
        if not items:
            raise scenario_error(self.source, loc, "empty list; give ISO3 codes or a group name",
                                 text=self.text)
        out: list[str] = []
        for item in items:
            key = item.strip().upper()
            if key in self.index:
                out.append(key)
            elif key in self.group_names:
                name = self.group_names[key]
                members = [c for c in self.world.group(name, year=self.year) if c in self.index]
                if not members:
                    raise scenario_error(
                        self.source, loc,
                        f"group {name!r} has no members in {self.year} among this world's countries; "
                        "choose another year ([scenario] year = ...) or list ISO3 codes",
                        text=self.text,
                    )
                out.extend(members)
            else:
                pool = [*self.countries, *self.group_names.values()]
                raise scenario_error(
                    self.source, loc,
                    f"unknown country code or group {item!r}; use an ISO3 code of this world "
                    f"({len(self.countries)} countries) or a group: "
                    f"{', '.join(sorted(self.group_names.values()))}",
                    text=self.text,
                    suggestion=nearest(item, pool),
                )
        return list(dict.fromkeys(out))

    def idx(self, codes: Sequence[str]) -> np.ndarray:
        return np.array([self.index[c] for c in codes], dtype=np.intp)


_NO_PAIRS = ("{what}: not one pair of two different countries, so this shock would change "
             "nothing; name different countries on the two sides")


def _cross(a: np.ndarray, b: np.ndarray, symmetric: bool) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = np.meshgrid(a, b, indexing="ij")
    rows, cols = rows.ravel(), cols.ravel()
    if symmetric:
        rows, cols = np.concatenate([rows, cols]), np.concatenate([cols, rows])
    keep = rows != cols
    pairs = np.unique(np.stack([rows[keep], cols[keep]]), axis=1)
    return pairs[0], pairs[1]


NO_SECTORS = (
    "this world has no sector data, so it cannot take tariff shocks by sector. Give it sectors: "
    "World.from_frames(..., sectors=SectorData.from_inputs(mrio_to_inputs(...), trade_elasticity=...)), "
    "world.with_sectors(...), or a world folder with a sectors/ sub-folder "
    "(see docs/scenarios.md, 'Sectoral worlds')"
)


def _sector_index(value: str | list[str], sectors: Sequence[str], loc, source: str,
                  text: str) -> np.ndarray:
    if isinstance(value, str):
        if value.strip().lower() == "all":
            return np.arange(len(sectors), dtype=np.intp)
        value = [value]
    index = {str(s): k for k, s in enumerate(sectors)}
    upper = {str(s).upper(): k for k, s in enumerate(sectors)}
    out: list[int] = []
    for item in value:
        key = str(item).strip()
        if key in index:
            out.append(index[key])
        elif key.upper() in upper:
            out.append(upper[key.upper()])
        else:
            shown = ", ".join(map(str, sectors[:30])) + (" ..." if len(sectors) > 30 else "")
            raise scenario_error(
                source, loc,
                f"unknown sector {item!r}; this world's {len(sectors)} sectors are {shown} "
                "(or write sectors = \"all\")",
                text=text, suggestion=nearest(key, list(map(str, sectors))),
            )
    return np.array(sorted(set(out)), dtype=np.intp)


def compile_scenario(
    spec: ScenarioSpec,
    world,
    countries: Sequence[str],
    *,
    source: str = "<scenario>",
    text: str = "",
    sectors: Sequence[str] | None = None,
) -> CompiledScenario:
    """Resolve every shock of ``spec`` on ``world`` (countries ordered as ``countries``).

    ``sectors`` are the sector codes of a world with sector data (needed by tariff shocks).
    """
    year = spec.scenario.year if spec.scenario.year is not None else world.baseline_year
    year = int(year) if year is not None else None  # None: memberships without an exit year
    res = _Resolver(world, countries, year, source, text)
    theta = spec.model.trade_elasticity
    params: list[Parameter] = []
    cells: list[_Cells] = []
    shocked: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    members: dict[int, tuple[str, ...]] = {}
    tariffs: list[TariffCells] = []
    shocked_sectors: dict[int, np.ndarray] = {}

    for focus in spec.scenario.focus:
        res.codes(focus, ("scenario", "focus"))

    def add_param(k: int, name: str, mean: float, se: float, unit: str, coef: str | None = None) -> int:
        params.append(Parameter(name, float(mean), float(se), unit, k, coef))
        return len(params) - 1

    for k, shock in enumerate(spec.shocks):
        loc = ("shocks", k)
        label = shock.label or f"{k + 1}: {shock.type}"
        if isinstance(shock, AgreementShock):
            codes = res.codes(shock.members, (*loc, "members"))
            if len(codes) < 2:
                raise scenario_error(source, (*loc, "members"),
                                     f"an agreement needs at least two members, got {codes}", text=text)
            default = AGREEMENT_DEFAULTS.get(shock.kind)
            effect = shock.effect if shock.effect is not None else (default.effect if default else 0.0)
            se = shock.se if shock.se is not None else (default.se if default else 0.0)
            p = add_param(k, f"{label} effect", effect, se, "log points", shock.coefficient)
            a = res.idx(codes)
            rows, cols = _cross(a, a, symmetric=False)
            cells.append(_Cells("exp", rows, cols, p, 1.0 if shock.action == "join" else -1.0))
            shocked[k], members[k] = (rows, cols), tuple(codes)
        elif isinstance(shock, TradeCostShock):
            ex = res.codes(shock.exporters, (*loc, "exporters"))
            im = res.codes(shock.importers, (*loc, "importers"))
            p = add_param(k, f"{label} change", shock.change_pct, shock.se_pct, "percent")
            rows, cols = _cross(res.idx(ex), res.idx(im), shock.symmetric)
            if len(rows) == 0:
                raise scenario_error(source, (*loc, "importers"), _NO_PAIRS.format(
                    what=f"exporters {ex} and importers {im}"), text=text)
            cells.append(_Cells("pct", rows, cols, p))
            shocked[k], members[k] = (rows, cols), tuple(dict.fromkeys([*ex, *im]))
        elif isinstance(shock, BorderShock):
            codes = res.codes(shock.country, (*loc, "country"))
            p = add_param(k, f"{label} change", shock.change_pct, shock.se_pct, "percent")
            rows, cols = _cross(res.idx(codes), np.arange(len(res.countries)), symmetric=True)
            cells.append(_Cells("pct", rows, cols, p))
            shocked[k], members[k] = (rows, cols), tuple(codes)
        elif isinstance(shock, SanctionsShock):
            side_a = res.codes(shock.between, (*loc, "between"))
            side_b = res.codes(shock.and_, (*loc, "and"))
            both = sorted(set(side_a) & set(side_b))
            if both:
                raise scenario_error(source, (*loc, "and"),
                                     f"{', '.join(both)} on both sides of the sanctions; "
                                     "each country may be on one side only", text=text)
            rows, cols = _cross(res.idx(side_a), res.idx(side_b), symmetric=True)
            if shock.change_pct is None:
                cells.append(_Cells("zero", rows, cols, None))
            else:
                p = add_param(k, f"{label} change", shock.change_pct, shock.se_pct, "percent")
                cells.append(_Cells("pct", rows, cols, p))
            shocked[k], members[k] = (rows, cols), tuple([*side_a, *side_b])
        elif isinstance(shock, CorridorShock):
            sides = [list(pair) for pair in shock.pairs]
            sides += [[x, y] for x, y in zip(shock.route, shock.route[1:], strict=False)]
            all_rows, all_cols, involved = [], [], []
            for j, (x, y) in enumerate(sides):
                where = (*loc, "pairs" if j < len(shock.pairs) else "route")
                cx, cy = res.codes(x, where), res.codes(y, where)
                r, c = _cross(res.idx(cx), res.idx(cy), shock.symmetric)
                if len(r) == 0:
                    raise scenario_error(source, where, _NO_PAIRS.format(
                        what=f"the leg {x!r} -> {y!r}"), text=text)
                all_rows.append(r)
                all_cols.append(c)
                involved += [*cx, *cy]
            pairs = np.unique(np.stack([np.concatenate(all_rows), np.concatenate(all_cols)]), axis=1)
            p = add_param(k, f"{label} change", shock.change_pct, shock.se_pct, "percent")
            cells.append(_Cells("pct", pairs[0], pairs[1], p))
            shocked[k], members[k] = (pairs[0], pairs[1]), tuple(dict.fromkeys(involved))
        elif isinstance(shock, ProductivityShock):
            codes = res.codes(shock.countries, (*loc, "countries"))
            p = add_param(k, f"{label} change", shock.change_pct, shock.se_pct, "percent")
            idx = res.idx(codes)
            cells.append(_Cells("productivity", idx, idx, p))
            members[k] = tuple(codes)
        elif isinstance(shock, AutarkyShock):
            codes = res.codes(shock.countries, (*loc, "countries"))
            if spec.model.imbalances != "balanced":
                raise scenario_error(
                    source, ("model", "imbalances"),
                    f"bad value {spec.model.imbalances!r} for a scenario with autarky: a closed "
                    "country cannot keep a trade deficit; set imbalances = \"balanced\"",
                    text=text,
                )
            rows, cols = _cross(res.idx(codes), np.arange(len(res.countries)), symmetric=True)
            cells.append(_Cells("zero", rows, cols, None))
            shocked[k], members[k] = (rows, cols), tuple(codes)
        elif isinstance(shock, TariffShock):
            if sectors is None:
                raise scenario_error(source, (*loc, "type"), NO_SECTORS, text=text)
            if shock.members is not None:
                codes = res.codes(shock.members, (*loc, "members"))
                if len(codes) < 2:
                    raise scenario_error(source, (*loc, "members"),
                                         f"tariffs among members need at least two countries, got {codes}",
                                         text=text)
                a = res.idx(codes)
                rows, cols = _cross(a, a, symmetric=False)
                involved = codes
            else:
                assert shock.exporters is not None and shock.importers is not None
                ex = res.codes(shock.exporters, (*loc, "exporters"))
                im = res.codes(shock.importers, (*loc, "importers"))
                rows, cols = _cross(res.idx(ex), res.idx(im), shock.symmetric)
                involved = list(dict.fromkeys([*ex, *im]))
            if len(rows) == 0:
                raise scenario_error(source, loc, "no pair of different countries to put a tariff on",
                                     text=text)
            s_idx = _sector_index(shock.sectors, list(sectors), (*loc, "sectors"), source, text)
            if shock.rate is not None:
                p = add_param(k, f"{label} rate", shock.rate, shock.se or 0.0, "rate")
                mode = "rate"
            else:
                p = add_param(k, f"{label} change", float(shock.change or 0.0), shock.se or 0.0,
                              "percentage points")
                mode = "change"
            tariffs.append(TariffCells(mode, s_idx, rows, cols, p, k))
            shocked[k], members[k] = (rows, cols), tuple(involved)
            shocked_sectors[k] = s_idx

    return CompiledScenario(
        countries=tuple(countries),
        trade_elasticity=theta,
        parameters=tuple(params),
        cells=tuple(cells),
        shocked_pairs=shocked,
        members=members,
        sectors=tuple(sectors) if sectors is not None else (),
        tariffs=tuple(tariffs),
        shocked_sectors=shocked_sectors,
    )


def check_shocked_trade(compiled: CompiledScenario, baseline: np.ndarray, spec: ScenarioSpec, *,
                        source: str, text: str = "") -> None:
    """Refuse a shock whose pairs carry no baseline trade.

    Exact hat algebra scales flows, so a cost change on pairs that do not trade leaves every
    result unchanged, and the shock's trade change is 0/0. Such a shock is a mistake in the
    scenario or in the world's flows; it is reported instead of run as a no-op.
    """
    for k, (rows, cols) in sorted(compiled.shocked_pairs.items()):
        if k in compiled.shocked_sectors:
            continue  # tariff shocks: checked on sector flows by the multi-sector model
        if not np.any(baseline[rows, cols] > 0):
            shock = spec.shocks[k]
            raise scenario_error(
                source, ("shocks", k, "type"),
                f"the {len(rows)} pairs of this {shock.type} shock have no trade in the baseline "
                "flows, so it would change nothing; check the world's flows (all zero between "
                "these countries?) or the countries named", text=text)


__all__ = ["NO_SECTORS", "check_shocked_trade", "PROHIBITIVE", "CompiledScenario", "Parameter", "TariffCells",
           "compile_scenario"]
