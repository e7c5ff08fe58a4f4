"""Kernel of the one-sector GE model: exact hat algebra on arrays.

Pure NumPy in, a frozen record out. No labels, no pandas, no I/O.

Notation (i exporter, j importer; Dekle, Eaton and Kortum 2008; Zylkin's ``ge_gravity``):
baseline shares ``pi_ij = X_ij / E_j``; shock ``B_ij`` (change in ``t_ij^(-theta)``, productivity
folded in as ``A_i^theta``); unknown factory-gate price changes ``w_i``.

.. math::

    \\Phi_j = \\sum_i \\pi_{ij} B_{ij} w_i^{-\\theta}, \\qquad
    S_i = \\sum_j \\frac{\\pi_{ij} B_{ij} w_i^{-\\theta}}{\\Phi_j} E'_j,

with ``E'_j = w_j Y_j + D_j`` (fixed additive imbalances) or ``E'_j = w_j E_j`` (multiplicative).

With ad valorem tariffs ``t'_ij`` (revenue returned to the importer's households) the shares are
of spending gross of tariffs, sales are net of them, and expenditure includes the revenue:
``E'_j = (w_j Y_j + D_j) / F_j`` with ``F_j = sum_i pi'_ij / (1 + t'_ij)``; the caller folds
``((1 + t'_ij) / (1 + t_ij))^(-theta)`` into the shock and passes ``1 / (1 + t'_ij)`` as
``net_factor`` (Caliendo and Parro 2015 with one sector and no intermediate inputs).
The equilibrium equates each country's share of world sales ``S_i`` with its share of world
output ``w_i Y_i`` (this is market clearing when imbalances sum to zero, and ``ge_gravity``'s
fixed point in the multiplicative case), and the numeraire keeps world output unchanged,
``sum_i w_i Y_i = sum_i Y_i``.

The system is solved on ``x = log w`` (so prices stay positive). First a fixed-point map
``x_i <- x_i + r_i(x) / d_i`` (``r`` the log gap above), accelerated by Anderson mixing over the
last few iterates (Walker and Ni 2011): each step costs two matrix-vector products, O(N^2).
``d_i = 1 + theta`` is ``ge_gravity``'s map; jahan takes ``d_i`` from the diagonal of the
Jacobian restricted to each country's own market (:meth:`_System.step`), which is ``1 + theta``
for a small open economy and smaller for a large, mostly closed one, and halves the steps
needed on the benchmark worlds and cuts them by two thirds on the built-in world
(``benchmarks/ge_solver_steps.py``). Where that stalls, Newton's method with an analytic
Jacobian (O(N^3) a step) and a backtracking line search finishes; when the line search stalls, a
damped step of the fixed-point map is taken instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.linalg import lapack

from jahan.errors import ConvergenceError, Message

IMBALANCE_RULES = ("fixed", "multiplicative")
_MIN_STEP = 1.0 / 64  # shortest Newton step tried before switching to fixed-point steps
_FIXED_POINT_BURST = 25  # fixed-point steps taken when Newton stalls
_NEWTON_ZONE = 0.05  # Newton is tried once the largest log gap is below this
_ANDERSON_MEMORY = 6  # iterates mixed by the accelerated fixed point
_ANDERSON_PATIENCE = 25  # accelerated steps without a new best gap before Newton takes over
# Reductions of 1-D arrays called directly (the ndarray methods add a Python wrapper per call,
# which shows at a few dozen calls per step on small N).
_sum, _min, _max = np.add.reduce, np.minimum.reduce, np.maximum.reduce


@dataclass(frozen=True, slots=True)
class HatSolution:
    """Record returned by :func:`solve_hat`.

    Attributes
    ----------
    converged, iterations, max_residual
        Solver diagnostics; ``max_residual`` is the largest absolute log gap between a country's
        share of world sales and its share of world output (for all but the last country, whose
        gap follows from the others) or in the numeraire.
    factory_price : ndarray (N,)
        Changes in factory-gate prices ``w_i`` (1 = no change), numeraire: world output constant.
    phi : ndarray (N,)
        ``Phi_j``; the consumer price index changes by ``Phi_j^(-1/theta)``.
    expenditure : ndarray (N,)
        Counterfactual expenditure ``E'_j`` in the units of the baseline flows.
    flow_kernel, flow_rows, flow_cols
        The counterfactual flows in factored form, ``X'_ij = K_ij r_i c_j``: the N^2 matrix is
        formed only when :attr:`flows` is read; its row and column sums and its diagonal cost
        a matrix-vector product or less.
    known_sales : ndarray (N,), optional
        The row sums of the flows when the solver has them already (its last evaluation):
        :attr:`sales` then hands out a copy instead of computing them again.
    """

    converged: bool
    iterations: int
    max_residual: float
    factory_price: np.ndarray
    phi: np.ndarray
    expenditure: np.ndarray
    flow_kernel: np.ndarray
    flow_rows: np.ndarray
    flow_cols: np.ndarray
    known_sales: np.ndarray | None = field(default=None, repr=False)

    @property
    def flows(self) -> np.ndarray:
        """Counterfactual flows ``X'_ij = pi'_ij E'_j`` (net of tariffs), a new (N, N) array."""
        out = np.multiply(self.flow_kernel, self.flow_rows[:, None])
        np.multiply(out, self.flow_cols[None, :], out=out)
        return out

    @property
    def sales(self) -> np.ndarray:
        """Row sums of :attr:`flows`: each exporter's counterfactual sales, domestic included."""
        if self.known_sales is not None:
            return self.known_sales.copy()
        return self.flow_rows * (self.flow_kernel @ self.flow_cols)

    @property
    def purchases(self) -> np.ndarray:
        """Column sums of :attr:`flows`: each importer's purchases net of tariffs."""
        return self.flow_cols * (self.flow_rows @ self.flow_kernel)

    @property
    def domestic(self) -> np.ndarray:
        """The diagonal of :attr:`flows`: counterfactual domestic sales."""
        return np.diagonal(self.flow_kernel) * self.flow_rows * self.flow_cols


