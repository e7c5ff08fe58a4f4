"""A KOF-structured preset: economic, social and political globalization, each de facto and de jure.

The structure and the 43 variables follow the KOF Globalisation Index, revisited version (Gygli,
Haelg, Potrafke and Sturm 2019, Review of International Organizations 14, 543-574, Table 1). The
preset runs on whatever indicators are given: KOF variables by their codes below, built-in
indicators (placed under the KOF node they approximate), and any extra indicators the caller places.
It never fills a variable it was not given; the result lists the KOF variables without data.

Method as KOF: every variable is rescaled to 1-100 over the reference period (normalisation "kof"),
the variables inside each sub-index are weighted by principal components ("pca"), and the indices
are weighted means of their parts. Above the variables jahan weights the parts equally (KOF fixes
some of these weights from its own PCA on the full data; with partial data they cannot be derived).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from jahan._i18n import tr
from jahan._result import Result, lang_and_top
from jahan.errors import DataError, Message
from jahan.index.builtin import BUILTIN_INDICATORS
from jahan.index.engine import CompositeIndex
from jahan.index.framework import Framework, Node
from jahan.index.result import IndexResult

# (code, name, parent, direction): higher means more globalized, as in the KOF sources, except
# trade taxes and tariff rates, which are given as shares and rates (higher = less open).
KOF_VARIABLES: tuple[tuple[str, str, str, int], ...] = (
    ("trade_goods", "Trade in goods (% of GDP)", "trade_de_facto", 1),
    ("trade_services", "Trade in services (% of GDP)", "trade_de_facto", 1),
    ("trade_partner_diversity", "Trade partner diversity", "trade_de_facto", 1),
    (
        "trade_regulations",
        "Trade regulations (non-tariff barriers, compliance costs)",
        "trade_de_jure",
        1,
    ),
    ("trade_taxes", "Trade taxes (% of revenue)", "trade_de_jure", -1),
    ("tariff_rates", "Tariff rates (unweighted mean)", "trade_de_jure", -1),
    ("trade_agreements", "Free trade agreements", "trade_de_jure", 1),
    ("fdi", "Foreign direct investment (stocks, % of GDP)", "financial_de_facto", 1),
    ("portfolio_investment", "Portfolio investment (% of GDP)", "financial_de_facto", 1),
    ("international_debt", "International debt (% of GDP)", "financial_de_facto", 1),
    ("international_reserves", "International reserves (% of GDP)", "financial_de_facto", 1),
    (
        "international_income_payments",
        "International income payments (% of GDP)",
        "financial_de_facto",
        1,
    ),
    (
        "investment_restrictions",
        "Investment restrictions (index, higher = fewer)",
        "financial_de_jure",
        1,
    ),
    ("capital_account_openness", "Capital account openness", "financial_de_jure", 1),
    (
        "international_investment_agreements",
        "International investment agreements",
        "financial_de_jure",
        1,
    ),
    ("international_voice_traffic", "International voice traffic", "interpersonal_de_facto", 1),
    ("transfers", "Transfers (% of GDP)", "interpersonal_de_facto", 1),
    ("international_tourism", "International tourism", "interpersonal_de_facto", 1),
    ("international_students", "International students", "interpersonal_de_facto", 1),
    ("migration", "Migration", "interpersonal_de_facto", 1),
    ("telephone_subscriptions", "Telephone subscriptions", "interpersonal_de_jure", 1),
    ("freedom_to_visit", "Freedom to visit", "interpersonal_de_jure", 1),
    ("international_airports", "International airports", "interpersonal_de_jure", 1),
    ("used_internet_bandwidth", "Used internet bandwidth", "informational_de_facto", 1),
    ("international_patents", "International patents", "informational_de_facto", 1),
    ("high_technology_exports", "High technology exports", "informational_de_facto", 1),
    ("television_access", "Television access", "informational_de_jure", 1),
    ("internet_access", "Internet access", "informational_de_jure", 1),
    ("press_freedom", "Press freedom", "informational_de_jure", 1),
    ("trade_in_cultural_goods", "Trade in cultural goods", "cultural_de_facto", 1),
    ("trade_in_personal_services", "Trade in personal services", "cultural_de_facto", 1),
    ("international_trademarks", "International trademarks", "cultural_de_facto", 1),
    ("mcdonalds_restaurants", "McDonald's restaurants", "cultural_de_facto", 1),
    ("ikea_stores", "IKEA stores", "cultural_de_facto", 1),
    ("gender_parity", "Gender parity", "cultural_de_jure", 1),
    ("human_capital", "Human capital", "cultural_de_jure", 1),
    ("civil_liberties", "Civil liberties", "cultural_de_jure", 1),
    ("embassies", "Embassies", "political_de_facto", 1),
    ("un_peace_keeping_missions", "UN peace keeping missions", "political_de_facto", 1),
    ("international_ngos", "International NGOs", "political_de_facto", 1),
    ("international_organisations", "International organisations", "political_de_jure", 1),
    ("international_treaties", "International treaties", "political_de_jure", 1),
    ("treaty_partners", "Treaty partners (investment treaties)", "political_de_jure", 1),
)

# (code, name, parent)
KOF_NODES: tuple[tuple[str, str, str | None], ...] = (
    ("kof", "Globalization index (KOF structure)", None),
    ("economic", "Economic globalization", "kof"),
    ("social", "Social globalization", "kof"),
    ("political", "Political globalization", "kof"),
    ("economic_de_facto", "Economic globalization, de facto", "economic"),
    ("economic_de_jure", "Economic globalization, de jure", "economic"),
    ("social_de_facto", "Social globalization, de facto", "social"),
    ("social_de_jure", "Social globalization, de jure", "social"),
    ("political_de_facto", "Political globalization, de facto", "political"),
    ("political_de_jure", "Political globalization, de jure", "political"),
    ("trade_de_facto", "Trade globalization, de facto", "economic_de_facto"),
    ("financial_de_facto", "Financial globalization, de facto", "economic_de_facto"),
    ("trade_de_jure", "Trade globalization, de jure", "economic_de_jure"),
    ("financial_de_jure", "Financial globalization, de jure", "economic_de_jure"),
    ("interpersonal_de_facto", "Interpersonal globalization, de facto", "social_de_facto"),
    ("informational_de_facto", "Informational globalization, de facto", "social_de_facto"),
    ("cultural_de_facto", "Cultural globalization, de facto", "social_de_facto"),
    ("interpersonal_de_jure", "Interpersonal globalization, de jure", "social_de_jure"),
    ("informational_de_jure", "Informational globalization, de jure", "social_de_jure"),
    ("cultural_de_jure", "Cultural globalization, de jure", "social_de_jure"),
)

SUBINDICES: tuple[str, ...] = (
    "economic_de_facto",
    "economic_de_jure",
    "social_de_facto",
    "social_de_jure",
    "political_de_facto",
    "political_de_jure",
)
"""The de facto and de jure sub-indices of each dimension, in display order."""


def kof_framework(
    extra: Mapping[str, tuple[str, int]] | None = None, *, builtin: bool = True
) -> Framework:
    """The KOF-structured framework: 20 aggregates and the 43 KOF variables, plus extra indicators.

    Parameters
    ----------
    extra : mapping code -> (parent node, direction), optional
        Further indicators placed under KOF nodes (e.g. ``{"my_migration": ("interpersonal_de_facto", 1)}``).
    builtin : bool
        Also place the built-in indicators (:data:`jahan.index.builtin.BUILTIN_INDICATORS`) under the
        KOF node each approximates.
    """
    nodes = [Node(code, parent, name=name) for code, name, parent in KOF_NODES]
    nodes += [
        Node(code, parent, name=name, direction=direction, source="KOF variable")
        for code, name, parent, direction in KOF_VARIABLES
    ]
    taken = {n.code for n in nodes}
    if builtin:
        for b in BUILTIN_INDICATORS:
            nodes.append(
                Node(
                    b.code,
                    b.kof_parent,
                    name=b.name,
                    direction=b.direction,
                    units=b.units,
                    source="built-in",
                )
            )
            taken.add(b.code)
    aggregates = {code for code, _, _ in KOF_NODES}
    for code, (parent, direction) in (extra or {}).items():
        if code in taken:
            raise DataError(
                Message(
                    "extra indicator {code!r} is already in the KOF framework: pick another code",
                    code=code,
                )
            )
        if parent not in aggregates:
            raise DataError(
                Message(
                    "extra indicator {code!r} is placed under {parent!r}, which is not a KOF node",
                    code=code,
                    parent=parent,
                )
            )
        nodes.append(Node(code, parent, name=code, direction=direction, source="user"))
    return Framework(nodes)


@dataclass(frozen=True, eq=False)
class KOFResult(Result):
    """A KOF-structured index with a plain statement of what it is made of.

    Attributes
    ----------
    result : IndexResult
        Scores and ranks at every level (nodes as in :data:`KOF_NODES`).
    kof_variables_used : tuple of str
        KOF variables that had data.
    kof_variables_missing : tuple of str
        KOF variables without data (never filled in).
    proxies : Mapping
        Indicators used that are not KOF variables, each with the KOF variable it stands in for
        ("" when none).
    modelled : tuple of str
        Indicators computed from modelled (not observed) flows.
    """

    result: IndexResult
    kof_variables_used: tuple[str, ...]
    kof_variables_missing: tuple[str, ...]
    proxies: Mapping[str, str] = field(default_factory=dict)
    modelled: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "proxies", MappingProxyType(dict(self.proxies)))

    def table(self) -> pd.DataFrame:
        """By country: the overall score, the three dimensions and their de facto and de jure
        sub-indices (missing where no data), sorted by the overall score."""
        cols = ["kof", "economic", "social", "political", *SUBINDICES]
        out = self.result.scores.reindex(columns=cols)
        out.insert(0, "rank", self.result.ranks["kof"])
        return out.sort_values(["rank"], na_position="last")

    def summary(self, lang: str = "en", top: int = 10) -> str:
        """Text in ``lang``: what was used, what is missing or modelled, and the top countries."""
        lang, top = lang_and_top(lang, top, "KOFResult.summary")
        lines = [self.result.summary(lang, top=top)]
        lines.append(
            tr(
                "KOF variables with data: {used} of {total}; missing: {missing}",
                lang,
                used=len(self.kof_variables_used),
                total=len(KOF_VARIABLES),
                missing=", ".join(self.kof_variables_missing) or tr("none", lang),
            )
        )
        if self.proxies:
            lines.append(
                tr(
                    "Not KOF variables: {proxies}",
                    lang,
                    proxies=", ".join(
                        tr("{indicator} (for {variable})", lang, indicator=k, variable=v)
                        if v
                        else k
                        for k, v in self.proxies.items()
                    ),
                )
            )
        if self.modelled:
            lines.append(
                tr(
                    "Modelled, not observed: {indicators}",
                    lang,
                    indicators=", ".join(self.modelled),
                )
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """The long table of :meth:`IndexResult.to_frame`."""
        return self.result.to_frame()

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write the long table to Parquet (atomically) and return the path."""
        return self.result.to_parquet(path)


