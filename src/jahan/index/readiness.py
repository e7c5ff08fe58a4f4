"""Readiness to integrate: the eleven conditions of successful regional integration, measured.

The founding texts name eleven conditions under which regional integration succeeds. Each is
mapped to a measure the built-in world holds, to a slot the user fills from a table (survey
results, governance scores), or to both (a user value takes precedence and the source says so).
A condition with neither is shown as missing, never as zero, and the overall readiness is the mean
of the measured conditions' scores with the count of conditions it rests on.

Scores are on 0-100 (higher = more favourable to integration). World measures over member pairs:

- distance and shared organisations: the mid-rank percentile of the bloc's mean over member pairs
  among all pairs of different countries in the world (100 = closer / more shared than every pair);
- shares of member pairs (common official language, same former state, same income group, common
  security organisation): the share itself, in percent;
- comparable economic size: the mean over member pairs of GDP_small / GDP_large, in percent.

One world measure is over member countries: stable economic growth. Its value is the mean over
members of the standard deviation of annual real GDP growth (column ``gdp_growth_sd_pct``; the
built-in world computes it from Penn World Table 9.1 over the years in ``world.meta["growth_years"]``),
in percentage points. The score is the share of the world's countries with a growth standard
deviation at least as large as that mean, in percent (100 = steadier than every country; the same
rule as a "lower" user slot, with the world as the table). It is missing, with the members named,
when any member lacks the standard deviation.

User slots (a table with columns country, condition, value and optionally source):

- "share" slots hold a percentage per country (e.g. public support for integration); the bloc value
  and score are the members' mean;
- "lower" slots hold a quantity where less is better (growth volatility): the score is the share of
  the table's countries whose value is at least the bloc's mean (the table must reach beyond the bloc);
- "similar" slots hold a score on any scale (political system, governance, state capacity): the
  score is 100 (1 - range among members / range among all countries in the table);
- "ratio" slots hold a positive quantity (military spending): the score is the mean over member
  pairs of small / large, in percent.
"""

from __future__ import annotations

import difflib
import itertools
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import cast

import numpy as np
import pandas as pd

from jahan._i18n import fmt_number, tr
from jahan._io import write_parquet_atomic
from jahan._result import Result
from jahan._suggest import closest
from jahan.errors import DataError, Message
from jahan.index.builtin import ORGANISATION_GROUPS

SECURITY_GROUPS: tuple[str, ...] = ("CSTO", "SCO")


@dataclass(frozen=True)
class Condition:
    """One condition of integration: its world measure (if any) and its user slot."""

    code: str
    world_measure: str  # "" when the built-in world has none
    slot_kind: str  # share | lower | similar | ratio


CONDITIONS: tuple[Condition, ...] = (
    Condition("geographic_proximity", "distance", "lower"),
    Condition("stable_growth", "growth_sd", "lower"),
    Condition("similar_political_systems", "", "similar"),
    Condition("public_support", "", "share"),
    Condition("cultural_closeness", "common_language", "share"),
    Condition("similar_history", "same_former_state", "share"),
    Condition("comparable_systems", "same_income_group", "similar"),
    Condition("comparable_resources", "gdp_ratio", "ratio"),
    Condition("common_threats", "security_organisation", "share"),
    Condition("comparable_state_apparatus", "", "similar"),
    Condition("cooperation_experience", "shared_organisations", "share"),
)
"""The eleven conditions, in the order of the founding texts."""

CONDITION_CODES: tuple[str, ...] = tuple(c.code for c in CONDITIONS)


def condition_name(code: str, lang: str = "en") -> str:
    """The condition's name in ``lang``."""
    names = {
        "geographic_proximity": tr("Geographic proximity", lang),
        "stable_growth": tr("Stable economic growth", lang),
        "similar_political_systems": tr("Similar political systems", lang),
        "public_support": tr("Public support", lang),
        "cultural_closeness": tr("Cultural closeness", lang),
        "similar_history": tr("Similar historical and social development", lang),
        "comparable_systems": tr("Comparable governance and economic systems", lang),
        "comparable_resources": tr("Comparable military and economic resources", lang),
        "common_threats": tr("Common perception of external threats", lang),
        "comparable_state_apparatus": tr("Comparable state apparatus", lang),
        "cooperation_experience": tr("Experience of cooperation", lang),
    }
    return names[code]