class _System:
    """The equilibrium equations for one shock, evaluated at ``x = log w``."""

    __slots__ = ("M", "N", "own", "scale", "Y", "E", "D", "theta", "multiplicative")

    def __init__(self, M, Y, E, D, theta, multiplicative, net_factor=None, scale=None):
        self.M = M
        # N: the shares' kernel net of tariffs (what exporters receive); M itself without them.
        self.N = M if net_factor is None else M * net_factor
        # The kernel's diagonal (each country's sales to itself), for the fixed-point step.
        self.own = np.diagonal(self.N).copy()
        # The shares are M_ij * scale_j when M holds flows rather than shares (scale = 1 / E).
        self.scale = scale
        self.Y = Y
        self.E = E
        self.D = D
        self.theta = theta
        self.multiplicative = multiplicative

    def expenditure(self, w):
        return w * self.E if self.multiplicative else w * self.Y + self.D

    def scaled(self, v):
        """``v_j * scale_j`` (``v`` itself when M holds shares); ``v`` is a fresh array."""
        if self.scale is not None:
            v *= self.scale
        return v

    def evaluate(self, x, w=None):
        """Return (residual, parts) at ``x``; residual is None where the point is infeasible.

        ``w`` is ``exp(x)`` when the caller has it already.

        Called with floating-point errors silenced (see :func:`solve_hat`): an infeasible point
        shows as a non-positive or non-finite value and is refused by the checks below. Each
        call costs two matrix-vector products and a few dozen O(N) operations.
        """
        if w is None:
            w = np.exp(x)
        # w^(-theta) scaled by its largest value, exp(-theta (x - min x)) <= 1, so it cannot
        # overflow; the scale cancels in the trade shares u_i M_ij / phi_j.
        u = x - _min(x)
        u *= -self.theta
        np.exp(u, out=u)
        # Phi_j = raw_j * scale_j; the scale cancels in E'_j / Phi_j times the shares' scale.
        raw = u @ self.M
        if not _min(raw) > 0:  # also False for NaN
            return None, None
        output = w * self.Y
        spend = w * self.E if self.multiplicative else output + self.D
        if self.N is self.M:
            net = 1.0
        else:
            # F_j: share of spending that reaches exporters; the rest is tariff revenue, spent
            # again by the importer, so E'_j = (w_j Y_j + D_j) / F_j.
            net = (u @ self.N) / raw
            spend = spend / net
        # Iterates may pass through points where a surplus country's expenditure
        # w_j Y_j + D_j is negative (as ge_gravity's do); only sales must stay positive.
        sales = self.N @ (spend / raw)
        sales *= u
        total = _sum(output)
        # log(S_i / sum S) - log(w_i Y_i / sum w Y) as one log of N ratios. Sales that are zero
        # or negative (or a non-positive sum) give -inf or NaN there, refused below.
        ratio = sales / output
        ratio *= total / _sum(sales)
        residual = np.log(ratio)
        if not math.isfinite(_sum(residual)):
            return None, None
        return residual, (w, u, raw, spend, sales, output, net, total)

    def step(self, residual, parts):
        """The fixed-point step ``-r_i / J_ii`` with the Jacobian's diagonal from own markets.

        ``dS_i/dx_i = -theta S_i + theta sum_j A_ij^2 E'_j / F_j + A_ii dE'_i/dx_i`` (see
        :meth:`jacobian`, ``A_ij`` country i's net share of j's spending). Of the middle sum only
        the own market ``j = i`` is kept: a country's shares abroad are small, and they enter
        squared. Then ``-J_ii = 1 + theta - A_ii (theta A_ii E'_i + dE'_i/dx_i) / (F_i S_i)``
        (the terms of the world totals cancel: world sales move with world spending). For a small
        open economy (``A_ii`` near 0) this is ``1 + theta``, the step of ``ge_gravity``'s map
        ``x + r / (1 + theta)``; a large, mostly closed economy takes a longer step, which its
        price needs. The divisor is kept at 1 or more (no step longer than the gap itself). Any
        step of this form has the same fixed points, ``r = 0``: only the path changes.
        """
        w, u, raw, spend, sales, output, net = parts[:7]
        share = self.own * u
        share /= raw
        moved = w * self.E if self.multiplicative else output
        gain = self.theta * share
        gain *= spend
        gain += moved
        gain *= share
        if self.N is not self.M:
            gain /= net
        gain /= sales
        divisor = np.fmax((1.0 + self.theta) - gain, 1.0)
        return residual / divisor

    def jacobian(self, parts):
        """Jacobian of the residual, with the last equation replaced by the numeraire."""
        w, u, raw, e_new, sales, output, net = parts[:7]
        # pi'_ij / (1 + t'_ij) = N_ij u_i scale_j / Phi_j = N_ij u_i / raw_j.
        A = self.N * (u[:, None] / raw[None, :])
        d_exp = (w * self.E if self.multiplicative else w * self.Y) / net
        # dS_i/dx_k = -theta S_i 1[i=k] + theta sum_j A_ij A_kj E'_j / F_j + A_ik dE'_k/dx_k,
        # with A net shares and F_j = sum_i A_ij (F = 1 and A = pi' without tariffs).
        JS = self.theta * ((A * (e_new / net)[None, :]) @ A.T) + A * d_exp[None, :]
        JS[np.diag_indices_from(JS)] -= self.theta * sales
        J = JS / sales[:, None] - JS.sum(axis=0)[None, :] / sales.sum()
        J[np.diag_indices_from(J)] -= 1.0
        J += (output / output.sum())[None, :]
        J[-1, :] = output / output.sum()
        return J


