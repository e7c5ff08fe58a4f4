"""Readiness against gains: where the index (readiness) meets the GE model (gains).

:func:`readiness_vs_gains` measures each candidate bloc's readiness to integrate
(:func:`jahan.index.readiness`) and sets it against the welfare gains of the bloc, given or
simulated with :class:`jahan.GEModel` on the world's baseline. It lives in the scenario layer
because it joins two models; neither model reads the other.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from jahan.ge import GEModel
from jahan.index.inequality import members_vs_outsiders, welfare_changes
from jahan.index.readiness import readiness


def readiness_vs_gains(
    blocs: Mapping[str, Iterable[str]] | Iterable[str],
    world,
    *,
    gains: Mapping[str, object] | None = None,
    slots: pd.DataFrame | None = None,
    agreement_effect: float = 0.45,
    trade_elasticity: float = 5.0,
) -> pd.DataFrame:
    """Readiness against the gains of integration for candidate blocs.

    Parameters
    ----------
    blocs : mapping label -> bloc spec, or iterable of specs
        Candidate blocs ("CA5", "EAEU+UZB", ["KAZ", "UZB"], ...).
    world : World
        The world: its data measure readiness and its baseline flows feed the GE model.
    gains : mapping label -> welfare changes, optional
        Welfare changes by ISO3 (Series, table or result with ``.countries``) for each bloc. When
        not given, each bloc is simulated with :class:`jahan.GEModel` on the world's baseline as an
        agreement raising trade among members by ``agreement_effect`` log points
        (t^(-theta) multiplied by exp(agreement_effect) on member pairs).
    slots : DataFrame, optional
        User condition values (see :func:`readiness`).
    agreement_effect, trade_elasticity : float
        The shock and the elasticity of the simulation.

    Returns
    -------
    DataFrame
        By bloc: members, readiness, measured, members_gain_pct (population-weighted mean
        welfare change of members), outsiders_gain_pct, worst_member_pct, gains_source.
    """
    specs = (
        dict(blocs)
        if isinstance(blocs, Mapping)
        else {str(b) if isinstance(b, str) else ",".join(b): b for b in blocs}
    )
    model = None
    rows = []
    for label, spec in specs.items():
        ready = readiness(spec, world, slots)
        if gains is not None and label in gains:
            pct = welfare_changes(gains[label])
            source = "given"
        else:
            if model is None:
                model = GEModel(world, trade_elasticity=trade_elasticity)
            members = list(ready.members)
            shock = pd.Series(
                float(np.exp(agreement_effect)),
                index=pd.MultiIndex.from_tuples(list(itertools.permutations(members, 2))),
                dtype=float,
            )
            pct = welfare_changes(model.simulate(shock))
            source = f"GE model ({world.flows_kind} baseline), effect {agreement_effect}, theta {trade_elasticity}"
        pop = world.countries["population"].reindex(pct.index)
        table = members_vs_outsiders(pct, ready.members, pop)
        rows.append(
            {
                "bloc": label,
                "members": ",".join(ready.members),
                "readiness": ready.overall,
                "measured": ready.measured,
                "members_gain_pct": table.at["members", "weighted_mean_pct"],
                "outsiders_gain_pct": table.at["outsiders", "weighted_mean_pct"],
                "worst_member_pct": table.at["members", "min_pct"],
                "gains_source": source,
            }
        )
    return pd.DataFrame(rows).set_index("bloc")


__all__ = ["readiness_vs_gains"]
