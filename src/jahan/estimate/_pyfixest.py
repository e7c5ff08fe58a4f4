"""The adapter over pyfixest: every use of pyfixest's internals is in this module.

jahan fits PPML with pyfixest, and needs more than its public API offers (see below); every
private attribute, class or function of pyfixest that jahan touches is listed in
:data:`REQUIRED` and used here only. :func:`check_pyfixest` verifies them against the installed
pyfixest and fails with one message naming this module; the test suite runs it, so a pyfixest
release that moves one of them fails CI at once. The supported range is pinned in pyproject.toml.

Run one pyfixest Poisson fit and keep the record pyfixest does not keep.

pyfixest 0.60 runs the IRLS loop of ppmlhdfe but does not store the number of iterations
or the deviance path, and its ``if i == maxiter`` check inside ``for i in range(maxiter)``
never fires, so a fit that ran out of iterations comes back looking normal. This module
drives the same steps as ``pyfixest.fepois`` for a single model with a subclass that records
every deviance evaluation, so the caller can decide convergence with pyfixest's own criterion
``|dev_k - dev_{k-1}| / (0.1 + |dev_{k-1}|) < tol`` (the fixest criterion).

The driver uses pyfixest internals (``FixestMulti`` preparation and the ``Fepois`` model
class); the package pins pyfixest 0.60 and the test suite exercises every path used here.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pyfixest.core.demean import demean
from pyfixest.core.detect_singletons import detect_singletons
from pyfixest.demeaners import MapDemeaner
from pyfixest.estimation.api.utils import _ALL_SAMPLE
from pyfixest.estimation.FixestMulti_ import FixestMulti
from pyfixest.estimation.internals.demeaner_options import _resolve_demeaner
from pyfixest.estimation.internals.vcov_utils import _get_vcov_type
from pyfixest.estimation.models.fepois_ import Fepois
from pyfixest.utils.utils import ssc as _ssc

from jahan.errors import DataError, JahanError, Message
from jahan.estimate._guard import check_fitted_sample

SUPPORTED = ">=0.60,<0.61"
"""The pyfixest versions this adapter is written and tested for (pyproject.toml pins the same)."""

REQUIRED: dict[str, tuple[str, ...]] = {
    # object -> attributes jahan reads or calls on it (instances: set during a fit)
    "Fepois": (
        "_compute_deviance",
        "prepare_model_matrix",
        "get_fit",
        "vcov",
        "get_inference",
        "_set_weights",
    ),
    "Fepois instance": (
        "_Y",
        "_X",
        "_fe",
        "_data",
        "_weights_df",
        "_offset_df",
        "_N",
        "_N_rows",
        "_weights",
        "na_index",
        "_na_index",
        "_k_fe",
        "_n_fe",
        "_beta_hat",
        "_coefnames",
        "_vcov",
        "_fixef",
        "_Y_hat_link",
        "_Y_hat_response",
        "_offset",
        "_X_is_empty",
        "_collin_vars",
        "_pseudo_r2",
    ),
    "FixestMulti": ("_prepare_estimation",),
    "FixestMulti instance": (
        "FixestFormulaDict",
        "_is_multiple_estimation",
        "_is_iv",
        "_data",
        "_ssc_dict",
        "_drop_singletons",
        "_context",
    ),
}
"""Private names of pyfixest that jahan depends on, checked by :func:`check_pyfixest`."""


class PyfixestChanged(JahanError):
    """The installed pyfixest lacks an internal the adapter needs."""


def check_pyfixest(fit: Any | None = None, multi: Any | None = None) -> None:
    """Raise :class:`PyfixestChanged` naming this adapter if pyfixest lacks something it uses.

    Classes are checked always; a fitted model ``fit`` and its ``FixestMulti`` ``multi``, when
    given, are checked for the instance attributes too.
    """
    import pyfixest

    missing = [f"Fepois.{a}" for a in REQUIRED["Fepois"] if not hasattr(Fepois, a)]
    missing += [f"FixestMulti.{a}" for a in REQUIRED["FixestMulti"] if not hasattr(FixestMulti, a)]
    if fit is not None:
        missing += [f"Fepois().{a}" for a in REQUIRED["Fepois instance"] if not hasattr(fit, a)]
    if multi is not None:
        missing += [
            f"FixestMulti().{a}" for a in REQUIRED["FixestMulti instance"] if not hasattr(multi, a)
        ]
    if missing:
        raise PyfixestChanged(
            Message(
                "pyfixest {version} lacks {names}, which the adapter jahan/estimate/_pyfixest.py "
                "uses (written for pyfixest {supported}). Install a supported pyfixest or update "
                "the adapter (and REQUIRED) to the new internals.",
                version=pyfixest.__version__,
                names=missing,
                supported=SUPPORTED,
            )
        )


@dataclass(frozen=True)
class FitArrays:
    """What jahan reads from a fitted pyfixest Poisson model, as plain arrays."""

    coef: np.ndarray
    names: tuple[str, ...]
    nobs: int
    vcov: np.ndarray
    positions: np.ndarray
    """Row positions in the caller's data of the observations used."""
    fixed_effects: tuple[str, ...]
    fitted: np.ndarray
    collinear: tuple[str, ...]
    pseudo_r2: float


