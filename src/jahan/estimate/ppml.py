"""PPML with high-dimensional fixed effects that never fails silently.

The estimator is the Poisson pseudo-maximum-likelihood estimator of Santos Silva and
Tenreyro (2006) with fixed effects absorbed as in Correia, Guimaraes and Zylkin (2020,
ppmlhdfe), computed by pyfixest's IRLS. jahan adds the checks around it: convergence is
decided from the recorded deviance path, separated observations are found with the
fixed-effect and iterative-rectifier checks by default, and the covariance options include
Stata ppmlhdfe's robust variance exactly.
"""

from __future__ import annotations

import difflib
import re
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from jahan.errors import ConvergenceError, ConvergenceWarning, DataError, DataWarning
from jahan.estimate._engine import IrlsRecord, run_fepois, run_inference
from jahan.estimate._guard import check_sample
from jahan.estimate.fixef import recover_fixed_effects
from jahan.estimate.result import DroppedObservations, GravityEstimate
from jahan.estimate.vcov import parse_vcov

SEPARATION_CHECKS: tuple[str, ...] = ("fe", "ir")
"""Separation checks: "fe" (a fixed-effect group with only zero flows) and "ir" (the
iterative rectifier of Correia, Guimaraes and Zylkin 2019, which also finds separation by
combinations of regressors and fixed effects)."""

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_FORMULA_WORDS = {"np", "log", "exp", "C", "i", "I", "sw", "sw0", "csw", "csw0", "mvsw"}


def _check_inputs(formula: object, data: object) -> tuple[str, pd.DataFrame, str]:
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    if not isinstance(formula, str) or "~" not in formula:
        raise DataError(
            f"formula {formula!r} must read 'trade ~ x1 + x2 | fe1 + fe2' (fixest syntax)"
        )
    columns = [str(c) for c in data.columns]
    for token in _IDENT.findall(formula):
        if token in columns or token in _FORMULA_WORDS or token.split(".")[0] in {"np"}:
            continue
        near = difflib.get_close_matches(token, columns, n=1)
        hint = f" Did you mean {near[0]!r}?" if near else ""
        raise DataError(f"formula {formula!r} uses {token!r}, which is not a column of the data.{hint}")
    depvar = formula.split("~", 1)[0].strip()
    if depvar in columns:
        y = pd.to_numeric(data[depvar], errors="coerce")
        bad = data.index[(y < 0).to_numpy()]
        if len(bad):
            shown = ", ".join(str(r) for r in bad[:5])
            raise DataError(
                f"{len(bad)} rows have negative {depvar!r} (rows {shown}{', ...' if len(bad) > 5 else ''}); "
                "trade flows must be >= 0"
            )
        inf = data.index[np.isinf(y.to_numpy(dtype=float, na_value=np.nan))]
        if len(inf):
            raise DataError(
                f"{len(inf)} rows have infinite {depvar!r} (first row {inf[0]}); fix or drop them"
            )
    return formula, data, depvar


def _check_separation(separation: object) -> list[str]:
    if separation is None or separation is False:
        return []
    if isinstance(separation, str):
        separation = [separation]
    if not isinstance(separation, Sequence):
        raise DataError(f"separation={separation!r}: give a list drawn from {list(SEPARATION_CHECKS)}")
    checks = [str(s).lower() for s in separation]
    for check in checks:
        if check not in SEPARATION_CHECKS:
            raise DataError(
                f"separation check {check!r} is unknown: use 'fe', 'ir' or both (default)"
            )
    return list(dict.fromkeys(checks))


def _nonconvergence_message(formula: str, record: IrlsRecord) -> str:
    return (
        f"PPML did not converge for {formula!r}: {record.iterations} IRLS iterations "
        f"(maxiter={record.maxiter}), final relative deviance change "
        f"{record.deviance_change:.3g} > tol={record.tol:g}. Raise maxiter (e.g. "
        f"maxiter={max(2 * record.maxiter, 50)}), check for separated observations "
        "(keep separation=('fe', 'ir')), or rescale trade flows (e.g. to millions); "
        "pass on_nonconvergence='warn' to keep the unconverged estimate."
    )


