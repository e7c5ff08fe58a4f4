"""The measured globalization index of the built-in world: Kazakhstan's variables recomputed from
the source files, and a ranking that agrees with what every reader knows."""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jahan.world import World

TOOLS = Path(__file__).resolve().parents[1] / "tools"
YEAR = 2016
# US CPI-U annual averages (BLS CUUR0000SA0), as listed with the ITPD-E extract.
CPI_2010, CPI_2016 = 218.056, 240.007
# UN DESA names that differ from the world's English names (economies of the built-in world only).
DESA_NAMES = {
    "Russian Federation": "RUS", "Republic of Moldova": "MDA", "Iran (Islamic Republic of)": "IRN",
    "Viet Nam": "VNM", "United States of America": "USA", "Republic of Korea": "KOR",
    "Bolivia (Plurinational State of)": "BOL", "Venezuela (Bolivarian Republic of)": "VEN",
    "United Republic of Tanzania": "TZA", "Czechia": "CZE", "Syrian Arab Republic": "SYR",
    "Lao People's Democratic Republic": "LAO", "Democratic Republic of the Congo": "COD",
    "Congo": "COG", "Côte d'Ivoire": "CIV", "Micronesia (Fed. States of)": "FSM",
    "United Kingdom": "GBR", "Turkey": "TUR", "North Macedonia": "MKD", "Eswatini": "SWZ",
    "Cabo Verde": "CPV", "State of Palestine": "PSE", "Brunei Darussalam": "BRN",
    "Kyrgyzstan": "KGZ", "Myanmar": "MMR", "Timor-Leste": "TLS", "Sao Tome and Principe": "STP",
    "Saint Lucia": "LCA", "Saint Kitts and Nevis": "KNA", "Saint Vincent and the Grenadines": "VCT",
    "Bosnia and Herzegovina": "BIH", "Antigua and Barbuda": "ATG", "Trinidad and Tobago": "TTO",
}  # fmt: skip


def _has_migrants() -> bool:
    from jahan.world._builtin import builtin_migrants

    try:
        builtin_migrants()
    except FileNotFoundError:
        return False
    return True


needs_migrants = pytest.mark.skipif(
    not _has_migrants(),
    reason="the built-in world has no UN DESA migrant stocks (migrants.parquet)",
)


@pytest.fixture(scope="module")
def world() -> World:
    return World.builtin(year=YEAR)


@pytest.fixture(scope="module")
def variables() -> pd.DataFrame:
    from jahan.world.globalization import globalization_variables

    return globalization_variables()


@pytest.fixture(scope="module")
def kaz(variables) -> pd.Series:
    v = variables[(variables["country"] == "KAZ") & (variables["year"] == YEAR)]
    return v.set_index("indicator")["value"]


@pytest.fixture(scope="module")
def itpde(sources_file, world) -> pd.DataFrame:
    """The 2016 ITPD-E matrix from the R file, current USD millions, economies of the world only."""
    rdata = pytest.importorskip("rdata")
    rds = sources_file("itpde_r01/itpd_aggregated.rds")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        matrices = rdata.conversion.convert(rdata.parser.parse_file(rds))
        clist = rdata.conversion.convert(rdata.parser.parse_file(rds.parent / "country_list.RData"))
    names = dict(zip(clist["country_list"]["V1"], clist["country_list"]["iso3"], strict=True))
    m = matrices[YEAR - 2000]
    labels = [names[str(n)] for n in m.coords[m.dims[0]].values]
    frame = pd.DataFrame(np.asarray(m), index=labels, columns=labels) * CPI_2016 / CPI_2010 / 1e6
    keep = list(world.iso3)
    return frame.loc[keep, keep]


@pytest.fixture(scope="module")
def pwt(sources_file) -> pd.Series:
    df = pd.read_parquet(sources_file("pwt91/pwt91.parquet"))
    return df[(df["isocode"] == "KAZ") & (df["year"] == YEAR)].iloc[0]


def _hhi_number(values: pd.Series) -> float:
    s = values[values > 0]
    return float(1.0 / ((s / s.sum()) ** 2).sum())


def test_kazakhstan_trade_variables_from_itpde_and_pwt(kaz, itpde, pwt):
    exports = itpde.loc["KAZ"].drop("KAZ")
    imports = itpde["KAZ"].drop("KAZ")
    gdp_musd = pwt["cgdpo"] * pwt["pl_gdpo"]  # nominal GDP, PWT user guide
    assert kaz["trade_openness"] == pytest.approx(
        (exports.sum() + imports.sum()) / gdp_musd * 100, rel=1e-6
    )
    assert kaz["export_partner_breadth"] == pytest.approx(_hhi_number(exports), rel=1e-9)
    assert kaz["import_partner_breadth"] == pytest.approx(_hhi_number(imports), rel=1e-9)
    nominal = 100 * (pwt["csh_x"] * pwt["pl_x"] - pwt["csh_m"] * pwt["pl_m"]) / pwt["pl_gdpo"]
    assert kaz["trade_share_pwt"] == pytest.approx(nominal, rel=1e-12)
    # Kazakhstan trades with many countries but exports to few at scale: fewer than 20 effective partners
    assert 1 < kaz["import_partner_breadth"] < 20


