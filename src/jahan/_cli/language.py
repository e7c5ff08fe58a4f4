"""``jahan language``: fit language-shift models to shares and project policies."""

from __future__ import annotations

import csv
import warnings
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from jahan._cli.common import LangOption, console, lang_or_exit
from jahan._i18n import fmt_number, tr
from jahan._io import write_text_atomic
from jahan.errors import DataError, JahanWarning, Message

ModelOption = Annotated[
    str,
    typer.Option(
        "--model",
        "-m",
        help="abrams-strogatz (a, s, c), minett-wang (a, s, c, mu), or auto: "
        "minett-wang when the data record bilingual speakers, abrams-strogatz otherwise.",
    ),
]

AUTO = "auto"


def choose_model(model: str, frame: pd.DataFrame) -> str:
    """The model to fit: ``model`` itself, or for "auto" the one the data can identify.

    Abrams-Strogatz has no bilingual state; fitted to shares with bilinguals it runs along a ridge
    (c unidentified, no convergence). Minett-Wang models them, so "auto" takes it whenever a
    bilingual share is above zero.
    """
    if str(model).strip().lower() != AUTO:
        return model
    bilingual = (
        pd.to_numeric(frame.get("bilingual"), errors="coerce") if "bilingual" in frame else None
    )
    return (
        "minett-wang"
        if bilingual is not None and bool((bilingual > 0).any())
        else "abrams-strogatz"
    )


DrawsOption = Annotated[int, typer.Option("--draws", help="Bootstrap draws for the intervals.")]
SeedOption = Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")]
FixOption = Annotated[
    list[str] | None,
    typer.Option("--fix", help="Hold a parameter fixed, e.g. --fix a=1.31 (repeatable)."),
]


def read_shares_csv(path: Path) -> tuple[pd.DataFrame, list[int]]:
    """Read a CSV of shares; lines starting with '#' and blank lines are skipped.

    Returns the table (as text) and the file line number of each row, for error messages.
    """
    if not path.is_file():
        raise DataError(
            Message(
                "file not found: {path}; give a CSV with columns year, monolingual_a, bilingual, "
                "monolingual_b",
                path=str(path),
            )
        )
    rows: list[list[str]] = []
    lines: list[int] = []
    header: list[str] | None = None
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        for record in reader:
            if not record or not "".join(record).strip() or record[0].lstrip().startswith("#"):
                continue
            if header is None:
                header = [c.strip() for c in record]
                continue
            if len(record) != len(header):
                raise DataError(
                    Message(
                        "{path}, line {line}: {fields} fields, expected {expected} ({header})",
                        path=str(path),
                        line=reader.line_num,
                        fields=len(record),
                        expected=len(header),
                        header=", ".join(header),
                    )
                )
            rows.append([c.strip() for c in record])
            lines.append(reader.line_num)
    if header is None:
        raise DataError(
            Message(
                "{path} is empty: expected a header year, monolingual_a, bilingual, monolingual_b",
                path=str(path),
            )
        )
    return pd.DataFrame(rows, columns=header), lines


