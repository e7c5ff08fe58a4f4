"""``jh.claims()``: every section of "The founding texts, tested" in one sealed result."""

from __future__ import annotations

import time
from typing import Any

import pandas as pd

from jahan._i18n import check_lang
from jahan.analysis.claims.result import ClaimsResult
from jahan.analysis.claims.sections import SECTIONS, Inputs
from jahan.errors import DataError, Message

DEFAULT_DRAWS = 50
"""Draws for the model bands (each draw is one general-equilibrium solve)."""


def claims(
    world: Any = None,
    lang: str = "en",
    draws: int = DEFAULT_DRAWS,
    seed: int = 1,
    *,
    pwt: pd.DataFrame | None = None,
    language_shares: pd.DataFrame | None = None,
    only: tuple[int, ...] | None = None,
) -> ClaimsResult:
    """Test the founding texts' claims on the observed world and PWT 9.1.

    Parameters
    ----------
    world : World, optional
        Default: the built-in observed world, baseline 2016.
    lang : str
        Default language of the result's ``summary()`` and ``report()`` ("kk", "ru", "en"); each
        also takes ``lang=`` to show the same result in another language.
    draws : int
        Draws for the bands of the model figures (at least 10 for a 90% band).
    seed : int
        Seed of every draw and bootstrap.
    pwt : DataFrame, optional
        Penn World Table 9.1 panel (default :func:`jahan.world.pwt_panel`).
    language_shares : DataFrame, optional
        Shares for the language-shift section (default: the synthetic example).
    only : tuple of int, optional
        Run only these claims (1-10).

    Returns
    -------
    ClaimsResult
    """
    lang = check_lang(lang)
    if int(draws) < 10:
        raise DataError(
            Message(
                "draws = {draws}: use at least 10 draws, so that a 90% band can be read",
                draws=draws,
            )
        )
    numbers = tuple(range(1, len(SECTIONS) + 1)) if only is None else tuple(int(k) for k in only)
    bad = [k for k in numbers if not 1 <= k <= len(SECTIONS)]
    if bad:
        raise DataError(
            Message("only = {bad!r}: claims are numbered 1 to {n}", bad=bad, n=len(SECTIONS))
        )
    started = time.perf_counter()
    if world is None:
        from jahan.world import World

        world = World.builtin()
    if pwt is None:
        from jahan.world import pwt_panel

        pwt = pwt_panel()
    inputs = Inputs(
        world=world, pwt=pwt, draws=int(draws), seed=int(seed), language_shares=language_shares
    )
    sections = tuple(SECTIONS[k - 1](inputs) for k in numbers)
    return ClaimsResult(
        sections,
        settings={
            "baseline_year": int(world.baseline_year),
            "flows_kind": str(getattr(world, "flows_kind", "")),
            "countries": int(len(world.countries)),
            "draws": int(draws),
            "seed": int(seed),
            "lang": lang,
            "seconds": time.perf_counter() - started,
        },
    )


__all__ = ["DEFAULT_DRAWS", "claims"]
