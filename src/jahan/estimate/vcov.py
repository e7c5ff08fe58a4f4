"""Covariance options for PPML: what each name means and how pyfixest is asked for it.

Let :math:`\\hat V_0 = H^{-1} \\left(\\sum_i s_i s_i'\\right) H^{-1}` be the sandwich of the Poisson
scores :math:`s_i = x_i (y_i - \\hat\\mu_i)` (regressors partialled out of the fixed effects) with
Hessian :math:`H = \\sum_i \\hat\\mu_i x_i x_i'`. The options differ only in the scale factor:

- ``"hetero"``: :math:`\\hat V_0 \\cdot N/(N-K)`, K counting slopes and fixed-effect levels
  (one level dropped per extra fixed effect), as fixest and pyfixest do by default.
- ``"stata_robust"``: :math:`\\hat V_0 \\cdot N/(N-1)`, Stata ppmlhdfe's ``vce(robust)``
  (no adjustment for the number of regressors, only the :math:`N/(N-1)` factor).
- ``{"CRV1": "g"}`` / ``"cluster:g"``: scores summed within clusters of ``g``, times
  :math:`G/(G-1) \\cdot (N-1)/(N-K)` (K without fixed effects nested in the clusters); ``"g1+g2"`` gives two-way clustering
  (Cameron, Gelbach and Miller 2011: :math:`V_1 + V_2 - V_{12}`, each scaled with the smaller G).
- ``"iid"``: the inverse Hessian (Poisson variance assumption; rarely appropriate for trade).
"""

from __future__ import annotations

from dataclasses import dataclass

from jahan.errors import DataError, Message

VCOV_NAMES: tuple[str, ...] = ("hetero", "stata_robust", "iid", "cluster:<col>[+<col>]")


@dataclass(frozen=True)
class VcovSpec:
    """A parsed covariance option."""

    kind: str  # "hetero", "stata_robust", "iid" or "cluster"
    clusters: tuple[str, ...] = ()

    @property
    def pyfixest_vcov(self) -> str | dict[str, str]:
        if self.kind == "cluster":
            return {"CRV1": "+".join(self.clusters)}
        return "iid" if self.kind == "iid" else "hetero"

    @property
    def ssc(self) -> dict[str, str | bool]:
        from jahan.estimate._pyfixest import small_sample_correction

        return small_sample_correction(self.kind == "stata_robust")

    def scale(self, nobs: int) -> float:
        """Factor applied to pyfixest's covariance after the fit."""
        if self.kind == "stata_robust":
            return nobs / (nobs - 1.0)
        return 1.0

    @property
    def label(self) -> str:
        """Short English description (translated by the caller)."""
        return {
            "hetero": "heteroskedasticity-robust",
            "stata_robust": "robust (Stata ppmlhdfe)",
            "iid": "iid (Poisson)",
            "cluster": "clustered",
        }[self.kind]


def parse_vcov(vcov: object, columns: object = None) -> VcovSpec:
    """Read a covariance option.

    Accepts ``"hetero"`` (alias ``"HC1"``, ``"robust"``), ``"stata_robust"``, ``"iid"``,
    ``{"CRV1": "pair_id"}``, ``{"CRV1": "exporter+importer"}``, or the short forms
    ``"cluster:pair_id"`` / ``"CRV1:pair_id"``. ``columns`` (the data's columns) lets the
    error name a misspelt cluster variable.
    """
    if isinstance(vcov, dict):
        if len(vcov) != 1:
            raise DataError(
                Message("vcov={vcov!r}: give one entry, e.g. {{'CRV1': 'pair_id'}}", vcov=vcov)
            )
        ((key, value),) = vcov.items()
        if str(key).upper() != "CRV1":
            raise DataError(
                Message(
                    "vcov={vcov!r}: only 'CRV1' clustering is supported, e.g. "
                    "{{'CRV1': 'pair_id'}}",
                    vcov=vcov,
                )
            )
        return _cluster_spec(str(value), columns)
    if not isinstance(vcov, str):
        raise DataError(
            Message("vcov={vcov!r}: use one of {names}", vcov=vcov, names=list(VCOV_NAMES))
        )
    text = vcov.strip()
    low = text.lower()
    if low in {"hetero", "hc1", "robust"}:
        return VcovSpec("hetero")
    if low in {"stata_robust", "stata"}:
        return VcovSpec("stata_robust")
    if low == "iid":
        return VcovSpec("iid")
    for prefix in ("cluster:", "crv1:"):
        if low.startswith(prefix):
            return _cluster_spec(text[len(prefix) :], columns)
    import difflib

    near = difflib.get_close_matches(low, ["hetero", "stata_robust", "iid", "cluster:"], n=1)
    raise DataError(
        Message(
            "vcov={vcov!r} is not known: use one of {names}.{hint}",
            vcov=vcov,
            names=list(VCOV_NAMES),
            hint=Message(" Did you mean {suggestion!r}?", suggestion=near[0]) if near else "",
        )
    )


def _cluster_spec(text: str, columns: object) -> VcovSpec:
    names = tuple(part.strip() for part in text.split("+") if part.strip())
    if not 1 <= len(names) <= 2:
        raise DataError(
            Message(
                "cluster variables {text!r}: give one or two columns, e.g. 'pair_id' or "
                "'exporter+importer'",
                text=text,
            )
        )
    if columns is not None:
        import difflib

        known = [str(c) for c in columns]  # type: ignore[attr-defined]
        for name in names:
            if name not in known:
                near = difflib.get_close_matches(name, known, n=1)
                raise DataError(
                    Message(
                        "cluster variable {name!r} is not a column of the data.{hint}",
                        name=name,
                        hint=Message(" Did you mean {suggestion!r}?", suggestion=near[0])
                        if near
                        else "",
                    )
                )
    return VcovSpec("cluster", names)


__all__ = ["VCOV_NAMES", "VcovSpec", "parse_vcov"]
