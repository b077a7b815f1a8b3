"""Jinja2 templates (autoescaped) and the filters that say dates, numbers and matches the Japanese way."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from org_records.fiscal import JST

WEEKDAYS = "月火水木金土日"

templates = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
)


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.astimezone(JST).date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            if "T" in value:
                return dt.datetime.fromisoformat(value).astimezone(JST).date()
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def japanese_date(value: Any) -> str:
    """2026年5月1日（金）"""
    day = _as_date(value)
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日（{WEEKDAYS[day.weekday()]}）"


def japanese_datetime(value: Any) -> str:
    """2026年5月1日（金）10:30, in Japan time."""
    if isinstance(value, str) and value:
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return ""
    if not isinstance(value, dt.datetime):
        return ""
    moment = value.astimezone(JST)
    return f"{japanese_date(moment.date())}{moment:%H:%M}"


def yen(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return f"{int(value):,}円"


def number(value: Any, digits: int = 0) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):,.{digits}f}" if digits else f"{round(float(value)):,}"


def percent(value: Any, digits: int = 1) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):.{digits}f}%"


def highlighted(text: str, highlights: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    """The text in parts, each marked whether it matched; the template escapes every part."""
    parts: list[tuple[str, bool]] = []
    position = 0
    for mark in sorted(highlights, key=lambda item: int(item["start"])):
        start, end = int(mark["start"]), int(mark["end"])
        if start < position or end > len(text):
            continue
        if start > position:
            parts.append((text[position:start], False))
        parts.append((text[start:end], True))
        position = end
    if position < len(text):
        parts.append((text[position:], False))
    return parts


templates.env.filters.update(
    japanese_date=japanese_date, japanese_datetime=japanese_datetime, yen=yen, number=number, percent=percent
)
templates.env.globals.update(highlighted=highlighted)
