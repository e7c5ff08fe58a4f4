"""Run one pyfixest Poisson fit and keep the record pyfixest does not keep.

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
from pyfixest.core.detect_singletons import detect_singletons
from pyfixest.demeaners import MapDemeaner
from pyfixest.estimation.api.utils import _ALL_SAMPLE
from pyfixest.estimation.FixestMulti_ import FixestMulti
from pyfixest.estimation.internals.demeaner_options import _resolve_demeaner
from pyfixest.estimation.internals.vcov_utils import _get_vcov_type
from pyfixest.estimation.models.fepois_ import Fepois

from jahan.estimate._guard import check_fitted_sample
from jahan.estimate.separation import separated


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
    maxiter: int


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


def irls_record(trace: list[float], tol: float, maxiter: int) -> IrlsRecord:
    """Turn the deviance trace into a record.

    The trace holds the starting deviance, one value per IRLS pass and the final deviance
    (recomputed with the user's weights), so the passes are ``len(trace) - 2``.
    """
    passes = trace[1:-1]
    iterations = len(passes)
    if iterations == 0:
        return IrlsRecord(False, 0, float("nan"), float("nan"), tol, maxiter)
    previous = trace[iterations - 1]
    last = passes[-1]
    change = abs(last - previous) / (0.1 + abs(previous))
    converged = bool(np.isfinite(change) and change < tol)
    return IrlsRecord(converged, iterations, float(trace[-1]), float(change), tol, maxiter)


def run_fepois(
    formula: str,
    data: pd.DataFrame,
    *,
    vcov: str | dict[str, str],
    ssc: dict[str, str | bool],
    separation: list[str],
    tol: float,
    maxiter: int,
    fixef_tol: float | None,
    weights: str | None,
    offset: str | None,
    drop_singletons: bool,
    keep_regressors: bool = False,
) -> EngineOutput:
    """Fit one Poisson model exactly as ``pyfixest.fepois`` would, keeping the IRLS trace."""
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
        raise ValueError(
            f"formula {formula!r} describes several models or an IV model; "
            "jahan.fepois fits exactly one Poisson model (no sw(), csw(), multiple outcomes or IV)"
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
        maxiter=maxiter,
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
    record = irls_record(fit.jahan_deviance_trace, tol, maxiter)
    n_separated = int(getattr(fit, "n_separation_na", 0) or 0)
    n_singletons += extra_singletons
    return EngineOutput(
        fit, record, n_singletons, n_separated, n_missing, messages, regressors
    )


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
