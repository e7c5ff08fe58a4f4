"""PPML with high-dimensional fixed effects that never fails silently.

The estimator is the Poisson pseudo-maximum-likelihood estimator of Santos Silva and
Tenreyro (2006) with fixed effects absorbed as in Correia, Guimaraes and Zylkin (2020,
ppmlhdfe), computed by pyfixest's IRLS. jahan adds the checks around it: convergence is
decided from the recorded deviance path, separated observations are found with the
fixed-effect and iterative-rectifier checks by default, and the covariance options include
Stata ppmlhdfe's robust variance exactly.
"""

from __future__ import annotations

import ast
import difflib
import re
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from jahan._compat import _MISSING, renamed
from jahan.errors import (
    ConvergenceError,
    ConvergenceWarning,
    DataError,
    DataWarning,
    JahanError,
    Message,
)
from jahan.estimate._guard import check_sample
from jahan.estimate._pyfixest import (
    IrlsRecord,
    coefficients,
    estimation_data,
    fit_arrays,
    fixed_effect_sum,
    run_fepois,
    run_inference,
)
from jahan.estimate.fixef import recover_fixed_effects
from jahan.estimate.result import DroppedObservations, GravityEstimate
from jahan.estimate.vcov import parse_vcov

SEPARATION_CHECKS: tuple[str, ...] = ("fe", "ir")
"""Separation checks: "fe" (a fixed-effect group with only zero flows) and "ir" (the
iterative rectifier of Correia, Guimaraes and Zylkin 2019, which also finds separation by
combinations of regressors and fixed effects)."""

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_FORMULA_WORDS = {"np", "log", "exp", "C", "i", "I", "sw", "sw0", "csw", "csw0", "mvsw"}


_PART_NAMES = ("dependent variable", "regressors", "fixed effects", "instruments")


def _check_syntax(formula: str) -> None:
    """Raise DataError naming the malformed part of a fixest formula and the fix.

    ``y ~ x1 + x2 | fe1 + fe2`` (optionally ``| endog ~ instr``): each part must be a sum of
    terms. Checked here so a typo gives one line instead of a parser traceback.
    """
    lhs, rhs = formula.split("~", 1)
    parts = [("dependent variable", lhs), *zip(_PART_NAMES[1:], rhs.split("|"), strict=False)]
    if rhs.count("|") > 2:
        raise DataError(
            Message(
                "formula {formula!r} has {count} '|' separators; use 'y ~ x1 + x2 | fe1 + fe2' "
                "(at most: regressors | fixed effects | endogenous ~ instruments)",
                formula=formula,
                count=rhs.count("|"),
            )
        )
    for name, text in parts:
        body = text.strip()
        if not body:
            raise DataError(
                Message(
                    "formula {formula!r}: the {part} part is empty; write e.g. "
                    "'trade ~ ln_dist + cntg | exporter + importer'",
                    formula=formula,
                    part=Message(name),
                )
            )
        # ':' (interaction) and '^' (combined fixed effect) are fixest operators, not Python.
        python = body.replace(":", "*").replace("^", "*")
        if name == "instruments":
            python = python.replace("~", "+")
        try:
            ast.parse(python, mode="eval")
        except SyntaxError:
            raise DataError(
                Message(
                    "formula {formula!r}: the {part} part {body!r} is not a sum of terms; "
                    "join terms with '+' and do not end with an operator, e.g. "
                    "'trade ~ ln_dist + cntg | exporter + importer'",
                    formula=formula,
                    part=Message(name),
                    body=body,
                )
            ) from None


def _check_inputs(formula: object, data: object) -> tuple[str, pd.DataFrame, str]:
    if not isinstance(data, pd.DataFrame):
        raise DataError(
            Message("data must be a pandas DataFrame, got {kind}", kind=type(data).__name__)
        )
    if not isinstance(formula, str) or "~" not in formula:
        raise DataError(
            Message(
                "formula {formula!r} must read 'trade ~ x1 + x2 | fe1 + fe2' (fixest syntax)",
                formula=formula,
            )
        )
    _check_syntax(formula)
    columns = [str(c) for c in data.columns]
    for token in _IDENT.findall(formula):
        if token in columns or token in _FORMULA_WORDS or token.split(".")[0] in {"np"}:
            continue
        near = difflib.get_close_matches(token, columns, n=1)
        raise DataError(
            Message(
                "formula {formula!r} uses {token!r}, which is not a column of the data.{hint}",
                formula=formula,
                token=token,
                hint=Message(" Did you mean {suggestion!r}?", suggestion=near[0]) if near else "",
            )
        )
    depvar = formula.split("~", 1)[0].strip()
    if depvar in columns:
        y = pd.to_numeric(data[depvar], errors="coerce")
        bad = data.index[(y < 0).to_numpy()]
        if len(bad):
            raise DataError(
                Message(
                    "{count} rows have negative {depvar!r} (rows {rows}{more}); "
                    "trade flows must be >= 0",
                    count=len(bad),
                    depvar=depvar,
                    rows=[str(r) for r in bad[:5]],
                    more=", ..." if len(bad) > 5 else "",
                )
            )
        inf = data.index[np.isinf(y.to_numpy(dtype=float, na_value=np.nan))]
        if len(inf):
            raise DataError(
                Message(
                    "{count} rows have infinite {depvar!r} (first row {row}); fix or drop them",
                    count=len(inf),
                    depvar=depvar,
                    row=str(inf[0]),
                )
            )
    return formula, data, depvar


