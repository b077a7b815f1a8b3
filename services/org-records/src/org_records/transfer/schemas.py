"""The column layout of imports and exports (取込・出力の列), and how a spreadsheet cell becomes a field value.

A cell is only translated here (Japanese labels to codes, 和暦 to dates, ○/× to booleans, full-width digits to
ASCII); every rule about the value itself stays in `BusinessFields` / `GoalFields`, so a row is accepted
exactly when the same record would be accepted through the API. docs/import-format.md describes the layout.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from banso_core.vocabulary import BusinessForm, GoalCategory, GoalStatus, LabelledCode, Membership, SupportStage, jsic


class CellKind(StrEnum):
    text = "text"
    code = "code"
    """Identifiers, numbers written as text (電話番号, 法人番号): full-width characters are made ASCII."""
    enum = "enum"
    boolean = "boolean"
    date = "date"
    integer = "integer"
    jsic_major = "jsic_major"
    jsic_middle = "jsic_middle"


@dataclass(frozen=True)
class Column:
    header: str
    """The Japanese header people see, and the one an export writes."""
    field: str
    """The English field name (also accepted as a header)."""
    kind: CellKind
    description: str
    required: bool = False
    vocabulary: type[LabelledCode] | None = None


class SheetKind(StrEnum):
    businesses = "businesses"
    goals = "goals"

    @property
    def sheet_name(self) -> str:
        return {SheetKind.businesses: "事業者", SheetKind.goals: "目標"}[self]


BUSINESS_CODE = "external_code"
"""The field of 事業者コード: the business's key in a business row, the reference to it in a goal row."""

BUSINESS_COLUMNS: tuple[Column, ...] = (
    Column("事業者コード", BUSINESS_CODE, CellKind.code, "団体独自のキー (max 50). 再取込で同じ事業者を更新する"),
    Column("事業者名", "name", CellKind.text, "1–200文字", required=True),
    Column("フリガナ", "name_kana", CellKind.text, "max 300"),
    Column("代表者名", "representative", CellKind.text, "max 300"),
    Column("住所", "address", CellKind.text, "max 300"),
    Column("電話番号", "phone", CellKind.code, "max 30"),
    Column("FAX", "fax", CellKind.code, "max 30"),
    Column("メールアドレス", "email", CellKind.code, "max 254"),
    Column("ウェブサイト", "website", CellKind.text, "max 300"),
    Column("法人番号", "corporate_number", CellKind.code, "13桁 (チェックデジット検証)"),
    Column("事業形態", "business_form", CellKind.enum, "", required=True, vocabulary=BusinessForm),
    Column("業種大分類", "jsic_major", CellKind.jsic_major, "A–T または名称 (製造業)", required=True),
    Column("業種中分類", "jsic_middle", CellKind.jsic_middle, "01–99 または名称; 大分類に属すること"),
    Column("従業員数", "employees", CellKind.integer, "0以上の整数"),
    Column("従業員数基準日", "employees_as_of", CellKind.date, "日付"),
    Column("資本金", "capital_yen", CellKind.integer, "円 (整数)"),
    Column("設立日", "founded_on", CellKind.date, "日付"),
    Column("会員区分", "membership", CellKind.enum, "", vocabulary=Membership),
    Column("被災事業者", "disaster_affected", CellKind.boolean, "はい/いいえ (空欄 = いいえ)"),
    Column("支援段階", "support_stage", CellKind.enum, "空欄 = 伴走支援中", vocabulary=SupportStage),
    Column("共有同意", "sharing_consent", CellKind.boolean, "はい/いいえ (空欄 = いいえ)"),
    Column("担当者ID", "staff_id", CellKind.integer, "担当者のID"),
)