def test_kazakhstan_institutions_from_the_curated_files(kaz, world):
    with (TOOLS / "wto_accessions.csv").open(encoding="utf-8") as fh:
        entry = {row["iso3"]: int(row["year"]) for row in csv.DictReader(fh)}["KAZ"]
    assert kaz["wto_years"] == YEAR - entry + 1 == 2
    with (TOOLS / "world_groups.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh)]
    in_force = [
        r for r in rows
        if int(r["entry_year"]) <= YEAR and (not r["exit_year"] or int(r["exit_year"]) > YEAR)
    ]  # fmt: skip
    mine = {r["group"] for r in in_force if r["iso3"] == "KAZ"}
    # CISFTA, CU and EAEU are one lineage: one agreement
    assert {"CISFTA", "CU", "EAEU"} <= mine
    assert kaz["trade_agreements"] == 1
    partners = {
        r["iso3"] for r in in_force
        if r["group"] in {"CISFTA", "CU", "EAEU"} and r["iso3"] != "KAZ" and r["iso3"] in world.iso3
    }  # fmt: skip
    assert kaz["agreement_partners"] == len(partners)
    # organisations: CIS, CU = EAEU, SCO, CSTO
    assert kaz["organisation_memberships"] == len(
        {"CIS", "EAEU", "SCO", "CSTO"} & (mine | {"EAEU"})
    )


@needs_migrants
def test_kazakhstan_migration_variables_from_un_desa(kaz, world, sources_file):
    raw = pd.read_csv(
        sources_file(
            "undesa_migrant_stock_2019/UN_MigrantStockByOriginAndDestination_2019_clean.csv"
        )
    )
    names = {n: i for i, n in world.countries["name_en"].items()}
    iso = {n: DESA_NAMES.get(n, names.get(n)) for n in [*raw.columns[2:], *raw["Dest"]]}
    pops = pd.read_csv(sources_file("worldbank/gt_countrypops_WB.csv"))
    pop = pops[(pops["country_code_3"] == "KAZ") & (pops["year"] == YEAR)]["population"].iloc[0]
    codes = set(world.iso3)

    def stocks(year: int) -> tuple[pd.Series, pd.Series]:
        rows = raw[raw["Year"] == year].set_index("Dest")
        into = rows.loc["Kazakhstan", raw.columns[2:]]
        into = pd.to_numeric(into, errors="coerce").fillna(0.0)
        into.index = [iso[n] for n in into.index]
        out = pd.to_numeric(rows["Kazakhstan"], errors="coerce").fillna(0.0)
        out.index = [iso.get(n) for n in out.index]
        keep_in = [c in codes and c != "KAZ" for c in into.index]
        keep_out = [c in codes and c != "KAZ" for c in out.index]
        return into[keep_in].groupby(level=0).sum(), out[keep_out].groupby(level=0).sum()

    # 2016 lies a quarter of the way from the 2015 to the 2019 stocks
    in15, out15 = stocks(2015)
    in19, out19 = stocks(2019)
    into = (0.75 * in15).add(0.25 * in19, fill_value=0.0)
    out = (0.75 * out15).add(0.25 * out19, fill_value=0.0)
    assert kaz["immigrant_share"] == pytest.approx(into.sum() / pop * 100, rel=1e-9)
    assert kaz["emigrant_share"] == pytest.approx(out.sum() / pop * 100, rel=1e-9)
    assert kaz["immigrant_origin_breadth"] == pytest.approx(_hhi_number(into), rel=1e-9)
    assert kaz["diaspora_breadth"] == pytest.approx(_hhi_number(out), rel=1e-9)


@needs_migrants
def test_the_default_ranking_agrees_with_what_every_reader_knows(variables):
    from jahan.index.measured import measured_index

    res = measured_index(variables)
    assert res.year == YEAR
    assert not res.not_scored.get("economic_de_facto") and "social_de_facto" not in res.not_scored
    ranks = res.ranks
    open_economies = ["NLD", "CHE", "BEL", "DEU", "SGP"]
    assert all(ranks[c] <= 30 for c in open_economies), ranks[open_economies].to_dict()
    assert ranks["KAZ"] > max(ranks[c] for c in open_economies)
    assert len(res.ranked) >= 180


@needs_migrants
def test_jahan_index_states_coverage_before_the_table_and_kazakhstans_interval():
    from typer.testing import CliRunner

    from jahan.cli import app

    out = CliRunner().invoke(app, ["index", "--draws", "40", "--lang", "ru"])
    assert out.exit_code == 0, out.output
    text = out.output
    coverage = text.index("Охват, 2016")
    first_row = text.index(" 1 ")
    assert coverage < first_row
    assert "Политическая глобализация, де-юре: не оценивается" in " ".join(text.split())
    assert "KAZ занимает" in " ".join(text.split())