def solve_hat(
    pi: np.ndarray,
    output: np.ndarray,
    expenditure: np.ndarray,
    shock: np.ndarray | None,
    theta: float,
    *,
    imbalances: str = "fixed",
    tol: float = 1e-12,
    max_iter: int = 100,
    raise_on_failure: bool = True,
    deficit: np.ndarray | None = None,
    net_factor: np.ndarray | None = None,
    column_scale: np.ndarray | None = None,
) -> HatSolution:
    """Solve the full-endowment GE of a one-sector Armington/Eaton-Kortum model in changes.

    Parameters
    ----------
    pi : ndarray (N, N)
        Baseline import shares ``X_ij / E_j`` (columns sum to one).
    output, expenditure : ndarray (N,)
        Baseline ``Y_i = sum_j X_ij`` and ``E_j = sum_i X_ij``.
    shock : ndarray (N, N)
        ``B_ij`` >= 0, the change in ``t_ij^(-theta)`` (times ``A_i^theta`` for productivity).
    theta : float
        Trade elasticity (``sigma - 1`` in the Armington model).
    imbalances : {"fixed", "multiplicative"}
        ``E'_j = w_j Y_j + D_j`` or ``E'_j = w_j E_j``.
    tol : float
        Convergence criterion on the largest absolute log residual.
    max_iter : int
        Iterations allowed, accelerated fixed-point and Newton steps together.
    raise_on_failure : bool
        Raise :class:`~jahan.errors.ConvergenceError` (default) or return the unconverged record.
    deficit : ndarray (N,), optional
        Counterfactual additive imbalances ``D'_j`` for ``imbalances="fixed"`` (default: the
        baseline ``E_j - Y_j``); zeros give the balanced-trade equilibrium of Dekle, Eaton and
        Kortum (2007).
    net_factor : ndarray (N, N), optional
        ``1 / (1 + t'_ij)`` for counterfactual tariffs ``t'`` (``pi`` then holds shares of
        spending gross of tariffs, ``expenditure`` is gross, ``output`` and ``deficit`` net).
    column_scale : ndarray (N,), optional
        ``pi`` given unnormalised: the shares are ``pi_ij * column_scale_j``. Passing the
        baseline flows and ``1 / E`` spares forming the N^2 shares.

    Returns
    -------
    HatSolution
    """
    if imbalances not in IMBALANCE_RULES:
        raise ValueError(f"imbalances must be one of {IMBALANCE_RULES}, got {imbalances!r}")
    Y = np.asarray(output, dtype=float)
    E = np.asarray(expenditure, dtype=float)
    M = np.asarray(pi, dtype=float)
    if shock is not None:
        M = M * np.asarray(shock, dtype=float)
    D = E - Y if deficit is None else np.asarray(deficit, dtype=float)
    scale = None if column_scale is None else np.asarray(column_scale, dtype=float)
    system = _System(M, Y, E, D, float(theta), imbalances == "multiplicative", net_factor, scale)
    # Floating-point errors are silenced for the whole solve: every iterate is checked for
    # feasibility (positive, finite) explicitly, and an infeasible trial point is simply refused.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _solve(system, tol, max_iter, raise_on_failure)


