from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from analytics.db import DbSession
from analytics.tables.export import to_csv, to_xlsx
from analytics.tables.schemas import TableFilters, TableList, TableOut, TableParams
from analytics.tables.service import table_service
from banso_core.federation import MemberStaff, member_staff

router = APIRouter(prefix="/api/v1/tables", tags=["tables 集計表"], dependencies=[Depends(member_staff)])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("", response_model=TableList)
async def list_tables(request: Request) -> TableList:
    return TableList(items=table_service.list(), min_businesses=request.app.state.settings.min_businesses)


@router.get(
    "/{name}",
    response_model=TableOut,
    responses={200: {"content": {"text/csv": {}, XLSX: {}}}},
)
async def get_table(
    request: Request,
    name: Annotated[str, Path(max_length=64)],
    params: Annotated[TableParams, Query()],
    session: DbSession,
    caller: MemberStaff,
) -> TableOut | Response:
    table = await table_service.get(
        session,
        name,
        TableFilters.model_validate(params.model_dump(exclude={"format"})),
        caller=caller,
        members=request.app.state.members,
        k=request.app.state.settings.min_businesses,
    )
    if params.format == "json":
        return table
    filename = quote(f"{table.name}.{params.format}")
    disposition = {"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"}
    if params.format == "csv":
        return Response(to_csv(table), media_type="text/csv; charset=utf-8", headers=disposition)
    return Response(to_xlsx(table), media_type=XLSX, headers=disposition)
