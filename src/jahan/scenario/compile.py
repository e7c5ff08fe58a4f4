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

Tariff shocks become cells of a tariff array, by sector on worlds with sector data (applied by
:mod:`jahan.scenario.sectoral`) and of the one-sector model's (exporter, importer) tariff matrix
otherwise: ``rate`` sets :math:`t_{ij} = p`, ``change`` adds :math:`p/100` (``p`` in percentage
points). A customs union with a common external tariff sets internal tariffs to 0 and tariffs
on non-members to the common level; an exit raises the leaver's tariffs to its stated level.
One-sector baseline tariffs come from the scenario's ``[tariffs]`` table and the unions'
``tariffs_before`` (see :mod:`jahan.scenario.tariffs`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from jahan.errors import Message, ScenarioError, ScenarioWarning
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
from jahan.world.globalization import AGREEMENTS

PROHIBITIVE = 1e-12
"""Factor on ``t_ij^(-theta)`` for a prohibitive barrier (sanctions, autarky)."""

AGREEMENT_GROUPS: tuple[str, ...] = (*AGREEMENTS, "EFTA", "CES")
"""Groups that are trade agreements: a shock among their members overlaps the baseline (the
built-in world's agreements and two a user's world may hold, EFTA and the CES)."""


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
    tariff_base: np.ndarray | None = field(default=None, repr=False)
    tariff_notes: tuple[str, ...] = ()
    overlaps: dict[int, dict[str, tuple[str, ...]]] = field(default_factory=dict, repr=False)

    def build_tariffs(self, values: Sequence[float] | np.ndarray) -> np.ndarray | None:
        """One-sector tariffs (exporter, importer) for one parameter vector, or None."""
        if self.tariff_base is None:
            return None
        values = np.asarray(values, dtype=float)
        tariff = self.tariff_base.copy()
        for t in self.tariffs:
            if t.mode == "rate":
                tariff[t.rows, t.cols] = values[t.param]
            else:
                tariff[t.rows, t.cols] += values[t.param] / 100.0
        # In draws a rate below zero is set to zero (the central run is checked at compile).
        return np.maximum(tariff, 0.0)

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
            raise scenario_error(
                self.source,
                loc,
                Message("empty list; give ISO3 codes or a group name"),
                text=self.text,
            )
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
                        self.source,
                        loc,
                        Message(
                            "group {name!r} has no members in {year} among this world's "
                            "countries; choose another year ([scenario] year = ...) or list ISO3 "
                            "codes",
                            name=name,
                            year=self.year,
                        ),
                        text=self.text,
                    )
                out.extend(members)
            else:
                pool = [*self.countries, *self.group_names.values()]
                raise scenario_error(
                    self.source,
                    loc,
                    Message(
                        "unknown country code or group {item!r}; use an ISO3 code of this world "
                        "({count} countries) or a group: {groups}",
                        item=item,
                        count=len(self.countries),
                        groups=sorted(self.group_names.values()),
                    ),
                    text=self.text,
                    suggestion=nearest(item, pool),
                )
        return list(dict.fromkeys(out))

    def error(
        self, loc: tuple[object, ...], problem: str | Message, suggestion: str | None = None
    ) -> ScenarioError:
        """The error at ``loc`` of this scenario file, quoting its line."""
        return scenario_error(self.source, loc, problem, text=self.text, suggestion=suggestion)

    def members(self, value: str | list[str], loc: tuple[object, ...], need: Message) -> list[str]:
        """The codes of ``value`` when they are at least two; else an error saying ``need``."""
        codes = self.codes(value, loc)
        if len(codes) < 2:
            raise self.error(loc, Message("{need}, got {codes!r}", need=need, codes=codes))
        return codes

    def idx(self, codes: Sequence[str]) -> np.ndarray:
        return np.array([self.index[c] for c in codes], dtype=np.intp)


def _no_pairs(what: Message) -> Message:
    return Message(
        "{what}: not one pair of two different countries, so this shock would change "
        "nothing; name different countries on the two sides",
        what=what,
    )


