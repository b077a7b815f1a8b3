"""取込・出力 over REST: upload a CSV or workbook as an import job, download exports and templates.

There is no grpc.py in this room: integration clients write records one by one through the gRPC services of
the other rooms; files are for people and their spreadsheets.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response, UploadFile, status
from fastapi.responses import JSONResponse

from org_records.db import DbSession
from org_records.org import CurrentOrg
from org_records.transfer.schemas import COLUMNS, ImportJobOut, SheetKind
from org_records.transfer.service import ImportJobs, export_service
from org_records.transfer.workbook import FileFormat, FileTooLarge, identify_upload, template_xlsx, write_csv

router = APIRouter(prefix="/api/v1", tags=["imports and exports 取込・出力"])

FormatQuery = Annotated[FileFormat, Query(alias="format", description="csv (UTF-8 with BOM) or xlsx")]


def _jobs(request: Request) -> ImportJobs:
    jobs: ImportJobs = request.app.state.import_jobs
    return jobs


def _download(content: bytes, file_format: FileFormat, stem: str) -> Response:
    """An attachment whose Japanese file name survives every browser (RFC 6266 / RFC 5987)."""
    filename = f"{stem}_{dt.date.today():%Y%m%d}.{file_format.value}"
    ascii_name = f"banso-{dt.date.today():%Y%m%d}.{file_format.value}"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=file_format.media_type, headers={"Content-Disposition": disposition})


@router.get("/imports/template", response_class=Response)
async def get_import_template(
    file_format: FormatQuery = FileFormat.xlsx,
    sheet: Annotated[SheetKind, Query(description="for CSV, which sheet's headers")] = SheetKind.businesses,
) -> Response:
    """取込テンプレート: the headers of docs/import-format.md (a workbook has both sheets and a 記入方法 sheet)."""
    if file_format is FileFormat.xlsx:
        return _download(template_xlsx(), file_format, "取込テンプレート")
    return _download(write_csv(COLUMNS[sheet], []), file_format, f"取込テンプレート_{sheet.sheet_name}")


@router.post("/imports", status_code=status.HTTP_202_ACCEPTED, response_model=ImportJobOut)
async def create_import(
    request: Request,
    file: UploadFile,
    org: CurrentOrg,
    dry_run: Annotated[bool, Query(description="validate only: report every error, write nothing")] = False,
) -> JSONResponse:
    """Start an import job; poll `GET /api/v1/imports/{id}` until it has succeeded or failed."""
    max_bytes: int = request.app.state.settings.import_max_bytes
    content = await file.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise FileTooLarge(
            f"ファイルが大きすぎます (the file exceeds {max_bytes // 1_000_000} MB; split it)", field="file"
        )
    upload = identify_upload(file.filename or "upload", content)
    job = _jobs(request).start(upload, dry_run, request.app.state.database, org)
    return JSONResponse(
        job.out().model_dump(mode="json"),
        status_code=status.HTTP_202_ACCEPTED,
        headers={"Location": f"/api/v1/imports/{job.id}"},
    )


@router.get("/imports/{job_id}", response_model=ImportJobOut)
async def get_import(job_id: str, request: Request) -> ImportJobOut:
    return _jobs(request).get(job_id).out()


@router.get("/exports/businesses", response_class=Response)
async def get_business_export(
    session: DbSession, org: CurrentOrg, file_format: FormatQuery = FileFormat.csv
) -> Response:
    """事業者一覧: the import layout, so that the file imports back unchanged."""
    return _download(await export_service.businesses(session, org, file_format), file_format, "事業者")


@router.get("/exports/goals", response_class=Response)
async def get_goal_export(session: DbSession, org: CurrentOrg, file_format: FormatQuery = FileFormat.csv) -> Response:
    """目標一覧: the import layout, each goal naming its business by 事業者コード."""
    return _download(await export_service.goals(session, org, file_format), file_format, "目標")
