"""Set two scenario results side by side (for example a crisis with and without a bloc)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jahan.errors import Message, ScenarioError
from jahan.scenario.result import HIGH, LOW, ScenarioResult


def compare(a: ScenarioResult, b: ScenarioResult, output: str = "welfare_pct") -> pd.DataFrame:
    """One output of two results, by country, with the difference ``b - a``.

    Columns ``a``, ``a_p05``, ``a_p95``, ``b``, ``b_p05``, ``b_p95``, ``difference`` and, when both
    runs have the same number of draws and seed (so that shared parameters share their draws),
    the band of the paired difference ``difference_p05``, ``difference_p95``.
    """
    if output not in a.countries.columns:
        raise ScenarioError(Message("unknown output {output!r}", output=output))
    common = a.countries.index.intersection(b.countries.index)
    if len(common) == 0:
        raise ScenarioError(Message("the two results share no country; run them on the same world"))
    ca, cb = a.countries.loc[common], b.countries.loc[common]
    out = pd.DataFrame(index=pd.Index(common, name="country"))
    for tag, frame in (("a", ca), ("b", cb)):
        out[tag] = frame[output]
        out[f"{tag}_p05"] = frame[f"{output}_p05"]
        out[f"{tag}_p95"] = frame[f"{output}_p95"]
    out["difference"] = out["b"] - out["a"]
    paired = a.draws == b.draws and a.settings.get("seed") == b.settings.get("seed")
    if paired and a.draws > 0:
        da = a.draw_outputs(output)[list(common)].to_numpy()
        db = b.draw_outputs(output)[list(common)].to_numpy()
        lo, hi = np.percentile(db - da, [LOW, HIGH], axis=0)
        out["difference_p05"], out["difference_p95"] = lo, hi
    else:
        out["difference_p05"] = out["difference_p95"] = out["difference"]
    out.attrs.update(a=a.name, b=b.name, output=output, paired=bool(paired))
    return out


__all__ = ["compare"]
