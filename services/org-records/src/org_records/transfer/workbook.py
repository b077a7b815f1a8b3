"""Files in and out: CSV (UTF-8 with or without BOM, or Shift_JIS/cp932 as Excel in Japan writes it) and .xlsx."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from banso_core.errors import DomainError
from banso_core.text import has_control_characters
from org_records.transfer.schemas import COLUMNS, FORMULA_STARTS, Column, RowError, SheetKind, is_blank, sheet_kind_of


class FileFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"

    @property
    def media_type(self) -> str:
        return {
            FileFormat.csv: "text/csv; charset=utf-8",
            FileFormat.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }[self]


class UnsupportedFile(DomainError):
    """Not a CSV or .xlsx file (415)."""

    http_status = 415


class FileTooLarge(DomainError):
    http_status = 413


@dataclass
class UploadedFile:
    filename: str
    format: FileFormat
    content: bytes
    text: str | None = None
    """The decoded text of a CSV."""


@dataclass
class Sheet:
    kind: SheetKind
    headers: list[object]
    rows: list[tuple[int, list[object]]] = field(default_factory=list)
    """(spreadsheet row number, cells) of every non-blank data row; the header is row 1."""


class FileProblem(Exception):
    """The file as a whole cannot be imported (no known sheet, too many rows); nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def identify_upload(filename: str, content: bytes) -> UploadedFile:
    """Tell a workbook from CSV text by the bytes (not the name), and decode CSV text."""
    if not content.strip():
        raise UnsupportedFile("ファイルが空です (the file is empty)", field="file")
    if content.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        except zipfile.BadZipFile as error:
            raise UnsupportedFile("壊れた .xlsx ファイルです (a damaged .xlsx file)", field="file") from error
        if "xl/workbook.xml" not in names:
            raise UnsupportedFile(
                "ZIP ファイルですが Excel ブック (.xlsx) ではありません (a zip archive, not an .xlsx workbook)",
                field="file",
            )
        return UploadedFile(filename, FileFormat.xlsx, content)
    if content.startswith(_XLS_MAGIC):
        raise UnsupportedFile(
            "古い Excel 形式 (.xls) は読めません。.xlsx か CSV で保存してください (save as .xlsx or CSV, not .xls)",
            field="file",
        )
    if b"\x00" in content[:65536]:
        raise UnsupportedFile("CSV でも .xlsx でもないファイルです (neither CSV nor .xlsx)", field="file")
    return UploadedFile(filename, FileFormat.csv, content, decode_csv(content))