def _cross(a: np.ndarray, b: np.ndarray, symmetric: bool) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = np.meshgrid(a, b, indexing="ij")
    rows, cols = rows.ravel(), cols.ravel()
    if symmetric:
        rows, cols = np.concatenate([rows, cols]), np.concatenate([cols, rows])
    keep = rows != cols
    pairs = np.unique(np.stack([rows[keep], cols[keep]]), axis=1)
    return pairs[0], pairs[1]


NO_SECTORS = Message(
    "this world has no sector data, so it cannot take tariff shocks by sector. Give it sectors: "
    "World.from_frames(..., sectors=SectorData.from_inputs(mrio_to_inputs(...), trade_elasticity=...)), "
    "world.with_sectors(...), or a world folder with a sectors/ sub-folder "
    "(see docs/scenarios.md, 'Sectoral worlds')"
)


def _sector_index(
    value: str | list[str], sectors: Sequence[str], loc, source: str, text: str
) -> np.ndarray:
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
                source,
                loc,
                Message(
                    "unknown sector {item!r}; this world's {count} sectors are {shown} "
                    '(or write sectors = "all")',
                    item=item,
                    count=len(sectors),
                    shown=shown,
                ),
                text=text,
                suggestion=nearest(key, list(map(str, sectors))),
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
    overlaps: dict[int, dict[str, tuple[str, ...]]] = {}
    union_tariffs: list[tuple] = []

    for focus in spec.scenario.focus:
        res.codes(focus, ("scenario", "focus"))

    def add_param(
        k: int, name: str, mean: float, se: float, unit: str, coef: str | None = None
    ) -> int:
        params.append(Parameter(name, float(mean), float(se), unit, k, coef))
        return len(params) - 1

    for k, shock in enumerate(spec.shocks):
        loc = ("shocks", k)
        label = shock.label or f"{k + 1}: {shock.type}"
        if isinstance(shock, AgreementShock):
            codes = res.members(
                shock.members,
                (*loc, "members"),
                Message("an agreement needs at least two members"),
            )
            default = AGREEMENT_DEFAULTS.get(shock.kind)
            effect = (
                shock.effect if shock.effect is not None else (default.effect if default else 0.0)
            )
            se = shock.se if shock.se is not None else (default.se if default else 0.0)
            if shock.kind == "exit":
                leaving = _leavers(res, shock, codes, loc, year)
                if effect is None or shock.effect is None:
                    default = AGREEMENT_DEFAULTS["customs_union"]
                    effect = default.effect if shock.effect is None else effect
                    se = default.se if shock.se is None else se
                p = add_param(k, f"{label} effect", effect, se, "log points", shock.coefficient)
                stay = [c for c in codes if c not in leaving]
                rows, cols = _cross(res.idx(leaving), res.idx(stay), symmetric=True)
                cells.append(_Cells("exp", rows, cols, p, -1.0))
                shocked[k], members[k] = (rows, cols), tuple(leaving)
                if shock.external_tariff is not None:
                    union_tariffs.append((k, shock, codes, leaving, label))
                continue
            p = add_param(k, f"{label} effect", effect, se, "log points", shock.coefficient)
            a = res.idx(codes)
            rows, cols = _cross(a, a, symmetric=False)
            cells.append(_Cells("exp", rows, cols, p, 1.0 if shock.action == "join" else -1.0))
            shocked[k], members[k] = (rows, cols), tuple(codes)
            if shock.action == "join":
                found = _overlaps(res, codes, year)
                if found:
                    overlaps[k] = found
            if shock.external_tariff is not None:
                union_tariffs.append((k, shock, codes, [], label))
        elif isinstance(shock, TradeCostShock):
            ex = res.codes(shock.exporters, (*loc, "exporters"))
            im = res.codes(shock.importers, (*loc, "importers"))
            p = add_param(k, f"{label} change", shock.change_pct, shock.se_pct, "percent")
            rows, cols = _cross(res.idx(ex), res.idx(im), shock.symmetric)
            if len(rows) == 0:
                raise scenario_error(
                    source,
                    (*loc, "importers"),
                    _no_pairs(Message("exporters {ex!r} and importers {im!r}", ex=ex, im=im)),
                    text=text,
                )
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
                raise scenario_error(
                    source,
                    (*loc, "and"),
                    Message(
                        "{codes} on both sides of the sanctions; "
                        "each country may be on one side only",
                        codes=both,
                    ),
                    text=text,
                )
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
                    raise scenario_error(
                        source,
                        where,
                        _no_pairs(Message("the leg {x!r} -> {y!r}", x=x, y=y)),
                        text=text,
                    )
                all_rows.append(r)
                all_cols.append(c)
                involved += [*cx, *cy]
            pairs = np.unique(
                np.stack([np.concatenate(all_rows), np.concatenate(all_cols)]), axis=1
            )
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
                    source,
                    ("model", "imbalances"),
                    Message(
                        "bad value {value!r} for a scenario with autarky: a closed "
                        'country cannot keep a trade deficit; set imbalances = "balanced"',
                        value=spec.model.imbalances,
                    ),
                    text=text,
                )
            rows, cols = _cross(res.idx(codes), np.arange(len(res.countries)), symmetric=True)
            cells.append(_Cells("zero", rows, cols, None))
            shocked[k], members[k] = (rows, cols), tuple(codes)
        elif isinstance(shock, TariffShock):
            if sectors is None and shock.sectors != "all":
                raise scenario_error(source, (*loc, "sectors"), NO_SECTORS, text=text)
            if shock.members is not None:
                codes = res.members(
                    shock.members,
                    (*loc, "members"),
                    Message("tariffs among members need at least two countries"),
                )
                a = res.idx(codes)
                rows, cols = _cross(a, a, symmetric=False)
                involved = codes
            else:
                assert shock.exporters is not None and shock.importers is not None
                im = res.codes(shock.importers, (*loc, "importers"))
                rest = _is_rest(shock.exporters)
                ex = (
                    [c for c in res.countries if c not in im]
                    if rest
                    else res.codes(shock.exporters, (*loc, "exporters"))
                )
                rows, cols = _cross(res.idx(ex), res.idx(im), shock.symmetric and not rest)
                involved = list(dict.fromkeys([*ex, *im])) if not rest else im
            if len(rows) == 0:
                raise scenario_error(
                    source,
                    loc,
                    Message("no pair of different countries to put a tariff on"),
                    text=text,
                )
            s_idx = (
                np.zeros(1, dtype=np.intp)
                if sectors is None
                else _sector_index(shock.sectors, list(sectors), (*loc, "sectors"), source, text)
            )
            if shock.rate is not None:
                p = add_param(k, f"{label} rate", shock.rate, shock.se or 0.0, "rate")
                mode = "rate"
            else:
                p = add_param(
                    k,
                    f"{label} change",
                    float(shock.change or 0.0),
                    shock.se or 0.0,
                    "percentage points",
                )
                mode = "change"
            tariffs.append(TariffCells(mode, s_idx, rows, cols, p, k))
            shocked[k], members[k] = (rows, cols), tuple(involved)
            shocked_sectors[k] = s_idx

    tariff_base = None
    notes: list[str] = []
    if union_tariffs and sectors is not None:
        k = union_tariffs[0][0]
        raise scenario_error(
            source,
            ("shocks", k, "external_tariff"),
            Message(
                "a common external tariff runs on worlds without sector data; on "
                "this world state the members' tariffs by sector with tariff shocks"
            ),
            text=text,
        )
    if spec.tariffs is not None and sectors is not None:
        raise scenario_error(
            source,
            ("tariffs",),
            Message(
                "[tariffs] states baseline tariffs of a world "
                "without sector data; this world's tariffs come from its sector data"
            ),
            text=text,
        )
    if sectors is None and (tariffs or union_tariffs or spec.tariffs is not None):
        tariff_base, notes = _baseline_tariffs(spec, res, source, text)
        for k, shock, codes, leaving, label in union_tariffs:
            add = _union_tariffs(
                res, tariff_base, shock, k, codes, leaving, label, add_param, notes
            )
            tariffs.extend(add)
        _check_central_rates(tariffs, tariff_base, [p.mean for p in params], res, source, text)
    for k, found in overlaps.items():
        shock = spec.shocks[k]
        listed = "; ".join(
            f"{g}: {', '.join(pairs[:6])}" + (" ..." if len(pairs) > 6 else "")
            for g, pairs in found.items()
        )
        warnings.warn(
            f"{source}: shocks[{k + 1}] ({shock.label or shock.type}) covers pairs that already "
            f"share an agreement in {year} ({listed}); the result is what the shock adds on top "
            "of these agreements, which the baseline flows already reflect",
            ScenarioWarning,
            stacklevel=3,
        )

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
        tariff_base=tariff_base,
        tariff_notes=tuple(notes),
        overlaps=overlaps,
    )