def _solve(system, tol, max_iter, raise_on_failure):
    """The accelerated fixed point, then Newton's method; see :func:`solve_hat`."""
    Y = system.Y
    n = Y.size
    target = np.log(Y.sum())

    x = np.zeros(n)
    residual, parts = system.evaluate(x, np.ones(n))
    if residual is None:
        return _fail(
            system,
            x,
            0,
            np.inf,
            raise_on_failure,
            Message(
                "the shock leaves some importer with no supplier (every B_ij = 0 in its column) "
                "or makes expenditure non-positive"
            ),
        )

    def system_residual(r, parts):
        F = r.copy()
        F[-1] = math.log(parts[7]) - target  # the numeraire: log sum w Y - log sum Y
        return F

    def normalise(x_new):
        # Numeraire: sum_i w_i Y_i = sum_i Y_i (a shift of log w, computed before evaluating,
        # since with fixed imbalances feasibility depends on the price level).
        w = np.exp(x_new)
        total = w @ Y
        if 0.0 < total < math.inf:
            shift = math.log(total) - target
            x_new = x_new - shift
            w *= math.exp(-shift)
        else:  # exp(x) overflows: shift by the largest log price first
            top = x_new.max()
            x_new = x_new - (top + math.log(np.exp(x_new - top) @ Y) - target)
            w = None
        r_new, p_new = system.evaluate(x_new, w)
        if r_new is None:
            return x_new, None, None, None
        return x_new, r_new, p_new, system_residual(r_new, p_new)

    F = system_residual(residual, parts)
    x, residual, parts, F, iterations = _accelerated_fixed_point(
        normalise, x, residual, parts, F, system.step, tol, max_iter
    )
    merit = float(F @ F)
    norm = float(np.abs(F).max())
    infeasible = False
    while norm > tol and iterations < max_iter:
        iterations += 1
        accepted = False
        if norm <= _NEWTON_ZONE:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                J = system.jacobian(parts)
            step = None
            if np.all(np.isfinite(J)):
                try:
                    step = np.linalg.solve(J, -F)
                    if not np.all(np.isfinite(step)) or np.abs(step).max() > 50.0:
                        # Singular Jacobian: a country cut off from all trade has an
                        # undetermined price (its welfare is determined); the minimum-norm
                        # step leaves that price alone.
                        step = np.linalg.lstsq(J, -F, rcond=1e-10)[0]
                except np.linalg.LinAlgError:
                    step = None
            if step is not None and np.all(np.isfinite(step)):
                lam = 1.0
                while lam >= _MIN_STEP:
                    trial = x + lam * step
                    r_trial, p_trial = system.evaluate(trial)
                    if r_trial is not None:
                        F_trial = system_residual(r_trial, p_trial)
                        # Armijo condition on |F|^2 (the Newton step is a descent direction).
                        if float(F_trial @ F_trial) <= (1.0 - 1e-4 * lam) * merit:
                            accepted = True
                            break
                    lam *= 0.5
        if accepted:
            x, residual, parts, F = trial, r_trial, p_trial, F_trial
            if system.multiplicative:
                # The multiplicative system is homogeneous: impose the numeraire exactly.
                x, residual, parts, F = normalise(x)
        else:
            # Far from the solution Newton can stall in a local minimum of |F|; a burst of
            # ge_gravity's map w_i <- w_i (S_i / (w_i Y_i))^(1/(1+theta)) (normalised each
            # step) moves towards the equilibrium, and Newton finishes from close by.
            moved = False
            for _ in range(_FIXED_POINT_BURST):
                damp = 1.0
                while damp >= 1e-6:
                    out = normalise(x + damp * residual / (1.0 + system.theta))
                    if out[1] is not None:
                        break
                    damp *= 0.5
                if out[1] is None:
                    break
                x, residual, parts, F = out
                moved = True
                if float(np.abs(F).max()) <= min(_NEWTON_ZONE / 5, norm):
                    break
            if not moved:
                infeasible = True
                break
        merit = float(F @ F)
        norm = float(np.abs(F).max())
    converged = bool(norm <= tol)
    if not converged:
        reason = None
        if infeasible:
            reason = Message(
                "no step keeps every country's sales positive after {iterations} iterations "
                "(largest gap {norm:.3g}); the shock may leave no equilibrium (a country cut "
                "off from its buyers, or fixed imbalances larger than income)",
                iterations=iterations,
                norm=norm,
            )
        return _fail(system, x, iterations, norm, raise_on_failure, reason)
    record = _record(system, x, True, iterations, norm, parts)
    if np.any(record.expenditure <= 0):
        bad = np.flatnonzero(record.expenditure <= 0)
        return _fail(
            system,
            x,
            iterations,
            norm,
            raise_on_failure,
            Message(
                "the market-clearing prices leave non-positive expenditure at positions "
                "{positions} (their baseline trade surplus exceeds their new income), so no "
                "equilibrium with fixed imbalances exists",
                positions=str(bad[:10].tolist()),
            ),
        )
    return record


