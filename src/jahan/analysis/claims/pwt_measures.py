"""Measures over time from Penn World Table 9.1 for the claims analysis (pure; the panel is an
argument): inequality of GDP per capita across countries (claim 5), openness and growth (claim 3),
co-movement of growth between neighbours (claim 4).

The PWT panel has columns isocode, year, rgdpe, rgdpna, pop, csh_x, csh_m
(:func:`jahan.world.pwt_panel`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from jahan.errors import DataError, Message
from jahan.index.inequality import theil

REQUIRED = ("isocode", "year", "rgdpe", "rgdpna", "pop", "csh_x", "csh_m")


def _check(pwt: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in REQUIRED if c not in pwt.columns]
    if missing:
        raise DataError(
            Message(
                "PWT panel lacks columns {missing!r}; expected {required}",
                missing=missing,
                required=", ".join(REQUIRED),
            )
        )
    return pwt


def gdp_per_capita(
    pwt: pd.DataFrame, countries: list[str] | pd.Index | None = None
) -> pd.DataFrame:
    """GDP per capita (rgdpe / pop, 2011 USD at chained PPPs) as a year x country table.

    Countries outside ``countries`` (when given) and non-positive or missing values are left out.
    """
    df = _check(pwt)
    if countries is not None:
        df = df[df["isocode"].isin(list(countries))]
    df = df[(df["rgdpe"] > 0) & (df["pop"] > 0)]
    per_head = (df["rgdpe"] / df["pop"]).set_axis(pd.MultiIndex.from_frame(df[["year", "isocode"]]))
    return per_head.unstack("isocode").sort_index()


def population(pwt: pd.DataFrame) -> pd.DataFrame:
    """Population (millions) as a year x country table."""
    df = _check(pwt)
    return df.pivot(index="year", columns="isocode", values="pop").sort_index()


def _gini(x: np.ndarray, s: np.ndarray) -> float:
    """Weighted Gini from sorted cumulative shares: G = sum_i sum_j s_i s_j |x_i - x_j| / (2 mu),
    computed in O(n log n) as 1 - sum_i s_i (L_i + L_(i-1)) with L the Lorenz ordinates."""
    order = np.argsort(x, kind="stable")
    x, s = x[order], s[order]
    income = s * x
    lorenz = np.cumsum(income) / income.sum()
    previous = np.concatenate([[0.0], lorenz[:-1]])
    return float(1.0 - np.sum(s * (lorenz + previous)))


def _theil_parts(x: np.ndarray, s: np.ndarray, codes: np.ndarray) -> tuple[float, float, float]:
    """Theil T and its between/within split by group ``codes`` (integers), shares ``s`` summing to 1."""
    mu = float(s @ x)
    total = float(np.sum(s * (x / mu) * np.log(x / mu)))
    sg = np.bincount(codes, weights=s)
    mu_g = np.bincount(codes, weights=s * x) / np.where(sg > 0, sg, 1.0)
    present = sg > 0
    between = float(np.sum(sg[present] * mu_g[present] / mu * np.log(mu_g[present] / mu)))
    return total, between, total - between


def inequality_over_time(
    pwt: pd.DataFrame, groups: Mapping[str, str] | pd.Series, *, by: str = "group"
) -> pd.DataFrame:
    """Inequality of GDP per capita across countries, every year with data.

    Same definitions as :func:`jahan.index.inequality.gini`, :func:`~jahan.index.inequality.theil`
    and :func:`~jahan.index.inequality.theil_decomposition` (which the tests use as the slow
    reference), vectorised over the years.

    Parameters
    ----------
    pwt : DataFrame
        The PWT panel.
    groups : mapping or Series
        A group label (region or income group) by ISO3; only these countries are used.
    by : str
        Name of the grouping, stored in the frame's ``attrs``.

    Returns
    -------
    DataFrame
        Indexed by year: countries, gini, gini_weighted (population), theil, theil_weighted,
        theil_between and theil_within (unweighted, by ``groups``; between + within = theil),
        theil_weighted_between and theil_weighted_within.
    """
    labels = pd.Series(groups).dropna().astype(str)
    y = gdp_per_capita(pwt, labels.index)
    pop = population(pwt).reindex(index=y.index, columns=y.columns)
    codes_all = pd.Categorical(labels.reindex(y.columns)).codes
    rows = {}
    for year in y.index:
        x = y.loc[year].to_numpy(float)
        w = pop.loc[year].to_numpy(float)
        ok = np.isfinite(x) & np.isfinite(w) & (w > 0)
        if ok.sum() < 2:
            continue
        x, w, codes = x[ok], w[ok], codes_all[ok]
        equal = np.full(len(x), 1.0 / len(x))
        shares = w / w.sum()
        t, t_b, t_w = _theil_parts(x, equal, codes)
        tw, tw_b, tw_w = _theil_parts(x, shares, codes)
        rows[int(year)] = {
            "countries": int(ok.sum()),
            "gini": _gini(x, equal),
            "gini_weighted": _gini(x, shares),
            "theil": t,
            "theil_weighted": tw,
            "theil_between": t_b,
            "theil_within": t_w,
            "theil_weighted_between": tw_b,
            "theil_weighted_within": tw_w,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "year"
    out.attrs["by"] = by
    return out


def _theil_matrix(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Theil T of each row of ``x`` (reps x countries) with weights ``w`` (same shape)."""
    s = w / w.sum(axis=1, keepdims=True)
    r = x / (s * x).sum(axis=1, keepdims=True)
    return (s * r * np.log(r)).sum(axis=1)


