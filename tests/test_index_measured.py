"""The measured globalization index: agreements once per lineage, coverage before ranking,
reproducibility from the documented variables, bad input, and the ranking of the built-in world."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jahan.errors import DataError
from jahan.index.measured import (
    MIN_COUNTRY_SHARE,
    VARIABLES,
    check_user_table,
    measured_index,
    measured_index_over_time,
)
from jahan.world.globalization import (
    AGREEMENTS,
    ORGANISATIONS,
    agreement_partner_counts,
    effective_number,
    lineage_counts,
    stocks_in_year,
)

CODES = [c for c, _, _ in VARIABLES]


def _groups(rows):
    return pd.DataFrame(rows, columns=["group", "iso3", "entry_year", "exit_year"])


# ---------------------------------------------------------------- agreements once per lineage
def test_the_cis_free_trade_customs_union_eaeu_chain_counts_once():
    groups = _groups(
        [
            ("CISFTA", "KAZ", 2012, None),
            ("CU", "KAZ", 2010, None),
            ("EAEU", "KAZ", 2010, None),
            ("CISFTA", "ARM", 2012, None),
            ("EAEU", "ARM", 2015, None),
            ("CISFTA", "UZB", 2014, None),
            ("EU", "DEU", 1958, None),
            ("ASEAN", "SGP", 1967, None),
        ]
    )
    counts = lineage_counts(groups, AGREEMENTS, 2016)
    assert counts["KAZ"] == 1  # three groups, one lineage
    assert counts["ARM"] == 1
    assert counts["UZB"] == 1
    # a country in two different lineages counts two
    both = pd.concat([groups, _groups([("EU", "KAZ", 2016, None)])])
    assert lineage_counts(both, AGREEMENTS, 2016)["KAZ"] == 2
    # before its entry a group does not count; after its exit neither
    assert "UZB" not in lineage_counts(groups, AGREEMENTS, 2013).index
    left = _groups([("EU", "GBR", 1973, 2020)])
    assert lineage_counts(left, AGREEMENTS, 2019)["GBR"] == 1
    assert "GBR" not in lineage_counts(left, AGREEMENTS, 2020).index


def test_kazakhstan_counts_the_chain_once_in_the_built_in_groups():
    from jahan.world._builtin import builtin_tables

    groups = builtin_tables().groups
    kaz = set(groups.loc[groups["iso3"] == "KAZ", "group"])
    assert {"CISFTA", "CU", "EAEU"} <= kaz
    assert lineage_counts(groups, AGREEMENTS, 2016)["KAZ"] == 1
    # as organisations the CU and the EAEU are one; CIS, SCO and CSTO are others
    assert {"CIS", "SCO", "CSTO"} <= kaz
    assert lineage_counts(groups, ORGANISATIONS, 2016)["KAZ"] == 4


def test_agreement_partners_count_a_partner_once_however_many_shared_agreements():
    groups = _groups(
        [
            ("CISFTA", "KAZ", 2012, None),
            ("CU", "KAZ", 2010, None),
            ("CISFTA", "RUS", 2012, None),
            ("CU", "RUS", 2010, None),
            ("CISFTA", "UZB", 2014, None),
        ]
    )
    got = agreement_partner_counts(groups, ["KAZ", "RUS", "UZB", "CHN"], 2016)
    assert got.to_dict() == {"KAZ": 2.0, "RUS": 2.0, "UZB": 2.0, "CHN": 0.0}


# ---------------------------------------------------------------- building blocks
def test_effective_number_of_equal_partners_is_their_count():
    values = pd.Series([5.0, 5.0, 5.0, 5.0, 7.0, 0.0])
    by = pd.Series(["A", "A", "A", "A", "B", "B"])
    got = effective_number(values, by)
    assert got["A"] == pytest.approx(4.0)
    assert got["B"] == pytest.approx(1.0)


def test_stocks_between_desa_years_are_linear():
    m = pd.DataFrame(
        {
            "origin": ["RUS", "RUS", "UZB"],
            "destination": ["KAZ", "KAZ", "KAZ"],
            "year": [2015, 2019, 2019],
            "persons": [100.0, 140.0, 8.0],
        }
    )
    s = stocks_in_year(m, 2016).set_index(["origin", "destination"])["persons"]
    assert s[("RUS", "KAZ")] == pytest.approx(110.0)
    assert s[("UZB", "KAZ")] == pytest.approx(2.0)  # absent in 2015: 0 there
    with pytest.raises(DataError, match="2015-2019"):
        stocks_in_year(m, 2020)


# ---------------------------------------------------------------- coverage before ranking
def _small_panel(
    rng: np.random.Generator, countries: list[str], years=(2015, 2016)
) -> pd.DataFrame:
    rows = []
    for y in years:
        for c in countries:
            for code in CODES:
                rows.append((c, y, code, float(rng.uniform(1, 100))))
    return pd.DataFrame(rows, columns=["country", "year", "indicator", "value"])


def test_a_country_below_the_coverage_threshold_is_not_ranked():
    rng = np.random.default_rng(7)
    countries = [f"C{i:02d}" for i in range(12)]
    data = _small_panel(rng, countries)
    # C00 keeps 5 of the 8 default variables in 2016: 62.5% < 75%
    default = [c for c, _, partial in VARIABLES if not partial]
    dropped = default[:3]
    data = data[
        ~((data["country"] == "C00") & (data["year"] == 2016) & data["indicator"].isin(dropped))
    ]
    res = measured_index(data, 2016)
    assert (len(default) - 3) / len(default) < MIN_COUNTRY_SHARE
    assert "C00" in res.not_ranked and "C00" not in res.ranked
    assert np.isnan(res.ranks["C00"]) and np.isnan(res.scores["C00"])
    assert sorted(res.ranks.dropna().astype(int)) == list(range(1, 12))
    # with a lower threshold the same country is ranked
    assert "C00" in measured_index(data, 2016, min_country_share=0.5).ranked


def test_a_sub_index_with_too_few_variables_is_not_scored():
    rng = np.random.default_rng(3)
    data = _small_panel(rng, [f"C{i}" for i in range(10)])
    res = measured_index(data, 2016)
    # default: partial-list variables stay out, so de jure trade keeps only wto_years
    assert dict(res.not_scored) == {"economic_de_jure": 1, "political_de_jure": 0}
    assert res.dimensions_not_scored == ("political",)
    assert res.table()["political"].isna().all()
    assert not res.variables.loc["trade_agreements", "used"]
    wider = measured_index(data, 2016, include_partial=True)
    assert "economic_de_jure" not in wider.not_scored
    assert wider.not_scored["political_de_jure"] == 1  # one organisation count is not enough
    lines = res.coverage_lines("en")
    assert lines[0].startswith("Coverage, 2016: 8 measured variables")
    assert any("not scored (1 of at least 2" in line for line in lines)


# ---------------------------------------------------------------- reproducible from the documents
def _reference(data: pd.DataFrame, year: int) -> pd.Series:
    """docs/index.md, written out by hand: 1 + 99 (x - min) / (max - min) over all years; equal
    weights in each group of two (the first principal component of two standardised variables
    loads them equally); means of groups, sub-indices and dimensions; countries need 75% of the
    variables."""
    groups = {
        "trade_intensity": ["trade_openness", "trade_share_pwt"],
        "trade_extensity": ["export_partner_breadth", "import_partner_breadth"],
        "migration_intensity": ["immigrant_share", "emigrant_share"],
        "migration_extensity": ["immigrant_origin_breadth", "diaspora_breadth"],
    }
    wide = data.pivot_table(index=["country", "year"], columns="indicator", values="value")
    lo, hi = wide.min(), wide.max()
    norm = (1 + 99 * (wide - lo) / (hi - lo)).xs(year, level="year")
    g = {k: norm[v].mean(axis=1) for k, v in groups.items()}
    economic = pd.concat([g["trade_intensity"], g["trade_extensity"]], axis=1).mean(axis=1)
    social = pd.concat([g["migration_intensity"], g["migration_extensity"]], axis=1).mean(axis=1)
    index = (economic + social) / 2
    share = norm[[c for v in groups.values() for c in v]].notna().mean(axis=1)
    return index.where(share >= 0.75)


def test_the_index_is_the_documented_formula_on_complete_data():
    rng = np.random.default_rng(11)
    data = _small_panel(rng, [f"C{i:02d}" for i in range(15)], years=(2014, 2015, 2016))
    default = [c for c, _, partial in VARIABLES if not partial and c != "wto_years"]
    data = data[data["indicator"].isin(default + ["wto_years"])]
    res = measured_index(data, 2016)
    expected = _reference(data[data["indicator"].isin(default)], 2016)
    pd.testing.assert_series_equal(
        res.scores.sort_index(),
        expected.sort_index(),
        check_names=False,
        check_flags=False,
        rtol=1e-12,
    )


# ---------------------------------------------------------------- over time
def test_the_path_over_time_is_the_index_of_each_year():
    rng = np.random.default_rng(5)
    data = _small_panel(rng, [f"C{i}" for i in range(8)], years=(2014, 2015, 2016))
    path = measured_index_over_time(data).set_index(["country", "year"])
    for y in (2014, 2016):
        one = measured_index(data, y)
        np.testing.assert_allclose(path.xs(y, level="year")["score"], one.scores, rtol=1e-12)
    # one normalisation over all years: the score of a year does not depend on other years' ranks
    assert path.index.get_level_values("year").nunique() == 3


# ---------------------------------------------------------------- bad input
def test_a_bad_user_table_gets_one_error_naming_every_bad_row():
    bad = pd.DataFrame(
        {
            "country": ["KAZ", "KAZ", "XXK", "KAZ", "UZB"],
            "year": [2016, 2016, 2016, 2016, 2016],
            "indicator": [
                "trade_openness",
                "trade_openness",
                "immigrant_share",
                "tarde_openness",
                "wto_years",
            ],
            "value": [40.0, 41.0, 3.0, 2.0, "n/a"],
        }
    )
    with pytest.raises(DataError) as err:
        check_user_table(bad, CODES, ["KAZ", "UZB"])
    text = str(err.value)
    assert "not numbers in 1 rows: 5 (UZB, 2016, wto_years: n/a)" in text
    assert (
        "repeated (country, year, indicator) key in 2 rows: 1 (KAZ, 2016, trade_openness), 2"
        in text
    )
    assert "unknown indicator codes in 1 rows: 4 (tarde_openness)" in text
    assert "unknown country codes in 1 rows: 3 (XXK)" in text
    good = bad.iloc[[0, 4]].assign(value=[40.0, 2.0])
    assert len(check_user_table(good, CODES, ["KAZ", "UZB"])) == 2


def test_the_cli_refuses_a_bad_table_with_the_rows(tmp_path):
    from typer.testing import CliRunner

    from jahan.cli import app

    path = tmp_path / "mine.csv"
    pd.DataFrame(
        {
            "country": ["KAZ", "KAZ"],
            "year": [2016, 2016],
            "indicator": ["fdi", "trade_openness"],
            "value": [1.0, 2.0],
        }
    ).to_csv(path, index=False)
    out = CliRunner().invoke(app, ["index", "--data", str(path), "--draws", "0"])
    assert out.exit_code != 0
    assert isinstance(out.exception, DataError)  # main() prints it on one line, exit code 2
    assert "unknown indicator codes in 1 rows: 1 (fdi)" in str(out.exception)


def test_the_report_leads_with_coverage_and_draws_the_path(tmp_path):
    from jahan.report.index_report import path_figure, write_index_report

    rng = np.random.default_rng(9)
    countries = ["KAZ", "KGZ", "UZB", "DEU", "NLD"]
    data = _small_panel(rng, countries, years=(2014, 2015, 2016))
    res = measured_index(data, 2016)
    path = measured_index_over_time(data)
    fig = path_figure(path, ["KAZ", "KGZ"], "kk")
    assert [t.name for t in fig.data] == ["KAZ", "KGZ"]
    kaz = path[path["country"] == "KAZ"].sort_values("year")
    np.testing.assert_allclose(fig.data[0].y, kaz["score"])
    target = write_index_report(res, path, ["KAZ", "KGZ"], tmp_path / "index.html", "kk")
    text = target.read_text(encoding="utf-8")
    assert text.index('id="coverage"') < text.index('id="ranking"') < text.index('id="path"')
    assert "Қамту" in text and "Саяси жаһандану" in text  # Kazakh labels, political not scored
    assert 'id="sensitivity"' not in text  # no draws, no sensitivity claim


def test_the_result_is_sealed():
    import dataclasses

    rng = np.random.default_rng(2)
    res = measured_index(_small_panel(rng, [f"C{i}" for i in range(6)]), 2016)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.year = 2000  # type: ignore[misc]
    table = res.variables
    table.loc["trade_openness", "used"] = False
    ranks = res.ranks
    ranks.iloc[0] = -1
    assert res.variables.loc["trade_openness", "used"]
    assert (res.ranks.dropna() >= 1).all()
    with pytest.raises(TypeError):
        res.settings["min_variables"] = 1  # type: ignore[index]


def test_sensitivity_sentence_names_the_ranks_in_each_language():
    from jahan.index.measured import sensitivity_text

    row = pd.Series(
        {"nominal_rank": 9.6, "rank_p05": 7.2, "rank_p95": 14.4, "rank_min": 5.0, "rank_max": 18.0}
    )
    en = sensitivity_text(row, 40, 200, "KAZ", "weights")
    assert "KAZ is ranked 10 of 40; in 90% of the draws between 7 and 14" in en
    assert "between 5 and 18" in en and en.endswith("most: weights.")
    kk = sensitivity_text(row, 40, 200, "KAZ", "weights", "kk")
    assert "KAZ" in kk and "40" in kk and any("\u0400" <= ch <= "\u04ff" for ch in kk)
