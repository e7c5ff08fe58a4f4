"""Projections of a fitted model under policy scenarios, with bands from the bootstrap draws."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jahan._i18n import check_lang, fmt_number, tr
from jahan._result import Result
from jahan._text import text_table
from jahan._validate_numbers import BOUNDS, check_number
from jahan.culture.dynamics import batch_params, integrate_batch
from jahan.culture.fitting import LanguageFit
from jahan.culture.models import MinettWang
from jahan.errors import Message, ScenarioError


@dataclass(frozen=True)
class LanguagePolicy:
    """A policy from ``from_year`` on: a new status of A and/or interventions (Minett-Wang only).

    Attributes
    ----------
    from_year
        First year in which the policy acts.
    status
        New status s of language A (0..1), or None to keep the fitted value.
    bilingual_acquisition
        New eps: rate per year at which monolingual speakers of B acquire A (Minett-Wang only).
    transmission
        New tau: share of bilingual parents' children raised bilingual (Minett-Wang only).
    """

    from_year: float
    status: float | None = None
    bilingual_acquisition: float | None = None
    transmission: float | None = None

    def changes(self, model_name: str) -> dict[str, float]:
        """The parameter changes, checked; raise ScenarioError naming the field."""
        out: dict[str, float] = {}
        if self.status is not None:
            if not 0.0 <= self.status <= 1.0:
                raise ScenarioError(
                    Message(
                        "status = {value} must lie in [0, 1] (status of language A)",
                        value=self.status,
                    )
                )
            out["s"] = float(self.status)
        for field, symbol, value in (
            ("bilingual_acquisition", "eps", self.bilingual_acquisition),
            ("transmission", "tau", self.transmission),
        ):
            if value is None:
                continue
            if model_name != MinettWang.name:
                raise ScenarioError(
                    Message(
                        "{field} needs a bilingual group: use the minett-wang model "
                        "(the {model} model has only status s)",
                        field=field,
                        model=model_name,
                    )
                )
            if value < 0 or (symbol == "tau" and value > 1):
                raise ScenarioError(
                    Message(
                        "{field} = {value} is out of range (eps >= 0, 0 <= tau <= 1)",
                        field=field,
                        value=value,
                    )
                )
            out[symbol] = float(value)
        return out


@dataclass(frozen=True, eq=False)
class LanguageProjection(Result):
    """Projected shares, baseline and policy (a sealed record: see :mod:`jahan._result`).

    ``frame`` has one row per (scenario, year) with columns scenario ("baseline" or "policy"),
    year, and for each of monolingual_a, bilingual, monolingual_b, speakers_a: the point projection
    (from the estimate) and ``_lower``/``_upper`` quantiles over the bootstrap draws.
    """

    frame: pd.DataFrame
    policy: LanguagePolicy
    level: float
    model: str

    def to_frame(self) -> pd.DataFrame:
        """The projection table (a new frame)."""
        return self.frame

    def final(self) -> pd.DataFrame:
        """Rows of the last projected year, one per scenario."""
        last = self.frame["year"].max()
        return self.frame[self.frame["year"] == last].set_index("scenario")

    def summary(self, lang: str = "en") -> str:
        """Text table in ``lang``: share speaking A in the last year, baseline and policy."""
        lang = check_lang(lang)
        f = self.final()
        names = {"baseline": tr("Baseline", lang), "policy": tr("Policy", lang)}
        rows = [
            [
                names[name],
                fmt_number(f.at[name, "speakers_a"], lang, 3),
                f"[{fmt_number(f.at[name, 'speakers_a_lower'], lang, 3)}; "
                f"{fmt_number(f.at[name, 'speakers_a_upper'], lang, 3)}]",
            ]
            for name in ("baseline", "policy")
        ]
        head = tr("Share speaking language A in {year}", lang, year=int(f["year"].iloc[0]))
        header = [tr("Scenario", lang), tr("Share", lang), tr("Interval", lang)]
        return "\n".join([head, "", *text_table(header, rows)])


def project(
    fit: LanguageFit,
    policy: LanguagePolicy,
    *,
    until: float | None = None,
    step: float = 1.0,
) -> LanguageProjection:
    """Project the fitted model from the first observed year to ``until``, without and with a policy.

    Parameters
    ----------
    fit
        A fit from :func:`jahan.culture.fit_language_model`.
    policy
        The policy and the year it starts.
    until
        Last projected year (default: 50 years after the policy starts or the last observation).
    step
        Years between projected points.

    Returns
    -------
    LanguageProjection
    """
    cls = fit.model_class()
    changes = policy.changes(fit.model)
    first = float(fit.series.years[0])
    last_obs = float(fit.series.years[-1])
    if policy.from_year < first:
        raise ScenarioError(
            Message(
                "from_year = {year:g} is before the first observed year {first:g}; "
                "a policy must start within or after the data",
                year=policy.from_year,
                first=first,
            )
        )
    end = float(until) if until is not None else max(policy.from_year, last_obs) + 50.0
    if until is not None:
        check_number(end, "until", bound="year")
    if end - first > BOUNDS["year_span"].high:
        raise ScenarioError(
            Message(
                "until = {end:g} is {span:g} years after the first observed year {first:g}; "
                "a projection spans at most {limit:g} years (one step a year)",
                end=end,
                span=end - first,
                first=first,
                limit=BOUNDS["year_span"].high,
            )
        )
    if end <= policy.from_year:
        raise ScenarioError(
            Message(
                "until = {end:g} must come after from_year = {year:g}",
                end=end,
                year=policy.from_year,
            )
        )
    years = np.arange(first, end + 0.5 * step, step)
    est = fit.estimate()
    draws = fit.draws
    size = 1 + len(draws)
    values = {k: np.full(size, v) for k, v in est.items()}
    for col in draws.columns:
        values[col][1:] = draws[col].to_numpy()
    params = batch_params(cls, values, size)
    initial = (
        values["x0"][None, :]
        if len(cls.state_names) == 1
        else np.stack([values["x0"], values["y0"]])
    )
    frames = []
    alpha = (1.0 - fit.level) / 2.0
    for name, change in (("baseline", {}), ("policy", changes)):
        moves = (
            [(policy.from_year, {k: np.full(size, v) for k, v in change.items()})] if change else []
        )
        states, _ = integrate_batch(cls, params, initial, first, years, changes=moves)
        obs = np.clip(np.stack([cls.observe(states[i]) for i in range(len(years))]), 0.0, 1.0)
        cols = {
            "monolingual_a": obs[:, 0, :],
            "bilingual": obs[:, 1, :],
            "monolingual_b": obs[:, 2, :],
        }
        cols["speakers_a"] = cols["monolingual_a"] + cols["bilingual"]
        out = {"scenario": name, "year": years}
        for col, arr in cols.items():
            out[col] = arr[:, 0]
            if size > 1:
                out[f"{col}_lower"] = np.quantile(arr[:, 1:], alpha, axis=1)
                out[f"{col}_upper"] = np.quantile(arr[:, 1:], 1.0 - alpha, axis=1)
            else:
                out[f"{col}_lower"] = out[f"{col}_upper"] = np.full(len(years), np.nan)
        frames.append(pd.DataFrame(out))
    return LanguageProjection(pd.concat(frames, ignore_index=True), policy, fit.level, fit.model)


__all__ = ["LanguagePolicy", "LanguageProjection", "project"]
