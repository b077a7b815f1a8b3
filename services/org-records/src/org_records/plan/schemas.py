from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from banso_core.text import NoControlCharacters
from banso_core.vocabulary import KgiCondition, KpiMeasure, LabelledCode
from org_records.fiscal import fiscal_year_of
from org_records.schemas import StoredRecord

Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"^\S+$"),
    NoControlCharacters,
]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoControlCharacters]

OUTCOME_MEASURES = frozenset(
    {
        KpiMeasure.plans_formulated,
        KpiMeasure.new_partners,
        KpiMeasure.deals_closed,
        KpiMeasure.startups,
        KpiMeasure.hires,
        KpiMeasure.digital_tools,
        KpiMeasure.talent_matched,
    }
)
"""The measures that count outcome events (成果), where `verified_only` applies."""


def known_code(vocabulary: type[LabelledCode], term: str) -> Callable[[Any], Any]:
    """Refuse an unknown code with a message listing every code this version knows."""

    def check(value: Any) -> Any:
        if isinstance(value, str) and value not in vocabulary.labels():
            known = ", ".join(f"{code} ({label})" for code, label in vocabulary.labels().items())
            raise ValueError(f"unknown {term} '{value}'; known codes: {known}")
        return value

    return check


Measure = Annotated[KpiMeasure, BeforeValidator(known_code(KpiMeasure, "測定項目 (measure)"))]
Condition = Annotated[KgiCondition, BeforeValidator(known_code(KgiCondition, "達成条件 (condition)"))]


class PlanThemeFields(BaseModel):
    """計画のテーマ (e.g. 「販路開拓による売上拡大」); goals name its code in `plan_theme`."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)

    code: Code
    title: Title


class PlanKpiFields(BaseModel):
    """KPI: what is counted (`measure`) and the target per fiscal year, e.g. {"2026": 50}."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)

    code: Code
    label: Title
    measure: Measure = Field(description="測定項目")
    targets: dict[Annotated[int, Field(ge=2000, le=2100)], Annotated[int, Field(ge=0, le=1_000_000)]] = Field(
        default_factory=dict, description="年度ごとの目標値 {fiscal_year: target}"
    )
    verified_only: bool = Field(default=False, description="count only verified (documented) outcomes")

    @field_validator("targets", mode="before")
    @classmethod
    def targets_from_rows(cls, value: Any) -> Any:
        # Stored targets arrive as rows; anything else is left for validation to refuse.
        if isinstance(value, list) and all(hasattr(row, "fiscal_year") for row in value):
            return {row.fiscal_year: row.target for row in value}
        return value

    @field_validator("verified_only")
    @classmethod
    def verified_only_counts_outcomes(cls, value: bool, info: ValidationInfo) -> bool:
        measure = info.data.get("measure")
        if value and measure is not None and measure not in OUTCOME_MEASURES:
            outcome_measures = ", ".join(sorted(OUTCOME_MEASURES))
            raise ValueError(f"verified_only applies only to outcome measures ({outcome_measures})")
        return value


class PlanKgiFields(BaseModel):
    """KGI: the share of businesses supported on `theme` meeting `condition`, against `threshold_percent`."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)

    code: Code
    label: Title
    theme: Code = Field(description="テーマ: one of the plan's theme codes")
    condition: Condition = Field(description="達成条件")
    threshold_percent: float = Field(ge=0, le=100, allow_inf_nan=False, description="目標割合（%）")

    @field_validator("threshold_percent")
    @classmethod
    def two_decimals(cls, value: float) -> float:
        if round(value, 2) != value:
            raise ValueError("目標割合 (threshold_percent) takes at most two decimals")
        return value


def _unique_codes(items: list[Any], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item.code in seen:
            raise ValueError(f"{what} code '{item.code}' appears twice; codes are unique within a plan")
        seen.add(item.code)


class PlanFields(BaseModel):
    """経営発達支援計画: the whole validated state of a plan."""

    model_config = ConfigDict(extra="forbid")

    title: Title = Field(description="計画の名称")
    starts_on: dt.date = Field(description="計画期間の開始日")
    ends_on: dt.date = Field(description="計画期間の終了日 (after starts_on)")
    themes: list[PlanThemeFields] = Field(default_factory=list, max_length=50)
    kpis: list[PlanKpiFields] = Field(default_factory=list, max_length=100)
    kgis: list[PlanKgiFields] = Field(default_factory=list, max_length=100)

    @field_validator("ends_on")
    @classmethod
    def ends_after_start(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        starts_on = info.data.get("starts_on")
        if starts_on is not None and value <= starts_on:
            raise ValueError("計画期間の終了日 (ends_on) must be after the start (starts_on)")
        return value

    @field_validator("themes")
    @classmethod
    def unique_theme_codes(cls, value: list[PlanThemeFields]) -> list[PlanThemeFields]:
        _unique_codes(value, "テーマ (theme)")
        return value

    @field_validator("kpis")
    @classmethod
    def kpis_within_the_plan(cls, value: list[PlanKpiFields], info: ValidationInfo) -> list[PlanKpiFields]:
        _unique_codes(value, "KPI")
        starts_on, ends_on = info.data.get("starts_on"), info.data.get("ends_on")
        if starts_on is None or ends_on is None:
            return value
        first, last = fiscal_year_of(starts_on), fiscal_year_of(ends_on)
        for kpi in value:
            outside = sorted(year for year in kpi.targets if not first <= year <= last)
            if outside:
                raise ValueError(
                    f"目標年度 (targets) {outside} of KPI '{kpi.code}' lie outside the plan period FY{first}–FY{last}"
                )
        return value

    @field_validator("kgis")
    @classmethod
    def kgis_on_plan_themes(cls, value: list[PlanKgiFields], info: ValidationInfo) -> list[PlanKgiFields]:
        _unique_codes(value, "KGI")
        if "themes" not in info.data:
            return value
        themes = [theme.code for theme in info.data["themes"]]
        for kgi in value:
            if kgi.theme not in themes:
                raise ValueError(
                    f"テーマ (theme) '{kgi.theme}' of KGI '{kgi.code}' is not one of the plan's themes {themes}"
                )
        return value


class PlanPut(PlanFields):
    """A whole replacement; `version`, when given, must be the stored one (else 409)."""

    version: int | None = None


class PlanKpiOut(PlanKpiFields):
    measure_label: str = ""

    @model_validator(mode="after")
    def fill_label(self) -> Self:
        self.measure_label = self.measure.label
        return self


class PlanKgiOut(PlanKgiFields):
    condition_label: str = ""

    @model_validator(mode="after")
    def fill_label(self) -> Self:
        self.condition_label = self.condition.label
        return self


class PlanOut(StoredRecord):
    title: str
    starts_on: dt.date
    ends_on: dt.date
    themes: list[PlanThemeFields]
    kpis: list[PlanKpiOut]
    kgis: list[PlanKgiOut]


class PlanList(BaseModel):
    items: list[PlanOut]
    next_cursor: str | None