def _check_separation(separation: object) -> list[str]:
    if separation is None or separation is False:
        return []
    if isinstance(separation, str):
        separation = [separation]
    if not isinstance(separation, Sequence):
        raise DataError(
            Message(
                "separation={value!r}: give a list drawn from {checks!r}",
                value=separation,
                checks=list(SEPARATION_CHECKS),
            )
        )
    checks = [str(s).lower() for s in separation]
    for check in checks:
        if check not in SEPARATION_CHECKS:
            raise DataError(
                Message(
                    "separation check {check!r} is unknown: use 'fe', 'ir' or both (default)",
                    check=check,
                )
            )
    return list(dict.fromkeys(checks))


def _reason(exc: Exception) -> object:
    """The cause inside an error message: jahan's own error (rendered in the reader's language)
    or a library's English text."""
    return exc if isinstance(exc, JahanError) else str(exc)


def _nonconvergence_message(formula: str, record: IrlsRecord) -> Message:
    return Message(
        "PPML did not converge for {formula!r}: {iterations} IRLS iterations "
        "(max_iter={max_iter}), final relative deviance change {change:.3g} > tol={tol:g}. "
        "Raise max_iter (e.g. max_iter={suggested}), check for separated observations "
        "(keep separation=('fe', 'ir')), or rescale trade flows (e.g. to millions); "
        "pass on_nonconvergence='warn' to keep the unconverged estimate.",
        formula=formula,
        iterations=record.iterations,
        max_iter=record.max_iter,
        change=record.deviance_change,
        tol=record.tol,
        suggested=max(2 * record.max_iter, 50),
    )


def fepois(
    formula: str,
    data: pd.DataFrame,
    *,
    vcov: str | dict[str, str] = "hetero",
    separation: Sequence[str] | None = SEPARATION_CHECKS,
    tol: float = 1e-8,
    max_iter: int = 50,
    fixef_tol: float | None = None,
    weights: str | None = None,
    offset: str | None = None,
    drop_singletons: bool = True,
    on_nonconvergence: str = "raise",
    fixef: bool = False,
    maxiter: int = _MISSING,
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
    max_iter : int, default 50
        Maximum IRLS iterations (``maxiter`` is the deprecated spelling).
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
        IRLS did not converge within ``max_iter`` (unless ``on_nonconvergence="warn"``).
    """
    formula, data, depvar = _check_inputs(formula, data)
    check_sample(formula, data, depvar)  # before pyfixest's compiled code can abort the process
    checks = _check_separation(separation)
    spec = parse_vcov(vcov, data.columns)
    if on_nonconvergence not in ("raise", "warn"):
        raise DataError(
            Message("on_nonconvergence={value!r}: use 'raise' or 'warn'", value=on_nonconvergence)
        )
    max_iter = renamed("fepois", "maxiter", "max_iter", maxiter, max_iter)
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise DataError(Message("max_iter={value!r} must be a positive integer", value=max_iter))
    if not 0.0 < float(tol) < 1.0:
        raise DataError(Message("tol={value!r} must lie strictly between 0 and 1", value=tol))

    try:
        out = run_fepois(
            formula,
            data,
            vcov=spec.pyfixest_vcov,
            ssc=spec.ssc,
            separation=checks,
            tol=float(tol),
            max_iter=int(max_iter),
            fixef_tol=fixef_tol,
            weights=weights,
            offset=offset,
            drop_singletons=drop_singletons,
            keep_regressors=fixef,
        )
    except (ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, ValueError) and "Demeaning failed" in str(exc):
            raise ConvergenceError(
                # pyfixest's own reason stays in its English.
                Message(
                    "the fixed-effect demeaning did not converge for {formula!r} ({reason}); "
                    "this usually means separated observations: keep separation=('fe', 'ir'), "
                    "or drop fixed-effect groups with only zero flows",
                    formula=formula,
                    reason=str(exc),
                )
            ) from exc
        raise DataError(
            Message(
                "could not build the model {formula!r}: {reason}",
                formula=formula,
                reason=_reason(exc),
            )
        ) from exc

    fit, record = out.fit, out.record
    coef = coefficients(fit)
    if record.converged and not np.all(np.isfinite(coef)):
        record = IrlsRecord(
            False, record.iterations, record.deviance, float("inf"), record.tol, record.max_iter
        )
    if not record.converged:
        message = _nonconvergence_message(formula, record)
        if on_nonconvergence == "raise":
            raise ConvergenceError(message, record=record)
        warnings.warn(str(message), ConvergenceWarning, stacklevel=2)

    run_inference(fit, spec.pyfixest_vcov)
    arrays = fit_arrays(fit)
    nobs, names = arrays.nobs, arrays.names
    vcov_matrix = arrays.vcov * spec.scale(nobs) if names else arrays.vcov

    se_bad = [
        n for n, v in zip(names, np.diag(vcov_matrix), strict=True) if not np.isfinite(v) or v < 0
    ]
    if se_bad:
        warnings.warn(
            f"the standard error of {', '.join(se_bad)} in {formula!r} is not finite ({nobs} "
            "observations): the sample is too small or the regressor does not vary; do not "
            "read significance from this fit",
            DataWarning,
            stacklevel=2,
        )
    collinear = arrays.collinear
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
    fitted_index = data.index[arrays.positions]
    terms = arrays.fixed_effects
    effects = None
    if fixef and terms:
        fe_sum = fixed_effect_sum(fit, out.regressors, arrays)
        effects = recover_fixed_effects(terms, estimation_data(fit), fe_sum)
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
        max_iter=record.max_iter,
        pseudo_r2=arrays.pseudo_r2,
        _names=names,
        _coef=coef,
        _vcov=vcov_matrix,
        _fitted=arrays.fitted,
        _fitted_index=fitted_index,
        _fixef=effects,
    )


__all__ = ["SEPARATION_CHECKS", "fepois"]