def _parse_fix(items: list[str] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise DataError(
                Message("--fix {item!r}: write SYMBOL=VALUE, e.g. --fix a=1.31", item=item)
            ) from None
        if not sep:
            raise DataError(
                Message("--fix {item!r}: write SYMBOL=VALUE, e.g. --fix a=1.31", item=item)
            )
    return out


def _fit(data: Path, model: str, fix: list[str] | None, draws: int, seed: int, lang: str):
    from jahan._validate_numbers import check_number
    from jahan.culture import fit_language_model

    check_number(draws, "--draws", where=Message("command line"))
    check_number(seed, "--seed", where=Message("command line"))
    frame, lines = read_shares_csv(data)
    model = choose_model(model, frame)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", JahanWarning)
        # A fit that stops early is still shown, with the ConvergenceWarning printed above it.
        fit = fit_language_model(
            frame,
            model,
            fixed=_parse_fix(fix),
            draws=draws,
            seed=seed,
            source=str(data),
            lines=lines,
            on_nonconvergence="warn",
        )
    out = console()
    for w in caught:
        if issubclass(w.category, JahanWarning):
            out.print(f"[yellow]{tr('warning', lang)}:[/] {w.message}")
    return fit


def _print_fit(fit, lang: str) -> None:
    out = console()
    out.print(
        tr(
            "Model: {model}; {n} years; residual standard deviation {sigma}",
            lang,
            model=fit.model,
            n=fit.nobs,
            sigma=fmt_number(fit.sigma, lang, 4),
        )
    )
    out.print(
        tr("Parameters with {level} profile-likelihood intervals:", lang, level=f"{fit.level:.0%}")
    )
    for symbol, row in fit.params.iterrows():
        est = fmt_number(row["estimate"], lang, 4)
        if row["fixed"]:
            out.print("  " + tr("{symbol} = {value} (fixed)", lang, symbol=symbol, value=est))
            continue
        text = tr(
            "{symbol} = {value}  [{lower}, {upper}]",
            lang,
            symbol=symbol,
            value=est,
            lower=fmt_number(row["lower"], lang, 4),
            upper=fmt_number(row["upper"], lang, 4),
        )
        if not row["identified"]:
            text += "  " + tr("(not identified)", lang)
        out.print("  " + text)


def source_statement(path: Path) -> tuple[list[str], bool]:
    """The comment lines of a shares CSV (its source statement) and whether they call it synthetic."""
    notes: list[str] = []
    with path.open(encoding="utf-8-sig") as fh:
        for line in fh:
            text = line.strip()
            if text.startswith("#"):
                notes.append(text.lstrip("#").strip())
    return notes, any("synthetic" in n.lower() for n in notes)


def register(app: typer.Typer) -> None:
    """Add the ``language`` command group to ``app``."""
    group = typer.Typer(
        help="Language shift: fit Abrams-Strogatz or Minett-Wang to shares, project policies.",
        no_args_is_help=True,
    )

    @group.command("fit")
    def fit_command(
        data: Annotated[
            Path, typer.Argument(help="CSV: year, monolingual_a, bilingual, monolingual_b.")
        ],
        model: ModelOption = AUTO,
        fix: FixOption = None,
        draws: DrawsOption = 200,
        seed: SeedOption = 1,
        out: Annotated[
            Path | None, typer.Option("--out", help="Folder for the phase-plane figure.")
        ] = None,
        lang: LangOption = None,
    ) -> None:
        """Fit a model to a series of shares; print each parameter with its interval."""
        lang = lang_or_exit(lang)
        fit = _fit(data, model, fix, draws, seed, lang)
        _print_fit(fit, lang)
        if out is not None:
            from jahan.report.culture_figures import phase_plane_figure, write_figure_html

            path = write_figure_html(
                phase_plane_figure(fit, lang), out / "language_phase_plane.html"
            )
            console().print(tr("Figure written: {path}", lang, path=str(path)))

    @group.command("project")
    def project_command(
        data: Annotated[
            Path, typer.Argument(help="CSV: year, monolingual_a, bilingual, monolingual_b.")
        ],
        status: Annotated[
            float | None, typer.Option("--status", help="New status s of language A.")
        ] = None,
        from_year: Annotated[float, typer.Option("--from", help="Year the policy starts.")] = 2030,
        acquisition: Annotated[
            float | None,
            typer.Option(
                "--acquisition", help="Bilingual acquisition eps (minett-wang), per year."
            ),
        ] = None,
        transmission: Annotated[
            float | None,
            typer.Option(
                "--transmission", help="Intergenerational transmission tau (minett-wang), 0..1."
            ),
        ] = None,
        until: Annotated[float | None, typer.Option("--until", help="Last projected year.")] = None,
        model: ModelOption = AUTO,
        fix: FixOption = None,
        draws: DrawsOption = 200,
        seed: SeedOption = 1,
        out: Annotated[
            Path, typer.Option("--out", help="Folder for the figures, the table and the report.")
        ] = Path("."),
        lang: LangOption = None,
    ) -> None:
        """Fit, then project the shares without and with a policy from a given year; write the report."""
        from jahan.culture import LanguagePolicy, project
        from jahan.report.culture_figures import (
            phase_plane_figure,
            projection_figure,
            write_figure_html,
            write_language_report,
        )

        lang = lang_or_exit(lang)
        fit = _fit(data, model, fix, draws, seed, lang)
        _print_fit(fit, lang)
        policy = LanguagePolicy(
            from_year, status=status, bilingual_acquisition=acquisition, transmission=transmission
        )
        proj = project(fit, policy, until=until)
        final = proj.final()
        con = console()
        for scenario in ("baseline", "policy"):
            row = final.loc[scenario]
            label = tr("baseline", lang) if scenario == "baseline" else tr("policy", lang)
            con.print(
                tr(
                    "{scenario}: share speaking A in {year}: {value} [{lower}, {upper}]",
                    lang,
                    scenario=label,
                    year=int(row["year"]),
                    value=fmt_number(row["speakers_a"], lang, 3),
                    lower=fmt_number(row["speakers_a_lower"], lang, 3),
                    upper=fmt_number(row["speakers_a_upper"], lang, 3),
                )
            )
        paths = [
            write_figure_html(projection_figure(proj, fit, lang), out / "language_projection.html"),
            write_figure_html(phase_plane_figure(fit, lang), out / "language_phase_plane.html"),
        ]
        table = out / "language_projection.csv"
        write_text_atomic(proj.to_frame().to_csv(index=False), table)
        paths.append(table)
        for path in paths:
            con.print(
                tr("Figure written: {path}", lang, path=str(path))
                if path.suffix == ".html"
                else tr("Table written: {path}", lang, path=str(path))
            )
        notes, synthetic = source_statement(data)
        report = write_language_report(
            fit,
            proj,
            out / f"language_report_{lang}.html",
            lang,
            source=data.name,
            source_notes=notes,
            synthetic=synthetic,
        )
        con.print(tr("Report written: {path}", lang, path=str(report)))

    app.add_typer(group, name="language")