def _accelerated_fixed_point(normalise, x, residual, parts, F, step, tol, max_iter):
    """Anderson-accelerated fixed-point map; returns the best point and iterations used.

    Type-II Anderson mixing (Walker and Ni 2011) on ``g(x) = x + step(x)``, ``step`` being
    :meth:`_System.step` (``ge_gravity``'s ``r / (1 + theta)`` for small open economies, longer
    for large closed ones): the next
    iterate combines the last ``_ANDERSON_MEMORY`` steps so that the mixed step's residual is
    least-squares smallest. An infeasible mixed point falls back to the plain step and clears
    the memory. Stops at ``tol``, at ``max_iter``, or when ``_ANDERSON_PATIENCE`` steps bring no
    new best gap (Newton then finishes from the best point).
    """
    best = (x, residual, parts, F)
    best_norm = float(np.abs(F).max())
    since_best = 0
    iterations = 0
    # The last _ANDERSON_MEMORY steps' residual differences dF and the sums dX + dF (dX the
    # differences of iterates), as rows filled in turn: the least-squares fit does not depend
    # on their order, and contiguous rows keep each update one pass over N numbers.
    dF = np.empty((_ANDERSON_MEMORY, x.size))
    dXF = np.empty((_ANDERSON_MEMORY, x.size))
    stored = 0
    last: tuple[np.ndarray, np.ndarray] | None = None  # the last step f and point x + f
    while best_norm > tol and iterations < max_iter and since_best < _ANDERSON_PATIENCE:
        iterations += 1
        f = step(residual, parts)
        candidate = x + f
        if last is not None:
            slot = stored % _ANDERSON_MEMORY
            np.subtract(f, last[0], out=dF[slot])
            np.subtract(candidate, last[1], out=dXF[slot])  # dX + dF
            stored += 1
        last = (f, candidate)
        m = min(stored, _ANDERSON_MEMORY)
        if m:
            G = dF[:m]
            gram = G @ G.T
            # Least squares by the normal equations (m <= 6 rows), lightly regularised: with
            # fewer countries than stored steps the Gram matrix is singular, and the ridge keeps
            # the mixing going there. Should the Cholesky solve still fail (info > 0), the
            # plain step is taken.
            gram.reshape(-1)[:: m + 1] *= 1.0 + 1e-12
            gamma, info = lapack.dposv(gram, G @ f)[1:]
            if info == 0:
                mixed = candidate - gamma @ dXF[:m]
                if math.isfinite(_sum(mixed)):
                    candidate = mixed
        out = normalise(candidate)
        if out[1] is None:
            out = normalise(x + f)
            stored = 0
            last = None
            if out[1] is None:
                break
        x, residual, parts, F = out
        norm = float(_max(np.abs(F)))
        if norm < best_norm:
            best, best_norm, since_best = out, norm, 0
        else:
            since_best += 1
    return (*best, iterations)