GOAL_COLUMNS: tuple[Column, ...] = (
    Column("事業者コード", BUSINESS_CODE, CellKind.code, "事業者シートまたは登録済みの事業者コード", required=True),
    Column("設定日", "set_on", CellKind.date, "日付", required=True),
    Column("目標カテゴリ", "category", CellKind.enum, "", required=True, vocabulary=GoalCategory),
    Column("目標", "text", CellKind.text, "1–200文字", required=True),
    Column("支援状況", "status", CellKind.enum, "空欄 = 未着手", vocabulary=GoalStatus),
    Column("達成日", "achieved_on", CellKind.date, "達成のときだけ必須; 設定日以降"),
    Column("担当者ID", "staff_id", CellKind.integer, "空欄 = 事業者の担当者"),
    Column("計画テーマ", "plan_theme", CellKind.text, "経営発達支援計画のテーマ (max 100)"),
    Column("共有", "shared", CellKind.boolean, "はい/いいえ (空欄 = はい)"),
)

COLUMNS: dict[SheetKind, tuple[Column, ...]] = {SheetKind.businesses: BUSINESS_COLUMNS, SheetKind.goals: GOAL_COLUMNS}

SHEET_NAMES: dict[str, SheetKind] = {
    "事業者": SheetKind.businesses,
    "businesses": SheetKind.businesses,
    "目標": SheetKind.goals,
    "goals": SheetKind.goals,
}


class CellError(ValueError):
    """A cell that cannot be read as its column's kind; the message names the column."""


def header_key(header: object) -> str:
    return unicodedata.normalize("NFKC", str(header or "")).strip()


def column_for(kind: SheetKind, header: object) -> Column | None:
    key = header_key(header)
    return next((c for c in COLUMNS[kind] if key in (header_key(c.header), c.field)), None)


def sheet_kind_of(name: str, headers: list[object]) -> SheetKind | None:
    """A sheet is a business sheet or a goal sheet by its name, else by its headers."""
    if (named := SHEET_NAMES.get(header_key(name).lower())) is not None:
        return named
    keys = {header_key(header) for header in headers}
    if "事業者名" in keys or "name" in keys:
        return SheetKind.businesses
    if "目標" in keys or "text" in keys:
        return SheetKind.goals
    return None


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What Excel takes for the start of a formula; an export writes such text behind an apostrophe."""


def _plain_text(value: object) -> str:
    text = _text(value)
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def read_cell(column: Column, value: object) -> Any:
    """The field value of a non-blank cell, in the form the pydantic schema accepts."""
    match column.kind:
        case CellKind.text:
            return _plain_text(value)
        case CellKind.code:
            return unicodedata.normalize("NFKC", _plain_text(value)).strip()
        case CellKind.enum:
            assert column.vocabulary is not None
            return read_labelled(column, column.vocabulary, value)
        case CellKind.boolean:
            return read_boolean(column, value)
        case CellKind.date:
            return read_date(column, value)
        case CellKind.integer:
            return read_integer(column, value)
        case CellKind.jsic_major:
            text = unicodedata.normalize("NFKC", _text(value)).strip()
            by_label = {unicodedata.normalize("NFKC", label): code for code, label in jsic().majors.items()}
            return by_label.get(text, text)
        case CellKind.jsic_middle:
            text = unicodedata.normalize("NFKC", _text(value)).strip()
            by_label = {unicodedata.normalize("NFKC", name): code for code, (_, name) in jsic().middles.items()}
            return by_label.get(text, text.zfill(2) if text.isdigit() else text)


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return str(value)


def read_labelled(column: Column, vocabulary: type[LabelledCode], value: object) -> str:
    """An English code or the exact Japanese label (full-width and half-width forms alike)."""
    text = unicodedata.normalize("NFKC", _text(value)).strip()
    for member in vocabulary:
        if text.lower() == member.value or text == unicodedata.normalize("NFKC", member.label):
            return member.value
    choices = " / ".join(f"{member.label} ({member.value})" for member in vocabulary)
    raise CellError(f"{column.header}: 「{text}」は選択肢にありません (not one of: {choices})")


_TRUE = {"はい", "○", "〇", "◯", "1", "true", "yes", "y", "有", "あり"}
_FALSE = {"いいえ", "×", "✕", "0", "false", "no", "n", "無", "なし"}


def read_boolean(column: Column, value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = unicodedata.normalize("NFKC", _text(value)).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"{column.header}: 「{text}」は はい/いいえ, ○/×, 1/0, true/false のいずれかで (yes or no)")


_ERAS = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
_ERA_LETTERS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
_ISO_LIKE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_KANJI_WESTERN = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_WAREKI = re.compile(r"(明治|大正|昭和|平成|令和)(\d{1,2}|元)年(\d{1,2})月(\d{1,2})日")
_WAREKI_SHORT = re.compile(r"([MTSHR])(\d{1,2}|元)[./-](\d{1,2})[./-](\d{1,2})", re.IGNORECASE)


def read_date(column: Column, value: object) -> dt.date:
    """2026-04-10, 2026/4/10, 2026年4月10日, 令和8年4月10日, R8.4.10 (and a date cell of a workbook)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", _text(value)).replace(" ", "")
    try:
        if match := _ISO_LIKE.fullmatch(text) or _KANJI_WESTERN.fullmatch(text):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match := _WAREKI.fullmatch(text) or _WAREKI_SHORT.fullmatch(text):
            era = _ERA_LETTERS.get(match[1].upper(), match[1])
            year = 1 if match[2] == "元" else int(match[2])
            if year < 1:
                raise ValueError("year 0")
            return dt.date(_ERAS[era] + year - 1, int(match[3]), int(match[4]))
    except ValueError as error:
        raise CellError(f"{column.header}: 「{text}」は存在しない日付です (not a real date)") from error
    raise CellError(
        f"{column.header}: 「{text}」は日付として読めません — 2026-04-10, 2026/4/10, 令和8年4月10日, R8.4.10 の形で "
        "(not a date)"
    )


