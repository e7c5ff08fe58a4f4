"""Phase-plane figure of the language-shift models: every drawn trajectory reaches its attractor."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jahan.culture import MinettWang, ModelSpec, fit_language_model, fixed_points, simulate
from jahan.report.culture_figures import ARRIVAL_DISTANCE, phase_plane_figure, trajectories_to_rest

EXAMPLE = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "jahan"
    / "data"
    / "language"
    / "synthetic_language_shift.csv"
)
GRID = np.linspace(0.05, 0.9, 6)
STARTS = [(x0, y0) for x0 in GRID for y0 in GRID if x0 + y0 < 0.98]


def _stable(spec: ModelSpec) -> np.ndarray:
    points = fixed_points(spec)
    return points.loc[
        points["stability"] == "stable", ["monolingual_a", "monolingual_b"]
    ].to_numpy()


def _nearest(point: np.ndarray, attractors: np.ndarray) -> tuple[int, float]:
    gaps = np.hypot(*(attractors - point).T)
    return int(np.argmin(gaps)), float(gaps.min())


@pytest.mark.parametrize("fixed", [{}, {"a": 3.0}], ids=["fitted", "a=3"])
def test_every_phase_plane_trajectory_runs_to_a_stable_fixed_point(fixed):
    # With a = 3 the field near the all-bilingual corner vanishes like x^3: the path from (0.05, 0.05)
    # needs far more than 400/c years to leave it, and a fixed horizon left it stranded there.
    fit = fit_language_model(pd.read_csv(EXAMPLE, comment="#"), "minett-wang", fixed=fixed, draws=0)
    spec = ModelSpec(
        MinettWang, {k: v for k, v in fit.estimate().items() if k in MinettWang.symbols()}
    )
    attractors = _stable(spec)
    assert len(attractors) == 2  # the two monolingual corners
    fig = phase_plane_figure(fit)
    lines = [t for t in fig.data if t.name == "trajectories"]
    assert len(lines) == len(STARTS)
    rate = spec.params["c"]
    for (x0, y0), line in zip(STARTS, lines, strict=True):
        x, y = np.asarray(line.x, dtype=float), np.asarray(line.y, dtype=float)
        assert np.all(np.isfinite(x)) and np.all(np.isfinite(y))
        assert (x[0], y[0]) == pytest.approx((x0, y0), abs=1e-12)
        which, gap = _nearest(np.array([x[-1], y[-1]]), attractors)
        assert gap <= ARRIVAL_DISTANCE, (
            f"trajectory from ({x0:.2f}, {y0:.2f}) stops {gap:.3g} from an attractor"
        )
        # The same attractor an independent long integration reaches.
        far = simulate(spec, (x0, 1.0 - x0 - y0, y0), [0.0, 1e6 / rate])
        end = far[["monolingual_a", "monolingual_b"]].to_numpy()[-1]
        assert _nearest(end, attractors)[0] == which


def test_trajectories_escape_the_all_bilingual_corner_for_steep_attractiveness():
    # a = 5: leaving x = y = 0.05 takes of order 0.05^-4 / (4 c mu s) ~ 1e5 / c years.
    spec = ModelSpec(MinettWang, {"a": 5.0, "s": 0.44, "c": 0.17, "mu": 0.52})
    attractors = _stable(spec)
    paths = trajectories_to_rest(spec, STARTS, attractors)
    for (x0, y0), path in zip(STARTS, paths, strict=True):
        assert path[0] == pytest.approx((x0, y0))
        assert _nearest(path[-1], attractors)[1] <= ARRIVAL_DISTANCE
        # Cut at arrival: only the last point is within the arrival distance.
        assert all(_nearest(p, attractors)[1] > ARRIVAL_DISTANCE for p in path[:-1])


def test_abrams_strogatz_phase_line_spans_the_whole_share_range():
    fit = fit_language_model(
        pd.read_csv(EXAMPLE, comment="#"), "abrams-strogatz", fixed={"a": 1.31}, draws=0
    )
    curve = phase_plane_figure(fit).data[0]
    x, dx = np.asarray(curve.x, dtype=float), np.asarray(curve.y, dtype=float)
    assert x[0] == 0.0 and x[-1] == 1.0 and np.all(np.isfinite(dx))
    assert dx[0] == pytest.approx(0.0, abs=1e-15) and dx[-1] == pytest.approx(0.0, abs=1e-15)
    # The curve changes sign at the interior fixed point, and only there.
    interior = fixed_points(
        ModelSpec(
            fit.model_class(),
            {k: v for k, v in fit.estimate().items() if k in fit.model_class().symbols()},
        )
    )
    x_star = interior.loc[interior["kind"] == "interior", "monolingual_a"].item()
    flips = 1 + np.flatnonzero(
        np.diff(np.sign(dx[1:-1])) != 0
    )  # sign changes between x[k] and x[k + 1]
    assert flips.size == 1 and x[flips[0]] <= x_star <= x[flips[0] + 1]
