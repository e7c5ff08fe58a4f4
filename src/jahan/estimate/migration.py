"""The estimation frame for migration gravity: bilateral migrant stocks with pair variables.

Gravity on migrant stocks (Beine, Bertoli and Fernández-Huertas Moraga 2016, "A practitioners'
guide to gravity models of international migration") estimated by PPML, with origin-year and
destination-year fixed effects standing in for the multilateral resistance terms:

.. math::

    E[M_{odt}] = \\exp\\big(\\beta_1 \\ln d_{od} + \\beta_2\\,\\mathrm{contiguity}_{od} + \\dots
    + \\gamma\\,\\mathrm{both\\_G\\_free\\_movement}_{odt} + \\alpha_{ot} + \\delta_{dt}\\big)

``migration_panel`` builds the frame (pure: DataFrames in, a DataFrame out); ``jahan.fepois``
estimates it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from jahan.errors import DataError, Message

PAIR_VARIABLES: tuple[str, ...] = (
    "distance_km",
    "contiguity",
    "common_language",
    "same_former_state",
)
"""Pair columns copied into the frame by default (the world's ``pairs`` has them all)."""

_MIGRANT_COLUMNS = ["origin", "destination", "year", "persons"]
_GROUP_COLUMNS = ["group", "iso3", "entry_year", "exit_year"]


def _pairs_long(pairs: pd.DataFrame, variables: Sequence[str]) -> pd.DataFrame:
    """``pairs`` indexed by (exporter, importer) or with those columns -> origin, destination, ..."""
    frame = pairs.reset_index() if "exporter" not in pairs.columns else pairs
    for needed in ("exporter", "importer", *variables):
        if needed not in frame.columns:
            raise DataError(
                Message(
                    "pairs lacks {column!r}; give the world's pairs (indexed by exporter, "
                    "importer) with the columns {columns!r}",
                    column=needed,
                    columns=list(variables),
                )
            )
    out = frame[["exporter", "importer", *variables]].rename(
        columns={"exporter": "origin", "importer": "destination"}
    )
    out = out[out["origin"] != out["destination"]]
    dup = out.duplicated(["origin", "destination"])
    if dup.any():
        first = out[dup].iloc[0]
        raise DataError(
            Message(
                "pairs lists ({origin}, {destination}) more than once",
                origin=first["origin"],
                destination=first["destination"],
            )
        )
    return out


def _members_by_year(groups_frame: pd.DataFrame, group: str, years: np.ndarray) -> pd.DataFrame:
    """(iso3, year) rows for each member of ``group`` active in the year.

    A member counts from its entry year up to the year before its exit year, as ``World.group``.
    """
    missing = [c for c in _GROUP_COLUMNS if c not in groups_frame.columns]
    if missing:
        raise DataError(
            Message(
                "groups_frame lacks column(s) {missing!r}; expected {expected!r}",
                missing=missing,
                expected=_GROUP_COLUMNS,
            )
        )
    rows = groups_frame[groups_frame["group"] == group]
    if rows.empty:
        raise DataError(
            Message(
                "group {group!r} is not in groups_frame; known groups: {known}",
                group=group,
                known=sorted(str(g) for g in groups_frame["group"].unique()),
            )
        )
    entry = pd.to_numeric(rows["entry_year"], errors="coerce").to_numpy(dtype=float)
    exit_ = pd.to_numeric(rows["exit_year"], errors="coerce").to_numpy(dtype=float)
    codes = rows["iso3"].astype(str).to_numpy()
    active = (np.isnan(entry)[:, None] | (entry[:, None] <= years[None, :])) & (
        np.isnan(exit_)[:, None] | (exit_[:, None] > years[None, :])
    )
    i, t = np.nonzero(active)
    return pd.DataFrame({"iso3": codes[i], "year": years[t]}).drop_duplicates()


def migration_panel(
    migrants: pd.DataFrame,
    pairs: pd.DataFrame,
    groups_frame: pd.DataFrame,
    group: str = "EAEU",
    start_year: int = 2015,
    *,
    pair_variables: Sequence[str] = PAIR_VARIABLES,
) -> pd.DataFrame:
    """Build the PPML frame for migration gravity on bilateral migrant stocks.

    Every ordered pair of distinct countries in ``pairs`` appears in every year of
    ``migrants``; a pair-year absent from ``migrants`` has ``persons = 0`` (PPML uses the
    zeros; the source's "not available" cells count as zero too).

    Parameters
    ----------
    migrants : pandas.DataFrame
        ``origin, destination, year, persons`` (ISO3, ISO3, int, persons >= 0), one row per
        origin-destination-year, every code a country of ``pairs``.
    pairs : pandas.DataFrame
        The world's pairs, indexed by (exporter, importer) (or with those columns), holding
        ``pair_variables``; ``distance_km`` > 0 for every pair of distinct countries.
    groups_frame : pandas.DataFrame
        Memberships: ``group, iso3, entry_year, exit_year`` (as ``World.groups``).
    group : str, default "EAEU"
        The group whose free movement of labour is measured.
    start_year : int, default 2015
        First year of free movement (the EAEU's started on 1 January 2015).
    pair_variables : sequence of str, default ``PAIR_VARIABLES``
        Pair columns to copy.

    Returns
    -------
    pandas.DataFrame
        ``origin, destination, year, persons, pair_id, ln_dist`` (log of ``distance_km``), the
        pair variables, ``both_<group>`` (1 when both countries are members in that year) and
        ``both_<group>_free_movement`` (1 when both are members and ``year >= start_year``),
        sorted by origin, destination, year.

    Raises
    ------
    DataError
        Missing columns, a repeated origin-destination-year, negative or missing persons, a
        country absent from ``pairs``, a stock of a country in itself, a non-positive or
        missing distance, an unknown group.
    """
    missing = [c for c in _MIGRANT_COLUMNS if c not in migrants.columns]
    if missing:
        raise DataError(
            Message(
                "migrants lacks column(s) {missing!r}; expected {expected!r}",
                missing=missing,
                expected=_MIGRANT_COLUMNS,
            )
        )
    variables = list(dict.fromkeys(["distance_km", *pair_variables]))
    m = migrants[_MIGRANT_COLUMNS].copy()
    persons = pd.to_numeric(m["persons"], errors="coerce")
    bad = persons.isna() | (persons < 0) | ~np.isfinite(persons)
    if bad.any():
        row = m[bad].iloc[0]
        raise DataError(
            Message(
                "migrants: persons {persons} for {origin}->{destination} in {year} must be a "
                "number >= 0",
                persons=row["persons"],
                origin=row["origin"],
                destination=row["destination"],
                year=row["year"],
            )
        )
    m["persons"] = persons.astype(float)
    self_rows = m["origin"] == m["destination"]
    if self_rows.any():
        row = m[self_rows].iloc[0]
        raise DataError(
            Message(
                "migrants has a stock of {origin} in itself ({year}); migrant stocks are "
                "between distinct countries, drop those rows",
                origin=row["origin"],
                year=row["year"],
            )
        )
    dup = m.duplicated(["origin", "destination", "year"])
    if dup.any():
        row = m[dup].iloc[0]
        raise DataError(
            Message(
                "migrants lists {origin}->{destination} in {year} more than once; sum or drop "
                "the repeats",
                origin=row["origin"],
                destination=row["destination"],
                year=row["year"],
            )
        )

    pl = _pairs_long(pairs, variables)
    countries = set(pl["origin"]) | set(pl["destination"])
    outside = sorted((set(m["origin"]) | set(m["destination"])) - countries)
    if outside:
        raise DataError(
            Message(
                "migrants has code(s) {codes}{more} that are not countries of pairs; keep only "
                "pairs of the world's countries first",
                codes=[str(c) for c in outside[:10]],
                more=", ..." if len(outside) > 10 else "",
            )
        )
    n = len(countries)
    if len(pl) != n * (n - 1):
        have = set(zip(pl["origin"], pl["destination"], strict=True))
        gap = next(
            (o, d)
            for o in sorted(countries)
            for d in sorted(countries)
            if o != d and (o, d) not in have
        )
        raise DataError(
            Message(
                "pairs lacks the pair {pair!r}; every ordered pair of its countries is needed",
                pair=gap,
            )
        )
    dist = pd.to_numeric(pl["distance_km"], errors="coerce")
    bad = dist.isna() | (dist <= 0)
    if bad.any():
        row = pl[bad].iloc[0]
        raise DataError(
            Message(
                "pairs: distance_km {distance} for ({origin}, {destination}) must be > 0",
                distance=row["distance_km"],
                origin=row["origin"],
                destination=row["destination"],
            )
        )

    pl = pl.assign(ln_dist=np.log(dist.to_numpy(dtype=float)))
    years = np.sort(m["year"].astype(int).unique())
    panel = pl.merge(pd.DataFrame({"year": years}), how="cross")
    m["year"] = m["year"].astype(int)
    panel = panel.merge(m, on=["origin", "destination", "year"], how="left")
    panel["persons"] = panel["persons"].fillna(0.0)
    panel["pair_id"] = panel["origin"].astype(str) + "-" + panel["destination"].astype(str)
    for col in pair_variables:
        if col != "distance_km" and pd.api.types.is_bool_dtype(panel[col]):
            panel[col] = panel[col].astype(int)

    members = _members_by_year(groups_frame, group, years)
    key = pd.MultiIndex.from_frame(members[["iso3", "year"]])
    o_in = pd.MultiIndex.from_arrays([panel["origin"], panel["year"]]).isin(key)
    d_in = pd.MultiIndex.from_arrays([panel["destination"], panel["year"]]).isin(key)
    both = o_in & d_in
    panel[f"both_{group}"] = both.astype(int)
    panel[f"both_{group}_free_movement"] = (both & (panel["year"] >= start_year)).astype(int)

    columns = [
        "origin",
        "destination",
        "year",
        "persons",
        "pair_id",
        "ln_dist",
        *pair_variables,
        f"both_{group}",
        f"both_{group}_free_movement",
    ]
    panel = panel[list(dict.fromkeys(columns))]
    return panel.sort_values(["origin", "destination", "year"]).reset_index(drop=True)


__all__ = ["PAIR_VARIABLES", "migration_panel"]