def small_sample_correction(stata_robust: bool) -> dict[str, str | bool]:
    """pyfixest's ``ssc`` settings: Stata ppmlhdfe's ``vce(robust)`` or pyfixest's default."""
    return _ssc(k_adj=False, G_adj=False) if stata_robust else _ssc()


def coefficients(fit: Any) -> np.ndarray:
    """The coefficient vector of a fit (before inference)."""
    return np.asarray(fit._beta_hat, dtype=float).ravel()


def fit_arrays(fit: Any) -> FitArrays:
    """Read a fitted model after :func:`run_inference` into a :class:`FitArrays`."""
    names = tuple(str(n) for n in fit._coefnames)
    fe_text = str(fit._fixef) if getattr(fit, "_fixef", None) not in (None, "0") else ""
    pseudo = getattr(fit, "_pseudo_r2", None)
    return FitArrays(
        coef=coefficients(fit),
        names=names,
        nobs=int(fit._N),
        vcov=np.asarray(fit._vcov, dtype=float) if names else np.zeros((0, 0)),
        positions=np.asarray(fit._data.index, dtype=np.int64),
        fixed_effects=tuple(f.strip() for f in fe_text.split("+") if f.strip() not in ("", "0")),
        fitted=np.asarray(fit._Y_hat_response, dtype=float).ravel(),
        collinear=tuple(str(v) for v in (getattr(fit, "_collin_vars", []) or [])),
        pseudo_r2=float("nan") if pseudo is None else float(pseudo),
    )


def fixed_effect_sum(fit: Any, regressors: pd.DataFrame | None, arrays: FitArrays) -> np.ndarray:
    """Sum of each observation's fixed effects: linear predictor less offset and X b."""
    eta = np.asarray(fit._Y_hat_link, dtype=float).ravel()
    eta = eta - np.asarray(fit._offset, dtype=float).ravel()
    if regressors is None or not arrays.names:
        return eta
    return eta - regressors[list(arrays.names)].to_numpy(dtype=float) @ arrays.coef


def estimation_data(fit: Any) -> pd.DataFrame:
    """The rows pyfixest estimated on (after dropping missing, singleton, separated rows)."""
    return fit._data