def _measure_text(measure: str, value: float, lang: str) -> str:
    if measure == "distance":
        return tr(
            "mean distance between capitals {km} km", lang, km=fmt_number(value, lang, digits=0)
        )
    if measure == "common_language":
        return tr("{pct}% of member pairs share an official language", lang, pct=f"{value:.0f}")
    if measure == "same_former_state":
        return tr("{pct}% of member pairs were one state", lang, pct=f"{value:.0f}")
    if measure == "same_income_group":
        return tr("{pct}% of member pairs are in the same income group", lang, pct=f"{value:.0f}")
    if measure == "gdp_ratio":
        return tr("smaller GDP is {pct}% of the larger (mean over pairs)", lang, pct=f"{value:.1f}")
    if measure == "security_organisation":
        return tr(
            "{pct}% of member pairs share CSTO or SCO membership (proxy)", lang, pct=f"{value:.0f}"
        )
    if measure == "shared_organisations":
        return tr("{n} shared organisations per member pair", lang, n=f"{value:.1f}")
    return f"{value:.3g}"


def _growth_text(value: float, years: tuple[int, int] | None, lang: str) -> str:
    sd = fmt_number(value, lang, digits=1)
    if years:
        return tr(
            "mean s.d. of annual real GDP growth {years}: {sd} pp",
            lang,
            years=f"{years[0]}-{years[1]}",
            sd=sd,
        )
    return tr("mean s.d. of annual real GDP growth: {sd} pp", lang, sd=sd)


def parse_bloc(spec: str | Iterable[str], world) -> tuple[str, tuple[str, ...]]:
    """Members of a proposed bloc from "CA5", "EAEU+UZB", "KAZ,UZB" or a list of ISO3 codes.

    Group names are those of the world (members in its baseline year); "+" adds groups or
    countries. Returns (label, sorted members). Unknown codes raise :class:`DataError` with the
    nearest valid code.
    """
    if isinstance(spec, str):
        label = spec.strip()
        parts = [p.strip() for p in label.replace(",", "+").split("+") if p.strip()]
    else:
        parts = [str(p).strip() for p in spec]
        label = ",".join(parts)
    if not parts:
        raise DataError(
            Message("no bloc given: name a group (CA5, EAEU, ...) or ISO3 codes (KAZ,UZB)")
        )
    groups = {g.upper(): g for g in world.group_names()}
    countries = set(world.iso3)
    members: set[str] = set()
    for part in parts:
        if part.upper() in groups:
            members.update(world.group(groups[part.upper()]))
        elif part.upper() in countries:
            members.add(part.upper())
        else:
            near = closest(part, [*countries, *groups.values()])
            hint = Message(" Did you mean {suggestion!r}?", suggestion=near) if near else ""
            raise DataError(
                Message(
                    "{part!r} in bloc {label!r} is neither a group ({groups}) "
                    "nor an ISO3 code of the world.{hint}",
                    part=part,
                    label=label,
                    groups=sorted(groups.values()),
                    hint=hint,
                )
            )
    if len(members) < 2:
        raise DataError(
            Message(
                "bloc {label!r} has {count} member(s): a bloc needs at least two countries",
                label=label,
                count=len(members),
            )
        )
    return label, tuple(sorted(members))


