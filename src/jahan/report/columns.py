"""Which result columns a summary shows, and whether it shows bands.

One rule for the command line, the report and the dashboard: an output equal to an earlier one
in every country (central value and band) is shown once, with a note saying so (welfare equals
real GDP when trade is balanced, and so do exports and imports); a run in which nothing is
uncertain shows no bands and says why instead of "0 draws".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from jahan._i18n import tr

# Equal to within solver precision (percent): far below the 1e-6 % the formatter can show.
_RTOL, _ATOL = 1e-9, 1e-7


def _same(frame: pd.DataFrame, a: str, b: str) -> bool:
    cols = [(a, b)] + [
        (f"{a}{s}", f"{b}{s}")
        for s in ("_p05", "_p95")
        if f"{a}{s}" in frame.columns and f"{b}{s}" in frame.columns
    ]
    return all(
        np.allclose(
            frame[x].to_numpy(float),
            frame[y].to_numpy(float),
            rtol=_RTOL,
            atol=_ATOL,
            equal_nan=True,
        )
        for x, y in cols
    )


def distinct_outputs(
    frame: pd.DataFrame, outputs: Sequence[tuple[str, str]], lang: str
) -> tuple[list[tuple[str, str]], list[str]]:
    """The (column, label) pairs of ``outputs`` that differ from every earlier one, and notes.

    Parameters
    ----------
    frame : DataFrame
        Results by country with the output columns (and optionally ``<output>_p05/_p95``).
    outputs : sequence of (column, label)
        Candidate columns in display order; a missing column is left out.
    lang : str
        Language of the notes.

    Returns
    -------
    kept, notes
        The columns to show, and one translated sentence per column left out
        ("Real GDP equals welfare in every country: shown once.").
    """
    kept: list[tuple[str, str]] = []
    notes: list[str] = []
    for column, label in outputs:
        if column not in frame.columns:
            continue
        twin = next((k for k in kept if _same(frame, k[0], column)), None)
        if twin is None:
            kept.append((column, label))
        else:
            notes.append(
                tr(
                    "Column {second} is the same as {first} in every country: shown once.",
                    lang,
                    second=label,
                    first=twin[1],
                )
            )
    return kept, notes


def has_bands(result) -> bool:
    """Whether the result has uncertainty bands (at least one draw was solved)."""
    return int(result.draws) > 0


def draws_text(result, lang: str) -> str:
    """The sentence on uncertainty for captions: draws and percentiles, or why there are none."""
    if has_bands(result):
        return tr(
            "In brackets: 5th and 95th percentiles over {draws} draws of the uncertain effects.",
            lang,
            draws=int(result.draws),
        )
    return tr("No parameter of this scenario is uncertain: one central run, so no bands.", lang)


__all__ = ["distinct_outputs", "draws_text", "has_bands"]