class _TracedFepois(Fepois):
    """pyfixest's Fepois, recording each deviance it computes (initial, per pass, final)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.jahan_deviance_trace: list[float] = []

    def _compute_deviance(self, Y, mu, weights=None):
        value = super()._compute_deviance(Y, mu, weights)
        self.jahan_deviance_trace.append(float(value))
        return value


@dataclass(frozen=True)
class IrlsRecord:
    """What the IRLS loop did: passes used, final relative deviance change, convergence."""

    converged: bool
    iterations: int
    deviance: float
    deviance_change: float
    tol: float
    max_iter: int


@dataclass(frozen=True)
class EngineOutput:
    """A fitted pyfixest model with the record and the warnings raised while fitting."""

    fit: Fepois
    record: IrlsRecord
    n_singletons: int
    n_separated: int
    n_missing: int
    messages: tuple[str, ...]
    regressors: pd.DataFrame | None = None


_SINGLETON_RE = re.compile(r"(\d+)\s+singleton")


def irls_record(trace: list[float], tol: float, max_iter: int) -> IrlsRecord:
    """Turn the deviance trace into a record.

    The trace holds the starting deviance, one value per IRLS pass and the final deviance
    (recomputed with the user's weights), so the passes are ``len(trace) - 2``.
    """
    passes = trace[1:-1]
    iterations = len(passes)
    if iterations == 0:
        return IrlsRecord(False, 0, float("nan"), float("nan"), tol, max_iter)
    previous = trace[iterations - 1]
    last = passes[-1]
    change = abs(last - previous) / (0.1 + abs(previous))
    converged = bool(np.isfinite(change) and change < tol)
    return IrlsRecord(converged, iterations, float(trace[-1]), float(change), tol, max_iter)


def run_fepois(
    formula: str,
    data: pd.DataFrame,
    *,
    vcov: str | dict[str, str],
    ssc: dict[str, str | bool],
    separation: list[str],
    tol: float,
    max_iter: int,
    fixef_tol: float | None,
    weights: str | None,
    offset: str | None,
    drop_singletons: bool,
    keep_regressors: bool = False,
) -> EngineOutput:
    """Fit one Poisson model exactly as ``pyfixest.fepois`` would, keeping the IRLS trace."""
    check_pyfixest()
    typed = None if fixef_tol is None else MapDemeaner(fixef_tol=float(fixef_tol))
    demeaner = _resolve_demeaner(
        demeaner=typed, demeaner_backend=None, fixef_tol=None, fixef_maxiter=None
    )
    multi = FixestMulti(
        data=data,
        copy_data=True,
        store_data=True,
        lean=False,
        weights_type="aweights",
        use_compression=False,
        reps=None,
        seed=None,
        split=None,
        fsplit=None,
        context={},
    )
    multi._prepare_estimation(
        estimation="fepois",
        fml=formula,
        vcov=vcov,
        vcov_kwargs=None,
        weights=weights,
        ssc=ssc,
        fixef_rm="singleton" if drop_singletons else "none",
        drop_intercept=False,
        offset=offset,
    )
    formulas = [f for group in multi.FixestFormulaDict.values() for f in group]
    if multi._is_multiple_estimation or len(formulas) != 1 or multi._is_iv:
        raise DataError(
            Message(
                "formula {formula!r} describes several models or an IV model; jahan.fepois fits "
                "exactly one Poisson model (no sw(), csw(), multiple outcomes or IV)",
                formula=formula,
            )
        )
    fit = _TracedFepois(
        FixestFormula=formulas[0],
        data=multi._data,
        ssc_dict=multi._ssc_dict,
        drop_singletons=multi._drop_singletons,
        drop_intercept=False,
        weights=weights,
        weights_type="aweights",
        collin_tol=1e-9,
        lookup_demeaned_data={},
        tol=tol,
        maxiter=max_iter,
        solver="scipy.linalg.solve",
        demeaner=demeaner,
        context=multi._context,
        store_data=True,
        copy_data=True,
        lean=False,
        sample_split_value=_ALL_SAMPLE,
        sample_split_var=None,
        separation_check=None,
        offset=offset,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit.prepare_model_matrix()
    extra_singletons = 0
    if separation:
        _, extra_singletons = _drop_separated(fit, separation, drop_singletons)
    messages = tuple(str(w.message) for w in caught)
    n_singletons = 0
    for text in messages:
        match = _SINGLETON_RE.search(text)
        if match:
            n_singletons += int(match.group(1))
    n_missing = max(len(fit._na_index) - n_singletons, 0)
    regressors = fit._X.copy() if keep_regressors else None

    check_fitted_sample(fit, formula)
    with np.errstate(all="ignore"):
        fit.get_fit()
    check_pyfixest(fit, multi)
    record = irls_record(fit.jahan_deviance_trace, tol, max_iter)
    n_separated = int(getattr(fit, "n_separation_na", 0) or 0)
    n_singletons += extra_singletons
    return EngineOutput(fit, record, n_singletons, n_separated, n_missing, messages, regressors)


def _drop_rows(fit: Any, labels: pd.Index) -> None:
    """Drop rows from every per-observation frame of a prepared pyfixest model."""
    for attr in ("_Y", "_X", "_fe", "_data", "_weights_df", "_offset_df"):
        frame = getattr(fit, attr)
        if frame is not None:
            setattr(fit, attr, frame.drop(labels, axis=0))
    fit._N = fit._Y.shape[0]
    fit._N_rows = fit._N
    fit._weights = fit._set_weights()
    fit.na_index = np.concatenate([np.asarray(fit.na_index), np.asarray(labels)])
    if fit._fe is not None:
        fit._k_fe = fit._fe.nunique(axis=0)
        fit._n_fe = int(np.sum(fit._k_fe > 1))


def _drop_separated(fit: Any, checks: list[str], drop_singletons: bool) -> tuple[int, int]:
    """Drop separated observations, then singletons they leave behind, until neither remains.

    Returns the numbers of separated and of newly created singleton observations dropped
    (ppmlhdfe alternates the two in the same way).
    """
    from jahan.estimate.separation import separated  # separation uses demean from here

    n_separated = n_singletons = 0
    while True:
        y = fit._Y.to_numpy(dtype=float).ravel()
        x = fit._X.to_numpy(dtype=float)
        fe = None if fit._fe is None else fit._fe.to_numpy()
        if fe is not None and fe.ndim == 1:
            fe = fe.reshape(-1, 1)
        mask = separated(y, x, fe, checks)
        if not mask.any():
            break
        _drop_rows(fit, fit._Y.index[mask])
        n_separated += int(mask.sum())
        if not drop_singletons or fit._fe is None:
            continue
        lonely = detect_singletons(np.ascontiguousarray(fit._fe.to_numpy(), dtype=np.uint32))
        if lonely.any():
            _drop_rows(fit, fit._Y.index[lonely])
            n_singletons += int(lonely.sum())
    fit.n_separation_na = n_separated
    return n_separated, n_singletons


def run_inference(fit: Any, vcov: str | dict[str, str]) -> None:
    """Compute the covariance matrix on a fitted model (what FixestMulti does after the fit)."""
    if not fit._X_is_empty:
        with np.errstate(all="ignore"):
            fit.vcov(vcov=_get_vcov_type(vcov), vcov_kwargs=None, data=fit._data)
            fit.get_inference()


__all__ = [
    "REQUIRED",
    "SUPPORTED",
    "EngineOutput",
    "FitArrays",
    "IrlsRecord",
    "PyfixestChanged",
    "check_pyfixest",
    "coefficients",
    "demean",
    "estimation_data",
    "fit_arrays",
    "fixed_effect_sum",
    "irls_record",
    "run_fepois",
    "run_inference",
    "small_sample_correction",
]
