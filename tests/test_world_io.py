"""World.from_frames, World.read / write, read_cepii_gravity, and the input checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jahan.errors import DataError, DataWarning
from jahan.world import World, read_cepii_gravity

CODES = ["KAZ", "KGZ", "RUS"]


def _countries() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "iso3": CODES,
            "name_en": ["Kazakhstan", "Kyrgyzstan", "Russia"],
            "lat": [51.18, 42.87, 55.75],
            "lon": [71.45, 74.59, 37.62],
            "area_km2": [2_724_900.0, 199_951.0, 17_098_246.0],
            "gdp_usd": [180e9, 8e9, 1700e9],
        }
    )


def _flows(domestic: bool = True) -> pd.DataFrame:
    rows = []
    for e in CODES:
        for i in CODES:
            if e == i and not domestic:
                continue
            rows.append({"exporter": e, "importer": i, "value": 100.0 if e == i else 10.0})
    return pd.DataFrame(rows)


def test_from_frames_builds_a_world_with_default_pairs():
    w = World.from_frames(countries=_countries(), flows=_flows(), baseline_year=2019)
    assert w.iso3 == CODES
    assert w.flows_kind == "observed"
    assert len(w.pairs) == 9
    assert w.pairs.loc[("KAZ", "RUS"), "distance_km"] == pytest.approx(
        w.pairs.loc[("RUS", "KAZ"), "distance_km"]
    )
    assert w.output()["KAZ"] == pytest.approx(120.0)
    w.check(require_domestic=True)
    assert w.country("kaz")["name_en"] == "Kazakhstan"
    assert w.name("KGZ", lang="kk") == "Kyrgyzstan"  # no Kazakh name given: English


def test_unknown_iso3_is_named_with_the_nearest_code():
    f = _flows()
    f.loc[0, "exporter"] = "KAX"
    with pytest.raises(DataError, match=r"KAX \(did you mean KAZ\?\)"):
        World.from_frames(countries=_countries(), flows=f)


def test_malformed_code_is_named():
    c = _countries()
    c.loc[1, "iso3"] = "kg"
    with pytest.raises(DataError, match="kg"):
        World.from_frames(countries=c)


def test_duplicate_pairs_are_named():
    f = pd.concat([_flows(), _flows().iloc[[4]]], ignore_index=True)
    with pytest.raises(DataError, match="duplicate pair.*KGZ->KGZ"):
        World.from_frames(countries=_countries(), flows=f)


@pytest.mark.parametrize(
    "bad, pattern", [(-1.0, "negative flow.*KAZ->KGZ"), (np.nan, "missing.*KAZ->KGZ")]
)
def test_negative_or_nan_flows_are_named(bad, pattern):
    f = _flows()
    f.loc[(f.exporter == "KAZ") & (f.importer == "KGZ"), "value"] = bad
    with pytest.raises(DataError, match=pattern):
        World.from_frames(countries=_countries(), flows=f)


def test_non_square_flow_set_is_named():
    f = _flows()
    f = f[~((f.exporter == "RUS") & (f.importer == "KGZ"))]
    with pytest.raises(DataError, match="not square.*RUS->KGZ"):
        World.from_frames(countries=_countries(), flows=f)
    only_exports = _flows()[lambda d: d.importer != "KGZ"]
    with pytest.raises(DataError, match="never importers: KGZ"):
        World.from_frames(countries=_countries(), flows=only_exports)


def test_missing_domestic_flows_when_required():
    w = World.from_frames(countries=_countries(), flows=_flows(domestic=False))
    with pytest.raises(DataError, match="domestic flows.*KAZ, KGZ, RUS"):
        w.check(require_domestic=True)
    with pytest.raises(DataError, match="domestic"):
        World.from_frames(
            countries=_countries(), flows=_flows(domestic=False), require_domestic=True
        )
    zero = _flows()
    zero.loc[(zero.exporter == "KGZ") & (zero.importer == "KGZ"), "value"] = 0.0
    with pytest.raises(DataError, match="domestic flows.*KGZ"):
        World.from_frames(countries=_countries(), flows=zero).flows_frame(require_domestic=True)


def test_groups_validation_and_lookup():
    groups = pd.DataFrame(
        {
            "group": ["EAEU", "EAEU", "EAEU"],
            "iso3": CODES,
            "entry_year": [2015, 2015, 2015],
            "exit_year": [None, None, None],
            "source": ["treaty"] * 3,
        }
    )
    w = World.from_frames(countries=_countries(), groups=groups, baseline_year=2019)
    assert w.group("EAEU") == CODES
    assert w.group("EAEU", year=2014) == []
    with pytest.raises(DataError, match="Did you mean 'EAEU'"):
        w.group("EAEA")
    bad = groups.assign(iso3=["KAZ", "KGZ", "RUZ"])
    with pytest.raises(DataError, match="RUZ"):
        World.from_frames(countries=_countries(), groups=bad)


def test_write_then_read_round_trip(tmp_path):
    w = World.builtin().restrict(["KAZ", "RUS", "CHN", "UZB"])
    folder = w.write(tmp_path / "w")
    back = World.read(folder)
    assert back.iso3 == w.iso3
    assert back.flows_kind == "observed" and back.baseline_year == 2016
    pd.testing.assert_series_equal(back.flows, w.flows)
    assert back.group("EAEU") == ["KAZ", "RUS"]
    assert not list(folder.glob("*.tmp"))


def test_read_csv_folder_and_single_flows_file(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    _countries().to_csv(folder / "countries.csv", index=False)
    _flows().to_csv(folder / "flows.csv", index=False)
    w = World.read(folder)
    assert w.iso3 == CODES and w.flows_kind == "observed"
    one = tmp_path / "flows.csv"
    _flows().to_csv(one, index=False)
    w2 = World.read(one, require_domestic=True)
    assert sorted(w2.iso3) == CODES
    bad = _flows()
    bad.loc[2, "value"] = -5
    bad.to_csv(one, index=False)
    with pytest.raises(DataError, match="negative"):
        World.read(one)
    with pytest.raises(DataError, match="no such"):
        World.read(tmp_path / "absent")


def _cepii_frame() -> pd.DataFrame:
    rows = []
    gdp = {"KAZ": 180_000_000.0, "KGZ": 8_000_000.0, "RUS": 1_700_000_000.0}  # thousands USD
    dist = {("KAZ", "KGZ"): 1000.0, ("KAZ", "RUS"): 2300.0, ("KGZ", "RUS"): 3000.0}
    for year in (2018, 2019):
        for o in CODES:
            for d in CODES:
                if o == d:
                    continue
                key = tuple(sorted((o, d)))
                rows.append(
                    {
                        "year": year,
                        "iso3_o": o,
                        "iso3_d": d,
                        "country_exists_o": 1,
                        "country_exists_d": 1,
                        "distw_harmonic": dist[key],
                        "dist": dist[key] * 1.1,
                        "contig": int(key != ("KGZ", "RUS")),
                        "comlang_off": 1,
                        "fta_wto": 1,
                        "tradeflow_comtrade_o": 1000.0 * (CODES.index(o) + 1) + year,
                        "tradeflow_comtrade_d": 999.0,
                        "gdp_o": gdp[o],
                        "gdp_d": gdp[d],
                        "pop_o": 1000.0,
                        "pop_d": 1000.0,
                    }
                )
    return pd.DataFrame(rows)


def test_read_cepii_gravity(tmp_path):
    path = tmp_path / "Gravity_small.csv"
    df = _cepii_frame()
    df.loc[
        (df.year == 2019) & (df.iso3_o == "RUS") & (df.iso3_d == "KGZ"), "tradeflow_comtrade_o"
    ] = np.nan
    df.to_csv(path, index=False)
    w = read_cepii_gravity(path, year=2019)
    assert w.flows_kind == "observed" and w.baseline_year == 2019
    assert w.iso3 == CODES
    # thousands of USD -> USD millions; a missing exporter report is filled by the importer's
    assert w.flows[("KAZ", "KGZ")] == pytest.approx((1000.0 + 2019) / 1000)
    assert w.flows[("RUS", "KGZ")] == pytest.approx(0.999)
    assert w.pairs.loc[("KAZ", "RUS"), "distance_km"] == 2300.0  # distw_harmonic preferred
    assert w.pairs.loc[("KGZ", "RUS"), "contiguity"] == 0
    assert w.pairs.loc[("KAZ", "RUS"), "rta"] == 1
    assert w.country("KAZ")["gdp_usd"] == pytest.approx(180e9)
    assert w.name("KAZ", lang="kk") == "Қазақстан"
    with pytest.raises(DataError, match="domestic"):
        w.check(require_domestic=True)
    wd = read_cepii_gravity(path, year=2019, domestic="gdp_minus_exports")
    wd.check(require_domestic=True)
    exports_kaz = sum(wd.flows[("KAZ", d)] for d in ("KGZ", "RUS"))
    assert wd.flows[("KAZ", "KAZ")] == pytest.approx(180_000.0 - exports_kaz)


def test_read_cepii_gravity_missing_values_and_columns(tmp_path):
    df = _cepii_frame()
    mask = (df.year == 2019) & (df.iso3_o == "KGZ") & (df.iso3_d == "KAZ")
    df.loc[mask, ["tradeflow_comtrade_o", "tradeflow_comtrade_d"]] = np.nan
    with pytest.warns(DataWarning, match="1 of 6 pairs"):
        w = read_cepii_gravity(df, year=2019)
    assert w.flows[("KGZ", "KAZ")] == 0.0
    with pytest.raises(DataError, match="KGZ->KAZ"):
        read_cepii_gravity(df, year=2019, missing="error")
    with pytest.raises(DataError, match="no rows for year 2000"):
        read_cepii_gravity(df, year=2000)
    with pytest.raises(DataError, match="iso3_d"):
        read_cepii_gravity(df.drop(columns=["iso3_d"]), year=2019)


def test_read_csv_folder_with_every_table(tmp_path):
    w = World.builtin().restrict(["KAZ", "KGZ", "TJK", "TKM", "UZB"])
    folder = tmp_path / "ca5"
    folder.mkdir()
    w.countries.to_csv(folder / "countries.csv")
    w.pairs.to_csv(folder / "pairs.csv")
    w.flows_frame().to_csv(folder / "flows.csv", index=False)
    w.groups.to_csv(folder / "groups.csv", index=False)
    (folder / "world.json").write_text('{"baseline_year": 2019, "flows_kind": "modelled"}')
    back = World.read(folder, require_domestic=True)
    assert back.iso3 == w.iso3 and back.flows_kind == "modelled"
    assert back.neighbours("KAZ") == ["KGZ", "TKM", "UZB"]
    assert back.group("CA5") == ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
    assert back.group("CIS", year=2000) == ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
    assert back.group("CIS", year=2019) == ["KAZ", "KGZ", "TJK", "UZB"]
    np.testing.assert_allclose(back.flows.to_numpy(), w.flows.to_numpy(), rtol=1e-12)
    bad = w.pairs.reset_index()
    bad.loc[3, "importer"] = "UZX"
    bad.to_csv(folder / "pairs.csv", index=False)
    with pytest.raises(DataError, match=r"ca5.*UZX \(did you mean UZB\?\)"):
        World.read(folder)
