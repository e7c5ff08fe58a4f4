"""``jahan run``, ``jahan scenarios``, ``jahan compare``: scenarios from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jahan._cli.common import LangOption, console, lang_or_exit
from jahan._i18n import fmt_number, fmt_pct, tr
from jahan.errors import JahanError, Message

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
    typer.Option(
        "--focus", "-f", help="Focus country ISO3 (repeat, or KAZ,RUS); default: the file's."
    ),
]


def _world(spec: str):
    from jahan.world import World

    return World.builtin() if spec.strip().lower() == "builtin" else World.read(spec)


def _focus(values: list[str] | None, world=None) -> list[str] | None:
    """The --focus codes, upper-cased; with ``world``, each is checked before anything is solved
    (an unknown code raises naming the nearest ISO3 code)."""
    if not values:
        return None
    codes = [c.strip().upper() for v in values for c in v.split(",") if c.strip()]
    if world is not None:
        for code in codes:
            world.country(code)
    return codes


def _cell(row, output: str, lang: str, bands: bool = True) -> str:
    central = fmt_pct(row[output], lang, 3)
    if not bands:
        return central
    lo = fmt_pct(row[f"{output}_p05"], lang, 3)
    hi = fmt_pct(row[f"{output}_p95"], lang, 3)
    return f"{central} [dim][{lo}; {hi}][/]"


def _check_options(draws: int | None, seed: int | None, workers: int) -> None:
    """Numbers from the command line, with the bounds a scenario file has."""
    from jahan._validate_numbers import check_number

    for name, value in (("--draws", draws), ("--seed", seed), ("--workers", workers)):
        if value is not None:
            check_number(value, name, where=Message("command line"))


def _run_with_progress(scenario, world, draws, seed, workers, scheduler, lang):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    con = console()
    if not con.is_terminal:
        # No terminal (a log, CI, a pipe): a bar would print nothing; plain lines every tenth.
        shown = {"step": -1}

        def lines(done: int, total: int) -> None:
            step = 10 * done // max(total, 1)
            if step > shown["step"]:
                shown["step"] = step
                con.print(tr("Solving draws: {done} of {total}", lang, done=done, total=total))

        return scenario.run(
            world, draws=draws, seed=seed, workers=workers, scheduler=scheduler, progress=lines
        )
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=con,
        transient=True,
    ) as bar:
        task = bar.add_task(tr("Solving draws", lang), total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return scenario.run(
            world, draws=draws, seed=seed, workers=workers, scheduler=scheduler, progress=progress
        )


def _summary_table(result, focus, lang: str) -> tuple[Table, list[str]]:
    """The focus countries' table and notes (columns shown once, why there are no bands)."""
    from jahan.report.columns import distinct_outputs, draws_text, has_bands

    frame = result.summary_table(focus=focus, lang=lang)
    bands = has_bands(result)
    title = (
        tr(
            "{name}: change from the baseline, percent [5th; 95th percentile]",
            lang,
            name=_title(result, lang),
        )
        if bands
        else tr("{name}: change from the baseline, percent", lang, name=_title(result, lang))
    )
    table = Table(title=title)
    table.add_column(tr("Country", lang))
    second = ("real_gdp_pct", tr("Real GDP", lang))
    if "real_gdp_pct" not in frame.columns:  # a run on a world with sectors
        second = ("real_wage_pct", tr("Real wage", lang))
    candidates = [
        ("welfare_pct", tr("Welfare", lang)),
        second,
        ("exports_pct", tr("Exports", lang)),
        ("imports_pct", tr("Imports", lang)),
    ]
    # Equality is judged on every country, not just the focus rows shown.
    outputs, notes = distinct_outputs(result.countries, candidates, lang)
    for _, label in outputs:
        table.add_column(label, justify="right")
    for code, row in frame.iterrows():
        table.add_row(f"{row['name']} ({code})", *(_cell(row, o, lang, bands) for o, _ in outputs))
    if not bands:
        notes.append(draws_text(result, lang))
    return table, notes


def _title(result_or_scenario, lang: str) -> str:
    meta = result_or_scenario.spec.scenario
    localised = getattr(meta, f"name_{lang}", "") if lang != "en" else ""
    return localised or meta.name