def theil_change(
    pwt: pd.DataFrame,
    countries: list[str] | pd.Index,
    first: int,
    last: int,
    *,
    draws: int = 500,
    seed: int = 1,
) -> pd.DataFrame:
    """Change in the Theil index of GDP per capita from ``first`` to ``last`` on a balanced panel.

    Countries with GDP per capita and population in both years are kept; the band resamples them
    with replacement (``draws`` times). Returns a frame indexed by "unweighted" and
    "population_weighted" with columns first, last, change, p05, p95, countries.
    """
    y = gdp_per_capita(pwt, countries)
    pop = population(pwt)
    if first not in y.index or last not in y.index:
        raise DataError(
            Message("PWT panel has no GDP per capita for {first} or {last}", first=first, last=last)
        )
    keep = [
        c
        for c in y.columns
        if pd.notna(y.at[first, c])
        and pd.notna(y.at[last, c])
        and pd.notna(pop.at[first, c])
        and pd.notna(pop.at[last, c])
    ]
    if len(keep) < 10:
        raise DataError(
            Message(
                "only {n} countries have data in both {first} and {last}",
                n=len(keep),
                first=first,
                last=last,
            )
        )
    x0, x1 = y.loc[first, keep].to_numpy(float), y.loc[last, keep].to_numpy(float)
    p0, p1 = pop.loc[first, keep].to_numpy(float), pop.loc[last, keep].to_numpy(float)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(keep), size=(draws, len(keep)))
    rows = {}
    for name, (w0, w1) in {
        "unweighted": (np.ones_like(p0), np.ones_like(p1)),
        "population_weighted": (p0, p1),
    }.items():
        t0 = theil(pd.Series(x0, index=keep), pd.Series(w0, index=keep))
        t1 = theil(pd.Series(x1, index=keep), pd.Series(w1, index=keep))
        boot = _theil_matrix(x1[idx], w1[idx]) - _theil_matrix(x0[idx], w0[idx])
        rows[name] = {
            "first": t0,
            "last": t1,
            "change": t1 - t0,
            "p05": float(np.percentile(boot, 5)),
            "p95": float(np.percentile(boot, 95)),
            "countries": len(keep),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def growth_per_capita(pwt: pd.DataFrame) -> pd.DataFrame:
    """Annual growth of real GDP per capita (percent, log difference of rgdpna / pop x 100),
    year x country; a year without both levels is missing."""
    df = _check(pwt)
    df = df[(df["rgdpna"] > 0) & (df["pop"] > 0)]
    level = (df["rgdpna"] / df["pop"]).set_axis(pd.MultiIndex.from_frame(df[["year", "isocode"]]))
    logs = np.log(level.unstack("isocode").sort_index())
    full = logs.reindex(range(int(logs.index.min()), int(logs.index.max()) + 1))
    return 100.0 * full.diff()


def ols_hc1(y: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """OLS coefficients and HC1 (heteroskedasticity-robust) standard errors."""
    n, k = X.shape
    xtx_inv = np.linalg.inv(X.T @ X)
    beta = xtx_inv @ X.T @ y
    resid = y - X @ beta
    meat = (X * resid[:, None] ** 2).T @ X
    vcov = xtx_inv @ meat @ xtx_inv * n / (n - k)
    return beta, np.sqrt(np.diag(vcov))


def openness_growth(
    pwt: pd.DataFrame,
    countries: list[str] | pd.Index,
    first: int = 1970,
    last: int = 2017,
    min_years: int = 30,
) -> dict[str, float]:
    """Cross-country association of openness with growth (a correlation, not a cause).

    growth_i = a + b openness_i + c ln y_i,0 + e_i, with growth the mean annual growth of real GDP
    per capita (percent) over ``first``+1..``last``, openness the mean of (csh_x - csh_m) x 100
    (exports plus imports, percent of GDP at current PPPs) over the same years, and y_i,0 GDP per
    capita (rgdpe / pop) in ``first`` (conditional convergence). Countries with fewer than
    ``min_years`` growth years are left out. Returns b (percentage points of growth per 10
    points of openness), its HC1 standard error, and the number of countries.
    """
    growth = growth_per_capita(pwt).loc[first + 1 : last]
    df = _check(pwt)
    df = df[(df["year"] >= first) & (df["year"] <= last) & df["isocode"].isin(list(countries))]
    open_ = (100.0 * (df["csh_x"] - df["csh_m"])).groupby(df["isocode"]).mean()
    y0 = gdp_per_capita(pwt, countries)
    rows = []
    for code in open_.index:
        g = growth[code].dropna() if code in growth.columns else pd.Series(dtype=float)
        start = y0.at[first, code] if first in y0.index and code in y0.columns else np.nan
        if len(g) >= min_years and np.isfinite(open_[code]) and np.isfinite(start):
            rows.append((code, float(g.mean()), float(open_[code]) / 10.0, float(np.log(start))))
    if len(rows) < 20:
        raise DataError(
            Message(
                "only {n} countries have {min_years} years of growth and openness",
                n=len(rows),
                min_years=min_years,
            )
        )
    table = pd.DataFrame(rows, columns=["iso3", "growth", "openness10", "ln_y0"])
    X = np.column_stack([np.ones(len(table)), table["openness10"], table["ln_y0"]])
    beta, se = ols_hc1(table["growth"].to_numpy(), X)
    return {"slope": float(beta[1]), "se": float(se[1]), "countries": len(table)}


def neighbour_growth_correlation(
    pwt: pd.DataFrame,
    contiguity: pd.Series,
    first: int = 1991,
    last: int = 2017,
    *,
    min_years: int = 15,
    draws: int = 500,
    seed: int = 1,
) -> dict[str, float]:
    """Mean correlation of annual per-capita growth between neighbours minus that between
    non-neighbours, ``first``..``last``.

    ``contiguity`` is indexed by (exporter, importer) with 1 for neighbours (the world's pairs).
    Each unordered pair with at least ``min_years`` common years counts once. The band resamples
    pairs with replacement; pairs share countries, so the band is narrower than one that resampled
    countries would be.
    """
    growth = growth_per_capita(pwt).loc[first:last]
    codes = sorted(set(growth.columns) & set(contiguity.index.get_level_values(0)))
    g = growth[codes]
    ok = g.notna().astype(float)
    common = ok.T @ ok
    corr = g.corr(min_periods=min_years)
    neighbours = contiguity[contiguity > 0]
    near = {tuple(sorted(p)) for p in neighbours.index if p[0] != p[1]}
    iu = np.triu_indices(len(codes), k=1)
    values = corr.to_numpy()[iu]
    enough = common.to_numpy()[iu] >= min_years
    is_near = np.array([(codes[i], codes[j]) in near for i, j in zip(*iu, strict=True)])
    keep = enough & np.isfinite(values)
    a, b = values[keep & is_near], values[keep & ~is_near]
    if len(a) < 10:
        raise DataError(
            Message(
                "only {n} neighbouring pairs have {min_years} common years of growth",
                n=len(a),
                min_years=min_years,
            )
        )
    rng = np.random.default_rng(seed)
    boot = np.array(
        [rng.choice(a, len(a)).mean() - rng.choice(b, len(b)).mean() for _ in range(draws)]
    )
    return {
        "neighbours": float(a.mean()),
        "others": float(b.mean()),
        "difference": float(a.mean() - b.mean()),
        "p05": float(np.percentile(boot, 5)),
        "p95": float(np.percentile(boot, 95)),
        "neighbour_pairs": int(len(a)),
        "other_pairs": int(len(b)),
    }


__all__ = [
    "gdp_per_capita",
    "growth_per_capita",
    "inequality_over_time",
    "neighbour_growth_correlation",
    "ols_hc1",
    "openness_growth",
    "population",
    "theil_change",
]
