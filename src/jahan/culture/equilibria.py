"""Fixed points of the language-shift models and their stability (Jacobian eigenvalues).

Abrams-Strogatz: x = 0, x = 1 and the interior point are all analytic. Minett-Wang: the corners and,
with bilingual acquisition eps > 0, the bilingual-coexistence points on the edge x = 0 are found
from one-dimensional equations; interior points by numerical root finding from a grid of starts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import brentq, root

from jahan.culture.models import AbramsStrogatz, MinettWang, ModelSpec

STABILITY_TOL = 1e-9


def classify(eigenvalues: np.ndarray, tol: float = STABILITY_TOL) -> str:
    """ "stable", "unstable", "saddle" or "non-hyperbolic" from eigenvalues."""
    re = np.real(np.asarray(eigenvalues))
    if np.all(re < -tol):
        return "stable"
    if np.all(re > tol):
        return "unstable"
    if np.any(re < -tol) and np.any(re > tol):
        return "saddle"
    return "non-hyperbolic"


def fixed_points(spec: ModelSpec) -> pd.DataFrame:
    """All fixed points of ``spec`` with eigenvalues and stability.

    Returns
    -------
    DataFrame
        One row per fixed point: monolingual_a, bilingual, monolingual_b, kind, eigenvalue_1
        (and eigenvalue_2 for Minett-Wang, complex), stability, method ("analytic" or "numeric").
    """
    if spec.model is AbramsStrogatz:
        return _fixed_points_as(spec.params)
    if spec.model is MinettWang:
        return _fixed_points_mw(spec.params)
    raise TypeError(f"no fixed-point analysis for {spec.model!r}")


def _fixed_points_as(p: Mapping[str, float]) -> pd.DataFrame:
    a, s, c = p["a"], p["s"], p["c"]
    rows = []
    for x, kind in ((0.0, "B only"), (1.0, "A only")):
        rows.append((x, kind))
    x_star = AbramsStrogatz.interior_fixed_point(a, s)
    if x_star is not None and 0.0 < x_star < 1.0:
        rows.append((x_star, "interior"))
    records = []
    for x, kind in rows:
        lam = AbramsStrogatz.derivative(x, a, s, c)
        records.append(
            {
                "monolingual_a": x,
                "bilingual": 0.0,
                "monolingual_b": 1.0 - x,
                "kind": kind,
                "eigenvalue_1": complex(lam),
                "stability": classify(np.array([lam])),
                "method": "analytic",
            }
        )
    return pd.DataFrame.from_records(records)


def _mw_field(u: np.ndarray, p: Mapping[str, float]) -> np.ndarray:
    state = np.asarray(u, dtype=float).reshape(2, 1)
    arrays = {k: np.array([v]) for k, v in p.items()}
    return MinettWang.rhs(state, arrays)[:, 0]


def _fixed_points_mw(p: Mapping[str, float]) -> pd.DataFrame:
    a, s, c, mu, eps, tau = (p[k] for k in ("a", "s", "c", "mu", "eps", "tau"))
    found: list[tuple[float, float, str, str]] = [
        (1.0, 0.0, "A only", "analytic"),
        (0.0, 1.0, "B only", "analytic"),
        (0.0, 0.0, "all bilingual", "analytic"),
    ]
    # Edge x = 0 (no monolinguals of A; A lives on in bilinguals): dy/dt = 0 with z = 1 - y gives
    # c mu (1 - tau)(1 - s)(1 - y) y^(a - 1) = eps, solved by bracketing.
    if eps > 0:
        k = c * mu * (1.0 - tau) * (1.0 - s)

        def g(y: float) -> float:
            return k * (1.0 - y) * y ** (a - 1.0) - eps

        grid = np.linspace(1e-9, 1.0 - 1e-9, 2001)
        values = np.array([g(y) for y in grid])
        for i in np.nonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)[0]:
            y_root = brentq(g, grid[i], grid[i + 1], xtol=1e-14)
            found.append((0.0, y_root, "A in bilinguals only", "analytic"))
    # Interior points: numerical root finding from a grid of starts inside the simplex.
    starts = [
        (x, y) for x in np.linspace(0.05, 0.9, 9) for y in np.linspace(0.05, 0.9, 9) if x + y < 0.98
    ]
    for x0, y0 in starts:
        sol = root(_mw_field, np.array([x0, y0]), args=(p,), method="hybr", tol=1e-13)
        if not sol.success:
            continue
        x, y = (float(v) for v in sol.x)
        z = 1.0 - x - y
        if min(x, y, z) <= 1e-7 or np.max(np.abs(_mw_field(sol.x, p))) > 1e-10:
            continue
        found.append((x, y, "interior", "numeric"))
    records: list[dict[str, Any]] = []
    for x, y, kind, method in found:
        if np.max(np.abs(_mw_field(np.array([x, y]), p))) > 1e-9:
            continue  # a corner that the interventions move (B only is not at rest when eps > 0)
        if any(
            abs(x - r["monolingual_a"]) < 1e-7 and abs(y - r["monolingual_b"]) < 1e-7
            for r in records
        ):
            continue
        jac = MinettWang.jacobian(x, y, p)
        if np.all(np.isfinite(jac)):
            lam = np.linalg.eigvals(jac)
            lam = lam[np.argsort(-np.real(lam))]
        else:
            # a < 1 makes the field non-differentiable on the boundary (x**a has infinite slope
            # at 0): linearisation does not decide stability there.
            lam = np.array([complex(np.nan, 0.0), complex(np.nan, 0.0)])
        records.append(
            {
                "monolingual_a": x,
                "bilingual": max(1.0 - x - y, 0.0),
                "monolingual_b": y,
                "kind": kind,
                "eigenvalue_1": complex(lam[0]),
                "eigenvalue_2": complex(lam[1]),
                "stability": classify(lam),
                "method": method,
            }
        )
    return pd.DataFrame.from_records(records)


__all__ = ["classify", "fixed_points"]
