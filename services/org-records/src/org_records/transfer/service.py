"""取込・出力: businesses and goals in and out of spreadsheets, through the same services as the API."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import Database, utc_now
from banso_core.errors import DomainError, NotFound
from org_records.business.models import Business
from org_records.business.schemas import BusinessFields
from org_records.business.service import business_service
from org_records.goal.models import Goal
from org_records.goal.schemas import GoalFields, GoalPatch
from org_records.goal.service import goal_service
from org_records.org import OrgIdentity
from org_records.sharing.service import sharing_service
from org_records.transfer.repository import TransferRepository
from org_records.transfer.schemas import (
    BUSINESS_CODE,
    BUSINESS_COLUMNS,
    COLUMNS,
    GOAL_COLUMNS,
    CellError,
    Column,
    ImportJobOut,
    ImportPhase,
    ImportStatus,
    ImportSummary,
    RowError,
    SheetKind,
    column_for,
    header_key,
    is_blank,
    read_cell,
    write_cell,
)
from org_records.transfer.workbook import (
    FileFormat,
    FileProblem,
    Sheet,
    UploadedFile,
    read_sheets,
    write_csv,
    write_xlsx,
)

log = logging.getLogger(__name__)

_YIELD_EVERY = 200
"""Rows between yields to the event loop, so that requests (and progress polls) are served during an import."""


def register_code(business: Business, org: OrgIdentity) -> str:
    """The 事業者コード an export writes: the business's own, else `<org_id>#<id>` so that goals can refer to it
    and re-importing the export updates the same business."""
    return business.external_code or f"{org.org_id}#{business.id}"


def _own_business_id(code: str, org: OrgIdentity) -> int | None:
    prefix = f"{org.org_id}#"
    rest = code.removeprefix(prefix)
    return int(rest) if code.startswith(prefix) and rest.isascii() and rest.isdigit() else None


@dataclass
class BusinessRow:
    number: int
    fields: BusinessFields


@dataclass
class GoalRow:
    number: int
    business_code: str
    fields: GoalFields

    @property
    def key(self) -> tuple[str, dt.date, str, str]:
        return self.business_code, self.fields.set_on, self.fields.category.value, self.fields.text


@dataclass
class ImportPlan:
    """The validated rows of a file, and every error found so far."""

    businesses: list[BusinessRow] = field(default_factory=list)
    goals: list[GoalRow] = field(default_factory=list)
    business_codes: set[str] = field(default_factory=set)
    """Every 事業者コード of the business sheet, of valid rows and invalid ones alike."""
    errors: list[RowError] = field(default_factory=list)

    def error(self, kind: SheetKind, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(RowError(sheet=kind.sheet_name, row=row, column=column, message=message))


@dataclass
class ImportJob:
    """取込ジョブ: one upload's way through reading, validating and writing."""

    id: str
    filename: str
    dry_run: bool
    created_at: dt.datetime = field(default_factory=utc_now)
    status: ImportStatus = ImportStatus.queued
    phase: ImportPhase = ImportPhase.reading
    rows_total: int = 0
    rows_processed: int = 0
    summary: ImportSummary | None = None
    errors: list[RowError] = field(default_factory=list)
    finished_at: dt.datetime | None = None

    def enter(self, phase: ImportPhase) -> None:
        self.phase, self.rows_processed = phase, 0

    def finish(self, summary: ImportSummary | None = None, errors: Sequence[RowError] = ()) -> None:
        self.status = ImportStatus.failed if errors else ImportStatus.succeeded
        self.phase, self.summary, self.errors = ImportPhase.done, summary, list(errors)
        self.finished_at = utc_now()

    def out(self) -> ImportJobOut:
        return ImportJobOut(
            id=self.id,
            status=self.status,
            phase=self.phase,
            dry_run=self.dry_run,
            filename=self.filename,
            rows_total=self.rows_total,
            rows_processed=self.rows_processed,
            summary=self.summary,
            errors=self.errors,
            created_at=self.created_at,
            finished_at=self.finished_at,
        )


