"""Speed of the Monte Carlo uncertainty analysis of a composite index.

jahan's analysis (draws grouped by method and computed as arrays) against a plain reference that
loops over draws and recomputes the index with pandas in each draw (normalise the indicator table,
take the weighted mean of every node's children, rank). Both use the same draws; the script
checks that they give the same ranks before printing the ratio.

    .venv/bin/python benchmarks/index_uncertainty.py               # 10,000 draws, loop timed on 300
    .venv/bin/python benchmarks/index_uncertainty.py --loop-draws 10000   # time the loop on every draw
"""

from __future__ import annotations

import argparse
import os
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from jahan.index import CompositeIndex, Framework, Node  # noqa: E402


def make_case(countries: int, indicators: int, seed: int = 0):
    """A 4-dimension, 8-sub-dimension framework over ``indicators`` indicators, 2 years of data."""
    rng = np.random.default_rng(seed)
    nodes = [Node("index")]
    codes = []
    for d in range(4):
        nodes.append(Node(f"dim{d}", "index"))
        for s in range(2):
            nodes.append(Node(f"dim{d}_sub{s}", f"dim{d}"))
    for i in range(indicators):
        parent = f"dim{(i // 2) % 4}_sub{i % 2}"
        code = f"ind{i:02d}"
        nodes.append(Node(code, parent, direction=-1 if i % 5 == 4 else 1))
        codes.append(code)
    framework = Framework(nodes)
    names = [f"C{c:03d}" for c in range(countries)]
    values = rng.lognormal(3.0, 1.0, size=(countries * 2, indicators))
    frame = pd.DataFrame(values, columns=codes)
    frame["country"] = np.repeat(names, 2)
    frame["year"] = np.tile([2018, 2019], countries)
    long = frame.melt(id_vars=["country", "year"], var_name="indicator", value_name="value")
    long = long.drop(index=rng.choice(len(long), size=len(long) // 50, replace=False))
    return framework, long


def pandas_draw(
    table: pd.DataFrame,
    reference: pd.DataFrame,
    framework: Framework,
    directions: pd.Series,
    normalisation: str,
    aggregation: str,
    weights: pd.Series,
    min_coverage: float,
) -> pd.Series:
    """One draw, the plain way: pandas operations on labelled tables."""
    x = table * directions
    if normalisation == "minmax":
        z = (x - x.min()) / (x.max() - x.min()) * 100
    elif normalisation == "zscore":
        z = (x - x.mean()) / x.std()
    elif normalisation == "rank":
        z = x.rank()
    elif normalisation == "percentile":
        z = x.rank() / x.count() * 100
    else:
        ref = pd.concat([reference * directions, x])
        z = 1 + 99 * (x - ref.min()) / (ref.max() - ref.min())
    scores = {c: z[c] for c in z.columns}
    for node in framework.aggregates:
        kids = list(framework.children(node))
        block = pd.DataFrame({k: scores[k] for k in kids})
        w = weights[kids]
        have = block.notna()
        den = have.mul(w, axis=1).sum(axis=1)
        if aggregation == "arithmetic":
            value = block.mul(w, axis=1).sum(axis=1) / den
        else:
            value = np.exp(np.log(block).mul(w, axis=1).sum(axis=1) / den)
        ok = (have.sum(axis=1) / len(kids) >= min_coverage) & (den > 0)
        scores[node] = value.where(ok)
    return scores[framework.root].rank(ascending=False, method="min")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--countries", type=int, default=180)
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument(
        "--loop-draws", type=int, default=300, help="draws timed in the pandas loop"
    )
    args = parser.parse_args()

    framework, data = make_case(args.countries, args.indicators)
    index = CompositeIndex(framework, normalisation="kof", weighting="pca")

    start = time.perf_counter()
    unc = index.uncertainty(data, draws=args.draws, seed=1, weight_noise=0.25)
    fast = time.perf_counter() - start

    prep = index.prepare(data, None)
    table = prep.raw
    reference = prep.panel.values.loc[:, list(prep.framework.indicators)]
    directions = prep.framework.directions()
    n_loop = min(args.loop_draws, args.draws)
    start = time.perf_counter()
    loop_ranks = {}
    for d in range(n_loop):
        draw = unc.draws.loc[d]
        loop_ranks[d] = pandas_draw(
            table,
            reference,
            prep.framework,
            directions,
            draw["normalisation"],
            draw["aggregation"],
            unc.draw_weights.loc[d],
            index.min_coverage,
        )
    loop = time.perf_counter() - start
    loop_full = loop / n_loop * args.draws

    got = unc.ranks.iloc[:, :n_loop].to_numpy()
    want = pd.DataFrame(loop_ranks).reindex(unc.ranks.index).to_numpy()
    same = np.array_equal(np.nan_to_num(got, nan=-1), np.nan_to_num(want, nan=-1))

    print(
        f"case: {args.countries} countries, {args.indicators} indicators, {args.draws} draws "
        f"(+ {int(unc.sensitivity['alternatives'].sum())} one-at-a-time runs in jahan's time)"
    )
    print(f"jahan vectorised uncertainty analysis: {fast:8.2f} s")
    print(
        f"pandas per-draw loop: {loop:8.2f} s for {n_loop} draws -> {loop_full:8.2f} s for {args.draws}"
        + ("" if n_loop == args.draws else " (extrapolated per draw)")
    )
    print(f"ranks identical on the {n_loop} compared draws: {same}")
    print(f"ratio (pandas loop / jahan): {loop_full / fast:6.1f}x")
    print(f"choice that moves ranks most: {unc.most_influential}")


if __name__ == "__main__":
    main()
