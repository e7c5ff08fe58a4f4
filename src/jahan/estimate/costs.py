"""From an estimate to general equilibrium: trade-cost shocks and fitted trade costs.

With gravity :math:`X_{ij} = \\frac{Y_i E_j}{Y} \\left(\\frac{t_{ij}}{\\Pi_i P_j}\\right)^{1-\\sigma}`
and :math:`t_{ij}^{1-\\sigma} = \\exp(\\sum_k \\beta_k x_{k,ij})` (Yotov, Piermartini, Monteiro and
Larch 2016, ch. 2), a change :math:`\\Delta x_{k,ij}` in cost variables multiplies
:math:`t_{ij}^{-\\theta}` (:math:`\\theta = \\sigma - 1`) by

.. math::

    B_{ij} = \\exp\\Big(\\sum_k \\hat\\beta_k \\, \\Delta x_{k,ij}\\Big),

the ``cost_change`` that ``GEModel.simulate`` takes (Zylkin's ge_gravity uses the same
object: ``exp(eu_effect)`` with ``eu_effect = b * new_eu_pair``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from jahan.errors import DataError, Message
from jahan.estimate.result import GravityEstimate

PAIR_LEVELS: tuple[str, str] = ("exporter", "importer")


def _pair_frame(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    """Index ``frame`` by (exporter, importer), from its index or from two columns."""
    if not isinstance(frame, pd.DataFrame):
        raise DataError(
            Message(
                "{what} must be a DataFrame on (exporter, importer), got {kind}",
                what=what,
                kind=type(frame).__name__,
            )
        )
    if list(frame.index.names) != list(PAIR_LEVELS):
        if all(c in frame.columns for c in PAIR_LEVELS):
            frame = frame.set_index(list(PAIR_LEVELS))
        else:
            raise DataError(
                Message(
                    "{what} needs an (exporter, importer) index or 'exporter' and 'importer' "
                    "columns; it has index {index!r} and columns {columns!r}",
                    what=what,
                    index=list(frame.index.names),
                    columns=list(frame.columns)[:8],
                )
            )
    duplicated = frame.index.duplicated()
    if duplicated.any():
        exp, imp = frame.index[duplicated][0]
        raise DataError(
            Message(
                "{what} has {count} duplicated pairs (first {exporter}->{importer}); "
                "give one row per (exporter, importer), e.g. select one year",
                what=what,
                count=int(duplicated.sum()),
                exporter=exp,
                importer=imp,
            )
        )
    return frame


def _coefficients(estimate: GravityEstimate, names: Iterable[str]) -> pd.Series:
    coef = estimate.coef
    names = list(names)
    for name in names:
        if name not in coef.index:
            near = difflib.get_close_matches(name, list(coef.index), n=1)
            raise DataError(
                Message(
                    "{name!r} is not a coefficient of {formula!r} (coefficients: {names}).{hint}",
                    name=name,
                    formula=estimate.formula,
                    names=[str(c) for c in coef.index],
                    hint=Message(" Did you mean {suggestion!r}?", suggestion=near[0])
                    if near
                    else "",
                )
            )
    return coef.loc[names]


def cost_change(
    estimate: GravityEstimate,
    changes: pd.DataFrame | Mapping[str, pd.Series],
    *,
    pairs: pd.Index | None = None,
    coef: Mapping[str, float] | pd.Series | None = None,
) -> pd.Series:
    """Multiplicative change in :math:`t_{ij}^{-\\theta}` implied by changes in cost variables.

    .. math:: B_{ij} = \\exp\\Big(\\sum_k \\hat\\beta_k \\, \\Delta x_{k,ij}\\Big)

    Parameters
    ----------
    estimate : GravityEstimate
        The fitted gravity equation supplying :math:`\\hat\\beta`.
    changes : DataFrame or mapping of Series
        :math:`\\Delta x_{k,ij}` on (exporter, importer): one column per changed regressor,
        named as in the formula (e.g. ``{"pta": delta}`` with ``delta = 1`` for new members).
        Pairs not listed do not change.
    pairs : pandas.MultiIndex, optional
        Every pair of the GE baseline; the result is reindexed on it with 1.0 (no change)
        for pairs without a change. Pairs in ``changes`` missing from ``pairs`` are an error.
    coef : mapping or Series, optional
        Coefficient values to use instead of ``estimate.coef`` (e.g. one row of
        :meth:`GravityEstimate.draw`), for uncertainty bands.

    Returns
    -------
    pandas.Series
        ``cost_change`` on (exporter, importer), 1.0 meaning no change.
    """
    if isinstance(changes, Mapping) and not isinstance(changes, pd.DataFrame):
        changes = pd.DataFrame(dict(changes))
    frame = _pair_frame(changes, "changes")
    beta = _coefficients(estimate, frame.columns)
    if coef is not None:
        given = pd.Series(coef, dtype=float)
        missing = [n for n in beta.index if n not in given.index]
        if missing:
            raise DataError(
                Message(
                    "coef lacks {names}; give a value for every changed variable", names=missing
                )
            )
        beta = given.loc[beta.index]
    values = frame.apply(pd.to_numeric, errors="coerce")
    bad = values.isna().any(axis=1)
    if bad.any():
        exp, imp = values.index[bad.to_numpy()][0]
        raise DataError(
            Message(
                "changes has {count} pairs with missing or non-numeric values "
                "(first {exporter}->{importer}); use 0 for no change",
                count=int(bad.sum()),
                exporter=exp,
                importer=imp,
            )
        )
    log_change = values.to_numpy(dtype=float) @ beta.to_numpy(dtype=float)
    result = pd.Series(np.exp(log_change), index=values.index, name="cost_change")
    if pairs is not None:
        pairs = (
            pd.MultiIndex.from_tuples(list(pairs), names=list(PAIR_LEVELS))
            if not isinstance(pairs, pd.MultiIndex)
            else pairs.set_names(list(PAIR_LEVELS))
        )
        outside = ~result.index.isin(pairs)
        if outside.any():
            exp, imp = result.index[outside][0]
            raise DataError(
                Message(
                    "{count} changed pairs are not in pairs (first {exporter}->{importer}); "
                    "check the country codes",
                    count=int(outside.sum()),
                    exporter=exp,
                    importer=imp,
                )
            )
        result = result.reindex(pairs, fill_value=1.0).rename("cost_change")
    return result


def dummy_change(
    pairs: pd.DataFrame,
    variable: str,
    members: Iterable[str],
    *,
    domestic: bool = False,
) -> pd.DataFrame:
    """:math:`\\Delta x` for switching a 0/1 pair variable on between ``members``.

    For pairs with both countries in ``members`` (and exporter != importer unless
    ``domestic``), :math:`\\Delta x = 1 - x_{ij}` (pairs already at 1 do not change);
    0 elsewhere. Feed the result to :func:`cost_change`.

    Parameters
    ----------
    pairs : DataFrame
        On (exporter, importer) (index or columns), holding the current ``variable``.
    variable : str
        The dummy to switch on, e.g. ``"pta"``.
    members : iterable of str
        Country codes of the agreement.
    domestic : bool, default False
        Whether the dummy also switches on for domestic pairs i = i.
    """
    frame = _pair_frame(pairs, "pairs")
    if variable not in frame.columns:
        near = difflib.get_close_matches(variable, [str(c) for c in frame.columns], n=1)
        raise DataError(
            Message(
                "pairs has no column {variable!r}.{hint}",
                variable=variable,
                hint=Message(" Did you mean {suggestion!r}?", suggestion=near[0]) if near else "",
            )
        )
    members = set(members)
    exporters = frame.index.get_level_values(0)
    importers = frame.index.get_level_values(1)
    known = set(exporters) | set(importers)
    unknown = sorted(members - known)
    if unknown:
        near = difflib.get_close_matches(unknown[0], sorted(map(str, known)), n=1)
        raise DataError(
            Message(
                "member {code!r} is not a country in pairs.{hint}",
                code=unknown[0],
                hint=Message(" Did you mean {suggestion!r}?", suggestion=near[0]) if near else "",
            )
        )
    inside = exporters.isin(members) & importers.isin(members)
    if not domestic:
        inside &= exporters != importers
    current = pd.to_numeric(frame[variable], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    delta = np.where(inside, 1.0 - current, 0.0)
    return pd.DataFrame({variable: delta}, index=frame.index)


def trade_costs(
    estimate: GravityEstimate,
    pairs: pd.DataFrame,
    variables: Iterable[str] | None = None,
    *,
    pair_effect: str | None = None,
    gravity: Iterable[str] | None = None,
) -> pd.Series:
    """Fitted bilateral trade costs :math:`t_{ij}^{1-\\sigma}` for every pair.

    Without pair fixed effects, :math:`t_{ij}^{1-\\sigma} = \\exp(\\sum_k \\hat\\beta_k x_{k,ij})`
    from the coefficients and each pair's cost variables, so every pair in ``pairs`` gets a
    value, including pairs whose trade is zero or missing.

    With pair fixed effects (``pair_effect="exporter^importer"``, from a fit with
    ``fixef=True``), :math:`t_{ij}^{1-\\sigma} = \\exp(\\hat\\gamma_{ij})
    \\exp(\\sum_k \\hat\\beta_k x_{k,ij})`. Pairs without an estimated
    :math:`\\hat\\gamma_{ij}` (never traded, or dropped as separated) are filled from the
    gravity part, as Yotov et al. (2016, ch. 2) do: PPML of :math:`\\exp(\\hat\\gamma_{ij})`
    on the ``gravity`` variables with exporter and importer fixed effects, over the pairs
    that have one, and its prediction for the others.

    Parameters
    ----------
    estimate : GravityEstimate
        The fitted gravity equation.
    pairs : DataFrame
        On (exporter, importer) (index or columns), with the cost variables (and the
        ``gravity`` variables when filling pair effects).
    variables : iterable of str, optional
        The regressors that are trade costs (default: all coefficients).
    pair_effect : str, optional
        The pair fixed-effect term of the formula, e.g. ``"exporter^importer"``.
    gravity : iterable of str, optional
        Time-invariant pair variables (``ln_DIST``, ``CNTG``, ...) that fill missing pair effects.

    Returns
    -------
    pandas.Series
        ``trade_cost`` on (exporter, importer).
    """
    frame = _pair_frame(pairs, "pairs")
    names = list(estimate.names if variables is None else variables)
    beta = _coefficients(estimate, names)
    values = _numeric_columns(frame, names, estimate.formula)
    log_cost = values.to_numpy(dtype=float) @ beta.to_numpy(dtype=float)
    cost = pd.Series(np.exp(log_cost), index=values.index, name="trade_cost")
    if pair_effect is None:
        return cost
    return (cost * _pair_costs(estimate, frame, pair_effect, gravity)).rename("trade_cost")


def _numeric_columns(frame: pd.DataFrame, names: list[str], formula: str) -> pd.DataFrame:
    missing_cols = [n for n in names if n not in frame.columns]
    if missing_cols:
        raise DataError(
            Message(
                "pairs lacks the variables {names} used by {formula!r}",
                names=missing_cols,
                formula=formula,
            )
        )
    values = frame[names].apply(pd.to_numeric, errors="coerce")
    bad = values.isna().any(axis=1)
    if bad.any():
        exp, imp = values.index[bad.to_numpy()][0]
        cols = values.columns[values.loc[(exp, imp)].isna().to_numpy()]
        raise DataError(
            Message(
                "{count} pairs have missing values (first {exporter}->{importer}, columns "
                "{columns}); fill them before computing trade costs",
                count=int(bad.sum()),
                exporter=exp,
                importer=imp,
                columns=[str(c) for c in cols],
            )
        )
    return values


def _pair_costs(
    estimate: GravityEstimate,
    frame: pd.DataFrame,
    pair_effect: str,
    gravity: Iterable[str] | None,
) -> pd.Series:
    """exp(pair effect) on every pair of ``frame``, filled from gravity where missing."""
    from jahan.estimate.ppml import fepois

    effects = estimate.fixef
    if pair_effect not in effects:
        raise DataError(
            Message(
                "{effect!r} is not a fixed effect of {formula!r} (fixed effects: {names})",
                effect=pair_effect,
                formula=estimate.formula,
                names=[str(e) for e in effects],
            )
        )
    gamma = effects[pair_effect]
    if gamma.index.nlevels != 2:
        raise DataError(
            Message(
                "{effect!r} is not a pair effect: write it as 'exporter^importer'",
                effect=pair_effect,
            )
        )
    gamma.index = gamma.index.set_names(list(PAIR_LEVELS))
    pair_cost = np.exp(gamma).reindex(frame.index)
    missing = pair_cost.isna().to_numpy()
    if not missing.any():
        return pair_cost
    if gravity is None:
        exp, imp = frame.index[missing][0]
        raise DataError(
            Message(
                "{count} pairs have no estimated {effect!r} effect (first {exporter}->{importer}); "
                "pass gravity=[...] (e.g. ['ln_DIST', 'CNTG', 'LANG', 'CLNY']) to fill them from "
                "the gravity part",
                count=int(missing.sum()),
                effect=pair_effect,
                exporter=exp,
                importer=imp,
            )
        )
    gravity = list(gravity)
    stage = _numeric_columns(frame, gravity, estimate.formula).reset_index()
    stage["pair_cost_"] = pair_cost.to_numpy()
    fml = f"pair_cost_ ~ {' + '.join(gravity)} | exporter + importer"
    fit = fepois(fml, stage.loc[~missing], separation=None, fixef=True)
    fe = fit.fixef
    rows = stage.loc[missing]
    a = fe["exporter"].reindex(rows["exporter"]).to_numpy()
    b = fe["importer"].reindex(rows["importer"]).to_numpy()
    unknown = np.isnan(a) | np.isnan(b)
    if unknown.any():
        first = rows.iloc[int(np.flatnonzero(unknown)[0])]
        raise DataError(
            Message(
                "pair {exporter}->{importer} cannot be filled: its exporter or importer has no "
                "estimated pair effect with any partner",
                exporter=first["exporter"],
                importer=first["importer"],
            )
        )
    fill = np.exp(rows[gravity].to_numpy(dtype=float) @ fit.coef.loc[gravity].to_numpy() + a + b)
    values = pair_cost.to_numpy(copy=True)
    values[missing] = fill
    return pd.Series(values, index=frame.index, name="pair_cost")


__all__ = ["PAIR_LEVELS", "cost_change", "dummy_change", "trade_costs"]
