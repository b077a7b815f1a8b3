"""Problems reported by the REST API, said in Japanese next to the field of the form they concern."""

from __future__ import annotations

import re
from typing import Any

FIELD_LABELS = {
    "name": "事業者名",
    "name_kana": "フリガナ",
    "representative": "代表者",
    "address": "所在地",
    "phone": "電話番号",
    "email": "メールアドレス",
    "corporate_number": "法人番号",
    "business_form": "事業形態",
    "jsic_major": "業種大分類",
    "jsic_middle": "業種中分類",
    "employees": "従業員数",
    "support_stage": "伴走支援の段階",
    "staff_id": "担当者",
    "set_on": "設定日",
    "category": "目標カテゴリ",
    "text": "目標",
    "status": "支援状況",
    "achieved_on": "達成日",
    "plan_theme": "計画テーマ",
    "held_on": "実施日",
    "channel": "支援方法",
    "minutes": "所要時間",
    "approach": "支援者のアプローチ",
    "attitude": "事業者の姿勢",
    "goal_ids": "扱った目標",
    "notes": "支援内容",
    "next_action": "次回の予定",
    "body": "本文",
    "title": "件名",
    "login": "ログインID",
    "password": "パスワード",
}

CHOICE_FIELDS = {
    "business_form",
    "jsic_major",
    "support_stage",
    "category",
    "status",
    "channel",
    "approach",
    "attitude",
}
"""Fields chosen from a list: missing, they are to be chosen (選んで), not typed (入力して)."""

# Messages of the API's own checks, by a phrase they contain.
KNOWN_PROBLEMS = (
    ("cannot be in the future", "未来の日付は入力できません"),
    ("check digit", "13桁の正しい法人番号を入力してください（チェックデジットが合いません）"),
    ("belongs to 大分類", "業種中分類が業種大分類と合っていません"),
    ("does not exist (01–99)", "業種中分類が見つかりません（01〜99）"),
    ("must be one of A–T", "業種大分類を選んでください"),
    ("is required when status is achieved", "支援状況が「達成」のときは達成日を入力してください"),
    ("only recorded for achieved", "達成日は支援状況が「達成」のときだけ入力します"),
    ("cannot be before 設定日", "達成日は設定日より前にできません"),
    ("control character", "使えない制御文字が含まれています"),
    ("required for an official notice", "県からのお知らせにはカテゴリを選んでください"),
    ("must be after 掲載開始", "掲載終了は掲載開始より後にしてください"),
    ("only official notices are pinned", "固定表示できるのは県からのお知らせだけです"),
)

BY_TYPE = {
    "missing": "{label}を入力してください",
    "string_too_short": "{label}を入力してください",
    "string_too_long": "{label}は{max_length}文字以内で入力してください",
    "enum": "{label}を選んでください",
    "literal_error": "{label}を選んでください",
    "date_parsing": "{label}は日付（例: 2026-04-01）で入力してください",
    "date_from_datetime_parsing": "{label}は日付（例: 2026-04-01）で入力してください",
    "date_type": "{label}は日付（例: 2026-04-01）で入力してください",
    "int_parsing": "{label}は数字で入力してください",
    "int_type": "{label}は数字で入力してください",
    "greater_than_equal": "{label}は{ge}以上にしてください",
    "less_than_equal": "{label}は{le}以下にしてください",
    "too_long": "{label}が多すぎます",
}


def japanese_only(message: str) -> str:
    """The API's messages say it in Japanese, then in English in parentheses for developers: the first part."""
    found = re.fullmatch(r"(.+?) \(([ -~]+)\)", message.strip())
    return found.group(1) if found and has_japanese(found.group(1)) else message


def has_japanese(text: str) -> bool:
    return any("\u3040" <= char <= "\u9fff" for char in text)


def field_of(location: list[Any]) -> str:
    """The form field a problem concerns (`body`'s first named part), or "" for the form as a whole."""
    parts = [part for part in location if isinstance(part, str) and part not in ("body", "query", "path")]
    return parts[0] if parts else ""


def japanese_message(problem: dict[str, Any], labels: dict[str, str] | None = None) -> str:
    field = field_of(problem.get("loc", []))
    label = (labels or {}).get(field) or FIELD_LABELS.get(field, field or "入力")
    message = str(problem.get("msg", ""))
    for phrase, japanese in KNOWN_PROBLEMS:
        if phrase in message:
            return japanese
    kind = str(problem.get("type", ""))
    template = "{label}を選んでください" if field in CHOICE_FIELDS and kind == "missing" else BY_TYPE.get(kind)
    if template is not None:
        # The API's answers carry no `ctx`; the limit is the number its message names.
        limit = re.search(r"\d[\d_,]*", message)
        number = limit.group(0) if limit else ""
        context = {"max_length": number, "ge": number, "le": number} | dict(problem.get("ctx") or {})
        try:
            return template.format(label=label, **context)
        except (KeyError, IndexError):
            return template.split("{")[0] + f"{label}の入力を確かめてください"
    if has_japanese(message):
        return japanese_only(message)
    return f"{label}の入力を確かめてください"


def form_errors(detail: Any, labels: dict[str, str] | None = None) -> dict[str, list[str]]:
    """The API's problems by form field ("" for the whole form), in Japanese."""
    if not isinstance(detail, list):
        text = str(detail)
        return {"": [japanese_only(text) if has_japanese(text) else "保存できませんでした"]}
    errors: dict[str, list[str]] = {}
    for problem in detail:
        if isinstance(problem, dict):
            errors.setdefault(field_of(problem.get("loc", [])), []).append(japanese_message(problem, labels))
    return errors


def plain_message(message: str) -> str:
    """One message of the API (an import's row, say) as people read it: known checks in Japanese, else the
    Japanese part."""
    for phrase, japanese in KNOWN_PROBLEMS:
        if phrase in message:
            return japanese
    return japanese_only(message)
