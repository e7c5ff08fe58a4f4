"""Abrams-Strogatz and Minett-Wang: fixed points, stability and long-run outcomes vs analytic results."""

from __future__ import annotations

import numpy as np
import pytest

from jahan.culture import AbramsStrogatz, MinettWang, ModelSpec, fixed_points, simulate
from jahan.errors import DataError

LOW_STATUS = [(1.31, 0.3), (1.31, 0.4), (2.0, 0.45), (1.6, 0.6), (1.31, 0.7)]


def _x_star(a, s):
    # Analytic interior fixed point of Abrams-Strogatz: (x / (1 - x))^(a - 1) = (1 - s) / s.
    return 1.0 / (1.0 + (s / (1.0 - s)) ** (1.0 / (a - 1.0)))


def _rhs_as(x, a, s, c):
    return c * ((1 - x) * x**a * s - x * (1 - x) ** a * (1 - s))


@pytest.mark.parametrize(("a", "s"), LOW_STATUS)
def test_abrams_strogatz_fixed_points_match_the_analytic_result(a, s):
    c = 0.2
    fp = fixed_points(ModelSpec(AbramsStrogatz, {"a": a, "s": s, "c": c})).set_index("kind")
    x_star = _x_star(a, s)
    assert fp.loc["interior", "monolingual_a"] == pytest.approx(x_star, rel=1e-12)
    assert abs(_rhs_as(x_star, a, s, c)) < 1e-14
    # Interior point unstable: f'(x*) > 0, equal to a central difference of the vector field.
    h = 1e-6
    slope = (_rhs_as(x_star + h, a, s, c) - _rhs_as(x_star - h, a, s, c)) / (2 * h)
    assert slope > 0
    assert fp.loc["interior", "eigenvalue_1"].real == pytest.approx(slope, rel=1e-6)
    assert fp.loc["interior", "stability"] == "unstable"
    # Ends stable for a > 1, with eigenvalues -c(1 - s) at x = 0 and -c s at x = 1.
    assert fp.loc["B only", "eigenvalue_1"].real == pytest.approx(-c * (1 - s), rel=1e-12)
    assert fp.loc["A only", "eigenvalue_1"].real == pytest.approx(-c * s, rel=1e-12)
    assert fp.loc["B only", "stability"] == fp.loc["A only", "stability"] == "stable"


@pytest.mark.parametrize(("a", "s"), LOW_STATUS)
def test_abrams_strogatz_lower_status_language_dies_from_interior_starts(a, s):
    c = 0.2
    x_star = _x_star(a, s)
    spec = ModelSpec(AbramsStrogatz, {"a": a, "s": s, "c": c})
    years = np.array([0.0, 3000.0])
    if s < 0.5:
        # A has lower status; the separatrix x* lies above 1/2, so A dies from every start where it
        # is not the majority, and from every start below x*.
        assert x_star > 0.5
        starts = np.linspace(0.01, x_star - 0.01, 12)
        final = [simulate(spec, (x0, 0, 1 - x0), years)["monolingual_a"].iloc[-1] for x0 in starts]
        assert max(final) < 1e-6
    else:
        # B has lower status; it dies from every start above x* (< 1/2).
        assert x_star < 0.5
        starts = np.linspace(x_star + 0.01, 0.99, 12)
        final = [simulate(spec, (x0, 0, 1 - x0), years)["monolingual_b"].iloc[-1] for x0 in starts]
        assert max(final) < 1e-6
    # No interior start settles at coexistence: every run ends at an extinction point.
    for x0 in np.linspace(0.02, 0.98, 9):
        if abs(x0 - x_star) < 0.02:
            continue
        end = simulate(spec, (x0, 0, 1 - x0), years)["monolingual_a"].iloc[-1]
        assert min(end, 1 - end) < 1e-6


def test_abrams_strogatz_with_a_below_one_has_stable_coexistence():
    a, s, c = 0.7, 0.4, 0.2
    fp = fixed_points(ModelSpec(AbramsStrogatz, {"a": a, "s": s, "c": c})).set_index("kind")
    assert fp.loc["interior", "stability"] == "stable"
    end = simulate(ModelSpec(AbramsStrogatz, {"a": a, "s": s, "c": c}), (0.9, 0, 0.1), [0, 2000])
    assert end["monolingual_a"].iloc[-1] == pytest.approx(_x_star(a, s), abs=1e-6)


BASE_MW = {"a": 1.31, "s": 0.4, "c": 0.1, "mu": 0.5}


def _numeric_jacobian(params, x, y, h=1e-7):
    def f(u):
        arrays = {k: np.array([v]) for k, v in MinettWang.check_params(params).items()}
        return MinettWang.rhs(np.array(u, dtype=float).reshape(2, 1), arrays)[:, 0]

    # One-sided in x on the edge x = 0 (shares cannot be negative); the x^a term converges like
    # h^(a - 1), hence the tiny step (dx/dt is exactly 0 on the edge, so no cancellation).
    dx = (
        (f([x + 1e-14, y]) - f([x, y])) / 1e-14
        if x == 0
        else (f([x + h, y]) - f([x - h, y])) / (2 * h)
    )
    cols = [dx, (f([x, y + h]) - f([x, y - h])) / (2 * h)]
    return np.column_stack(cols)


