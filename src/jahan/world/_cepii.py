"""Importer for the CEPII Gravity database layout (Conte, Cotterlaz and Mayer 2022)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from jahan.errors import DataError, DataWarning, Message

# CEPII Gravity reports trade and GDP in thousands of current USD; jahan uses USD millions.
_THOUSANDS_TO_MILLIONS = 1e-3
_DISTANCE_COLUMNS = ("distw_harmonic", "distw_arithmetic", "distw", "dist")
_PAIR_COLUMNS = {
    "contig": "contiguity",
    "comlang_off": "common_language",
    "comcur": "common_currency",
    "fta_wto": "rta",
    "rta": "rta",
}


def _builtin_names() -> pd.DataFrame | None:
    try:
        from jahan.world._world import World

        return World.builtin().countries[["name_en", "name_ru", "name_kk"]]
    except (OSError, ValueError):  # pragma: no cover - the data ship with the package
        return None


def read_cepii_gravity(
    path: str | Path | pd.DataFrame,
    year: int,
    *,
    flow: str = "tradeflow_comtrade_o",
    fill_from: str | None = "tradeflow_comtrade_d",
    missing: str = "zero",
    domestic: str = "none",
):
    """Read one year of a file in the CEPII Gravity layout into an observed World.

    Parameters
    ----------
    path : str, Path or DataFrame
        CSV (or Parquet, or an already loaded frame) with columns ``iso3_o``, ``iso3_d``,
        ``year``, a distance (``distw_harmonic``, ``distw_arithmetic``, ``distw`` or ``dist``),
        and the trade column named by ``flow``; ``contig``, ``comlang_off``, ``comcur``,
        ``fta_wto``, ``gdp_o``, ``pop_o`` and ``country_exists_o/_d`` are used when present.
    year : int
        The year to keep; it becomes the world's baseline year.
    flow : str
        Trade column, thousands of current USD (``tradeflow_comtrade_o``: reported by the
        exporter; ``tradeflow_comtrade_d``: by the importer; ``tradeflow_baci``).
    fill_from : str or None
        Column used where ``flow`` is missing (mirror flows), or None.
    missing : {"zero", "error"}
        What to do with pairs still without a value: count them as no trade (with a
        DataWarning saying how many) or raise DataError naming them.
    domestic : {"none", "gdp_minus_exports"}
        Add domestic flows X_ii = GDP_i - exports_i (from ``gdp_o``); a country whose exports
        exceed its GDP raises DataError.

    Returns
    -------
    World
        With ``flows_kind = "observed"``, flows in USD millions.
    """
    if missing not in ("zero", "error"):
        raise DataError(Message("missing={value!r}: use 'zero' or 'error'", value=missing))
    if domestic not in ("none", "gdp_minus_exports"):
        raise DataError(
            Message("domestic={value!r}: use 'none' or 'gdp_minus_exports'", value=domestic)
        )
    where: Message | str = (
        Message("CEPII Gravity data") if isinstance(path, pd.DataFrame) else str(path)
    )
    if isinstance(path, pd.DataFrame):
        raw = path
    else:
        p = Path(path)
        if not p.exists():
            raise DataError(Message("{path}: no such file", path=str(p)))
        raw = pd.read_parquet(p) if p.suffix == ".parquet" else pd.read_csv(p, low_memory=False)
    need = {"iso3_o", "iso3_d", "year", flow}
    lacking = sorted(need - set(raw.columns))
    if lacking:
        raise DataError(
            Message(
                "{where}: missing CEPII Gravity column(s) {columns!r}",
                where=where,
                columns=lacking,
            )
        )
    dist_col = next((c for c in _DISTANCE_COLUMNS if c in raw.columns), None)
    if dist_col is None:
        raise DataError(
            Message(
                "{where}: needs a distance column, one of {columns!r}",
                where=where,
                columns=list(_DISTANCE_COLUMNS),
            )
        )
    df = raw[raw["year"] == year]
    if df.empty:
        years = sorted(raw["year"].dropna().unique().tolist())
        raise DataError(
            Message(
                "{where}: no rows for year {year}; years present: {first!r}...{last!r}",
                where=where,
                year=year,
                first=years[:5],
                last=years[-3:],
            )
        )
    for side in ("o", "d"):
        col = f"country_exists_{side}"
        if col in df.columns:
            df = df[df[col] == 1]
    df = df[df["iso3_o"] != df["iso3_d"]].copy()
    df["exporter"] = df["iso3_o"].astype(str)
    df["importer"] = df["iso3_d"].astype(str)

    value = pd.to_numeric(df[flow], errors="coerce")
    if fill_from is not None and fill_from in df.columns:
        value = value.fillna(pd.to_numeric(df[fill_from], errors="coerce"))
    nan = value.isna()
    if nan.any():
        if missing == "error":
            rows = [
                f"{e}->{i}"
                for e, i in zip(df.loc[nan, "exporter"], df.loc[nan, "importer"], strict=True)
            ]
            raise DataError(
                Message(
                    "{where}: {count} pair(s) without a trade value in {year}: {pairs} "
                    "(pass missing='zero' to count them as no trade)",
                    where=where,
                    count=len(rows),
                    year=year,
                    pairs=rows[:8],
                )
            )
        warnings.warn(
            f"{where}: {int(nan.sum())} of {len(df)} pairs have no trade value in {year}; "
            "counted as zero trade",
            DataWarning,
            stacklevel=2,
        )
        value = value.fillna(0.0)
    df["value"] = value.to_numpy() * _THOUSANDS_TO_MILLIONS

    codes = sorted(set(df["exporter"]) | set(df["importer"]))
    countries = pd.DataFrame(index=pd.Index(codes, name="iso3"))
    names = _builtin_names()
    if names is not None:
        countries = countries.join(names, how="left")
        countries["name_en"] = countries["name_en"].fillna(pd.Series(codes, index=codes))
    gdp = None
    if "gdp_o" in df.columns:
        gdp = pd.to_numeric(df.groupby("exporter")["gdp_o"].first(), errors="coerce") * 1e3
        countries["gdp_usd"] = gdp.reindex(codes)
    if "pop_o" in df.columns:
        pop = pd.to_numeric(df.groupby("exporter")["pop_o"].first(), errors="coerce") * 1e3
        countries["population"] = pop.reindex(codes)

    pairs = df.set_index(["exporter", "importer"])
    pair_cols = {dist_col: "distance_km"}
    for src, dst in _PAIR_COLUMNS.items():
        if src in pairs.columns and dst not in pair_cols.values():
            pair_cols[src] = dst
    pairs = pairs[list(pair_cols)].rename(columns=pair_cols)
    for col in pairs.columns:
        if col != "distance_km":
            pairs[col] = pd.to_numeric(pairs[col], errors="coerce").fillna(0).astype(np.int64)
    flows = df.set_index(["exporter", "importer"])["value"]

    if domestic == "gdp_minus_exports":
        if gdp is None:
            raise DataError(
                Message("{where}: domestic='gdp_minus_exports' needs the column gdp_o", where=where)
            )
        exports = flows.groupby(level="exporter").sum().reindex(codes)
        dom = (countries["gdp_usd"] / 1e6) - exports
        bad = dom.index[~(dom > 0)].tolist()
        if bad:
            raise DataError(
                Message(
                    "{where}: GDP minus exports is missing or not positive for {codes}; "
                    "their domestic flows cannot be built this way",
                    where=where,
                    codes=bad[:8],
                )
            )
        dom_index = pd.MultiIndex.from_arrays([codes, codes], names=["exporter", "importer"])
        flows = pd.concat([flows, pd.Series(dom.to_numpy(), index=dom_index, name="value")])

    from jahan.world._world import World

    return World.from_frames(
        countries=countries,
        pairs=pairs,
        flows=flows,
        baseline_year=year,
        flows_kind="observed",
        sources=pd.DataFrame(
            [
                {
                    "key": "cepii_gravity",
                    "package": "CEPII Gravity database",
                    "version": "",
                    "path": where,
                    "licence": "Etalab Open Licence 2.0",
                    "year": year,
                    "used_for": f"flows ({flow}), distance ({dist_col}), bilateral variables",
                }
            ]
        ),
    )
