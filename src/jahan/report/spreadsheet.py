"""Results as an Excel workbook with headers in the reader's language.

CSV and Parquet files keep the stable machine names (``welfare_pct``) that scripts read; the
workbook is for people: one sheet per table, headers and shock types translated, country names in
the language beside the ISO3 code.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jahan._i18n import tr
from jahan.scenario import tr_shock_type

# Column -> msgid of its header; "_p05"/"_p95" columns are "<header>, 5th/95th percentile".
_HEADERS: dict[str, str] = {
    "country": "ISO3 code",
    "name": "Country",
    "welfare_pct": "Welfare, %",
    "real_gdp_pct": "Real GDP, %",
    "terms_of_trade_pct": "Terms of trade, %",
    "exports_pct": "Exports, %",
    "imports_pct": "Imports, %",
    "domestic_trade_pct": "Domestic trade, %",
    "factory_price_pct": "Factory-gate price, %",
    "price_index_pct": "Price index, %",
    "volume_of_trade_pct": "Volume of trade, %",
    "real_wage_pct": "Real wage, %",
    "real_income_pct": "Real income, %",
    "tariff_revenue_pct": "Tariff revenue, %",
    "output_pct": "Output, %",
    "price_pct": "Price, %",
    "trade_pct": "Trade between the shocked pairs, %",
    "sector": "Sector",
    "shock": "Shock",
    "label": "Label",
    "type": "Type",
    "members": "Countries",
    "pairs": "Pairs",
    "unit": "Unit",
    "mean": "Mean",
    "se": "Standard error",
    "coefficient": "Coefficient",
    "p05": "5th percentile",
    "p95": "95th percentile",
}


def header(column: str, lang: str) -> str:
    """The header of a result column in ``lang`` (the column name itself when unknown)."""
    for suffix, msgid in (
        ("_p05", "{header}, 5th percentile"),
        ("_p95", "{header}, 95th percentile"),
    ):
        base = column.removesuffix(suffix)
        if base != column and base in _HEADERS:
            return tr(msgid, lang, header=tr(_HEADERS[base], lang))
    return tr(_HEADERS[column], lang) if column in _HEADERS else column


def localized(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with every known column renamed to its header in ``lang``."""
    return frame.rename(columns={c: header(str(c), lang) for c in frame.columns})


def result_sheets(result, lang: str) -> dict[str, pd.DataFrame]:
    """Sheet name -> table: countries (with names in ``lang``), shocks, parameters, sectors."""
    countries = result.countries.reset_index()
    countries.insert(1, "name", [result.name_of(c, lang) for c in countries["country"]])
    shocks = result.shocks.reset_index()
    label = f"label_{lang}" if lang != "en" and f"label_{lang}" in shocks.columns else "label"
    shocks["label"] = shocks[label]
    shocks["type"] = [tr_shock_type(t, lang) for t in shocks["type"]]
    shocks = shocks.drop(columns=[c for c in ("label_kk", "label_ru") if c in shocks.columns])
    sheets = {
        tr("Countries", lang): countries,
        tr("Shocks", lang): shocks,
        tr("Parameters", lang): result.parameters,
    }
    sectors = getattr(result, "sectors", None)
    if sectors is not None:
        sheets[tr("Sectors", lang)] = sectors.reset_index()
    return {name[:31]: localized(table, lang) for name, table in sheets.items()}  # Excel: 31 chars


def write_result_workbook(result, path: str | Path, lang: str) -> Path:
    """Write :func:`result_sheets` to one .xlsx workbook (openpyxl), without the index."""
    sheets = result_sheets(result, lang)
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        for name, table in sheets.items():
            table.to_excel(book, sheet_name=name, index=False)
    return Path(path)


__all__ = ["header", "localized", "result_sheets", "write_result_workbook"]
