"""Everything a run produces, written into one folder whole, with a manifest of what produced it."""

from __future__ import annotations

import hashlib
import platform
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from jahan.report.html import render_report
from jahan.report.run_folder import MANIFEST, write_run_folder

_VERSIONED = ("jahan", "numpy", "scipy", "pandas", "pyarrow", "pyfixest", "dask", "distributed")


def output_files(lang: str) -> tuple[str, ...]:
    """Names of the files :func:`write_outputs` writes (plus sectors.parquet and sectors.csv
    for a run on a world with sectors)."""
    return (
        f"report_{lang}.html",
        "countries.parquet",
        "countries.csv",
        "shocks.csv",
        "parameters.csv",
        "flows.parquet",
        MANIFEST,
    )


def versions() -> dict[str, str]:
    """Versions of Python and of the packages that shape a run's numbers."""
    out = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def run_manifest(
    result: Any,
    *,
    lang: str,
    focus: list[str] | None = None,
    world: str | None = None,
    extra: dict | None = None,
) -> dict:
    """What produced ``result``: scenario file and its hash, seed, draws, model settings, data
    sources, versions, the command line and the time (UTC)."""
    settings = dict(result.settings)
    text = getattr(result, "text", "") or ""
    record = {
        "format": "jahan-run/1",
        "created_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "scenario": {
            "name": result.name,
            "source": getattr(result, "source", ""),
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "text": text,
        },
        "draws": result.draws,
        "seed": settings.get("seed"),
        "lang": lang,
        "focus": list(focus) if focus else list(result.focus),
        "data": {
            "world": world or "",
            "flows_kind": settings.get("flows_kind"),
            "baseline_year": settings.get("baseline_year"),
            "membership_year": settings.get("membership_year"),
            "n_countries": settings.get("n_countries"),
        },
        "settings": {k: v for k, v in settings.items() if isinstance(v, str | int | float | bool)},
        "versions": versions(),
        "command": [Path(sys.argv[0]).name, *sys.argv[1:]] if sys.argv else [],
    }
    if extra:
        record.update(extra)
    return record


def write_outputs(
    result,
    out_dir: Path,
    lang: str = "kk",
    focus: list[str] | None = None,
    *,
    excel: bool = False,
    force: bool = False,
    manifest: dict | None = None,
) -> dict:
    """Write the HTML report, results (Parquet and CSV), shocks, parameters and ``manifest.json``.

    With ``excel``, also ``results_<lang>.xlsx``: the same tables with headers in ``lang``
    (:mod:`jahan.report.spreadsheet`).

    The folder is written whole (:func:`jahan.report.run_folder.write_run_folder`): staged beside
    ``out_dir`` and swapped in, so a failed or killed run never leaves old and new files mixed.
    An existing run folder is replaced only with ``force``. ``manifest`` defaults to
    :func:`run_manifest` of the result. Returns ``{file name: path}``.
    """
    html = render_report(result, lang=lang, focus=focus)
    long = result.to_frame()
    countries = result.countries.reset_index()
    files = {
        f"report_{lang}.html": lambda p: p.write_text(html, encoding="utf-8"),
        "countries.parquet": lambda p: long.to_parquet(p),
        "countries.csv": lambda p: countries.to_csv(p, index=False),
        "shocks.csv": lambda p: result.shocks.reset_index().to_csv(p, index=False),
        "parameters.csv": lambda p: result.parameters.to_csv(p, index=False),
        "flows.parquet": lambda p: result.flows.to_parquet(p),
    }
    sectors = getattr(result, "sectors", None)
    if sectors is not None:
        table = sectors.reset_index()
        files["sectors.parquet"] = lambda p: table.to_parquet(p, index=False)
        files["sectors.csv"] = lambda p: table.to_csv(p, index=False)
    if excel:
        from jahan.report.spreadsheet import write_result_workbook

        files[f"results_{lang}.xlsx"] = lambda p: write_result_workbook(result, p, lang)
    record = manifest if manifest is not None else run_manifest(result, lang=lang, focus=focus)
    return write_run_folder(files, Path(out_dir), manifest=record, force=force)


__all__ = ["output_files", "run_manifest", "versions", "write_outputs"]
