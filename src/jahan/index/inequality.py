"""Inequality of the gains from integration: Gini and Theil of welfare changes, and who wins and loses.

Welfare changes in percent can be negative, and the Gini and Theil indices are defined for positive
quantities. We therefore measure inequality on welfare ratios, ``x_i = 1 + welfare_pct_i / 100``: each
country's welfare after the shock relative to its own baseline (the hat W_j of exact hat algebra).
The indices then measure how unequally the proportional gains are spread; they are zero when every
country gains (or loses) the same percentage, and unchanged by the number of countries.

With weights ``s_i`` summing to one (population shares, or 1/n for the unweighted versions) and
``mu = sum_i s_i x_i``:

- Gini:  G = sum_i sum_j s_i s_j |x_i - x_j| / (2 mu)
- Theil: T = sum_i s_i (x_i / mu) ln(x_i / mu)                         (Theil 1967, the T index)
- For groups g with ``S_g = sum_{i in g} s_i`` and ``mu_g = sum_{i in g} s_i x_i / S_g``:
  T = T_between + T_within, with
  T_between = sum_g S_g (mu_g / mu) ln(mu_g / mu),
  T_within  = sum_g S_g (mu_g / mu) T_g,  T_g the Theil index inside group g (Shorrocks 1980).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from jahan._i18n import fmt_pct, tr
from jahan._io import write_parquet_atomic
from jahan._result import Result
from jahan.errors import DataError, Message


def welfare_changes(gains: object, column: str = "welfare_pct") -> pd.Series:
    """Welfare changes in percent by ISO3 from a Series, a DataFrame or a result with ``.countries``.

    Parameters
    ----------
    gains : Series, DataFrame or object with a ``countries`` DataFrame
        A Series is taken as percent changes indexed by ISO3; a DataFrame must hold ``column``.
    column : str
        The column of percent changes (default ``welfare_pct``).
    """
    frame = getattr(gains, "countries", gains)
    if isinstance(frame, pd.DataFrame):
        if column not in frame.columns:
            raise DataError(
                Message(
                    "the gains table has no column {column!r} (columns: {columns!r}); "
                    "pass a Series of percent changes by ISO3 or name the column",
                    column=column,
                    columns=list(frame.columns)[:8],
                )
            )
        series = frame[column]
    elif isinstance(frame, pd.Series):
        series = frame
    else:
        raise DataError(
            Message(
                "gains must be a Series or DataFrame of welfare changes by ISO3 or a result with "
                ".countries; got {kind}",
                kind=type(gains).__name__,
            )
        )
    series = pd.to_numeric(series, errors="coerce").astype(float)
    series.index = series.index.astype(str)
    if series.isna().any():
        bad = list(series.index[series.isna()][:5])
        raise DataError(
            Message(
                "welfare changes missing or not numeric for {codes!r}: every country needs a value",
                codes=bad,
            )
        )
    if (series <= -100).any():
        bad = list(series.index[series <= -100][:5])
        raise DataError(
            Message(
                "welfare changes of -100% or less for {codes!r}: a welfare ratio must stay "
                "positive",
                codes=bad,
            )
        )
    if series.index.duplicated().any():
        raise DataError(
            Message(
                "countries {codes!r} appear twice",
                codes=list(series.index[series.index.duplicated()][:5]),
            )
        )
    return series.rename(column)


def _shares(index: pd.Index, weights: pd.Series | Mapping | None) -> np.ndarray:
    if weights is None:
        return np.full(len(index), 1.0 / len(index))
    w = pd.Series(weights, dtype=float).reindex(index)
    if w.isna().any():
        missing = list(index[w.isna().to_numpy()][:5])
        raise DataError(
            Message(
                "weights (population) missing for {codes!r}: give a weight for every country",
                codes=missing,
            )
        )
    if (w < 0).any() or w.sum() <= 0:
        raise DataError(Message("weights (population) must be >= 0 and not all zero"))
    return (w / w.sum()).to_numpy()


def _ratios(values: pd.Series | Mapping | Iterable[float]) -> pd.Series:
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=float)
    series = series.astype(float)
    if len(series) == 0:
        raise DataError(Message("no values to measure inequality on"))
    if (series <= 0).any() or series.isna().any():
        raise DataError(
            Message("inequality is measured on positive values (welfare ratios 1 + pct/100)")
        )
    return series


def gini(values: pd.Series | Iterable[float], weights: pd.Series | Mapping | None = None) -> float:
    """Gini index of positive ``values`` (optionally weighted by ``weights``, e.g. population).

    .. math:: G = \\frac{\\sum_i \\sum_j s_i s_j |x_i - x_j|}{2 \\mu}
    """
    x = _ratios(values)
    s = _shares(x.index, weights)
    v = x.to_numpy()
    mu = float(s @ v)
    return float((s[:, None] * s[None, :] * np.abs(v[:, None] - v[None, :])).sum() / (2.0 * mu))


def theil(values: pd.Series | Iterable[float], weights: pd.Series | Mapping | None = None) -> float:
    """Theil T index of positive ``values`` (optionally weighted).

    .. math:: T = \\sum_i s_i \\frac{x_i}{\\mu} \\ln \\frac{x_i}{\\mu}
    """
    x = _ratios(values)
    s = _shares(x.index, weights)
    v = x.to_numpy()
    r = v / float(s @ v)
    return float(np.sum(s * r * np.log(r)))


@dataclass(frozen=True)
class TheilDecomposition:
    """Theil T split into between-group and within-group parts (total = between + within).

    ``groups`` holds, by group: countries, weight_share, mean_ratio, theil (inside the group) and
    contribution (its share of the within part, S_g mu_g / mu T_g).
    """

    total: float
    between: float
    within: float
    groups: pd.DataFrame


def theil_decomposition(
    values: pd.Series,
    groups: pd.Series | Mapping[str, str],
    weights: pd.Series | Mapping | None = None,
) -> TheilDecomposition:
    """Decompose the Theil T index of ``values`` by ``groups`` (a label per country).

    Parameters
    ----------
    values : Series
        Positive values by country (welfare ratios).
    groups : Series or mapping
        Group label of every country in ``values``.
    weights : Series or mapping, optional
        Country weights (population); default equal.
    """
    x = _ratios(values)
    labels = pd.Series(groups).reindex(x.index)
    if labels.isna().any():
        missing = list(x.index[labels.isna().to_numpy()][:5])
        raise DataError(
            Message("no group given for {codes!r}: give every country a group label", codes=missing)
        )
    s = pd.Series(_shares(x.index, weights), index=x.index)
    mu = float((s * x).sum())
    rows = []
    between = within = 0.0
    for label, members in x.groupby(labels.astype(str)).groups.items():
        sg = float(s[members].sum())
        if sg == 0:
            continue
        mu_g = float((s[members] * x[members]).sum() / sg)
        r = x[members].to_numpy() / mu_g
        t_g = float(np.sum(s[members].to_numpy() / sg * r * np.log(r)))
        between += sg * (mu_g / mu) * np.log(mu_g / mu)
        within += sg * (mu_g / mu) * t_g
        rows.append(
            {
                "group": label,
                "countries": len(members),
                "weight_share": sg,
                "mean_ratio": mu_g,
                "theil": t_g,
                "contribution": sg * (mu_g / mu) * t_g,
            }
        )
    table = pd.DataFrame(rows).set_index("group")
    return TheilDecomposition(
        total=theil(x, None if weights is None else s),
        between=float(between),
        within=float(within),
        groups=table,
    )


def members_vs_outsiders(
    changes_pct: pd.Series,
    members: Iterable[str],
    population: pd.Series | Mapping | None = None,
) -> pd.DataFrame:
    """Mean welfare change of bloc members and of outsiders (whose losses show trade diversion).

    Returns a table indexed by "members" and "outsiders" with: countries, mean_pct, weighted_mean_pct
    (population-weighted; NaN without population), min_pct, max_pct, losers (countries below zero).
    """
    pct = welfare_changes(changes_pct)
    member_set = {str(m) for m in members}
    unknown = sorted(member_set - set(pct.index))
    if unknown:
        raise DataError(
            Message(
                "bloc members {codes!r} have no welfare change in the result", codes=unknown[:5]
            )
        )
    pop = None if population is None else pd.Series(population, dtype=float).reindex(pct.index)
    rows = {}
    for label, mask in (
        ("members", pct.index.isin(member_set)),
        ("outsiders", ~pct.index.isin(member_set)),
    ):
        part = pct[mask]
        weighted = np.nan
        if pop is not None and len(part) and pop[mask].notna().all() and pop[mask].sum() > 0:
            weighted = float((part * pop[mask]).sum() / pop[mask].sum())
        rows[label] = {
            "countries": int(mask.sum()),
            "mean_pct": float(part.mean()) if len(part) else np.nan,
            "weighted_mean_pct": weighted,
            "min_pct": float(part.min()) if len(part) else np.nan,
            "max_pct": float(part.max()) if len(part) else np.nan,
            "losers": int((part < 0).sum()),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


@dataclass(frozen=True, eq=False)
class InequalityResult(Result):
    """How unequally the gains of a scenario are shared.

    Attributes
    ----------
    changes_pct : Series
        Welfare change in percent by ISO3.
    measures : DataFrame
        Rows gini and theil, columns unweighted and population_weighted (NaN without population);
        computed on welfare ratios 1 + pct/100.
    decomposition : DataFrame
        By group (when groups are given): countries, weight_share, mean_ratio, theil, contribution;
        with rows "between" and "within" and "total" in ``decomposition_totals``.
    decomposition_totals : Series
        total, between, within (total = between + within).
    members : DataFrame
        Members versus outsiders (when members are given).
    names : Mapping
        Display names by ISO3 used in the plain-language line.
    """

    changes_pct: pd.Series
    measures: pd.DataFrame
    decomposition: pd.DataFrame | None = None
    decomposition_totals: pd.Series | None = None
    members: pd.DataFrame | None = None
    names: Mapping[str, str] = field(default_factory=dict)
    top: int = 3

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", MappingProxyType(dict(self.names)))

    def winners(self, k: int | None = None) -> pd.Series:
        """The ``k`` largest welfare gains (positive changes only), largest first."""
        pct = self.changes_pct
        return pct[pct > 0].sort_values(ascending=False).head(k or self.top)

    def losers(self, k: int | None = None) -> pd.Series:
        """The ``k`` largest welfare losses (negative changes only), largest loss first."""
        pct = self.changes_pct
        return pct[pct < 0].sort_values().head(k or self.top)

    def _named(self, series: pd.Series, lang: str) -> str:
        return ", ".join(
            f"{self.names.get(code, code)} ({fmt_pct(value, lang)})"
            for code, value in series.items()
        )

    def headline(self, lang: str = "en") -> str:
        """One plain-language line naming the largest winners and losers."""
        win, lose = self.winners(), self.losers()
        if len(win) and len(lose):
            return tr(
                "Largest winners: {winners}; largest losers: {losers}.",
                lang,
                winners=self._named(win, lang),
                losers=self._named(lose, lang),
            )
        if len(win):
            return tr(
                "No country loses; largest winners: {winners}.",
                lang,
                winners=self._named(win, lang),
            )
        if len(lose):
            return tr(
                "No country gains; largest losers: {losers}.", lang, losers=self._named(lose, lang)
            )
        return tr("No country's welfare changes.", lang)

    def summary(self, lang: str = "en") -> str:
        """Plain-text summary: the headline, the indices and members versus outsiders."""
        lines = [self.headline(lang)]
        m = self.measures
        lines.append(
            tr(
                "Gini of welfare ratios: {unweighted} (population-weighted: {weighted})",
                lang,
                unweighted=f"{m.at['gini', 'unweighted']:.3g}",
                weighted=f"{m.at['gini', 'population_weighted']:.3g}",
            )
        )
        lines.append(
            tr(
                "Theil of welfare ratios: {unweighted} (population-weighted: {weighted})",
                lang,
                unweighted=f"{m.at['theil', 'unweighted']:.3g}",
                weighted=f"{m.at['theil', 'population_weighted']:.3g}",
            )
        )
        if self.decomposition_totals is not None:
            t = self.decomposition_totals
            share = t["between"] / t["total"] * 100 if t["total"] > 0 else float("nan")
            lines.append(
                tr("Between groups: {share}% of the Theil index.", lang, share=f"{share:.1f}")
            )
        if self.members is not None:
            out = self.members.loc["outsiders"]
            lines.append(
                tr(
                    "Outsiders: {losers} of {countries} lose (trade diversion); mean change {mean}.",
                    lang,
                    losers=int(out["losers"]),
                    countries=int(out["countries"]),
                    mean=fmt_pct(float(out["mean_pct"]), lang, digits=3),
                )
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """The measures as a flat table: measure, weighting, value."""
        frame = self.measures.stack(future_stack=True).rename("value").reset_index()
        frame.columns = ["measure", "weighting", "value"]
        return frame

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_frame` to Parquet (atomically)."""
        return write_parquet_atomic(self.to_frame(), path, index=False)