def _pair_values(world) -> dict[str, pd.Series]:
    """Measures of every ordered pair of different countries, by measure name."""
    pairs = world.pairs
    ex = pairs.index.get_level_values(0)
    im = pairs.index.get_level_values(1)
    other = ex != im
    p = pairs[other]
    ex, im = ex[other], im[other]
    out: dict[str, pd.Series] = {}
    if "distance_km" in p:
        out["distance"] = p["distance_km"].astype(float)
    for col in ("common_language", "same_former_state"):
        if col in p:
            out[col] = p[col].astype(float) * 100.0
    countries = world.countries
    income = countries["income_group"]
    a, b = income.reindex(ex).to_numpy(), income.reindex(im).to_numpy()
    known = pd.notna(a) & pd.notna(b)
    same = np.full(len(a), np.nan)
    same[known] = (a[known] == b[known]).astype(float) * 100.0
    out["same_income_group"] = pd.Series(same, index=p.index)
    gdp = countries["gdp_usd"].astype(float)
    ga, gb = gdp.reindex(ex).to_numpy(), gdp.reindex(im).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["gdp_ratio"] = pd.Series(np.minimum(ga, gb) / np.maximum(ga, gb) * 100.0, index=p.index)
    sec = [c.lower() for c in SECURITY_GROUPS if c.lower() in p.columns]
    if sec:
        out["security_organisation"] = (p[sec].max(axis=1) > 0).astype(float) * 100.0
    orgs = [c.lower() for c in ORGANISATION_GROUPS if c.lower() in p.columns]
    if orgs:
        out["shared_organisations"] = p[orgs].sum(axis=1).astype(float)
    return out


PERCENTILE_MEASURES = {"distance": -1, "shared_organisations": 1}

GROWTH_SD_COLUMN = "gdp_growth_sd_pct"
"""Country column of the world holding the standard deviation of annual real GDP growth (percent)."""


def _growth_years(world) -> tuple[int, int] | None:
    years = world.meta.get("growth_years")
    if years is None or len(years) != 2:
        return None
    return int(years[0]), int(years[1])


def _growth_row(world, members: tuple[str, ...]) -> dict[str, object] | None:
    """The stable-growth row from the world's growth standard deviations (None without the column).

    Value: mean over members of ``gdp_growth_sd_pct``. Score: share of the world's countries with a
    standard deviation at least that large, in percent. Missing (note names the members) when any
    member lacks it.
    """
    countries = world.countries
    if GROWTH_SD_COLUMN not in countries.columns:
        return None
    sd = pd.to_numeric(countries[GROWTH_SD_COLUMN], errors="coerce").astype(float)
    lacking = [m for m in members if pd.isna(sd.get(m, np.nan))]
    years = _growth_years(world)
    window = f" {years[0]}-{years[1]}" if years else ""
    if lacking:
        return {
            "note": f"missing for {','.join(lacking)}: no growth standard deviation{window} in the world"
        }
    value = float(sd.reindex(list(members)).mean())
    known = sd.dropna()
    score = float((known >= value).mean() * 100.0)
    source = str(world.meta.get("growth_source") or f"world column {GROWTH_SD_COLUMN}")
    return {
        "value": value,
        "score": score,
        "measure": "growth_sd",
        "source": source,
    }


def _midrank_percentile(world_values: np.ndarray, value: float, direction: int) -> float:
    """Share of world values beaten by ``value`` (ties count half), in percent."""
    v = world_values[~np.isnan(world_values)]
    if direction < 0:
        better, ties = np.sum(v > value), np.sum(v == value)
    else:
        better, ties = np.sum(v < value), np.sum(v == value)
    return float((better + 0.5 * ties) / len(v) * 100.0)


def _member_pairs(members: tuple[str, ...]) -> pd.MultiIndex:
    return pd.MultiIndex.from_tuples(list(itertools.permutations(members, 2)))


def read_slots(table: pd.DataFrame) -> pd.DataFrame:
    """Validate a user table of condition values: columns country, condition, value, [source]."""
    for column in ("country", "condition", "value"):
        if column not in table.columns:
            raise DataError(
                Message(
                    "the readiness table lacks column {column!r} (has {columns!r}); give "
                    "columns country, condition, value and optionally source",
                    column=column,
                    columns=list(table.columns),
                )
            )
    out = table.copy()
    out["country"] = out["country"].astype(str).str.strip().str.upper()
    out["condition"] = out["condition"].astype(str).str.strip()
    for i, code in enumerate(out["condition"]):
        if code not in CONDITION_CODES:
            near = difflib.get_close_matches(code, CONDITION_CODES, n=1)
            hint = Message(" Did you mean {suggestion!r}?", suggestion=near[0]) if near else ""
            raise DataError(
                Message(
                    "row {row} of the readiness table names condition {code!r}, which is not "
                    "one of {codes!r}.{hint}",
                    row=i,
                    code=code,
                    codes=CONDITION_CODES,
                    hint=hint,
                )
            )
    values = pd.to_numeric(out["value"], errors="coerce")
    if values.isna().any():
        i = int(np.flatnonzero(values.isna().to_numpy())[0])
        raise DataError(
            Message(
                "row {row} of the readiness table has value {value!r}: give a number",
                row=i,
                value=table["value"].iloc[i],
            )
        )
    out["value"] = values.astype(float)
    if "source" not in out.columns:
        out["source"] = "user table"
    out["source"] = out["source"].fillna("user table").astype(str)
    dup = out.duplicated(["country", "condition"], keep=False)
    if dup.any():
        row = out[dup].iloc[0]
        raise DataError(
            Message(
                "the readiness table repeats ({country}, {condition}): keep one value",
                country=row["country"],
                condition=row["condition"],
            )
        )
    return out


