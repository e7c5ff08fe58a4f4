"""Example data shipped with jahan that is not part of the world (read here, the data layer)."""

from __future__ import annotations

from importlib import resources

import pandas as pd


def language_example() -> pd.DataFrame:
    """The SYNTHETIC language-shift series (year, monolingual_a, bilingual, monolingual_b),
    generated from a Minett-Wang model (jahan/data/language/README.md); never observed data."""
    path = resources.files("jahan") / "data" / "language" / "synthetic_language_shift.csv"
    with path.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, comment="#")


__all__ = ["language_example"]
