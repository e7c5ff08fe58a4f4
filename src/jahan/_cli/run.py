"""``jahan run``, ``jahan scenarios``, ``jahan compare``: scenarios from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jahan._cli.common import LangOption, console, lang_or_exit
from jahan._i18n import fmt_pct, tr

WorldOption = Annotated[
    str, typer.Option("--world", "-w", help="'builtin' or a path to a world folder or flows file.")
]
DrawsOption = Annotated[
    int | None, typer.Option("--draws", "-n", help="Uncertainty draws (default: the file's).")
]
SeedOption = Annotated[int | None, typer.Option("--seed", "-s", help="Seed of the draws.")]
WorkersOption = Annotated[
    int, typer.Option("--workers", "-j", help="Local worker processes (0 = all CPUs).")
]
SchedulerOption = Annotated[
    str | None,
    typer.Option("--scheduler", help="Dask scheduler address (tcp://host:8786) to run draws on."),
]
FocusOption = Annotated[
    list[str] | None,
    typer.Option("--focus", "-f", help="Focus country ISO3 (repeat, or KAZ,RUS); default: the file's."),
]


def _world(spec: str):
    from jahan.world import World

    return World.builtin() if spec.strip().lower() == "builtin" else World.read(spec)


def _focus(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [c.strip().upper() for v in values for c in v.split(",") if c.strip()]


def _cell(row, output: str, lang: str) -> str:
    central = fmt_pct(row[output], lang, 3)
    lo = fmt_pct(row[f"{output}_p05"], lang, 3)
    hi = fmt_pct(row[f"{output}_p95"], lang, 3)
    return f"{central} [dim][{lo}; {hi}][/]"


def _check_options(draws: int | None, seed: int | None, workers: int) -> None:
    """Numbers from the command line, with the bounds a scenario file has."""
    from jahan._validate_numbers import check_number

    for name, value in (("--draws", draws), ("--seed", seed), ("--workers", workers)):
        if value is not None:
            check_number(value, name, where="command line")


def _run_with_progress(scenario, world, draws, seed, workers, scheduler, lang):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(),
        transient=True,
    ) as bar:
        task = bar.add_task(tr("Solving draws", lang), total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return scenario.run(world, draws=draws, seed=seed, workers=workers, scheduler=scheduler,
                            progress=progress)


def _summary_table(result, focus, lang: str) -> Table:
    frame = result.summary(focus=focus, lang=lang)
    table = Table(title=tr("{name}: change from the baseline, percent [5th; 95th percentile]", lang,
                           name=_title(result, lang)))
    table.add_column(tr("Country", lang))
    outputs = ("welfare_pct", "real_gdp_pct", "exports_pct", "imports_pct")
    second = tr("Real GDP", lang)
    if "real_gdp_pct" not in frame.columns:  # a run on a world with sectors
        outputs = ("welfare_pct", "real_wage_pct", "exports_pct", "imports_pct")
        second = tr("Real wage", lang)
    for label in (tr("Welfare", lang), second, tr("Exports", lang), tr("Imports", lang)):
        table.add_column(label, justify="right")
    for code, row in frame.iterrows():
        table.add_row(f"{row['name']} ({code})", *(_cell(row, o, lang) for o in outputs))
    return table


def _title(result_or_scenario, lang: str) -> str:
    meta = result_or_scenario.spec.scenario
    localised = getattr(meta, f"name_{lang}", "") if lang != "en" else ""
    return localised or meta.name


def run(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a .toml file.")],
    world: WorldOption = "builtin",
    draws: DrawsOption = None,
    seed: SeedOption = None,
    lang: LangOption = "kk",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output folder (default: reports/<scenario>).")
    ] = None,
    workers: WorkersOption = 1,
    scheduler: SchedulerOption = None,
    focus: FocusOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the output folder of an earlier run.")
    ] = False,
) -> None:
    """Run a scenario with uncertainty draws; print the summary; write the report and results."""
    from jahan.report.outputs import run_manifest, write_outputs
    from jahan.report.run_folder import check_target
    from jahan.scenario import Scenario

    lang = lang_or_exit(lang)
    _check_options(draws, seed, workers)
    con = console()
    sc = Scenario.load(scenario)
    stem = Path(scenario).stem if scenario.endswith(".toml") else scenario
    folder = out if out is not None else Path("reports") / stem
    check_target(folder, force=force)  # refuse before the long run, not after it
    w = _world(world)
    codes = _focus(focus)
    if codes:
        sc.compile(w)  # validates the file's codes before the long run
    result = _run_with_progress(sc, w, draws, seed, workers, scheduler, lang)
    if result.modelled_baseline:
        con.print(tr("Note: the baseline trade flows are modelled, not observed.", lang), style="yellow")
    con.print(_summary_table(result, codes, lang))
    manifest = run_manifest(result, lang=lang, focus=codes, world=world, extra={
        "workers": workers, "scheduler": scheduler or ""})
    written = write_outputs(result, folder, lang=lang, focus=codes, force=force, manifest=manifest)
    report = written[f"report_{lang}.html"]
    con.print(tr("{draws} draws, seed {seed}, {seconds} s.", lang, draws=result.draws,
                 seed=result.settings["seed"], seconds=f"{result.settings['seconds']:.1f}"))
    con.print(tr("Report: {path}", lang, path=str(report.resolve())))
    con.print(tr("Results (Parquet, CSV): {path}", lang, path=str(folder.resolve())))


def scenarios(lang: LangOption = "kk") -> None:
    """List the built-in scenarios and the founding claims they test."""
    from jahan.scenario import library

    lang = lang_or_exit(lang)
    frame = library()
    table = Table(title=tr("Built-in scenarios", lang), show_lines=True)
    table.add_column(tr("Name", lang), no_wrap=True)
    table.add_column(tr("Title", lang))
    table.add_column(tr("Claim tested", lang))
    for name, row in frame.iterrows():
        title = row.get(f"title_{lang}") if lang != "en" else ""
        table.add_row(str(name), title or row["title"], row["claim"])
    console().print(table)
    console().print(tr("Run one: jahan run NAME --lang kk", lang))


def compare_cmd(
    first: Annotated[str, typer.Argument(help="Scenario A (name or .toml).")],
    second: Annotated[str, typer.Argument(help="Scenario B (name or .toml).")],
    world: WorldOption = "builtin",
    draws: DrawsOption = None,
    seed: SeedOption = None,
    lang: LangOption = "kk",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write compare.csv here.")] = None,
    workers: WorkersOption = 1,
    scheduler: SchedulerOption = None,
    focus: FocusOption = None,
) -> None:
    """Run two scenarios with the same seed and set their welfare changes side by side."""
    from jahan.report.io import write_frame
    from jahan.scenario import Scenario, compare

    lang = lang_or_exit(lang)
    _check_options(draws, seed, workers)
    con = console()
    w = _world(world)
    a, b = Scenario.load(first), Scenario.load(second)
    seed = seed if seed is not None else a.spec.uncertainty.seed
    draws = draws if draws is not None else max(a.spec.uncertainty.draws, b.spec.uncertainty.draws)
    ra = _run_with_progress(a, w, draws, seed, workers, scheduler, lang)
    rb = _run_with_progress(b, w, draws, seed, workers, scheduler, lang)
    frame = compare(ra, rb)
    codes = _focus(focus) or list(dict.fromkeys([*ra.focus, *rb.focus]))
    table = Table(title=tr("Welfare change, percent [5th; 95th percentile]", lang))
    table.add_column(tr("Country", lang))
    table.add_column(f"A: {_title(ra, lang)}", justify="right")
    table.add_column(f"B: {_title(rb, lang)}", justify="right")
    table.add_column(tr("B minus A", lang), justify="right")
    for code in codes:
        if code not in frame.index:
            continue
        row = frame.loc[code]
        cells = []
        for tag in ("a", "b"):
            cells.append(f"{fmt_pct(row[tag], lang, 3)} [dim][{fmt_pct(row[f'{tag}_p05'], lang, 3)}; "
                         f"{fmt_pct(row[f'{tag}_p95'], lang, 3)}][/]")
        cells.append(f"{fmt_pct(row['difference'], lang, 3)} [dim][{fmt_pct(row['difference_p05'], lang, 3)}; "
                     f"{fmt_pct(row['difference_p95'], lang, 3)}][/]")
        table.add_row(f"{ra.name_of(code, lang)} ({code})", *cells)
    if ra.modelled_baseline:
        con.print(tr("Note: the baseline trade flows are modelled, not observed.", lang), style="yellow")
    con.print(table)
    if frame.attrs.get("paired"):
        con.print(tr("Shared effects use the same draws in both runs, so the band of the difference is paired.", lang))
    if out is not None:
        path = write_frame(frame.reset_index(), Path(out) / "compare.csv")
        con.print(tr("Table: {path}", lang, path=str(path.resolve())))


def register(app: typer.Typer) -> None:
    """Add ``run``, ``scenarios`` and ``compare`` to the jahan app."""
    app.command("run")(run)
    app.command("scenarios")(scenarios)
    app.command("compare")(compare_cmd)


__all__ = ["register"]
