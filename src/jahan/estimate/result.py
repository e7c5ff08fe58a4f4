"""The read-only result of a PPML fit: coefficients, covariance, fit record, tables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from jahan._compat import deprecated
from jahan._i18n import tr
from jahan._io import write_parquet_atomic
from jahan._result import Result
from jahan.errors import DataError, Message


@dataclass(frozen=True)
class DroppedObservations:
    """Observations left out of the fit, by reason.

    ``missing``: a used variable was missing; ``singletons``: alone in a fixed-effect group
    (their fixed effect fits them perfectly); ``separated``: their conditional mean is zero at
    the maximum-likelihood solution (Correia, Guimaraes and Zylkin 2019), found by the
    fixed-effect ("fe") and iterative-rectifier ("ir") checks.
    """

    missing: int = 0
    singletons: int = 0
    separated: int = 0

    @property
    def total(self) -> int:
        return self.missing + self.singletons + self.separated

    def __getitem__(self, key: str) -> int:
        if key not in ("missing", "singletons", "separated", "total"):
            raise KeyError(f"{key!r}: use 'missing', 'singletons', 'separated' or 'total'")
        return int(getattr(self, key))

    def as_dict(self) -> dict[str, int]:
        return {
            "missing": self.missing,
            "singletons": self.singletons,
            "separated": self.separated,
            "total": self.total,
        }


def _frozen(values: np.ndarray) -> np.ndarray:
    array = np.array(values, dtype=float, copy=True)
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class GravityEstimate(Result):
    """A fitted PPML gravity equation (a sealed record: see :mod:`jahan._result`).

    Attributes
    ----------
    formula : str
        The fixest-style formula that was fitted.
    depvar : str
        The dependent variable (trade flows).
    fixed_effects : tuple of str
        The absorbed fixed effects, as written in the formula (``exporter^year``).
    vcov_type : str
        The covariance option (``"hetero"``, ``"stata_robust"``, ``"iid"`` or ``"cluster"``).
    clusters : tuple of str
        Cluster variables (empty unless ``vcov_type == "cluster"``).
    nobs : int
        Observations used in the fit.
    dropped : DroppedObservations
        Observations left out (missing, singletons, separated).
    converged : bool
        Whether the IRLS loop met ``tol`` within ``max_iter`` passes.
    iterations : int
        IRLS passes used.
    deviance : float
        Poisson deviance at the solution.
    deviance_change : float
        Final relative deviance change :math:`|D_k - D_{k-1}| / (0.1 + |D_{k-1}|)`.
    tol, max_iter : float, int
        The convergence settings used (``maxiter`` is the deprecated name of ``max_iter``).
    pseudo_r2 : float
        McFadden pseudo R-squared, :math:`1 - \\ell(\\hat\\beta) / \\ell_0` (NaN with weights).
    """

    formula: str
    depvar: str
    fixed_effects: tuple[str, ...]
    vcov_type: str
    clusters: tuple[str, ...]
    nobs: int
    dropped: DroppedObservations
    converged: bool
    iterations: int
    deviance: float
    deviance_change: float
    tol: float
    max_iter: int
    pseudo_r2: float
    _names: tuple[str, ...] = field(repr=False)
    _coef: np.ndarray = field(repr=False)
    _vcov: np.ndarray = field(repr=False)
    _fitted: np.ndarray = field(repr=False)
    _fitted_index: pd.Index = field(repr=False)
    _fixef: dict[str, pd.Series] | None = field(default=None, repr=False)

    @property
    def maxiter(self) -> int:
        """Deprecated name of :attr:`max_iter`."""
        deprecated("GravityEstimate.maxiter", "use max_iter.")
        return self.max_iter

    def __post_init__(self) -> None:
        object.__setattr__(self, "_coef", _frozen(self._coef))
        object.__setattr__(self, "_vcov", _frozen(self._vcov))
        object.__setattr__(self, "_fitted", _frozen(self._fitted))

    # --- coefficients and inference -------------------------------------------------------
    @property
    def names(self) -> tuple[str, ...]:
        """Regressor names, in order."""
        return self._names

    @property
    def coef(self) -> pd.Series:
        """Coefficients :math:`\\hat\\beta` (a new Series on each access)."""
        return pd.Series(self._coef.copy(), index=list(self._names), name="coef")

    @property
    def vcov(self) -> pd.DataFrame:
        """Covariance matrix of :math:`\\hat\\beta` under the chosen option."""
        names = list(self._names)
        return pd.DataFrame(self._vcov.copy(), index=names, columns=names)

    @property
    def se(self) -> pd.Series:
        """Standard errors, :math:`\\sqrt{\\mathrm{diag}\\,V}`."""
        return pd.Series(np.sqrt(np.diag(self._vcov)), index=list(self._names), name="se")

    @property
    def zstat(self) -> pd.Series:
        """z statistics :math:`\\hat\\beta / \\mathrm{se}` (as ppmlhdfe reports)."""
        return (self.coef / self.se).rename("z")

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values from the standard normal, as ppmlhdfe reports."""
        z = self.zstat.to_numpy()
        return pd.Series(2.0 * stats.norm.sf(np.abs(z)), index=list(self._names), name="p")

    def confint(self, level: float = 0.95) -> pd.DataFrame:
        """Normal confidence intervals :math:`\\hat\\beta \\pm z_{(1+level)/2}\\,\\mathrm{se}`."""
        if not 0.0 < level < 1.0:
            raise DataError(
                Message("confidence level {level!r} must lie strictly between 0 and 1", level=level)
            )
        q = stats.norm.ppf(0.5 + level / 2.0)
        coef, se = self.coef, self.se
        return pd.DataFrame({"low": coef - q * se, "high": coef + q * se})

    def _check_names(self, names: str | list[str] | tuple[str, ...] | None) -> list[str]:
        if names is None:
            return list(self._names)
        wanted = [names] if isinstance(names, str) else list(names)
        for name in wanted:
            if name not in self._names:
                import difflib

                near = difflib.get_close_matches(name, self._names, n=1)
                raise DataError(
                    Message(
                        "{name!r} is not a coefficient of {formula!r} (coefficients: {names})."
                        "{hint}",
                        name=name,
                        formula=self.formula,
                        names=list(self._names),
                        hint=Message(" Did you mean {suggestion!r}?", suggestion=near[0])
                        if near
                        else "",
                    )
                )
        return wanted

    def covariance(self, names: str | list[str] | None = None) -> pd.DataFrame:
        """Covariance sub-matrix for ``names`` (all coefficients if None)."""
        wanted = self._check_names(names)
        return self.vcov.loc[wanted, wanted]

    def draw(
        self,
        n: int,
        names: str | list[str] | None = None,
        seed: int | np.random.Generator | None = None,
    ) -> pd.DataFrame:
        """Draw ``n`` coefficient vectors from :math:`N(\\hat\\beta, V)` (for uncertainty bands).

        Parameters
        ----------
        n : int
            Number of draws.
        names : str or list of str, optional
            Coefficients to draw (jointly); all if None.
        seed : int or numpy.random.Generator, optional
            Seed or generator, for reproducible draws.

        Returns
        -------
        pandas.DataFrame
            ``n`` rows, one column per coefficient.
        """
        if int(n) < 1:
            raise DataError(Message("number of draws n={n!r} must be at least 1", n=n))
        wanted = self._check_names(names)
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        mean = self.coef.loc[wanted].to_numpy()
        cov = self.covariance(wanted).to_numpy()
        values = rng.multivariate_normal(mean, cov, size=int(n), method="eigh")
        return pd.DataFrame(values, columns=wanted)

    # --- fitted values ---------------------------------------------------------------------
    @property
    def fitted(self) -> pd.Series:
        """Fitted means :math:`\\hat\\mu_i` on the rows used, indexed like the input data."""
        return pd.Series(self._fitted.copy(), index=self._fitted_index, name="fitted")

    @property
    def fixef(self) -> dict[str, pd.Series]:
        """Fixed-effect estimates by term (copies), when fitted with ``fixef=True``.

        With several fixed effects the split of a constant between them is a normalisation
        (minimum-norm solution); sums over an observation's effects are exact.
        """
        if self._fixef is None:
            raise DataError(
                Message(
                    "fixed effects of {formula!r} were not recovered: refit with "
                    "jahan.fepois(..., fixef=True)",
                    formula=self.formula,
                )
            )
        return {term: series.copy() for term, series in self._fixef.items()}

    # --- tables ----------------------------------------------------------------------------
    def tidy(self, level: float = 0.95) -> pd.DataFrame:
        """One row per coefficient: estimate, std_error, z, p_value, conf_low, conf_high."""
        ci = self.confint(level)
        frame = pd.DataFrame(
            {
                "estimate": self.coef,
                "std_error": self.se,
                "z": self.zstat,
                "p_value": self.pvalues,
                "conf_low": ci["low"],
                "conf_high": ci["high"],
            }
        )
        frame.index.name = "term"
        return frame

    def to_frame(self) -> pd.DataFrame:
        """Same as :meth:`tidy`."""
        return self.tidy()

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`tidy` to a Parquet file atomically (temporary file, then rename)."""
        return write_parquet_atomic(self.tidy(), path)

    def to_dict(self) -> dict[str, object]:
        """Plain, JSON-ready description of the fit."""
        tidy = self.tidy()
        return {
            "formula": self.formula,
            "depvar": self.depvar,
            "fixed_effects": list(self.fixed_effects),
            "vcov": self.vcov_type,
            "clusters": list(self.clusters),
            "nobs": self.nobs,
            "dropped": self.dropped.as_dict(),
            "converged": self.converged,
            "iterations": self.iterations,
            "deviance": self.deviance,
            "deviance_change": self.deviance_change,
            "pseudo_r2": None if np.isnan(self.pseudo_r2) else self.pseudo_r2,
            "coefficients": {
                term: {col: float(row[col]) for col in tidy.columns}
                for term, row in tidy.iterrows()
            },
            "vcov_matrix": self.vcov.to_numpy().tolist(),
        }

    def vcov_label(self, lang: str = "en") -> str:
        """Translated description of the standard errors."""
        if self.vcov_type == "hetero":
            return tr("heteroskedasticity-robust", lang)
        if self.vcov_type == "stata_robust":
            return tr("robust, as Stata ppmlhdfe", lang)
        if self.vcov_type == "iid":
            return tr("Poisson (iid)", lang)
        return tr("clustered by {clusters}", lang, clusters=" + ".join(self.clusters))

    def summary(self, lang: str = "en", digits: int = 4) -> str:
        """A regression table in the style of etable / esttab, as text.

        Coefficients with standard errors in parentheses and significance stars
        (* p < 0.10, ** p < 0.05, *** p < 0.01), then observations, dropped observations,
        fixed effects, standard-error type, convergence and pseudo R-squared.
        """
        tidy = self.tidy()
        rows: list[tuple[str, str]] = []
        for term, row in tidy.iterrows():
            p = row["p_value"]
            stars = "***" if p < 0.01 else "**" if p < 0.05 else "*" if p < 0.10 else ""
            rows.append((str(term), f"{row['estimate']:.{digits}f}{stars}"))
            rows.append(("", f"({row['std_error']:.{digits}f})"))
        yes, no = tr("yes", lang), tr("no", lang)
        conv = tr(
            "{answer}, {n} iterations",
            lang,
            answer=yes if self.converged else no,
            n=self.iterations,
        )
        footer = [
            (tr("Observations", lang), f"{self.nobs:,}"),
            (tr("Dropped: separated", lang), f"{self.dropped.separated:,}"),
            (tr("Dropped: singletons", lang), f"{self.dropped.singletons:,}"),
            (tr("Dropped: missing", lang), f"{self.dropped.missing:,}"),
            (tr("Fixed effects", lang), ", ".join(self.fixed_effects) or "-"),
            (tr("Standard errors", lang), self.vcov_label(lang)),
            (tr("Converged", lang), conv),
            (tr("Deviance", lang), f"{self.deviance:.6g}"),
        ]
        if not np.isnan(self.pseudo_r2):
            footer.append((tr("Pseudo R-squared", lang), f"{self.pseudo_r2:.4f}"))
        width_l = max(len(a) for a, _ in rows + footer)
        width_r = max(len(b) for _, b in rows + footer)
        rule = "-" * (width_l + width_r + 3)
        title = tr(
            "PPML with fixed effects, dependent variable: {depvar}", lang, depvar=self.depvar
        )
        lines = [title, rule]
        lines += [f"{a:<{width_l}}   {b:>{width_r}}" for a, b in rows]
        lines.append(rule)
        lines += [f"{a:<{width_l}}   {b:>{width_r}}" for a, b in footer]
        lines.append(rule)
        lines.append(tr("Significance: * p<0.10, ** p<0.05, *** p<0.01", lang))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


__all__ = ["DroppedObservations", "GravityEstimate"]