class _RowFailed(Exception):
    def __init__(self, error: RowError) -> None:
        super().__init__(error.message)
        self.error = error


class ImportService:
    def __init__(self) -> None:
        self.transfer = TransferRepository()

    async def validate_rows(self, sheets: Sequence[Sheet], job: ImportJob) -> ImportPlan:
        """Every row through the API's schemas, and the checks across rows; no database needed."""
        plan = ImportPlan()
        for sheet in sheets:
            columns = self._columns(sheet, plan)
            if columns is None:
                job.rows_processed += len(sheet.rows)
                continue
            for number, cells in sheet.rows:
                self._validate_row(sheet.kind, number, cells, columns, plan)
                job.rows_processed += 1
                if job.rows_processed % _YIELD_EVERY == 0:
                    await asyncio.sleep(0)
        self._check_duplicates(plan)
        return plan

    def _columns(self, sheet: Sheet, plan: ImportPlan) -> dict[int, Column] | None:
        """The column of each header position; None when the sheet lacks a required column."""
        columns: dict[int, Column] = {}
        seen: set[str] = set()
        for index, header in enumerate(sheet.headers):
            if is_blank(header):
                continue
            column = column_for(sheet.kind, header)
            if column is None:
                known = "、".join(c.header for c in COLUMNS[sheet.kind])
                message = f"列「{header_key(header)}」は取り込めません (unknown column; the columns are: {known})"
                plan.error(sheet.kind, 1, header_key(header), message)
            elif column.field in seen:
                plan.error(sheet.kind, 1, column.header, f"列「{column.header}」が2回あります (duplicate column)")
            else:
                seen.add(column.field)
                columns[index] = column
        missing = [column.header for column in COLUMNS[sheet.kind] if column.required and column.field not in seen]
        for header in missing:
            plan.error(sheet.kind, 1, header, f"必須の列「{header}」がありません (required column missing)")
        return None if missing else columns

    def _validate_row(
        self, kind: SheetKind, number: int, cells: list[object], columns: dict[int, Column], plan: ImportPlan
    ) -> None:
        values: dict[str, object] = {}
        unreadable: set[str] = set()
        for index, column in columns.items():
            cell = cells[index] if index < len(cells) else None
            if is_blank(cell):
                continue
            try:
                values[column.field] = read_cell(column, cell)
            except CellError as error:
                plan.error(kind, number, column.header, str(error))
                unreadable.add(column.field)
        headers = {column.field: column.header for column in COLUMNS[kind]}
        business_code: object = None
        if kind is SheetKind.businesses and isinstance(values.get(BUSINESS_CODE), str):
            plan.business_codes.add(str(values[BUSINESS_CODE]))
        if kind is SheetKind.goals:
            business_code = values.pop(BUSINESS_CODE, None)
            if business_code is None and BUSINESS_CODE not in unreadable:
                plan.error(kind, number, headers[BUSINESS_CODE], "事業者コードは必須です (required)")
        schema: type[BaseModel] = BusinessFields if kind is SheetKind.businesses else GoalFields
        try:
            fields = schema.model_validate(values)
        except ValidationError as error:
            for item in error.errors():
                name = str(item["loc"][0]) if item["loc"] else None
                if name in unreadable:
                    continue
                message = "必須です (required)" if item["type"] == "missing" else item["msg"]
                plan.error(kind, number, headers.get(name or ""), message.removeprefix("Value error, "))
            return
        if unreadable or (kind is SheetKind.goals and business_code is None):
            return
        if isinstance(fields, BusinessFields):
            plan.businesses.append(BusinessRow(number, fields))
        else:
            assert isinstance(fields, GoalFields)
            plan.goals.append(GoalRow(number, str(business_code), fields))

    def _check_duplicates(self, plan: ImportPlan) -> None:
        first_row: dict[str, int] = {}
        for row in plan.businesses:
            code = row.fields.external_code
            if code is None:
                continue
            if code in first_row:
                message = f"事業者コード「{code}」が {first_row[code]} 行目と重複しています (duplicate 事業者コード)"
                plan.error(SheetKind.businesses, row.number, "事業者コード", message)
            else:
                first_row[code] = row.number
        first_goal: dict[tuple[str, dt.date, str, str], int] = {}
        for goal in plan.goals:
            if goal.key in first_goal:
                message = (
                    f"同じ目標 (事業者コード・設定日・目標カテゴリ・目標) が {first_goal[goal.key]} 行目にもあります "
                    "(duplicate goal)"
                )
                plan.error(SheetKind.goals, goal.number, "目標", message)
            else:
                first_goal[goal.key] = goal.number

    async def check_references(self, session: AsyncSession, plan: ImportPlan, org: OrgIdentity) -> dict[str, Business]:
        """担当者ID and 事業者コード against the register; answers the stored businesses the file's codes name."""
        staff_rows = [(SheetKind.businesses, row.number, row.fields.staff_id) for row in plan.businesses] + [
            (SheetKind.goals, row.number, row.fields.staff_id) for row in plan.goals
        ]
        known_staff = await self.transfer.existing_staff_ids(
            session, {staff_id for _, _, staff_id in staff_rows if staff_id is not None}
        )
        for kind, number, staff_id in staff_rows:
            if staff_id is not None and staff_id not in known_staff:
                plan.error(kind, number, "担当者ID", f"担当者 {staff_id} は登録されていません (no such staff)")
        codes = {row.fields.external_code for row in plan.businesses if row.fields.external_code is not None}
        codes |= {row.business_code for row in plan.goals}
        stored = await self._stored_businesses(session, codes, org)
        for row in plan.goals:
            if row.business_code not in plan.business_codes and row.business_code not in stored:
                message = (
                    f"事業者コード「{row.business_code}」の事業者がファイルにも登録済みの事業者にもありません "
                    "(unknown 事業者コード)"
                )
                plan.error(SheetKind.goals, row.number, "事業者コード", message)
        return stored

    async def _stored_businesses(self, session: AsyncSession, codes: set[str], org: OrgIdentity) -> dict[str, Business]:
        stored = await self.transfer.businesses_by_code(session, codes)
        own_ids = {code: own_id for code in codes - stored.keys() if (own_id := _own_business_id(code, org))}
        by_id = await self.transfer.businesses_by_id(session, set(own_ids.values()))
        for code, business_id in own_ids.items():
            business = by_id.get(business_id)
            if business is not None and business.external_code is None:
                stored[code] = business
        return stored

    async def write(
        self, session: AsyncSession, plan: ImportPlan, stored: dict[str, Business], org: OrgIdentity, job: ImportJob
    ) -> ImportSummary:
        """Create or update every row through the business and goal services (so shared goals are published)."""
        async with sharing_service.register_change(session, org, None):
            return await self._write_rows(session, plan, stored, org, job)

    async def _write_rows(
        self, session: AsyncSession, plan: ImportPlan, stored: dict[str, Business], org: OrgIdentity, job: ImportJob
    ) -> ImportSummary:
        summary = ImportSummary()
        by_code = dict(stored)
        for business_row in plan.businesses:
            business = await self._write_business(session, business_row, by_code, org, summary)
            if business_row.fields.external_code is not None:
                by_code[business_row.fields.external_code] = business
            await self._advance(job)
        goal_business_ids = {by_code[row.business_code].id for row in plan.goals}
        stored_goals: dict[tuple[int, dt.date, str, str], Goal] = {
            (goal.business_id, goal.set_on, goal.category, goal.text): goal
            for goal in await self.transfer.goals_of(session, goal_business_ids)
        }
        for goal_row in plan.goals:
            business = by_code[goal_row.business_code]
            key = (business.id, goal_row.fields.set_on, goal_row.fields.category.value, goal_row.fields.text)
            await self._write_goal(session, goal_row, business, stored_goals.get(key), org, summary)
            await self._advance(job)
        return summary

    async def _write_business(
        self,
        session: AsyncSession,
        row: BusinessRow,
        by_code: dict[str, Business],
        org: OrgIdentity,
        summary: ImportSummary,
    ) -> Business:
        fields = row.fields
        existing = by_code.get(fields.external_code) if fields.external_code is not None else None
        if existing is not None and existing.external_code is None:
            fields = fields.model_copy(update={BUSINESS_CODE: None})  # matched by `<org_id>#<id>`: keep it code-less
        try:
            if existing is None:
                summary.businesses_created += 1
                return await business_service.create(session, fields, org)
            if BusinessFields.model_validate(existing, from_attributes=True) == fields:
                summary.businesses_unchanged += 1
                return existing
            summary.businesses_updated += 1
            return await business_service.replace(session, existing, fields, org)
        except DomainError as error:
            raise _RowFailed(self._row_error(SheetKind.businesses, row.number, error)) from error

    async def _write_goal(
        self,
        session: AsyncSession,
        row: GoalRow,
        business: Business,
        existing: Goal | None,
        org: OrgIdentity,
        summary: ImportSummary,
    ) -> None:
        try:
            if existing is None:
                await goal_service.create(session, business.id, row.fields, org)
                summary.goals_created += 1
                return
            fields = row.fields
            if fields.staff_id is None:
                fields = fields.model_copy(update={"staff_id": existing.staff_id})
            if GoalFields.model_validate(existing, from_attributes=True) == fields:
                summary.goals_unchanged += 1
                return
            await goal_service.update(session, existing.id, GoalPatch(**fields.model_dump()), org)
            summary.goals_updated += 1
        except DomainError as error:
            raise _RowFailed(self._row_error(SheetKind.goals, row.number, error)) from error

    def _row_error(self, kind: SheetKind, number: int, error: DomainError) -> RowError:
        column = next((c.header for c in COLUMNS[kind] if c.field == error.field), None)
        return RowError(sheet=kind.sheet_name, row=number, column=column, message=error.message)

    async def _advance(self, job: ImportJob) -> None:
        job.rows_processed += 1
        if job.rows_processed % _YIELD_EVERY == 0:
            await asyncio.sleep(0)

    async def run(
        self,
        job: ImportJob,
        upload: UploadedFile,
        database: Database,
        org: OrgIdentity,
        max_rows: int,
        writing: asyncio.Lock,
    ) -> None:
        """Read, validate and (unless a dry run) write, in one transaction: any error and nothing is written."""
        job.status = ImportStatus.running
        try:
            sheets = await asyncio.to_thread(read_sheets, upload, max_rows)
        except FileProblem as problem:
            job.finish(errors=problem.errors)
            return
        job.rows_total = sum(len(sheet.rows) for sheet in sheets)
        job.enter(ImportPhase.validating)
        plan = await self.validate_rows(sheets, job)
        async with writing, database.session() as session:
            stored = await self.check_references(session, plan, org)
            if plan.errors:
                job.finish(errors=sorted(plan.errors, key=_error_order))
                return
            job.enter(ImportPhase.writing)
            try:
                summary = await self.write(session, plan, stored, org, job)
            except _RowFailed as failure:
                await self._abandon(session, org)
                job.finish(errors=[failure.error])
                return
            except IntegrityError as error:
                await self._abandon(session, org)
                log.warning("import %s refused by the database: %s", job.id, error)
                message = f"データベースが取込を拒否しました (the database refused the import): {error.orig}"
                job.finish(errors=[RowError(sheet="", row=None, column=None, message=message)])
                return
            if job.dry_run:
                await self._abandon(session, org)
            else:
                await session.commit()
            job.finish(summary)

    async def _abandon(self, session: AsyncSession, org: OrgIdentity) -> None:
        await session.rollback()
        # The scrubber may have been rebuilt from businesses that the rollback just took away.
        org.register_scrubber.register_changed()