def _slot_score(kind: str, values: pd.Series, members: tuple[str, ...]) -> tuple[float, float, str]:
    """(value, score, note) of a user slot for a bloc; score NaN (with a note) when it cannot be set."""
    mine = values.reindex(list(members)).dropna()
    if len(mine) < len(members):
        return np.nan, np.nan, "missing for " + ",".join(sorted(set(members) - set(mine.index)))
    if kind == "share":
        v = float(mine.mean())
        return v, float(np.clip(v, 0.0, 100.0)), ""
    if kind == "ratio":
        if (mine <= 0).any():
            return np.nan, np.nan, "values must be positive"
        ratios = [
            min(a, b) / max(a, b) * 100.0 for a, b in itertools.combinations(mine.to_numpy(), 2)
        ]
        v = float(np.mean(ratios))
        return v, v, ""
    outside = values.drop(index=list(members), errors="ignore").dropna()
    if kind == "lower":
        v = float(mine.mean())
        if outside.empty:
            return v, np.nan, "score needs values for countries outside the bloc"
        return v, float((values.dropna() >= v).mean() * 100.0), ""
    # similar
    spread = float(mine.max() - mine.min())
    full = float(values.dropna().max() - values.dropna().min())
    if outside.empty or full == 0:
        return spread, np.nan, "score needs values for countries outside the bloc"
    return spread, float(100.0 * (1.0 - spread / full)), ""


