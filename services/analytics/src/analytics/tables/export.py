"""CSV and Excel downloads with Japanese headings. Suppressed cells read "x", as in Japan's official statistics."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from analytics.tables.schemas import TableOut

SUPPRESSED_MARK = "x"
NOTE = "x: 秘匿（{k}事業者未満のセル、または差し引きで秘匿セルが判明しないよう併せて秘匿したセル）"


def headings(table: TableOut) -> list[str]:
    return [
        "年度",
        *(dimension.heading for dimension in table.dimensions),
        "事業者数",
        *(measure.heading for measure in table.measures),
        "秘匿",
    ]


def cells_of(table: TableOut, row: dict[str, Any]) -> list[Any]:
    suppressed = bool(row["suppressed"])

    def shown(value: Any) -> Any:
        if suppressed:
            return SUPPRESSED_MARK
        return "" if value is None else value

    return [
        row["fiscal_year_label"],
        *(row[f"{dimension.name}_label"] for dimension in table.dimensions),
        shown(row["businesses"]),
        *(shown(row[measure.name]) for measure in table.measures),
        "秘匿" if suppressed else "",
    ]


def to_csv(table: TableOut) -> bytes:
    """UTF-8 with a BOM and CRLF line ends: what Excel opens as Japanese text without an import dialog."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headings(table))
    for row in table.rows:
        writer.writerow(cells_of(table, row))
    writer.writerow([])
    writer.writerow([NOTE.format(k=table.min_businesses)])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(table: TableOut) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = table.title[:31]
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([NOTE.format(k=table.min_businesses)])
    sheet.append(headings(table))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    grey = PatternFill("solid", fgColor="DDDDDD")
    for row in table.rows:
        sheet.append(cells_of(table, row))
        if row["suppressed"]:
            for cell in sheet[sheet.max_row]:
                cell.fill = grey
    for column, width in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", [14, *([18] * 25)], strict=False):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A4"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
