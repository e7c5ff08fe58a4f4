"""Build the measured inputs of the built-in globalization index that the world does not carry.

Usage::

    .venv/bin/python tools/build_index_data.py [--sources ../shared/data/sources] [--out src/jahan/data]
    .venv/bin/python tools/build_index_data.py --check    # rebuild in memory, compare with the committed file

Writes ``pwt_trade.parquet``: exports and imports of goods and services as nominal shares of GDP
from the Penn World Table 9.1 (Feenstra, Inklaar and Timmer 2015; Debian r-cran-pwt9 9.1-0-2, R
lazy-load object pwt9.1; CC BY 4.0), 2000-2017. PWT's ``csh_x`` and ``csh_m`` are shares at
current PPPs; the PWT user guide turns them into shares at current national prices with the price
levels: exports / GDP = csh_x * pl_x / pl_gdpo and imports / GDP = -csh_m * pl_m / pl_gdpo
(``csh_m`` is stored negative). The other inputs of the index (ITPD-E trade, UN DESA migrant stocks,
group memberships) are tables of the built-in world already.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
YEARS = (2000, 2017)


def pwt_trade(sources: Path) -> pd.DataFrame:
    """Nominal export and import shares of GDP (percent) by iso3 and year from PWT 9.1."""
    columns = ["isocode", "year", "csh_x", "csh_m", "pl_x", "pl_m", "pl_gdpo"]
    df = pd.read_parquet(sources / "pwt91" / "pwt91.parquet", columns=columns)
    df = df[(df["year"] >= YEARS[0]) & (df["year"] <= YEARS[1])].copy()
    out = pd.DataFrame(
        {
            "iso3": df["isocode"].astype(str),
            "year": df["year"].astype(int),
            "exports_pct_gdp": 100.0 * df["csh_x"] * df["pl_x"] / df["pl_gdpo"],
            "imports_pct_gdp": -100.0 * df["csh_m"] * df["pl_m"] / df["pl_gdpo"],
        }
    )
    ok = np.isfinite(out["exports_pct_gdp"]) & np.isfinite(out["imports_pct_gdp"])
    out = out[ok & (out["exports_pct_gdp"] >= 0) & (out["imports_pct_gdp"] >= 0)]
    return out.sort_values(["iso3", "year"]).reset_index(drop=True)


def write_atomic(frame: pd.DataFrame, path: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=ROOT.parent / "shared" / "data" / "sources")
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "jahan" / "data")
    parser.add_argument("--check", action="store_true", help="compare with the committed file")
    args = parser.parse_args(argv)
    frame = pwt_trade(args.sources)
    target = args.out / "pwt_trade.parquet"
    if args.check:
        committed = pd.read_parquet(target)
        pd.testing.assert_frame_equal(committed, frame, check_dtype=False)
        print(f"{target}: identical to a rebuild ({len(frame)} rows)")
        return 0
    write_atomic(frame, target)
    print(f"wrote {target} ({len(frame)} rows, {frame['iso3'].nunique()} economies)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
