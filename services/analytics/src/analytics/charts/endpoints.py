"""GET /api/v1/charts/{name}.png|.svg: the tables drawn, with the same filters, access and suppression."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from analytics.charts.render import ChartFormat, bar_chart, heat_map, line_chart, pick, rendered
from analytics.db import DbSession
from analytics.tables.definitions import APPROACH, CATEGORY
from analytics.tables.disclosure import TOTAL
from analytics.tables.schemas import TableFilters, TableOut
from analytics.tables.service import table_service
from banso_core.errors import InvalidInput, NotFound
from banso_core.federation import MemberStaff, member_staff
from banso_core.vocabulary import Approach, Attitude, GoalCategory

router = APIRouter(prefix="/api/v1/charts", tags=["charts グラフ"], dependencies=[Depends(member_staff)])

CHARTS = {
    "approach-attitude": "支援者のアプローチ × 事業者の姿勢",
    "achievement-by-category": "目標カテゴリ別の達成率",
    "trend": "アプローチ別の支援回数の推移",
}
MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
SHORT_ATTITUDES = {"positive": "前向き", "negative": "否定的", "passive": "受動的"}
HEAT_MEASURES = {
    "mean_sales_yoy_percent": "売上高前年同期比（%・平均）",
    "mean_gross_margin_change_points": "粗利率の変化（ポイント・平均）",
    "mean_operating_profit_yoy_percent": "営業利益前年同期比（%・平均）",
    "mean_labor_productivity_yoy_percent": "労働生産性前年同期比（%・平均）",
    "achievement_rate": "目標達成率",
    "sessions": "支援回数",
}


def _latest_year(table: TableOut) -> int | None:
    years = [row["fiscal_year"] for row in table.rows]
    return max(years) if years else None


def _scope_title(filters: TableFilters, table: TableOut) -> str:
    org = filters.org or TOTAL
    row = pick(table.rows, org=org)
    return row["org_label"] if row else ("県全体" if org == TOTAL else org)


@router.get("/{filename}", responses={200: {"content": {"image/png": {}, "image/svg+xml": {}}}})
async def get_chart(
    request: Request,
    filename: Annotated[str, Path(max_length=80, description="e.g. approach-attitude.png or trend.svg")],
    filters: Annotated[TableFilters, Query()],
    session: DbSession,
    caller: MemberStaff,
    measure: Annotated[
        Literal[
            "mean_sales_yoy_percent",
            "mean_gross_margin_change_points",
            "mean_operating_profit_yoy_percent",
            "mean_labor_productivity_yoy_percent",
            "achievement_rate",
            "sessions",
        ],
        Query(description="what the approach × attitude heat map shows"),
    ] = "mean_sales_yoy_percent",
) -> Response:
    name, _, extension = filename.rpartition(".")
    if extension not in MEDIA_TYPES:
        raise InvalidInput("filename: ask for <chart>.png or <chart>.svg", field="filename")
    if name not in CHARTS:
        raise NotFound(f"no chart named {name!r}; charts: {', '.join(CHARTS)}", field="filename")
    fmt: ChartFormat = "png" if extension == "png" else "svg"
    org = filters.org or TOTAL

    async def table(table_name: str, **narrowed: Any) -> TableOut:
        return await table_service.get(
            session,
            table_name,
            filters.model_copy(update=narrowed),
            caller=caller,
            members=request.app.state.members,
            k=request.app.state.settings.min_businesses,
        )

    if name == "approach-attitude":
        found = await table("approach-attitude", org=org)
        year = filters.fiscal_year or _latest_year(found)
        approaches, attitudes = list(Approach), list(Attitude)
        values, suppressed = [], []
        for approach in approaches:
            row_values, row_suppressed = [], []
            for attitude in attitudes:
                row = pick(found.rows, fiscal_year=year or 0, approach=approach.value, attitude=attitude.value)
                row_values.append(None if row is None else row[measure])
                row_suppressed.append(bool(row and row["suppressed"]))
            values.append(row_values)
            suppressed.append(row_suppressed)
        image = await asyncio.to_thread(
            rendered,
            heat_map,
            f"{CHARTS[name]}：{HEAT_MEASURES[measure]} {_scope_title(filters, found)} {year or ''}年度",
            [APPROACH.label(a) for a in approaches],
            [SHORT_ATTITUDES[a.value] for a in attitudes],
            values,
            suppressed,
            HEAT_MEASURES[measure],
            fmt,
        )
    elif name == "achievement-by-category":
        found = await table("goals-by-category", org=org, jsic_major=None)
        year = filters.fiscal_year or _latest_year(found)
        categories = list(GoalCategory)
        rates = []
        for category in categories:
            row = pick(found.rows, fiscal_year=year or 0, category=category.value, jsic_major=TOTAL)
            rates.append(None if row is None else row["achievement_rate"])
        image = await asyncio.to_thread(
            rendered,
            bar_chart,
            f"{CHARTS[name]} {_scope_title(filters, found)} {year or ''}年度",
            [CATEGORY.label(c) for c in categories],
            rates,
            "達成率（達成÷（達成＋中止））",
            fmt,
        )
    else:
        found = await table("approach-attitude", org=org, fiscal_year=None)
        years = sorted({row["fiscal_year"] for row in found.rows})
        series = {}
        for approach in Approach:
            points = []
            for year in years:
                row = pick(found.rows, fiscal_year=year, approach=approach.value, attitude=TOTAL)
                points.append(None if row is None else row["sessions"])
            series[APPROACH.label(approach)] = points
        labels = [row["fiscal_year_label"] for year in years if (row := pick(found.rows, fiscal_year=year))]
        image = await asyncio.to_thread(
            rendered, line_chart, f"{CHARTS[name]} {_scope_title(filters, found)}", labels, series, "支援回数", fmt
        )
    return Response(image, media_type=MEDIA_TYPES[fmt])