def test_minett_wang_without_intervention_has_no_stable_coexistence():
    fp = fixed_points(ModelSpec(MinettWang, BASE_MW))
    stable = fp[fp["stability"] == "stable"]
    assert set(stable["kind"]) == {"A only", "B only"}
    interior = fp[fp["kind"] == "interior"]
    assert len(interior) == 1 and interior["stability"].iloc[0] == "saddle"
    row = interior.iloc[0]
    jac = _numeric_jacobian(BASE_MW, row["monolingual_a"], row["monolingual_b"])
    assert np.allclose(
        MinettWang.jacobian(
            row["monolingual_a"], row["monolingual_b"], MinettWang.check_params(BASE_MW)
        ),
        jac,
        atol=1e-7,
    )
    # From 30% monolingual A, 10% bilingual, 60% monolingual B, language A dies out.
    end = simulate(ModelSpec(MinettWang, BASE_MW), (0.3, 0.1, 0.6), [0, 4000]).iloc[-1]
    assert end["speakers_a"] < 1e-6


def test_bilingual_acquisition_makes_coexistence_stable():
    eps = 0.005
    params = {**BASE_MW, "eps": eps}
    a, s, c, mu = (BASE_MW[k] for k in ("a", "s", "c", "mu"))
    fp = fixed_points(ModelSpec(MinettWang, params))
    coexist = fp[(fp["stability"] == "stable") & (fp["bilingual"] > 0.01)]
    assert len(coexist) == 1
    row = coexist.iloc[0]
    y = row["monolingual_b"]
    # Analytic: on x = 0, c mu (1 - s)(1 - y) y^(a - 1) = eps; eigenvalues -c(1 - mu)(1 - s) y^a and
    # g'(y) for g(y) = c mu (1 - s)(1 - y) y^a - eps y.
    assert row["monolingual_a"] == 0.0
    assert c * mu * (1 - s) * (1 - y) * y ** (a - 1) == pytest.approx(eps, rel=1e-9)
    g_prime = c * mu * (1 - s) * (a * y ** (a - 1) * (1 - y) - y**a) - eps
    expected = sorted([-c * (1 - mu) * (1 - s) * y**a, g_prime], reverse=True)
    got = sorted([row["eigenvalue_1"].real, row["eigenvalue_2"].real], reverse=True)
    assert np.allclose(got, expected, rtol=1e-8)
    assert max(got) < 0
    assert np.allclose(
        np.sort(np.linalg.eigvals(_numeric_jacobian(params, 0.0, y))).real,
        np.sort(expected),
        rtol=1e-4,
    )
    # The same start that lost language A now converges to that point: A survives in bilinguals.
    end = simulate(ModelSpec(MinettWang, params), (0.3, 0.1, 0.6), [0, 6000]).iloc[-1]
    assert end["speakers_a"] == pytest.approx(row["bilingual"], abs=1e-6)
    assert end["speakers_a"] > 0.1


def test_coexistence_needs_acquisition_below_the_analytic_threshold():
    a, s, c, mu = (BASE_MW[k] for k in ("a", "s", "c", "mu"))
    y_peak = (a - 1) / a
    threshold = c * mu * (1 - s) * (1 - y_peak) * y_peak ** (a - 1)
    below = fixed_points(ModelSpec(MinettWang, {**BASE_MW, "eps": 0.98 * threshold}))
    above = fixed_points(ModelSpec(MinettWang, {**BASE_MW, "eps": 1.02 * threshold}))
    assert (below["kind"] == "A in bilinguals only").sum() == 2
    assert (above["kind"] == "A in bilinguals only").sum() == 0


def test_transmission_raises_the_bilingual_share_at_coexistence():
    def z_star(tau):
        fp = fixed_points(ModelSpec(MinettWang, {**BASE_MW, "eps": 0.004, "tau": tau}))
        return fp[(fp["stability"] == "stable") & (fp["bilingual"] > 0.01)]["bilingual"].iloc[0]

    assert z_star(0.3) > z_star(0.0)


def test_parameters_are_checked():
    with pytest.raises(DataError, match="'mu'"):
        ModelSpec(MinettWang, {"muu": 0.5})
    with pytest.raises(DataError, match="s .*\\[0, 1\\]"):
        ModelSpec(AbramsStrogatz, {"s": 1.5})


def test_minett_wang_fixed_points_with_a_below_one_do_not_crash():
    """a < 1 gives infinite derivatives on the boundary; boundary points are then reported as
    non-hyperbolic (linearisation undecided) and interior points keep their eigenvalues."""
    from jahan.culture import MinettWang, ModelSpec, fixed_points

    spec = ModelSpec(MinettWang, {"a": 0.9, "s": 0.4, "c": 0.1, "mu": 0.5, "eps": 0.0, "tau": 0.0})
    table = fixed_points(spec)
    corners = table[table["kind"] != "interior"]
    assert len(corners) >= 2
    assert (corners["stability"] == "non-hyperbolic").all()
    assert table["stability"].isin(["stable", "unstable", "saddle", "non-hyperbolic"]).all()
