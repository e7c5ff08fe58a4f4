"""A bloc's effect on its members' trade, estimated from the observed panel by three-way PPML.

The specification is the structural gravity standard for agreement effects (Yotov, Piermartini,
Monteiro and Larch 2016, ch. 2; Baier, Yotov and Zylkin 2019):

.. math::

    X_{ij,t} = \\exp\\left(\\beta\\, \\mathrm{both}_{ij,t} + \\pi_{i,t} + \\chi_{j,t}
    + \\mu_{ij}\\right)\\varepsilon_{ij,t}

on international flows, with exporter-year, importer-year and pair fixed effects and errors
clustered by pair. Pair effects absorb every time-invariant pair trait (distance, shared Soviet
past, language), so :math:`\\beta` is identified only by pairs whose membership changes within the
panel's years; a bloc without such a change raises an identification error. The estimation must not
lose the bloc's own pairs without saying so: members' rows dropped by the separation or singleton
checks are named in a loud warning (or an error when none is left).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jahan._compat import _MISSING, renamed
from jahan.errors import DataError, DataWarning, Message
from jahan.estimate.result import GravityEstimate

DEFAULT_YEARS: tuple[int, ...] = (2000, 2004, 2008, 2012, 2016)
"""Panel years by default: every four years (Yotov et al. 2016 use four-year intervals because
trade flows adjust to policy with a lag; Cheng and Wall 2005)."""

FIXED_EFFECTS = "exporter^year + importer^year + pair_id"
CLUSTER = "pair_id"


@dataclass(frozen=True, eq=False)
class BlocEstimate:
    """The estimated effect of a bloc on its members' trade (read-only).

    Attributes
    ----------
    bloc : str
        The group name as the world spells it (e.g. "EAEU").
    coefficient : str
        The regressor, ``both_<bloc>``.
    estimate : GravityEstimate
        The whole PPML fit (coefficients, covariance, fit record).
    years : tuple of int
        Panel years.
    members : tuple of str
        Countries that are members in at least one panel year.
    member_pairs : int
        Ordered international pairs of members that are both members in some panel year.
    dropped_member_rows : tuple of str
        "EXP-IMP year" of members' rows the separation or singleton checks dropped.
    """

    bloc: str
    coefficient: str
    estimate: GravityEstimate
    years: tuple[int, ...]
    members: tuple[str, ...]
    member_pairs: int
    dropped_member_rows: tuple[str, ...] = field(default=())

    @property
    def effect(self) -> float:
        """The coefficient: log points of members' trade (ln hat t_ij^(-theta))."""
        return float(self.estimate.coef[self.coefficient])

    @property
    def se(self) -> float:
        """Its standard error, clustered by pair."""
        return float(self.estimate.se[self.coefficient])

    @property
    def nobs(self) -> int:
        return int(self.estimate.nobs)

    @property
    def formula(self) -> str:
        return self.estimate.formula


def check_years(years: Sequence[int] | None) -> tuple[int, ...]:
    """Validate panel years (at least two distinct years; range checked by the world)."""
    if years is None:
        return DEFAULT_YEARS
    if isinstance(years, (int, np.integer)):
        raise DataError(
            Message(
                "years={years!r}: give a list of at least two years, e.g. [2008, 2012, 2016]",
                years=years,
            )
        )
    chosen = tuple(sorted({int(y) for y in years}))
    if len(chosen) < 2:
        raise DataError(
            Message(
                "years={years!r}: a panel with pair fixed effects needs at least two "
                "years, e.g. [2008, 2012, 2016]",
                years=list(years),
            )
        )
    return chosen


def _entry_text(world, bloc: str) -> str:
    g = world.groups
    rows = g[g["group"] == bloc].sort_values("iso3")
    parts = []
    for _, r in rows.iterrows():
        entry = "" if pd.isna(r["entry_year"]) else str(int(r["entry_year"]))
        leave = "" if pd.isna(r.get("exit_year")) else f"-{int(r['exit_year'])}"
        parts.append(f"{r['iso3']} {entry}{leave}".strip())
    return ", ".join(parts)


