"""`jahan language fit` and `jahan language project` through the command-line app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jahan.cli import app
from jahan.errors import DataError

EXAMPLE = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "jahan"
    / "data"
    / "language"
    / "synthetic_language_shift.csv"
)
runner = CliRunner()


def test_fit_prints_each_parameter_with_its_interval():
    result = runner.invoke(
        app,
        [
            "language",
            "fit",
            str(EXAMPLE),
            "--model",
            "minett-wang",
            "--draws",
            "40",
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    for symbol in ("a", "s", "c", "mu"):
        line = next(
            li for li in result.output.splitlines() if li.strip().startswith(f"{symbol} = ")
        )
        assert "[" in line and "]" in line
    assert "eps = 0.0000 (fixed)" in result.output


def test_fit_in_kazakh_with_a_fixed_parameter(tmp_path):
    result = runner.invoke(
        app,
        [
            "language",
            "fit",
            str(EXAMPLE),
            "--model",
            "abrams-strogatz",
            "--fix",
            "a=1.31",
            "--draws",
            "30",
            "--lang",
            "kk",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "a = 1,3100 (бекітілген)" in result.output
    assert "Модель: abrams-strogatz" in result.output
    html = (tmp_path / "language_phase_plane.html").read_text(encoding="utf-8")
    assert json.dumps("abrams-strogatz моделінің фазалық жазықтығы")[1:-1] in html  # JSON-escaped


def test_project_writes_self_contained_figures_and_table(tmp_path):
    result = runner.invoke(
        app,
        [
            "language",
            "project",
            str(EXAMPLE),
            "--model",
            "minett-wang",
            "--status",
            "0.55",
            "--from",
            "2030",
            "--until",
            "2080",
            "--draws",
            "30",
            "--out",
            str(tmp_path),
            "--lang",
            "ru",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "доля говорящих на языке A в 2080 году" in result.output
    for name in ("language_projection.html", "language_phase_plane.html"):
        html = (tmp_path / name).read_text(encoding="utf-8")
        assert 'src="https://cdn.plot.ly' not in html and '<script src="http' not in html
        assert "Plotly.newPlot" in html and len(html) > 1_000_000  # plotly.js is embedded
    table = (tmp_path / "language_projection.csv").read_text(encoding="utf-8").splitlines()
    assert table[0].startswith("scenario,year,monolingual_a")
    assert not list(tmp_path.glob("*.tmp"))


def test_bad_line_is_named_in_the_error(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").splitlines()
    # Line 7 of the file (two comment lines, the header, then data): make the shares sum to 1.2.
    fields = text[6].split(",")
    fields[2] = f"{float(fields[2]) + 0.2:.4f}"
    text[6] = ",".join(fields)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["language", "fit", str(bad), "--draws", "0"])
    assert result.exit_code != 0
    assert isinstance(result.exception, DataError)
    assert f"{bad}, line 7 (year {fields[0]})" in str(result.exception)


def test_unknown_model_suggests_the_name():
    result = runner.invoke(
        app, ["language", "fit", str(EXAMPLE), "--model", "minet-wang", "--draws", "0"]
    )
    assert isinstance(result.exception, DataError)
    assert "Did you mean 'minett-wang'?" in str(result.exception)


@pytest.mark.parametrize("arg", ["a:1.31", "a=high"])
def test_bad_fix_option(arg):
    result = runner.invoke(app, ["language", "fit", str(EXAMPLE), "--fix", arg, "--draws", "0"])
    assert isinstance(result.exception, DataError)
    assert "SYMBOL=VALUE" in str(result.exception)


def test_report_section_for_a_fit_and_a_projection():
    import pandas as pd

    from jahan.culture import LanguagePolicy, fit_language_model, project
    from jahan.report.culture_figures import language_section

    fit = fit_language_model(pd.read_csv(EXAMPLE, comment="#"), "minett-wang", draws=20, seed=2)
    proj = project(fit, LanguagePolicy(2030, status=0.55), until=2060)
    section = language_section(fit, proj, "ru")
    assert section["title"] == "Языковой сдвиг: модель minett-wang"
    assert [row[0] for row in section["rows"]] == ["a", "s", "c", "mu", "eps", "tau", "x0", "y0"]
    assert section["rows"][4][2] == "зафиксирован"
    assert "2060" in section["headline"] and len(section["figures"]) == 2


def test_fit_that_stops_early_is_shown_with_a_loud_warning():
    # Abrams-Strogatz on data made by Minett-Wang runs along a ridge (a -> 1, c -> its limit).
    result = runner.invoke(
        app,
        [
            "language",
            "fit",
            str(EXAMPLE),
            "--model",
            "abrams-strogatz",
            "--draws",
            "0",
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "before convergence" in result.output
    assert "(not identified)" in result.output
    assert any(li.strip().startswith("s = ") for li in result.output.splitlines())


def _outside_scripts(html: str) -> str:
    import re

    return re.sub(r"<script>.*?</script>", "", html, flags=re.S)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_project_writes_a_self_contained_report_in_the_language(tmp_path, lang):
    import re

    from jahan._i18n import tr

    result = runner.invoke(
        app,
        [
            "language",
            "project",
            str(EXAMPLE),
            "--model",
            "minett-wang",
            "--status",
            "0.55",
            "--from",
            "2030",
            "--until",
            "2070",
            "--draws",
            "20",
            "--out",
            str(tmp_path),
            "--lang",
            lang,
        ],
    )
    assert result.exit_code == 0, result.output
    page = tmp_path / f"language_report_{lang}.html"
    assert page.is_file() and not list(tmp_path.glob("*.tmp"))
    html = page.read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in html
    for heading in (
        "Language shift report",
        "Data source",
        "Fitted parameters",
        "Identification warnings",
        "Policy",
        "Projection",
        "Phase plane",
    ):
        assert f">{tr(heading, lang)}</h" in html, heading
    # The example is synthetic and the report says so, with the file's own statement.
    assert 'id="synthetic"' in html and tr("Synthetic example", lang) in html
    assert "SYNTHETIC example data" in html
    # Parameters by their symbols with intervals; the policy lever and its year.
    table = html[html.index('id="parameters-table"') : html.index("</table>")]
    for symbol in ("a", "s", "c", "mu"):
        assert re.search(
            rf"<td>{symbol}</td><td>[0-9.,]+</td><td>\[[0-9.,]+, [0-9.,]+\]</td>", table
        ), symbol
    assert tr("From {year}: status of language A, s = {value}", lang, year="2030", value="") in html
    # Both figures are drawn by the embedded plotly.js; nothing is loaded from the network.
    assert (
        html.count("Plotly.newPlot(") == 2
        and 'id="projection"' in html
        and 'id="phase-plane"' in html
    )
    assert len(html) > 1_000_000 and "<script src=" not in html
    markup = _outside_scripts(html)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", markup)


def test_report_lists_parameters_that_are_not_identified(tmp_path):
    import warnings

    import numpy as np
    import pandas as pd

    from jahan._i18n import tr
    from jahan.culture import IdentificationWarning, LanguagePolicy, fit_language_model, project
    from jahan.report.culture_figures import write_language_report

    # Constant shares: s = 1/2 explains them for any a and c, which are then not identified.
    rng = np.random.default_rng(0)
    years = np.arange(1990, 2021, 2.0)
    x = 0.5 + rng.normal(0, 0.002, years.size)
    frame = pd.DataFrame(
        {"year": years, "monolingual_a": x, "bilingual": 0.0, "monolingual_b": 1 - x}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IdentificationWarning)
        fit = fit_language_model(frame, "abrams-strogatz", draws=20, seed=0)
    bad = [s for s, row in fit.params.iterrows() if not row["identified"]]
    assert bad
    proj = project(fit, LanguagePolicy(2025), until=2040)
    page = write_language_report(fit, proj, tmp_path / "r.html", "ru", source="flat.csv")
    html = page.read_text(encoding="utf-8")
    warning = html[html.index('id="identification"') : html.index('id="policy"')]
    for symbol in bad:
        assert f"Параметр {symbol} не идентифицируется" in warning
    assert tr("No lever is changed: the policy scenario is the baseline.", "ru") in html
    assert 'id="synthetic"' not in html and tr("The file gives no source statement.", "ru") in html


def test_readme_example_fits_the_model_the_data_identify_without_warnings():
    # The README runs `jahan language fit` on the example with no options. Its shares record
    # bilinguals, so the default picks Minett-Wang: no early stop, every parameter identified.
    result = runner.invoke(app, ["language", "fit", str(EXAMPLE), "--draws", "0", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Model: minett-wang" in result.output
    assert "warning" not in result.output.lower() and "not identified" not in result.output


def test_auto_takes_abrams_strogatz_when_no_one_is_bilingual():
    import pandas as pd

    from jahan._cli.language import choose_model

    two_state = pd.DataFrame(
        {"year": ["2000"], "monolingual_a": ["0.6"], "bilingual": ["0"], "monolingual_b": ["0.4"]}
    )
    assert choose_model("auto", two_state) == "abrams-strogatz"
    assert choose_model("auto", two_state.assign(bilingual=["0.1"])) == "minett-wang"
    assert choose_model("abrams-strogatz", two_state.assign(bilingual=["0.1"])) == "abrams-strogatz"