def run(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a .toml file.")],
    world: WorldOption = "builtin",
    draws: DrawsOption = None,
    seed: SeedOption = None,
    lang: LangOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output folder (default: reports/<scenario>)."),
    ] = None,
    workers: WorkersOption = 1,
    scheduler: SchedulerOption = None,
    focus: FocusOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the output folder of an earlier run.")
    ] = False,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", help="csv, or xlsx to add an Excel workbook with headers in --lang."
        ),
    ] = "csv",
) -> None:
    """Run a scenario with uncertainty draws; print the summary; write the report and results."""
    from jahan.report.outputs import run_manifest, write_outputs
    from jahan.report.run_folder import check_target
    from jahan.scenario import Scenario

    lang = lang_or_exit(lang)
    _check_options(draws, seed, workers)
    fmt = fmt.strip().lower()
    if fmt not in ("csv", "xlsx"):
        raise JahanError(
            Message(
                "--format {fmt!r}: use csv or xlsx (CSV and Parquet are always written)", fmt=fmt
            )
        )
    con = console()
    sc = Scenario.load(scenario)
    stem = Path(scenario).stem if scenario.endswith(".toml") else scenario
    folder = out if out is not None else Path("reports") / stem
    check_target(folder, force=force)  # refuse before the long run, not after it
    w = _world(world)
    codes = _focus(focus, w)
    if codes:
        import warnings

        from jahan.errors import JahanWarning

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", JahanWarning)  # the run itself gives them, once
            sc.compile(w)  # validates the file's codes before the long run
    result = _run_with_progress(sc, w, draws, seed, workers, scheduler, lang)
    if result.modelled_baseline:
        con.print(
            tr("Note: the baseline trade flows are modelled, not observed.", lang), style="yellow"
        )
    table, notes = _summary_table(result, codes, lang)
    con.print(table)
    for note in notes:
        con.print(note)
    manifest = run_manifest(
        result,
        lang=lang,
        focus=codes,
        world=world,
        extra={"workers": workers, "scheduler": scheduler or ""},
    )
    written = write_outputs(
        result, folder, lang=lang, focus=codes, excel=fmt == "xlsx", force=force, manifest=manifest
    )
    report = written[f"report_{lang}.html"]
    seconds = fmt_number(result.settings["seconds"], lang, 1)
    if result.draws:
        con.print(
            tr(
                "{draws} draws, seed {seed}, {seconds} s.",
                lang,
                draws=result.draws,
                seed=result.settings["seed"],
                seconds=seconds,
            )
        )
    else:
        con.print(tr("One central run, {seconds} s.", lang, seconds=seconds))
    con.print(tr("Report: {path}", lang, path=str(report.resolve())))
    con.print(tr("Results (Parquet, CSV): {path}", lang, path=str(folder.resolve())))
    if fmt == "xlsx":
        con.print(
            tr("Spreadsheet: {path}", lang, path=str(written[f"results_{lang}.xlsx"].resolve()))
        )


def scenarios(lang: LangOption = None) -> None:
    """List the built-in scenarios and the founding claims they test."""
    from jahan.report.html import claim_context
    from jahan.scenario import Scenario, library

    lang = lang_or_exit(lang)
    frame = library()
    table = Table(title=tr("Built-in scenarios", lang), show_lines=True)
    table.add_column(tr("Name", lang), no_wrap=True)
    table.add_column(tr("Title", lang))
    table.add_column(tr("Claim tested", lang))
    for name, row in frame.iterrows():
        title = row.get(f"title_{lang}") if lang != "en" else ""
        claim = claim_context(Scenario.load(str(name)).spec.scenario, lang)
        text = (
            f"{claim['claim']} ({claim['claim_source']})"
            if claim["claim_source"]
            else claim["claim"]
        )
        table.add_row(str(name), title or row["title"], text)
    console().print(table)
    console().print(tr("Run one: jahan run NAME --lang {lang}", lang, lang=lang))