def _record(system, x, converged, iterations, norm, parts=None):
    """The solution record at ``x``; ``parts`` are :meth:`_System.evaluate`'s at ``x``, if known.

    With ``parts`` the prices, price indexes and flow factors come from that evaluation (the
    same arithmetic), sparing a matrix-vector product and its passes over N numbers.
    """
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        if parts is None:
            w = np.exp(x)
            log_u = -system.theta * x
            shift = log_u.max()
            u = np.exp(log_u - shift)
            raw = u @ system.M
            net = 1.0 if system.N is system.M else (u @ system.N) / raw
            e_new = system.expenditure(w) / net
            sales = None
        else:
            # evaluate scales w^(-theta) by its largest value, exp(-theta min x), as above.
            w, u, raw, e_new, sales = parts[:5]
            shift = -system.theta * _min(x)
        # X'_ij = N_ij u_i (E'_j / Phi_j) times the shares' scale: N_ij u_i E'_j / raw_j.
        cols = e_new / raw
        phi = system.scaled(raw * 1.0) * np.exp(shift)  # inf, not an error, if it overflows
    return HatSolution(
        converged=converged,
        iterations=iterations,
        max_residual=float(norm),
        factory_price=w,
        phi=phi,
        expenditure=e_new,
        flow_kernel=system.N,
        flow_rows=u,
        flow_cols=cols,
        known_sales=sales,
    )


def _fail(system, x, iterations, norm, raise_on_failure, reason):
    record = _record(system, x, False, iterations, norm)
    if not raise_on_failure:
        return record
    why = reason or Message(
        "the largest market-clearing gap is still {norm:.3g} (log points) after {iterations} "
        "iterations",
        norm=norm,
        iterations=iterations,
    )
    advice = Message(
        "Raise max_iter, check the shock for extreme or zero values (an importer must keep at "
        "least one supplier), or use imbalances='multiplicative' or 'balanced' when large trade "
        "deficits make expenditure non-positive."
    )
    raise ConvergenceError(
        Message("GE solver did not converge: {why}. {advice}", why=why, advice=advice),
        record=record,
    )


def conditional_hat(
    pi: np.ndarray,
    expenditure: np.ndarray,
    shock: np.ndarray,
    theta: float,
    net_factor: np.ndarray | None = None,
    income: np.ndarray | None = None,
) -> HatSolution:
    """Conditional GE: factory-gate prices held at baseline (``w = 1``).

    Only consumer price indices ``Phi_j^(-1/theta)`` and trade shares adjust. Without tariffs
    expenditure stays at baseline; with them (``net_factor`` = 1 / (1 + t'), ``income`` = the
    baseline ``Y_j + D_j``) it is ``income_j / F_j`` as in :func:`solve_hat`.
    """
    E = np.asarray(expenditure, dtype=float)
    M = np.asarray(pi, dtype=float) * np.asarray(shock, dtype=float)
    phi = M.sum(axis=0)
    n = E.size
    if not np.all(phi > 0):
        bad = np.flatnonzero(~(phi > 0))
        raise ConvergenceError(
            Message(
                "conditional GE has no solution: importers at positions {positions} lose every "
                "supplier under the shock; keep at least one B_ij > 0 in each column.",
                positions=str(bad.tolist()),
            )
        )
    if net_factor is not None:
        N = M * net_factor
        E = np.asarray(income, dtype=float) / (N.sum(axis=0) / phi)
        M = N
    return HatSolution(
        converged=True,
        iterations=0,
        max_residual=0.0,
        factory_price=np.ones(n),
        phi=phi,
        expenditure=E.copy(),
        flow_kernel=M,
        flow_rows=np.ones(n),
        flow_cols=E / phi,
    )


__all__ = ["HatSolution", "IMBALANCE_RULES", "conditional_hat", "solve_hat"]
