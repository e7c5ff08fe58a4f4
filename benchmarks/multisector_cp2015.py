"""Speed of the multi-sector solver: Caliendo-Parro (2015) NAFTA equilibrium and a large world.

Run: .venv/bin/python benchmarks/multisector_cp2015.py

1. The CP2015 world (31 regions, 40 sectors): the NAFTA counterfactual from the zero-deficit
   baseline, solved by the vectorised kernel and by the plain reference of the authors' nested
   algorithm (jahan.ge._ms_reference: price loop from 1 at every wage step, loops over countries
   and sectors, dense (N J) x (N J) solve for expenditure). Prints both times and the ratio.
2. A synthetic world of 100 regions x 50 sectors: the kernel time and the full model time.

Needs the validation data (../shared/data/validation/cp2015, or JAHAN_VALIDATION_DIR).
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from jahan.ge._ms_reference import solve_reference
from jahan.ge._ms_solver import solve_multisector
from jahan.ge._ms_synthetic import synthetic_world
from jahan.ge.multisector import MultiSectorGEModel

ROOT = Path(__file__).resolve().parents[1]
N, J, TRADABLE = 31, 40, 20
NAFTA = ("R04", "R19", "R29")  # Canada, Mexico, USA in the authors' order


def _validation() -> Path:
    env = os.environ.get("JAHAN_VALIDATION_DIR")
    return Path(env) if env else ROOT.parent / "shared" / "data" / "validation"


def _long(matrix: np.ndarray, column: str) -> pd.DataFrame:
    cube = matrix.reshape(TRADABLE, N, N)  # [sector, importer, exporter]
    s, imp, exp = np.meshgrid(np.arange(TRADABLE), np.arange(N), np.arange(N), indexing="ij")
    frame = pd.DataFrame(
        {
            "exporter": [f"R{k:02d}" for k in exp.ravel()],
            "importer": [f"R{k:02d}" for k in imp.ravel()],
            "sector": [f"S{k:02d}" for k in s.ravel()],
            column: cube.ravel(),
        }
    )
    return frame[frame["exporter"] != frame["importer"]]


def cp2015_model() -> tuple[MultiSectorGEModel, pd.DataFrame]:
    folder = _validation() / "cp2015"
    if not folder.exists():
        sys.exit(f"validation data not found in {folder}; set JAHAN_VALIDATION_DIR")
    read = lambda name: np.loadtxt(folder / name)  # noqa: E731
    regions = [f"R{k:02d}" for k in range(N)]
    sectors = [f"S{k:02d}" for k in range(J)]
    grid = pd.MultiIndex.from_product([sectors, regions], names=["sector", "country"])
    io_index = pd.MultiIndex.from_product(
        [regions, sectors, sectors], names=["country", "input_sector", "using_sector"]
    )
    theta = pd.Series(np.concatenate([read("T.txt"), np.full(J - TRADABLE, 8.22)]), index=sectors)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = MultiSectorGEModel(
            _long(read("xbilat1993.txt") * 1000.0, "value"),
            _long(read("tariffs1993.txt") / 100.0, "rate"),
            pd.DataFrame({"value": read("GO.txt").ravel()}, index=grid).reset_index(),
            pd.DataFrame({"share": read("B.txt").ravel()}, index=grid).reset_index(),
            pd.DataFrame({"share": read("IO.txt").ravel()}, index=io_index).reset_index(),
            theta,
            imbalances="balanced",
        )
    t05 = _long(read("tariffs2005.txt") / 100.0, "rate")
    nafta = t05[t05["exporter"].isin(NAFTA) & t05["importer"].isin(NAFTA)]
    return model, nafta


def best_of(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> None:
    model, nafta = cp2015_model()
    base = model.baseline  # the zero-deficit baseline, solved once
    from jahan.ge._ms_data import index_array

    new = index_array(nafta, "tariffs", "rate", base.countries, base.sectors, base.tariff, low=-1)
    args = (
        base.shares,
        base.tariff,
        new,
        np.ones_like(base.shares),
        base.theta,
        base.va_share,
        base.io_cost,
        base.alpha,
        base.value_added,
        base.deficit,
    )
    t_fast, fast = best_of(lambda: solve_multisector(*args, base.expenditure), 5)
    t_ref, ref = best_of(lambda: solve_reference(*args), 1)
    gap = float(np.max(np.abs(fast.wage_hat / ref.wage_hat - 1.0)))
    print(f"CP2015 NAFTA counterfactual, {N} regions x {J} sectors (tol 1e-10 on trade balance)")
    print(f"  vectorised kernel : {t_fast * 1e3:8.1f} ms  ({fast.iterations} wage iterations)")
    print(f"  plain reference   : {t_ref * 1e3:8.1f} ms  ({ref.iterations} wage iterations)")
    print(
        f"  speed-up          : {t_ref / t_fast:8.1f} x   (goal >= 10 x); "
        f"largest wage difference {gap:.1e}"
    )
    loose_fast, _ = best_of(lambda: solve_multisector(*args, base.expenditure, tol=1e-7), 5)
    loose_ref, _ = best_of(lambda: solve_reference(*args, tol=1e-7), 1)
    print(
        f"  at tol 1e-7 (the authors' setting): kernel {loose_fast * 1e3:.1f} ms, reference "
        f"{loose_ref * 1e3:.1f} ms, speed-up {loose_ref / loose_fast:.1f} x"
    )
    t_model, result = best_of(lambda: model.simulate(tariffs=nafta), 3)
    print(
        f"  full simulate() incl. result tables: {t_model * 1e3:.1f} ms; "
        f"Mexico welfare {result.countries.loc['R19', 'welfare_pct']:+.2f} %"
    )

    world = synthetic_world(100, 50, seed=0)
    t_init, big = best_of(lambda: MultiSectorGEModel(**world, imbalances="fixed"), 1)
    t_base, _ = best_of(lambda: big.baseline, 1)
    b = big.baseline
    cut = np.where(b.tariff > 0, 0.5 * b.tariff, 0.0)
    big_args = (
        b.shares,
        b.tariff,
        cut,
        np.ones_like(b.shares),
        b.theta,
        b.va_share,
        b.io_cost,
        b.alpha,
        b.value_added,
        b.deficit,
    )
    t_big, sol = best_of(lambda: solve_multisector(*big_args, b.expenditure), 3)
    shock = world["tariffs"].assign(rate=world["tariffs"]["rate"] * 0.5)
    t_sim, _ = best_of(lambda: big.simulate(tariffs=shock), 1)
    print("Synthetic world, 100 regions x 50 sectors (all tariffs halved)")
    print(
        f"  vectorised kernel : {t_big * 1e3:8.1f} ms  ({sol.iterations} wage iterations, "
        f"converged {sol.converged})"
    )
    print(
        f"  model set-up {t_init * 1e3:.0f} ms, baseline {t_base * 1e3:.0f} ms, "
        f"simulate() {t_sim * 1e3:.0f} ms"
    )


if __name__ == "__main__":
    main()