def inequality_of_gains(
    gains: object,
    *,
    population: pd.Series | Mapping | None = None,
    groups: pd.Series | Mapping | None = None,
    members: Iterable[str] | None = None,
    names: pd.Series | Mapping | None = None,
    column: str = "welfare_pct",
    top: int = 3,
) -> InequalityResult:
    """Gini and Theil of welfare changes, their decomposition, members versus outsiders.

    Parameters
    ----------
    gains : Series, DataFrame or result with ``.countries``
        Welfare changes in percent by ISO3 (e.g. ``GEModel(...).simulate(...)``).
    population : Series or mapping, optional
        Population by ISO3, for the weighted measures.
    groups : Series or mapping, optional
        A group label by ISO3 (income group, region) for the Theil decomposition. When ``members``
        is given and ``groups`` is not, the decomposition is members versus outsiders.
    members : iterable of str, optional
        Bloc members, for the members-versus-outsiders table.
    names : Series or mapping, optional
        Display names by ISO3 for the plain-language line (default: the codes).
    column : str
        Column of percent changes when ``gains`` is a table.
    top : int
        How many winners and losers the plain-language line names.
    """
    pct = welfare_changes(gains, column)
    ratio = 1.0 + pct / 100.0
    pop = None
    if population is not None:
        pop = pd.Series(population, dtype=float).reindex(pct.index)
        if pop.isna().any():
            raise DataError(
                Message(
                    "population missing for {codes!r}",
                    codes=list(pct.index[pop.isna().to_numpy()][:5]),
                )
            )
    measures = pd.DataFrame(
        {
            "unweighted": [gini(ratio), theil(ratio)],
            "population_weighted": [
                gini(ratio, pop) if pop is not None else np.nan,
                theil(ratio, pop) if pop is not None else np.nan,
            ],
        },
        index=["gini", "theil"],
    )
    labels = None
    if groups is not None:
        labels = pd.Series(groups).reindex(pct.index)
    elif members is not None:
        member_set = {str(m) for m in members}
        labels = pd.Series(
            np.where(pct.index.isin(member_set), "members", "outsiders"), index=pct.index
        )
    decomposition = totals = None
    if labels is not None:
        dec = theil_decomposition(ratio, labels, pop)
        decomposition = dec.groups
        totals = pd.Series({"total": dec.total, "between": dec.between, "within": dec.within})
    table = members_vs_outsiders(pct, members, pop) if members is not None else None
    return InequalityResult(
        changes_pct=pct,
        measures=measures,
        decomposition=decomposition,
        decomposition_totals=totals,
        members=table,
        names={} if names is None else {str(k): str(v) for k, v in dict(names).items()},
        top=top,
    )
