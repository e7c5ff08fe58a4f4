"""The founding texts' claims, tested on observed data: one section and one verdict per claim.

>>> import jahan as jh
>>> result = jh.claims(draws=50, seed=1)       # doctest: +SKIP
>>> print(result.summary(lang="kk"))           # doctest: +SKIP
>>> result.report("claims_kk.html", lang="kk") # doctest: +SKIP

Verdict rules: :mod:`jahan.analysis.claims.verdict` and docs/claims.md.
"""

from __future__ import annotations

from jahan.analysis.claims.quotes import QUOTES, Quote
from jahan.analysis.claims.result import Claim, ClaimsResult
from jahan.analysis.claims.run import DEFAULT_DRAWS, claims
from jahan.analysis.claims.verdict import (
    MIXED,
    NOT_SUPPORTED,
    SUPPORTED,
    UNTESTABLE,
    VERDICTS,
    Figure,
    claim_verdict,
    combine,
    figure_verdict,
    verdict_text,
)

__all__ = [
    "DEFAULT_DRAWS",
    "MIXED",
    "NOT_SUPPORTED",
    "QUOTES",
    "SUPPORTED",
    "UNTESTABLE",
    "VERDICTS",
    "Claim",
    "ClaimsResult",
    "Figure",
    "Quote",
    "claim_verdict",
    "claims",
    "combine",
    "figure_verdict",
    "verdict_text",
]
