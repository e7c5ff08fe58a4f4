"""Build the Penn World Table 9.1 extract shipped with jahan (src/jahan/data/pwt91_extract.parquet).

The extract keeps the columns the claims analysis reads at run time, for every country and year
of PWT 9.1 (1950-2017): isocode, year, rgdpe (expenditure-side real GDP at chained PPPs, million
2011 USD), rgdpna (real GDP at constant 2011 national prices), pop (millions), csh_x and csh_m
(shares of merchandise exports and imports in GDP at current PPPs; csh_m is negative).
No value is filled in or changed. Source: Feenstra, Inklaar and Timmer (2015), "The Next
Generation of the Penn World Table", American Economic Review 105(10), www.ggdc.net/pwt.

Usage::

    python tools/build_pwt_extract.py [SOURCES_DIR]   # default /work/shared/data/sources
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

COLUMNS = ["isocode", "year", "rgdpe", "rgdpna", "pop", "csh_x", "csh_m"]
TARGET = Path(__file__).resolve().parents[1] / "src" / "jahan" / "data" / "pwt91_extract.parquet"


def build(sources: Path) -> pd.DataFrame:
    """Read PWT 9.1 from ``sources``/pwt91/pwt91.parquet and keep :data:`COLUMNS`."""
    df = pd.read_parquet(sources / "pwt91" / "pwt91.parquet", columns=COLUMNS)
    df = df.assign(isocode=df["isocode"].astype(str), year=df["year"].astype(int))
    return df.sort_values(["isocode", "year"]).reset_index(drop=True)


def main(argv: list[str]) -> None:
    sources = Path(argv[1]) if len(argv) > 1 else Path("/work/shared/data/sources")
    frame = build(sources)
    tmp = TARGET.with_suffix(".tmp")
    frame.to_parquet(tmp, index=False)
    tmp.replace(TARGET)
    print(f"wrote {TARGET} ({len(frame)} rows, {frame['isocode'].nunique()} countries)")


if __name__ == "__main__":
    main(sys.argv)
