"""The data-build script reproduces the committed built-in world from the source packages."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load_build_script():
    spec = importlib.util.spec_from_file_location("build_world", ROOT / "tools" / "build_world.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_script_reproduces_committed_data(sources_file):
    sources = sources_file("naturalearth_v5/naturalearth_lowres.dbf").parents[1]
    build = _load_build_script()
    result = build.build(sources)
    problems = build.compare(result, ROOT / "src" / "jahan" / "data")
    assert not problems, "\n".join(problems)


def test_committed_data_is_small():
    folder = ROOT / "src" / "jahan" / "data"
    total = sum(os.path.getsize(p) for p in folder.iterdir() if p.is_file())
    # 17 years of observed bilateral trade take about 3.5 MB of the budget (float64 values do
    # not compress); the rest of the world stays under 2 MB.
    assert 0 < total < 8 * 1024 * 1024