def kof_index(
    data: pd.DataFrame,
    year: int | None = None,
    *,
    weighting: str | Mapping[str, float] = "pca",
    extra: Mapping[str, tuple[str, int]] | None = None,
    builtin: bool = True,
    min_coverage: float = 0.0,
    reference_years: tuple[int, int] | None = None,
    extrapolate: str = "none",
) -> KOFResult:
    """Compute the KOF-structured index on whatever indicators ``data`` holds.

    Parameters
    ----------
    data : DataFrame
        Long table (country, year, indicator, value); indicator codes are KOF variable codes
        (:data:`KOF_VARIABLES`), built-in indicator codes, or codes placed by ``extra``. A
        ``modelled`` column (as :func:`jahan.index.builtin.builtin_indicators` gives) is read to
        state which indicators are modelled.
    year : int, optional
        The year to score (default: the latest).
    weighting : "pca", "equal" or mapping
        Weights of the variables inside each sub-index (KOF: "pca").
    extra, builtin
        See :func:`kof_framework`.
    min_coverage : float
        Share of an aggregate's parts (by count) a country needs; default 0: any part with data.
        Parts without any data at all are left out and reported.
    reference_years, extrapolate
        As in :class:`CompositeIndex`.
    """
    framework = kof_framework(extra, builtin=builtin)
    index = CompositeIndex(
        framework,
        normalisation="kof",
        weighting=weighting,
        aggregation="arithmetic",
        min_coverage=min_coverage,
        reference_years=reference_years,
        extrapolate=extrapolate,
    )
    result = index.compute(data, year)
    used = set(result.framework.indicators)
    kof_codes = [c for c, *_ in KOF_VARIABLES]
    stands_for = {b.code: b.stands_for for b in BUILTIN_INDICATORS}
    proxies = {c: stands_for.get(c, "") for c in result.framework.indicators if c not in kof_codes}
    modelled: tuple[str, ...] = ()
    if "modelled" in data.columns:
        flagged = data.loc[data["modelled"].astype(bool), "indicator"].astype(str).unique()
        modelled = tuple(sorted(set(flagged) & used))
    return KOFResult(
        result=result,
        kof_variables_used=tuple(c for c in kof_codes if c in used),
        kof_variables_missing=tuple(c for c in kof_codes if c not in used),
        proxies=proxies,
        modelled=modelled,
    )