def decode_csv(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    else:
        encodings = ["utf-8", "cp932"]
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        # cp932 gives almost any bytes a meaning; binary files show themselves by control characters.
        if not has_control_characters(text) and not any("\x80" <= char <= "\x9f" for char in text):
            return text
    raise UnsupportedFile(
        "文字コードが UTF-8 でも Shift_JIS (cp932) でもありません (text must be UTF-8 or Shift_JIS)", field="file"
    )


def read_sheets(upload: UploadedFile, max_rows: int) -> list[Sheet]:
    """The business and goal sheets of the file; other sheets of a workbook (記入方法 …) are left alone."""
    sheets: list[Sheet] = []
    if upload.format is FileFormat.csv:
        assert upload.text is not None
        kind, sheet = _sheet(upload.filename, csv.reader(io.StringIO(upload.text, newline="")), max_rows)
        if sheet is None:
            raise FileProblem([_no_known_header("CSV")])
        sheets.append(sheet)
    else:
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(upload.content), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged workbook
            raise FileProblem(
                [
                    RowError(
                        sheet="", row=None, column=None, message=f"Excel ブックを読めません (unreadable .xlsx): {error}"
                    )
                ]
            ) from error
        try:
            for worksheet in workbook.worksheets:
                _, sheet = _sheet(worksheet.title, worksheet.iter_rows(values_only=True), max_rows)
                if sheet is not None:
                    sheets.append(sheet)
        finally:
            workbook.close()
        if not sheets:
            raise FileProblem([_no_known_header("Excel")])
    kinds = [sheet.kind for sheet in sheets]
    for kind in set(kinds):
        if kinds.count(kind) > 1:
            message = f"「{kind.sheet_name}」のシートが複数あります (more than one {kind.value} sheet)"
            raise FileProblem([RowError(sheet=kind.sheet_name, row=None, column=None, message=message)])
    total = sum(len(sheet.rows) for sheet in sheets)
    if total > max_rows:
        message = f"行数が多すぎます: {total} 行 (too many rows: at most {max_rows} per import; split the file)"
        raise FileProblem([RowError(sheet="", row=None, column=None, message=message)])
    return sorted(sheets, key=lambda sheet: list(SheetKind).index(sheet.kind))


def _sheet(name: str, rows: Iterable[Sequence[object]], max_rows: int) -> tuple[SheetKind | None, Sheet | None]:
    iterator = iter(rows)
    headers = _trim(list(next(iterator, [])))
    kind = sheet_kind_of(name, headers)
    if kind is None:
        return None, None
    sheet = Sheet(kind, headers)
    for number, cells in enumerate(iterator, start=2):
        values = list(cells)
        if all(is_blank(value) for value in values):
            continue
        sheet.rows.append((number, values))
        if len(sheet.rows) > max_rows:
            break  # enough to say the file is too long; read_sheets reports it
    return kind, sheet


def _trim(headers: list[object]) -> list[object]:
    while headers and is_blank(headers[-1]):
        headers.pop()
    return headers


def _no_known_header(what: str) -> RowError:
    message = (
        f"{what} の1行目に 事業者名 (事業者) または 目標 (目標) の見出しがありません — "
        "テンプレートの見出しを使ってください "
        "(no business or goal header row found; use the template's headers)"
    )
    return RowError(sheet="", row=1, column=None, message=message)


def write_csv(columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with BOM and CRLF, so that Excel opens it with the Japanese intact."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    writer.writerows([_inert(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _inert(value: object) -> object:
    """Text that Excel would run as a formula (=, +, -, @) gets the apostrophe that makes it text; `read_cell`
    takes it off again."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_xlsx(sheets: Sequence[tuple[str, Sequence[Column], Iterable[Sequence[object]]]]) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    for title, columns, rows in sheets:
        worksheet = workbook.create_sheet(title)
        for index, column in enumerate(columns):
            letter = openpyxl.utils.get_column_letter(index + 1)
            worksheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
        header_cells = []
        for column in columns:
            cell = WriteOnlyCell(worksheet, value=column.header)
            cell.font = bold
            header_cells.append(cell)
        worksheet.append(header_cells)
        for row in rows:
            worksheet.append([_text_cell(worksheet, value) if isinstance(value, str) else value for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(worksheet: Any, value: str) -> WriteOnlyCell:
    """A string cell, never a formula (openpyxl takes any text starting with = for one)."""
    cell = WriteOnlyCell(worksheet, value=value)
    cell.data_type = "s"
    return cell


def template_xlsx() -> bytes:
    """事業者 and 目標 sheets with the headers only, and a 記入方法 sheet describing every column."""
    guide_columns = (
        Column("シート", "sheet", COLUMNS[SheetKind.businesses][0].kind, ""),
        Column("列", "header", COLUMNS[SheetKind.businesses][0].kind, ""),
        Column("必須", "required", COLUMNS[SheetKind.businesses][0].kind, ""),
        Column("入力できる値", "values", COLUMNS[SheetKind.businesses][0].kind, ""),
    )
    guide = [
        (kind.sheet_name, column.header, "必須" if column.required else "", describe_values(column))
        for kind in SheetKind
        for column in COLUMNS[kind]
    ]
    return write_xlsx(
        [
            (SheetKind.businesses.sheet_name, COLUMNS[SheetKind.businesses], []),
            (SheetKind.goals.sheet_name, COLUMNS[SheetKind.goals], []),
            ("記入方法", guide_columns, guide),
        ]
    )


def describe_values(column: Column) -> str:
    if column.vocabulary is not None:
        choices = " / ".join(f"{member.label} ({member.value})" for member in column.vocabulary)
        return f"{choices}. {column.description}".rstrip(". ")
    return column.description