def _error_order(error: RowError) -> tuple[int, int, int]:
    sheet = [kind.sheet_name for kind in SheetKind].index(error.sheet) if error.sheet else -1
    headers = [column.header for column in COLUMNS[SheetKind.goals if sheet == 1 else SheetKind.businesses]]
    column = headers.index(error.column) if error.column in headers else -1
    return sheet, error.row or 0, column


import_service = ImportService()


class ImportJobs:
    """The import jobs of this instance, in memory.

    Keeping them in memory is acceptable because an import is all-or-nothing: a job lost with its instance
    (a restart, or a poll answered by another replica) wrote nothing, and uploading the file again is the whole
    recovery. Finished jobs are kept for an hour so that clients can read their result.
    """

    keep_for = dt.timedelta(hours=1)

    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self._jobs: dict[str, ImportJob] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        # One import writes at a time: two files naming the same 事業者コード would otherwise race.
        self._writing = asyncio.Lock()

    def start(self, upload: UploadedFile, dry_run: bool, database: Database, org: OrgIdentity) -> ImportJob:
        self._forget_old()
        job = ImportJob(id=uuid.uuid4().hex, filename=upload.filename, dry_run=dry_run)
        self._jobs[job.id] = job
        task = asyncio.create_task(self._run(job, upload, database, org), name=f"import-{job.id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job

    def get(self, job_id: str) -> ImportJob:
        job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(f"取込ジョブ {job_id} はありません (no such import job on this instance; upload again)")
        return job

    async def _run(self, job: ImportJob, upload: UploadedFile, database: Database, org: OrgIdentity) -> None:
        try:
            await import_service.run(job, upload, database, org, self.max_rows, self._writing)
        except Exception:
            log.exception("import %s failed", job.id)
            message = (
                "取込中に予期しないエラーが起きました。何も書き込まれていません (unexpected error; nothing written)"
            )
            job.finish(errors=[RowError(sheet="", row=None, column=None, message=message)])

    def _forget_old(self) -> None:
        cutoff = utc_now() - self.keep_for
        for job_id, job in list(self._jobs.items()):
            if job.finished_at is not None and job.finished_at < cutoff:
                del self._jobs[job_id]

    async def close(self) -> None:
        """Cancel imports in flight at shutdown; their transactions roll back."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


class ExportService:
    def __init__(self) -> None:
        self.transfer = TransferRepository()

    async def businesses(self, session: AsyncSession, org: OrgIdentity, file_format: FileFormat) -> bytes:
        rows = [
            [
                write_cell(
                    column,
                    register_code(business, org) if column.field == BUSINESS_CODE else getattr(business, column.field),
                )
                for column in BUSINESS_COLUMNS
            ]
            for business in await self.transfer.all_businesses(session)
        ]
        return self._file(SheetKind.businesses, BUSINESS_COLUMNS, rows, file_format)

    async def goals(self, session: AsyncSession, org: OrgIdentity, file_format: FileFormat) -> bytes:
        rows = [
            [
                write_cell(
                    column,
                    register_code(business, org) if column.field == BUSINESS_CODE else getattr(goal, column.field),
                )
                for column in GOAL_COLUMNS
            ]
            for goal, business in await self.transfer.all_goals(session)
        ]
        return self._file(SheetKind.goals, GOAL_COLUMNS, rows, file_format)

    def _file(
        self, kind: SheetKind, columns: Sequence[Column], rows: Sequence[Sequence[object]], file_format: FileFormat
    ) -> bytes:
        if file_format is FileFormat.csv:
            return write_csv(columns, rows)
        return write_xlsx([(kind.sheet_name, columns, rows)])


export_service = ExportService()