def compare_cmd(
    first: Annotated[str, typer.Argument(help="Scenario A (name or .toml).")],
    second: Annotated[str, typer.Argument(help="Scenario B (name or .toml).")],
    world: WorldOption = "builtin",
    draws: DrawsOption = None,
    seed: SeedOption = None,
    lang: LangOption = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write compare.csv here.")] = None,
    workers: WorkersOption = 1,
    scheduler: SchedulerOption = None,
    focus: FocusOption = None,
    shelter: Annotated[
        bool,
        typer.Option(
            "--shelter",
            help="A is a crisis, B the same crisis with a union: measure each crisis from its own "
            "pre-crisis world and report the shelter (difference in differences).",
        ),
    ] = False,
) -> None:
    """Run two scenarios with the same seed and set their welfare changes side by side."""
    from jahan.report.io import write_frame
    from jahan.scenario import Scenario, compare

    lang = lang_or_exit(lang)
    _check_options(draws, seed, workers)
    con = console()
    w = _world(world)
    a, b = Scenario.load(first), Scenario.load(second)
    focus_codes = _focus(focus, w)
    seed = seed if seed is not None else a.spec.uncertainty.seed
    draws = draws if draws is not None else max(a.spec.uncertainty.draws, b.spec.uncertainty.draws)
    if shelter:
        _shelter(a, b, w, draws, seed, workers, scheduler, lang, focus, out)
        return
    ra = _run_with_progress(a, w, draws, seed, workers, scheduler, lang)
    rb = _run_with_progress(b, w, draws, seed, workers, scheduler, lang)
    frame = compare(ra, rb)
    codes = focus_codes or list(dict.fromkeys([*ra.focus, *rb.focus]))
    # Bands only where there are draws: a central run has none, and a difference of two runs has
    # a band only when both share their draws.
    banded = {"a": ra.draws > 0, "b": rb.draws > 0}
    banded["difference"] = bool(frame.attrs.get("paired")) and ra.draws > 0
    title = (
        "Welfare change, percent [5th; 95th percentile]"
        if any(banded.values())
        else "Welfare change, percent"
    )
    table = Table(title=tr(title, lang))
    table.add_column(tr("Country", lang))
    table.add_column(f"A: {_title(ra, lang)}", justify="right")
    table.add_column(f"B: {_title(rb, lang)}", justify="right")
    table.add_column(tr("B minus A", lang), justify="right")

    def cell(row, tag: str) -> str:
        text = fmt_pct(row[tag], lang, 3)
        if not banded[tag]:
            return text
        return (
            f"{text} [dim][{fmt_pct(row[f'{tag}_p05'], lang, 3)}; "
            f"{fmt_pct(row[f'{tag}_p95'], lang, 3)}][/]"
        )

    for code in codes:
        if code not in frame.index:
            continue
        row = frame.loc[code]
        cells = [cell(row, "a"), cell(row, "b"), cell(row, "difference")]
        table.add_row(f"{ra.name_of(code, lang)} ({code})", *cells)
    if ra.modelled_baseline:
        con.print(
            tr("Note: the baseline trade flows are modelled, not observed.", lang), style="yellow"
        )
    con.print(table)
    if frame.attrs.get("paired"):
        con.print(
            tr(
                "Shared effects use the same draws in both runs, so the band of the difference is paired.",
                lang,
            )
        )
    if out is not None:
        path = write_frame(frame.reset_index(), Path(out) / "compare.csv")
        con.print(tr("Table: {path}", lang, path=str(path.resolve())))


def _shelter(a, b, w, draws, seed, workers, scheduler, lang, focus, out) -> None:
    from jahan.report.io import write_frame
    from jahan.scenario import crisis_shelter

    con = console()
    result = crisis_shelter(b, a, w, draws=draws, seed=seed, workers=workers, scheduler=scheduler)
    frame = result.countries
    codes = [c for c in (_focus(focus) or b.spec.scenario.focus) if c in frame.index]
    table = Table(
        title=tr(
            "Crisis loss, percent of real income, each from its own pre-crisis "
            "world [5th; 95th percentile]",
            lang,
        )
    )
    table.add_column(tr("Country", lang))
    table.add_column(tr("Without the union", lang), justify="right")
    table.add_column(tr("With the union", lang), justify="right")
    table.add_column(tr("Shelter", lang), justify="right")
    table.add_column(tr("Band excludes zero", lang))
    for code in codes:
        row = frame.loc[code]
        cells = [
            f"{fmt_pct(row[k], lang, 4)} [dim][{fmt_pct(row[f'{k}_p05'], lang, 4)}; "
            f"{fmt_pct(row[f'{k}_p95'], lang, 4)}][/]"
            for k in ("loss_without", "loss_with", "shelter")
        ]
        verdict = tr("yes", lang) if row["band_excludes_zero"] else tr("no", lang)
        table.add_row(code, *cells, verdict)
    if result.claim:
        con.print(tr("Claim: {claim}", lang, claim=result.claim))
    con.print(table)
    con.print(
        tr(
            "Shelter = crisis loss without the union minus crisis loss with it; the three "
            "runs share their draws, so the band is paired.",
            lang,
        )
    )
    if out is not None:
        path = write_frame(result.to_frame(), Path(out) / "shelter.csv")
        con.print(tr("Table: {path}", lang, path=str(path.resolve())))


def register(app: typer.Typer) -> None:
    """Add ``run``, ``scenarios`` and ``compare`` to the jahan app."""
    app.command("run")(run)
    app.command("scenarios")(scenarios)
    app.command("compare")(compare_cmd)


__all__ = ["register"]