def estimate_bloc(
    world,
    bloc: str = "EAEU",
    *,
    years: Sequence[int] | None = None,
    max_iter: int = 100,
    maxiter: int = _MISSING,
) -> BlocEstimate:
    """Estimate ``bloc``'s effect on its members' trade from the world's observed panel.

    Parameters
    ----------
    world : World
        A built-in world (or a sub-world of it from ``World.restrict``): it has the panel.
    bloc : str
        A group of the world ("EAEU", "EU", ...); an unknown name suggests the nearest.
    years : sequence of int, optional
        Panel years (default :data:`DEFAULT_YEARS`: 2000, 2004, 2008, 2012, 2016).
    max_iter : int
        IRLS iterations allowed (``maxiter`` is the deprecated spelling).

    Returns
    -------
    BlocEstimate

    Raises
    ------
    DataError
        Unknown bloc (with the nearest name), years outside the data, a bloc whose membership
        never changes within the years (not identified with pair fixed effects), or every member
        row dropped by the separation checks.
    """
    max_iter = renamed("estimate_bloc", "maxiter", "max_iter", maxiter, max_iter)
    from jahan.estimate.ppml import fepois

    chosen = check_years(years)
    name = world._group_name(bloc)  # DataError with the nearest name for an unknown bloc
    panel = world.trade_panel(years=chosen)
    panel = panel[panel["international"] == 1].reset_index(drop=True)
    col = f"both_{name}"
    both = panel[col].to_numpy()
    if not both.any():
        raise DataError(
            Message(
                "bloc {name!r}: no two members of it trade in the panel years {years!r} (members "
                "and entry years: {entries}); choose years when it had members",
                name=name,
                years=list(chosen),
                entries=_entry_text(world, name),
            )
        )
    by_pair = panel.groupby("pair_id")[col]
    changing = (by_pair.transform("max") != by_pair.transform("min")).to_numpy()
    if not changing.any():
        raise DataError(
            Message(
                "bloc {name!r}: its membership does not change within the panel years {years!r} "
                "(members and entry years: {entries}), so its effect is not identified apart "
                "from the pair fixed effects; choose years that span a member's entry or exit",
                name=name,
                years=list(chosen),
                entries=_entry_text(world, name),
            )
        )
    ever = by_pair.transform("max").to_numpy() == 1
    # A pair with zero trade in every year is separated by its pair effect (Correia, Guimaraes
    # and Zylkin 2019); if that is every pair that identifies the effect, nothing is left.
    traded = (panel.groupby("pair_id")["value"].transform("max") > 0).to_numpy()
    if not (changing & traded).any():
        pairs = panel.loc[changing, ["exporter", "importer"]].drop_duplicates()
        raise DataError(
            Message(
                "bloc {name!r}: the separation checks dropped every member row that identifies "
                "its effect: the pairs whose membership changes ({pairs}) record no trade in any "
                "of the years {years!r}; its effect cannot be estimated",
                name=name,
                pairs=[f"{a}-{b}" for a, b in pairs.itertuples(index=False)],
                years=list(chosen),
            )
        )
    members = sorted(set(panel.loc[ever, "exporter"]) | set(panel.loc[ever, "importer"]))
    member_pairs = int(panel.loc[ever, "pair_id"].nunique())

    formula = f"value ~ {col} | {FIXED_EFFECTS}"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = fepois(formula, panel, vcov={"CRV1": CLUSTER}, max_iter=max_iter)
    for w in caught:
        # The generic count of separated rows is kept in est.dropped; everything else passes on.
        text = str(w.message)
        if issubclass(w.category, DataWarning) and "separated and" in text:
            continue
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if col not in est.names:
        raise DataError(
            Message(
                "bloc {name!r}: {column} was dropped as collinear with the fixed effects in "
                "{formula!r}; its effect is not identified in the years {years!r}",
                name=name,
                column=col,
                formula=formula,
                years=list(chosen),
            )
        )

    kept = np.zeros(len(panel), dtype=bool)
    kept[panel.index.get_indexer(est._fitted_index)] = True
    lost = ever & ~kept
    lost_rows = tuple(
        f"{r.exporter}-{r.importer} {int(r.year)}"
        for r in panel.loc[lost, ["exporter", "importer", "year"]].itertuples(index=False)
    )
    if (both.astype(bool) & kept).sum() == 0:
        raise DataError(
            Message(
                "bloc {name!r}: the separation checks dropped every member row "
                "({rows}); its effect cannot be estimated",
                name=name,
                rows=list(lost_rows[:10]),
            )
        )
    if lost_rows:
        shown = ", ".join(lost_rows[:20]) + (", ..." if len(lost_rows) > 20 else "")
        warnings.warn(
            f"bloc {name!r}: {len(lost_rows)} rows of member pairs were dropped by the separation "
            f"or singleton checks (zero trade in every year of the pair, or alone in a fixed "
            f"effect): {shown}; the estimate rests on the other member pairs",
            DataWarning,
            stacklevel=2,
        )
    return BlocEstimate(
        bloc=name,
        coefficient=col,
        estimate=est,
        years=chosen,
        members=tuple(members),
        member_pairs=member_pairs,
        dropped_member_rows=lost_rows,
    )


__all__ = [
    "CLUSTER",
    "DEFAULT_YEARS",
    "FIXED_EFFECTS",
    "BlocEstimate",
    "check_years",
    "estimate_bloc",
]