def fepois(
    formula: str,
    data: pd.DataFrame,
    *,
    vcov: str | dict[str, str] = "hetero",
    separation: Sequence[str] | None = SEPARATION_CHECKS,
    tol: float = 1e-8,
    maxiter: int = 50,
    fixef_tol: float | None = None,
    weights: str | None = None,
    offset: str | None = None,
    drop_singletons: bool = True,
    on_nonconvergence: str = "raise",
    fixef: bool = False,
) -> GravityEstimate:
    """Estimate a gravity equation by PPML with high-dimensional fixed effects.

    .. math::

        E[X_{ij} \\mid x_{ij}] = \\exp\\left(x_{ij}'\\beta + \\alpha_{g_1(ij)} + \\dots
        + \\alpha_{g_m(ij)}\\right)

    solved by iteratively reweighted least squares with the fixed effects partialled out
    (Correia, Guimaraes and Zylkin 2020), stopping when the relative deviance change
    :math:`|D_k - D_{k-1}| / (0.1 + |D_{k-1}|)` falls below ``tol``.

    Parameters
    ----------
    formula : str
        fixest syntax: ``"trade ~ ln_dist + cntg | exporter^year + importer^year"``.
        ``a^b`` interacts fixed effects.
    data : pandas.DataFrame
        One row per observation (pair, or pair and year).
    vcov : str or dict, default "hetero"
        ``"hetero"`` (robust, N/(N-K) adjustment as fixest), ``"stata_robust"`` (exactly
        Stata ppmlhdfe's ``vce(robust)``), ``"iid"``, ``{"CRV1": "pair_id"}`` or
        ``"cluster:pair_id"``; ``"cluster:exporter+importer"`` clusters two ways.
    separation : sequence of str or None, default ("fe", "ir")
        Separation checks to run before fitting; None or () turns them off. Separated
        observations are dropped and counted in ``dropped.separated``. Without fixed
        effects only "ir" can find anything.
    tol : float, default 1e-8
        IRLS tolerance on the relative deviance change.
    maxiter : int, default 50
        Maximum IRLS iterations.
    fixef_tol : float, optional
        Tolerance of the fixed-effect demeaning (pyfixest's default if None).
    weights, offset : str, optional
        Column of observation weights; column added to the linear predictor with coefficient 1.
    drop_singletons : bool, default True
        Drop observations alone in a fixed-effect group (as ppmlhdfe does).
    on_nonconvergence : {"raise", "warn"}, default "raise"
        Raise :class:`jahan.errors.ConvergenceError` when IRLS does not converge, or emit a
        :class:`jahan.errors.ConvergenceWarning` and return the estimate marked
        ``converged=False``.
    fixef : bool, default False
        Also recover the fixed-effect estimates (``GravityEstimate.fixef``), e.g. pair
        effects for :func:`jahan.estimate.trade_costs`.

    Returns
    -------
    GravityEstimate
        Coefficients, covariance, fit record and tables.

    Raises
    ------
    DataError
        Unknown columns, negative or infinite flows, unknown options.
    ConvergenceError
        IRLS did not converge within ``maxiter`` (unless ``on_nonconvergence="warn"``).
    """
    formula, data, depvar = _check_inputs(formula, data)
    check_sample(formula, data, depvar)  # before pyfixest's compiled code can abort the process
    checks = _check_separation(separation)
    spec = parse_vcov(vcov, data.columns)
    if on_nonconvergence not in ("raise", "warn"):
        raise DataError(f"on_nonconvergence={on_nonconvergence!r}: use 'raise' or 'warn'")
    if isinstance(maxiter, bool) or not isinstance(maxiter, (int, np.integer)) or maxiter < 1:
        raise DataError(f"maxiter={maxiter!r} must be a positive integer")
    if not 0.0 < float(tol) < 1.0:
        raise DataError(f"tol={tol!r} must lie strictly between 0 and 1")

    try:
        out = run_fepois(
            formula,
            data,
            vcov=spec.pyfixest_vcov,
            ssc=spec.ssc,
            separation=checks,
            tol=float(tol),
            maxiter=int(maxiter),
            fixef_tol=fixef_tol,
            weights=weights,
            offset=offset,
            drop_singletons=drop_singletons,
            keep_regressors=fixef,
        )
    except ValueError as exc:
        if "Demeaning failed" in str(exc):
            raise ConvergenceError(
                f"the fixed-effect demeaning did not converge for {formula!r} ({exc}); "
                "this usually means separated observations: keep separation=('fe', 'ir'), "
                "or drop fixed-effect groups with only zero flows"
            ) from exc
        raise DataError(f"could not build the model {formula!r}: {exc}") from exc
    except (KeyError, TypeError) as exc:
        raise DataError(f"could not build the model {formula!r}: {exc}") from exc

    fit, record = out.fit, out.record
    coef = np.asarray(fit._beta_hat, dtype=float).ravel()
    if record.converged and not np.all(np.isfinite(coef)):
        record = IrlsRecord(False, record.iterations, record.deviance, float("inf"),
                            record.tol, record.maxiter)
    if not record.converged:
        message = _nonconvergence_message(formula, record)
        if on_nonconvergence == "raise":
            raise ConvergenceError(message, record=record)
        warnings.warn(message, ConvergenceWarning, stacklevel=2)

    run_inference(fit, spec.pyfixest_vcov)
    nobs = int(fit._N)
    names = tuple(str(n) for n in fit._coefnames)
    vcov_matrix = np.asarray(fit._vcov, dtype=float) * spec.scale(nobs) if names else np.zeros((0, 0))

    se_bad = [n for n, v in zip(names, np.diag(vcov_matrix), strict=True) if not np.isfinite(v) or v < 0]
    if se_bad:
        warnings.warn(
            f"the standard error of {', '.join(se_bad)} in {formula!r} is not finite ({nobs} "
            "observations): the sample is too small or the regressor does not vary; do not "
            "read significance from this fit",
            DataWarning,
            stacklevel=2,
        )
    collinear = list(getattr(fit, "_collin_vars", []) or [])
    if collinear:
        warnings.warn(
            f"{', '.join(map(str, collinear))} dropped: collinear with the fixed effects or "
            f"other regressors in {formula!r}; their effect is not identified",
            DataWarning,
            stacklevel=2,
        )
    dropped = DroppedObservations(out.n_missing, out.n_singletons, out.n_separated)
    if dropped.separated or dropped.singletons:
        warnings.warn(
            f"{dropped.separated} separated and {dropped.singletons} singleton observations "
            f"dropped from {formula!r} (see GravityEstimate.dropped)",
            DataWarning,
            stacklevel=2,
        )
    positions = np.asarray(fit._data.index, dtype=np.int64)
    fitted_index = data.index[positions]
    fe_text = str(fit._fixef) if getattr(fit, "_fixef", None) not in (None, "0") else ""
    terms = tuple(f.strip() for f in fe_text.split("+") if f.strip() and f.strip() != "0")
    effects = None
    if fixef and terms:
        x_raw = out.regressors[list(names)].to_numpy(dtype=float) if names else None
        eta = np.asarray(fit._Y_hat_link, dtype=float).ravel()
        eta = eta - np.asarray(fit._offset, dtype=float).ravel()
        fe_sum = eta - (x_raw @ coef if x_raw is not None else 0.0)
        effects = recover_fixed_effects(terms, fit._data, fe_sum)
    pseudo = getattr(fit, "_pseudo_r2", None)
    return GravityEstimate(
        formula=formula,
        depvar=depvar,
        fixed_effects=terms,
        vcov_type=spec.kind,
        clusters=spec.clusters,
        nobs=nobs,
        dropped=dropped,
        converged=record.converged,
        iterations=record.iterations,
        deviance=record.deviance,
        deviance_change=record.deviance_change,
        tol=record.tol,
        maxiter=record.maxiter,
        pseudo_r2=float("nan") if pseudo is None else float(pseudo),
        _names=names,
        _coef=coef,
        _vcov=vcov_matrix,
        _fitted=np.asarray(fit._Y_hat_response, dtype=float).ravel(),
        _fitted_index=fitted_index,
        _fixef=effects,
    )


__all__ = ["SEPARATION_CHECKS", "fepois"]
