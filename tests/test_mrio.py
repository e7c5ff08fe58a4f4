"""Readers for WIOD, OECD ICIO and ADB MRIO tables, each on a small file written in its layout."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jahan.errors import DataError, DataWarning
from jahan.ge.multisector import MultiSectorGEModel
from jahan.world.mrio import mrio_to_inputs, read_adb_mrio, read_oecd_icio, read_wiod

COUNTRIES = ["AUS", "KAZ", "KGZ"]


def _table(n_sectors: int, n_final: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    g = len(COUNTRIES)
    z = rng.uniform(1.0, 10.0, (g * n_sectors, g * n_sectors))
    f = rng.uniform(20.0, 60.0, (g * n_sectors, g * n_final))
    return z, f


def _expected(z, f, n_sectors, n_final):
    g = len(COUNTRIES)
    z4 = z.reshape(g, n_sectors, g, n_sectors)
    flows = z4.sum(axis=3) + f.reshape(g, n_sectors, g, n_final).sum(axis=3)  # [i, k, n]
    output = flows.sum(axis=2)
    bought = z4.sum(axis=(0, 1))  # (n, j)
    return flows, output, 1.0 - bought / output


def _check(inputs, z, f, n_sectors, n_final, sectors):
    flows, output, va = _expected(z, f, n_sectors, n_final)
    fl = inputs["flows"].set_index(["exporter", "importer", "sector"])["value"]
    for a, i in enumerate(COUNTRIES):
        for b, n in enumerate(COUNTRIES):
            for k, s in enumerate(sectors):
                assert fl[(i, n, s)] == pytest.approx(flows[a, k, b], rel=1e-12)
    go = inputs["gross_output"].set_index(["country", "sector"])["value"]
    vs = inputs["value_added_share"].set_index(["country", "sector"])["share"]
    for a, c in enumerate(COUNTRIES):
        for k, s in enumerate(sectors):
            assert go[(c, s)] == pytest.approx(output[a, k], rel=1e-12)
            assert vs[(c, s)] == pytest.approx(va[a, k], rel=1e-12)
    sums = inputs["io_shares"].groupby(["country", "using_sector"])["share"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, rtol=1e-12)
    assert len(sums) == len(COUNTRIES) * n_sectors
    # the inputs drive the multi-sector model
    model = MultiSectorGEModel(**inputs, trade_elasticity=5.0, imbalances="fixed")
    shock = inputs["flows"][inputs["flows"]["exporter"] != inputs["flows"]["importer"]]
    shock = shock[["exporter", "importer", "sector"]].assign(rate=0.1)
    result = model.simulate(tariffs=shock)
    assert result.converged
    assert result.countries.loc["KAZ", "imports_pct"] < 0


def _wiod_grid(z, f, codes, n_final):
    """WIOT sheet: 4 label columns, 6 header rows, c-codes, final demand c57.., total TOT/c62."""
    g, ns = len(COUNTRIES), len(codes)
    top = [["World Input-Output Table", "", "", ""], ["(millions of US$)", "", "", ""]]
    col_ind = [*(codes * g), *([f"c{57 + q}" for q in range(n_final)] * g), "TOT"]
    col_country = [*np.repeat(COUNTRIES, ns), *np.repeat(COUNTRIES, n_final), "TOT"]
    col_code = [
        *([f"c{k + 1}" for k in range(ns)] * g),
        *([f"c{57 + q}" for q in range(n_final)] * g),
        "c62",
    ]
    header = [
        *[r + [""] * len(col_ind) for r in top],
        ["", "", "", "", *col_ind],
        ["", "Description", "", "", *["x"] * len(col_ind)],
        ["", "", "", "", *col_country],
        ["", "", "", "", *col_code],
    ]
    body = []
    values = np.hstack([z, f, (z.sum(1) + f.sum(1))[:, None]])
    for a, c in enumerate(COUNTRIES):
        for k, code in enumerate(codes):
            body.append([code, f"industry {code}", c, f"c{k + 1}", *values[a * ns + k]])
    bottom = [
        ["II_fob", "Total intermediate", "TOT", "r60", *z.sum(0), *[0.0] * (g * n_final + 1)],
        [
            "VA",
            "Value added",
            "TOT",
            "r64",
            *(values[:, -1] - z.sum(0)),
            *[0.0] * (g * n_final + 1),
        ],
    ]
    return pd.DataFrame(header + body + bottom)


def test_read_wiod(tmp_path):
    codes = ["A01", "B", "C10-C12"]
    z, f = _table(3, 5, seed=1)
    path = tmp_path / "WIOT2014_Nov16_ROW.csv"
    _wiod_grid(z, f, codes, 5).to_csv(path, header=False, index=False)
    _check(read_wiod(path), z, f, 3, 5, codes)


def test_read_adb_mrio(tmp_path):
    g, ns, nf = len(COUNTRIES), 4, 5
    z, f = _table(ns, nf, seed=2)
    col_code = [
        *([f"c{k + 1}" for k in range(ns)] * g),
        *([f"F{q + 1}" for q in range(nf)] * g),
        "ToT",
    ]
    col_country = [*np.repeat(COUNTRIES, ns), *np.repeat(COUNTRIES, nf), "ToT"]
    blank = [""] * len(col_code)
    header = [
        ["ADB MRIO 2019", "", "", "", *blank],
        ["", "", "", "", *blank],
        ["", "", "", "", *blank],
        ["", "", "", "", *blank],
        ["", "", "", "", *col_country],
        ["", "", "", "", *col_code],
        ["", "", "", "", *blank],
    ]
    values = np.hstack([z, f, (z.sum(1) + f.sum(1))[:, None]])
    body = [
        [f"c{k + 1}", f"sector {k + 1}", c, f"{c} economy", *values[a * ns + k]]
        for a, c in enumerate(COUNTRIES)
        for k in range(ns)
    ]
    bottom = [["r69", "Total intermediate inputs", "ToT", "", *z.sum(0), *[0.0] * (g * nf + 1)]]
    path = tmp_path / "ADB-MRIO-2019.csv"
    pd.DataFrame(header + body + bottom).to_csv(path, header=False, index=False)
    _check(read_adb_mrio(path), z, f, ns, nf, [f"c{k + 1}" for k in range(ns)])


def test_read_oecd_icio_merges_split_countries(tmp_path):
    codes = ["01T02", "05T06", "10T12"]
    z, f = _table(3, 6, seed=3)
    fd = ["HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR"]
    labels = [f"{c}_{k}" for c in COUNTRIES for k in codes]
    frame = pd.DataFrame(
        np.hstack([z, f]),
        index=labels,
        columns=labels + [f"{c}_{q}" for c in COUNTRIES for q in fd],
    )
    frame["OUT"] = frame.sum(axis=1)
    frame.loc["TLS"] = 0.5
    frame.loc["VA"] = 1.0
    frame.loc["OUT"] = frame.sum(axis=0)
    path = tmp_path / "ICIO2023_2019.csv"
    frame.rename_axis("V1").to_csv(path)
    _check(read_oecd_icio(path), z, f, 3, 6, codes)

    # KGZ split in two parts (as ICIO splits China into CN1/CN2) is summed back
    def split(table: pd.DataFrame) -> pd.DataFrame:
        kgz = [lab for lab in table.index if lab.startswith("KGZ_")]
        first = table.loc[kgz].rename(index=lambda s: s.replace("KGZ", "KG1")) * 0.4
        second = table.loc[kgz].rename(index=lambda s: s.replace("KGZ", "KG2")) * 0.6
        return pd.concat([table.drop(index=kgz), first, second])

    both = split(split(frame).T).T
    path2 = tmp_path / "ICIO_split.csv"
    both.rename_axis("V1").to_csv(path2)
    merged = read_oecd_icio(path2, merge={"KG1": "KGZ", "KG2": "KGZ"})
    _check(merged, z, f, 3, 6, codes)


def test_negative_final_demand_is_clipped_with_a_warning():
    idx = pd.MultiIndex.from_product([["AAA", "BBB"], ["s1"]])
    z = pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], index=idx, columns=idx)
    f = pd.DataFrame([[5.0, -9.0], [6.0, 7.0]], index=idx, columns=["AAA", "BBB"])
    with pytest.warns(DataWarning, match="negative"):
        inputs = mrio_to_inputs(z, f)
    flows = inputs["flows"].set_index(["exporter", "importer"])["value"]
    assert ("AAA", "BBB") not in flows.index
    assert flows[("AAA", "AAA")] == 6.0


def test_layout_errors_are_clear(tmp_path):
    path = tmp_path / "bad.csv"
    pd.DataFrame([["x", "y", "z", "w", 1.0]]).to_csv(path, header=False, index=False)
    with pytest.raises(DataError, match="WIOD table: found no industry rows"):
        read_wiod(path)
    with pytest.raises(DataError, match="not found"):
        read_oecd_icio(tmp_path / "missing.csv")
    other = tmp_path / "table.json"
    other.write_text("{}")
    with pytest.raises(DataError, match="unsupported file type"):
        read_adb_mrio(other)