@dataclass(frozen=True, eq=False)
class ReadinessResult(Result):
    """Readiness of a proposed bloc (or pair) to integrate.

    Attributes
    ----------
    label : str
    members : tuple of str
    conditions : DataFrame
        Indexed by condition code (all eleven, in order): value, score (0-100, NaN when missing),
        measure, source ("missing" when neither the world nor the user table measures it), note.
    overall : float
        Mean score of the measured conditions (NaN if none).
    measured : int
        How many of the eleven conditions have a score.
    """

    label: str
    members: tuple[str, ...]
    conditions: pd.DataFrame
    overall: float
    measured: int
    choices: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "choices", MappingProxyType(dict(self.choices)))

    def table(self, lang: str = "en") -> pd.DataFrame:
        """The eleven conditions with names and value texts in ``lang``."""
        rows = []
        for code, row in self.conditions.iterrows():
            if row["source"] == "missing":
                value_text = tr("missing", lang)
            elif row["measure"] in PERCENTILE_MEASURES or row["measure"] in {
                "common_language",
                "same_former_state",
                "same_income_group",
                "gdp_ratio",
                "security_organisation",
            }:
                value_text = _measure_text(str(row["measure"]), float(row["value"]), lang)
            elif row["measure"] == "growth_sd":
                years = cast("Sequence[int] | None", self.choices.get("growth_years"))
                span = (int(years[0]), int(years[1])) if years else None
                value_text = _growth_text(float(row["value"]), span, lang)
            else:
                value_text = f"{row['value']:.3g}"
            rows.append(
                {
                    "condition": code,
                    "name": condition_name(str(code), lang),
                    "value": value_text,
                    "score": row["score"],
                    "source": tr("missing", lang) if row["source"] == "missing" else row["source"],
                    "note": row["note"],
                }
            )
        return pd.DataFrame(rows)

    def summary(self, lang: str = "en") -> str:
        """Plain text: the bloc, each condition, and the overall score."""
        lines = [
            tr(
                "Readiness to integrate: {label} ({members})",
                lang,
                label=self.label,
                members=", ".join(self.members),
            )
        ]
        for _, row in self.table(lang).iterrows():
            score = "-" if pd.isna(row["score"]) else f"{row['score']:.0f}"
            lines.append(f"  {row['name']}: {row['value']} [{score}] ({row['source']})")
        lines.append(self.overall_line(lang))
        return "\n".join(lines)

    def overall_line(self, lang: str = "en") -> str:
        """ "Overall readiness: 57 / 100, from 7 of 11 conditions"."""
        if self.measured == 0:
            return tr("Overall readiness: no condition is measured.", lang)
        return tr(
            "Overall readiness: {score} / 100, from {n} of {total} conditions",
            lang,
            score=f"{self.overall:.0f}",
            n=self.measured,
            total=len(CONDITIONS),
        )

    def to_frame(self) -> pd.DataFrame:
        """The condition table with the bloc label."""
        out = self.conditions.reset_index().rename(columns={"index": "condition"})
        out.insert(0, "bloc", self.label)
        return out

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_frame` to Parquet (atomically)."""
        return write_parquet_atomic(self.to_frame(), path, index=False)


def readiness(
    bloc: str | Iterable[str],
    world,
    slots: pd.DataFrame | None = None,
) -> ReadinessResult:
    """Measure the eleven conditions of integration for a pair or a proposed bloc.

    Parameters
    ----------
    bloc : str or iterable of str
        "CA5", "EAEU+UZB", "KAZ,UZB" or a list of ISO3 codes (see :func:`parse_bloc`).
    world : World
        The world whose data measure the conditions (e.g. :meth:`jahan.World.builtin`).
    slots : DataFrame, optional
        User values: columns country, condition, value and optionally source (see
        :func:`read_slots`). A user value replaces the world measure of the same condition.

    Returns
    -------
    ReadinessResult
    """
    label, members = parse_bloc(bloc, world)
    user = read_slots(slots) if slots is not None else None
    pair_values = _pair_values(world)
    index = _member_pairs(members)
    rows = {}
    for cond in CONDITIONS:
        row = {"value": np.nan, "score": np.nan, "measure": "", "source": "missing", "note": ""}
        given = user[user["condition"] == cond.code] if user is not None else None
        if given is not None and not given.empty:
            values = given.set_index("country")["value"]
            value, score, note = _slot_score(cond.slot_kind, values, members)
            sources = sorted(
                set(given.set_index("country").reindex(list(members))["source"].dropna())
            )
            row.update(
                value=value,
                score=score,
                measure=f"user:{cond.slot_kind}",
                source="; ".join(sources) if not np.isnan(value) else "missing",
                note=note,
            )
        elif cond.world_measure == "growth_sd":
            growth = _growth_row(world, members)
            if growth is not None:
                row.update(growth)
        elif cond.world_measure and cond.world_measure in pair_values:
            series = pair_values[cond.world_measure]
            member_values = series.reindex(index).to_numpy(dtype=float)
            if np.isnan(member_values).any():
                row["note"] = "some member pairs lack the measure"
            if np.isnan(member_values).all():
                rows[cond.code] = row
                continue
            value = float(np.nanmean(member_values))
            if cond.world_measure in PERCENTILE_MEASURES:
                score = _midrank_percentile(
                    series.to_numpy(dtype=float), value, PERCENTILE_MEASURES[cond.world_measure]
                )
            else:
                score = value
            row.update(
                value=value,
                score=score,
                measure=cond.world_measure,
                source=f"built-in world {world.baseline_year}",
            )
        rows[cond.code] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "condition"
    scored = table["score"].dropna()
    return ReadinessResult(
        label=label,
        members=members,
        conditions=table,
        overall=float(scored.mean()) if len(scored) else float("nan"),
        measured=int(len(scored)),
        choices={
            "world_year": world.baseline_year,
            "user_table": user is not None,
            "growth_years": _growth_years(world),
        },
    )
