"""Build the compact country geometry that reports embed, so maps open without a network.

Source: Natural Earth 1:110m admin-0 countries (public domain), as shipped in the PyPI package
geopandas 0.14.4 (``geopandas/datasets/naturalearth_lowres/``, 177 countries). Kosovo's code
``-99`` becomes ``XKX``. Coordinates are rounded to 0.01 degree, which is invisible at report
scale and keeps the file small. Rings keep the shapefile's orientation (exterior clockwise),
which is what d3-geo, and so plotly.js, reads as "inside".

Run once after changing the source or the precision::

    python -m jahan.report._geometry_build /path/to/naturalearth_lowres

It writes ``jahan/report/assets/countries.geo.json`` atomically.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

CODE_FIXES = {"Kosovo": "XKX"}
DIGITS = 2


def _signed_area(ring: list[tuple[float, float]]) -> float:
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))


def _polygons(shape) -> list[list[list[list[float]]]]:
    """Split a shapefile polygon into GeoJSON polygons: a clockwise ring opens a new one."""
    bounds = [*shape.parts, len(shape.points)]
    polygons: list[list[list[list[float]]]] = []
    for start, stop in zip(bounds, bounds[1:], strict=False):
        ring = [(round(x, DIGITS), round(y, DIGITS)) for x, y in shape.points[start:stop]]
        ring = [p for k, p in enumerate(ring) if k == 0 or p != ring[k - 1]]
        if len(ring) < 4:
            continue
        coords = [[x, y] for x, y in ring]
        if _signed_area(ring) <= 0 or not polygons:  # clockwise: exterior ring
            polygons.append([coords])
        else:
            polygons[-1].append(coords)
    return polygons


def build(source: Path) -> dict:
    """Return a GeoJSON FeatureCollection with ``id`` = ISO3 and ``properties.name``."""
    import shapefile  # pyshp, a development dependency

    reader = shapefile.Reader(str(source), encoding="latin-1")
    features = []
    for record, shape in zip(reader.records(), reader.shapes(), strict=True):
        name = record["name"]
        code = CODE_FIXES.get(name, record["iso_a3"])
        polygons = _polygons(shape)
        if not polygons or code == "-99":
            continue
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"name": name},
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            }
        )
    features.sort(key=lambda f: f["id"])
    return {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:110m admin-0 countries (public domain), via geopandas 0.14.4",
        "features": features,
    }


def main(argv: list[str]) -> None:
    source = Path(argv[1]) if len(argv) > 1 else Path("naturalearth_lowres")
    target = Path(__file__).resolve().parent / "assets" / "countries.geo.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(build(source), separators=(",", ":"), ensure_ascii=False)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, target)
    sys.stdout.write(f"wrote {target} ({len(text) // 1024} KiB)\n")


if __name__ == "__main__":
    main(sys.argv)
