"""Random multi-sector worlds in the model's input layout, for tests and benchmarks."""

from __future__ import annotations

import numpy as np
import pandas as pd


def synthetic_world(
    n_countries: int,
    n_sectors: int,
    *,
    n_tradable: int | None = None,
    seed: int = 0,
    max_tariff: float = 0.15,
) -> dict[str, object]:
    """Inputs of :class:`~jahan.ge.multisector.MultiSectorGEModel` for a random world.

    Flows follow a gravity pattern on random locations; the first ``n_tradable`` sectors
    (default: half) trade, the others are non-tradable. Domestic sales are given explicitly.
    Returns a dict with keys ``flows, tariffs, gross_output, value_added_share, io_shares,
    trade_elasticity``.
    """
    rng = np.random.default_rng(seed)
    n, j = int(n_countries), int(n_sectors)
    jt = j // 2 if n_tradable is None else int(n_tradable)
    countries = [f"C{k:03d}" for k in range(n)]
    sectors = [f"S{k:02d}" for k in range(j)]
    size = rng.lognormal(0.0, 1.0, n)
    xy = rng.uniform(0.0, 10.0, (n, 2))
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1)) + 1.0
    weight = rng.uniform(0.5, 1.5, j)
    # flows[j, importer, exporter], net of tariffs
    flows = weight[:, None, None] * size[None, :, None] * size[None, None, :] / dist[None] ** 1.2
    flows = flows * rng.uniform(0.5, 1.5, flows.shape)
    home = np.arange(n)
    flows[:, home, home] *= 8.0
    flows[jt:] = 0.0
    flows[jt:, home, home] = weight[jt:, None] * size[None, :] ** 2 * 10.0
    tariffs = rng.uniform(0.0, max_tariff, flows.shape)
    tariffs[:, home, home] = 0.0
    tariffs[jt:] = 0.0
    va = rng.uniform(0.35, 0.75, (n, j))
    io = rng.dirichlet(np.ones(j), size=(n, j)).transpose(0, 2, 1)  # [n, input k, using j]
    theta = rng.uniform(3.0, 9.0, j)

    s_idx, i_idx, e_idx = np.nonzero(flows > 0)
    flow_frame = pd.DataFrame(
        {
            "exporter": np.asarray(countries)[e_idx],
            "importer": np.asarray(countries)[i_idx],
            "sector": np.asarray(sectors)[s_idx],
            "value": flows[s_idx, i_idx, e_idx],
        }
    )
    tariff_frame = flow_frame[["exporter", "importer", "sector"]].assign(
        rate=tariffs[s_idx, i_idx, e_idx]
    )
    tariff_frame = tariff_frame[tariff_frame["rate"] > 0].reset_index(drop=True)
    output = flows.sum(axis=1)  # (J, N) by exporter
    grid = pd.MultiIndex.from_product([countries, sectors], names=["country", "sector"])
    gross_output = pd.DataFrame({"value": output.T.ravel()}, index=grid).reset_index()
    value_added = pd.DataFrame({"share": va.ravel()}, index=grid).reset_index()
    io_grid = pd.MultiIndex.from_product(
        [countries, sectors, sectors], names=["country", "input_sector", "using_sector"]
    )
    io_frame = pd.DataFrame({"share": io.ravel()}, index=io_grid).reset_index()
    return {
        "flows": flow_frame,
        "tariffs": tariff_frame,
        "gross_output": gross_output,
        "value_added_share": value_added,
        "io_shares": io_frame,
        "trade_elasticity": pd.Series(theta, index=sectors),
    }


__all__ = ["synthetic_world"]