def check_shocked_trade(
    compiled: CompiledScenario,
    baseline: np.ndarray,
    spec: ScenarioSpec,
    *,
    source: str,
    text: str = "",
) -> None:
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
                source,
                ("shocks", k, "type"),
                Message(
                    "the {count} pairs of this {type} shock have no trade in the baseline "
                    "flows, so it would change nothing; check the world's flows (all zero "
                    "between these countries?) or the countries named",
                    count=len(rows),
                    type=shock.type,
                ),
                text=text,
            )


def _is_rest(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower() in ("rest", "rest of world")


def _leavers(res: _Resolver, shock: AgreementShock, codes: list[str], loc, year) -> list[str]:
    where = (*loc, "leaving")
    leaving = res.codes(shock.leaving, where)
    outside = [c for c in leaving if c not in codes]
    if outside:
        raise res.error(
            where,
            Message(
                "{outside} cannot leave: not a member of {bloc!r} in {year} "
                "(members then: {codes}); name members of the bloc in the baseline year",
                outside=outside,
                bloc=shock.members,
                year=year,
                codes=codes,
            ),
        )
    if len(leaving) == len(codes):
        raise res.error(where, Message("every member leaves; at least one must stay"))
    return leaving


def _overlaps(res: _Resolver, codes: list[str], year) -> dict[str, tuple[str, ...]]:
    """Agreement groups whose members in ``year`` already include pairs of ``codes``."""
    found: dict[str, tuple[str, ...]] = {}
    chosen = set(codes)
    for name in res.group_names.values():
        if name.upper() not in {g.upper() for g in AGREEMENT_GROUPS}:
            continue
        inside = sorted(chosen & set(res.world.group(name, year=year)))
        if len(inside) >= 2:
            found[name] = tuple(f"{a}-{b}" for i, a in enumerate(inside) for b in inside[i + 1 :])
    return found


def _baseline_tariffs(
    spec: ScenarioSpec, res: _Resolver, source: str, text: str
) -> tuple[np.ndarray, list[str]]:
    """The stated baseline tariff matrix (exporter, importer) and its notes for the report."""
    stated = spec.tariffs
    if stated is None:
        raise scenario_error(
            source,
            ("tariffs",),
            Message(
                "this scenario changes tariffs on a world without tariff data: state the baseline "
                "rate you assume on pairs you do not list, e.g. [tariffs] elsewhere = 0.0 (and "
                'optionally file = "tariffs.csv" or [[tariffs.rates]] lines)'
            ),
            text=text,
        )
    n = len(res.countries)
    base = np.full((n, n), float(stated.elsewhere))
    np.fill_diagonal(base, 0.0)
    notes = [f"elsewhere: {stated.elsewhere:g}"]
    if stated.file:
        from jahan.scenario.tariffs import read_tariff_table

        path = Path(stated.file)
        if not path.is_absolute() and Path(source).is_file():
            path = Path(source).parent / path
        try:
            table = read_tariff_table(path, res.countries)
        except ScenarioError as exc:
            raise scenario_error(
                source, ("tariffs", "file"), exc.translatable or str(exc), text=text
            ) from None
        base[res.idx(table["exporter"]), res.idx(table["importer"])] = table["rate"].to_numpy()
        notes.append(f"file: {path.name} ({len(table)} rows)")
    for m, line in enumerate(stated.rates):
        where = ("tariffs", "rates", m)
        im = res.codes(line.importers, (*where, "importers"))
        ex = (
            [c for c in res.countries if c not in im]
            if _is_rest(line.exporters)
            else res.codes(line.exporters, (*where, "exporters"))
        )
        rows, cols = _cross(res.idx(ex), res.idx(im), symmetric=False)
        base[rows, cols] = line.rate
        notes.append(
            f"{', '.join(im)} on {line.exporters}: {line.rate:g}"
            + (f" ({line.source})" if line.source else "")
        )
    return base, notes


def _union_tariffs(
    res: _Resolver,
    base: np.ndarray,
    shock: AgreementShock,
    k: int,
    codes: list[str],
    leaving: list[str],
    label: str,
    add_param,
    notes: list[str],
) -> list[TariffCells]:
    """Baseline and counterfactual tariffs of a customs union (or an exit from one)."""
    loc = ("shocks", k)
    inside = res.idx(codes)
    outside = res.idx([c for c in res.countries if c not in codes])
    one = np.zeros(1, dtype=np.intp)
    cet = add_param(
        k,
        f"{label} common external tariff",
        shock.external_tariff,
        shock.external_tariff_se,
        "rate",
    )
    internal_before = float(shock.internal_tariff_before or 0.0)
    rows, cols = _cross(inside, inside, symmetric=False)
    base[rows, cols] = internal_before
    if shock.kind == "exit":
        # Baseline: every member applies the common tariff to non-members.
        r, c = _cross(outside, inside, symmetric=False)
        base[r, c] = shock.external_tariff
        notes.append(
            f"{label}: members' external tariff before = {shock.external_tariff:g}, "
            f"internal = {internal_before:g}"
        )
        out = res.idx(leaving)
        stay = res.idx([c for c in codes if c not in leaving])
        after = add_param(k, f"{label} exit tariff", shock.exit_tariff, 0.0, "rate")
        r1, c1 = _cross(np.arange(len(res.countries)), out, symmetric=False)
        r2, c2 = _cross(out, stay, symmetric=False)
        return [
            TariffCells("rate", one, r1, c1, after, k),
            TariffCells("rate", one, r2, c2, cet, k),
        ]
    unknown = [c for c in shock.tariffs_before if c.strip().upper() not in codes]
    if unknown:
        raise res.error(
            (*loc, "tariffs_before", unknown[0]),
            Message(
                "{code!r} is not a member of this union ({codes}); give the tariff "
                "before joining for members only",
                code=unknown[0],
                codes=codes,
            ),
        )
    before = {c.strip().upper(): v for c, v in shock.tariffs_before.items()}
    lacking = [c for c in codes if c not in before]
    if lacking:
        raise res.error(
            (*loc, "tariffs_before"),
            Message(
                "no tariff before joining for {codes}; state each member's rate on "
                "non-members (an unknown rate is an assumption to write down, not a silent 0)",
                codes=lacking,
            ),
        )
    for code, rate in before.items():
        r, c = _cross(outside, res.idx([code]), symmetric=False)
        base[r, c] = rate
    notes.append(
        f"{label}: tariffs before = "
        + ", ".join(f"{c} {v:g}" for c, v in before.items())
        + f"; internal = {internal_before:g}"
    )
    free = add_param(k, f"{label} internal tariff", 0.0, 0.0, "rate")
    r2, c2 = _cross(outside, inside, symmetric=False)
    return [TariffCells("rate", one, rows, cols, free, k), TariffCells("rate", one, r2, c2, cet, k)]


def _check_central_rates(
    cells: list[TariffCells],
    base: np.ndarray,
    means: list[float],
    res: _Resolver,
    source: str,
    text: str,
) -> None:
    tariff = base.copy()
    for t in cells:
        if t.mode == "rate":
            tariff[t.rows, t.cols] = means[t.param]
            continue
        tariff[t.rows, t.cols] += means[t.param] / 100.0
        bad = tariff[t.rows, t.cols] < -1e-12
        if bad.any():
            q = int(np.flatnonzero(bad)[0])
            raise scenario_error(
                source,
                ("shocks", t.shock, "change"),
                Message(
                    "change {change:g} percentage points makes {count} tariff(s) "
                    "negative, e.g. {importer} on {exporter}; "
                    "use rate = 0.0 to remove tariffs or a smaller cut",
                    change=means[t.param],
                    count=int(bad.sum()),
                    importer=res.countries[t.cols[q]],
                    exporter=res.countries[t.rows[q]],
                ),
                text=text,
            )


__all__ = [
    "NO_SECTORS",
    "PROHIBITIVE",
    "check_shocked_trade",
    "CompiledScenario",
    "Parameter",
    "TariffCells",
    "compile_scenario",
]
