"""実績報告書 as an Excel workbook: Japanese sheet names and headings, yen and % formats, set column widths."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from org_records.report.schemas import AnnualReport

YEN = '#,##0"円";[Red]-#,##0"円"'
PERCENT = '0.0"%"'
COUNT = "#,##0"
TEXT = "@"

KPI_SHEET = "KPI実績"
KGI_SHEET = "KGI"
BENCHMARK_SHEET = "事業者別ベンチマーク"

Column = tuple[str, int, str]
"""(heading, width in characters, number format)."""

KPI_COLUMNS: Sequence[Column] = (
    ("コード", 14, TEXT),
    ("KPI", 36, TEXT),
    ("測定項目", 34, TEXT),
    ("目標", 10, COUNT),
    ("実績", 10, COUNT),
    ("達成率", 10, PERCENT),
)
KGI_COLUMNS: Sequence[Column] = (
    ("コード", 14, TEXT),
    ("KGI", 36, TEXT),
    ("テーマ", 28, TEXT),
    ("達成条件", 40, TEXT),
    ("該当事業者数", 14, COUNT),
    ("対象事業者数", 14, COUNT),
    ("割合", 10, PERCENT),
    ("目標割合", 10, PERCENT),
    ("達成", 8, TEXT),
)
BENCHMARK_COLUMNS: Sequence[Column] = (
    ("事業者", 30, TEXT),
    ("実績四半期数", 12, COUNT),
    ("売上高", 18, YEN),
    ("売上総利益", 18, YEN),
    ("営業利益", 18, YEN),
    ("粗利率", 10, PERCENT),
    ("付加価値額", 18, YEN),
    ("平均従業員数", 12, "0.0"),
    ("労働生産性（円/人）", 20, YEN),
    ("売上高 前年度比", 14, PERCENT),
    ("売上総利益 前年度比", 16, PERCENT),
    ("営業利益 前年度比", 16, PERCENT),
)

HEADING_FILL = PatternFill("solid", fgColor="DDEBF7")


def report_title(report: AnnualReport) -> str:
    """「令和8年度 経営発達支援計画 実績報告書（金沢商工会議所）」."""
    return f"{report.fiscal_year_label} 経営発達支援計画 実績報告書（{report.organization.name}）"


def _sheet(sheet: Worksheet, title: str, subtitle: str, columns: Sequence[Column], rows: list[list[Any]]) -> None:
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = subtitle
    for index, (heading, width, number_format) in enumerate(columns, start=1):
        cell = sheet.cell(row=3, column=index, value=heading)
        cell.font = Font(bold=True)
        cell.fill = HEADING_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = width
        for row_number, row in enumerate(rows, start=4):
            value_cell = sheet.cell(row=row_number, column=index, value=row[index - 1])
            value_cell.number_format = number_format
    sheet.freeze_panes = "A4"


def annual_report_workbook(report: AnnualReport) -> bytes:
    title = report_title(report)
    subtitle = (
        f"{report.fiscal_year_label}（{report.fiscal_year_code}）"
        f" {report.period_starts_on:%Y-%m-%d}～{report.period_ends_on:%Y-%m-%d}　計画: {report.plan.title}"
    )
    workbook = Workbook()
    kpi_sheet = workbook.active
    kpi_sheet.title = KPI_SHEET
    _sheet(
        kpi_sheet,
        title,
        subtitle,
        KPI_COLUMNS,
        [[k.code, k.label, k.measure_label, k.target, k.actual, k.attainment_percent] for k in report.kpis],
    )
    _sheet(
        workbook.create_sheet(KGI_SHEET),
        title,
        subtitle,
        KGI_COLUMNS,
        [
            [
                k.code,
                k.label,
                k.theme_title or k.theme,
                k.condition_label,
                k.numerator,
                k.denominator,
                k.share_percent,
                k.threshold_percent,
                "達成" if k.met else "未達",
            ]
            for k in report.kgis
        ],
    )
    _sheet(
        workbook.create_sheet(BENCHMARK_SHEET),
        title,
        subtitle,
        BENCHMARK_COLUMNS,
        [
            [
                b.business_name,
                b.quarters_reported,
                b.sales,
                b.gross_profit,
                b.operating_profit,
                b.gross_margin_percent,
                b.value_added,
                b.average_employees,
                b.labor_productivity,
                b.sales_change_percent,
                b.gross_profit_change_percent,
                b.operating_profit_change_percent,
            ]
            for b in report.benchmarks
        ],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
