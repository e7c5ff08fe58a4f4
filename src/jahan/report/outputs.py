"""Everything a run produces, written into one folder all or nothing."""

from __future__ import annotations

from pathlib import Path

from jahan.report.html import render_report


def output_files(lang: str) -> tuple[str, ...]:
    """Names of the files :func:`write_outputs` writes (plus sectors.parquet and sectors.csv
    for a run on a world with sectors)."""
    return (f"report_{lang}.html", "countries.parquet", "countries.csv", "shocks.csv",
            "parameters.csv", "flows.parquet")


def write_outputs(
    result, out_dir: Path, lang: str = "kk", focus: list[str] | None = None, *, excel: bool = False
) -> dict:
    """Write the HTML report, results (Parquet and CSV), shocks and parameters into ``out_dir``.

    With ``excel``, also ``results_<lang>.xlsx``: the same tables with headers in ``lang``
    (:mod:`jahan.report.spreadsheet`).

    Everything is rendered and written into a temporary folder first; files are moved into
    ``out_dir`` only when all succeeded, so a failed run leaves nothing half-written.
    Returns ``{file name: path}``.
    """
    from jahan.report.io import write_folder

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
    return write_folder(files, Path(out_dir))


__all__ = ["output_files", "write_outputs"]