def read_integer(column: Column, value: object) -> Any:
    """Whole numbers; thousands separators are dropped, anything with a fraction is left for the schema to
    refuse (money is integer yen)."""
    if isinstance(value, bool):
        raise CellError(f"{column.header}: 整数で (a whole number)")
    if isinstance(value, int | float):
        return value
    text = unicodedata.normalize("NFKC", _text(value)).strip().replace(",", "")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise CellError(f"{column.header}: 「{text}」は整数ではありません (not a whole number)")
    return text


def write_cell(column: Column, value: object) -> str | int | None:
    """How an export writes a stored value, in a form `read_cell` reads back to the same value."""
    if value is None:
        return None
    match column.kind:
        case CellKind.enum:
            assert column.vocabulary is not None
            return next(member.label for member in column.vocabulary if member.value == value)
        case CellKind.boolean:
            return "はい" if value else "いいえ"
        case CellKind.date:
            assert isinstance(value, dt.date)
            return value.isoformat()
        case CellKind.integer:
            assert isinstance(value, int)
            return value
    return str(value)


class RowError(BaseModel):
    """One problem of an import, where a person finds it in the spreadsheet."""

    sheet: str = Field(description="事業者 or 目標")
    row: int | None = Field(description="spreadsheet row number (the header is row 1); null for the whole file")
    column: str | None = Field(description="the column header, or null for the whole row")
    message: str


class ImportSummary(BaseModel):
    """What an import did (or, in a dry run, would do)."""

    businesses_created: int = 0
    businesses_updated: int = 0
    businesses_unchanged: int = 0
    goals_created: int = 0
    goals_updated: int = 0
    goals_unchanged: int = 0


class ImportStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    """Nothing was written: see `errors`."""


class ImportPhase(StrEnum):
    reading = "reading"
    validating = "validating"
    writing = "writing"
    done = "done"


class ImportJobOut(BaseModel):
    """取込ジョブ: poll until `status` is succeeded or failed."""

    id: str
    status: ImportStatus
    phase: ImportPhase
    dry_run: bool
    filename: str
    rows_total: int = Field(description="data rows in the file (every sheet)")
    rows_processed: int = Field(description="rows done in the current phase")
    summary: ImportSummary | None = None
    errors: list[RowError] = Field(default_factory=list)
    created_at: dt.datetime
    finished_at: dt.datetime | None = None
