"""The published tables (集計表): what each counts, by which dimensions, with which measures.

Every table has 団体 (`org`) as its first dimension, with the prefecture total (`total`, 県全体) beside each
organization, so that an organization's staff read their own rows next to the prefecture's from one suppressed
table. Every table is by fiscal year (a stratum: no total across years).

A table reads the register (the records as columns) and lists, column-wise, what each record adds to which finest
cell (`Contributions`); `disclosure.aggregate` then counts every cell and total with numpy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from analytics.tables.disclosure import TOTAL, Cell, Coded, Contributions
from analytics.tables.register import CodedCounts, Register
from banso_core.vocabulary import (
    Approach,
    Attitude,
    EmployeeBand,
    GoalCategory,
    LabelledCode,
    OutcomeKind,
    PolicySupportKind,
    jsic,
)

MeasureKind = Literal["count", "rate", "mean"]


@dataclass(frozen=True)
class Dimension:
    name: str
    heading: str
    label: Callable[[str], str]


@dataclass(frozen=True)
class Measure:
    name: str
    heading: str
    kind: MeasureKind


@dataclass(frozen=True)
class TableDefinition:
    name: str
    title: str
    description: str
    dimensions: tuple[Dimension, ...]
    measures: tuple[Measure, ...]
    contributions: Callable[[Register], Contributions]
    values: Callable[[Cell, int], dict[str, float | int | None]]
    """The measures of a published cell, given k (a mean resting on fewer than k businesses is left out)."""


def vocabulary_label(vocabulary: type[LabelledCode]) -> Callable[[str], str]:
    labels = vocabulary.labels()
    return lambda code: labels.get(code, code)


THEME_NONE = "none"
RESULT_LABELS = {"adopted": "採択あり", "applied_only": "採択なし（申請のみ）"}
SHIFT_LABELS = Attitude.labels() | {THEME_NONE: "なし"}


def _or_total(label: Callable[[str], str], total: str = "合計") -> Callable[[str], str]:
    return lambda code: total if code == TOTAL else label(code)


ORG = Dimension("org", "団体", lambda code: code)  # the service labels organizations from the registry
CATEGORY = Dimension("category", "目標カテゴリ", _or_total(vocabulary_label(GoalCategory)))
JSIC_MAJOR = Dimension("jsic_major", "業種大分類", _or_total(lambda code: jsic().major_label(code) or code))
APPROACH = Dimension("approach", "支援者のアプローチ", _or_total(vocabulary_label(Approach)))
ATTITUDE = Dimension("attitude", "事業者の姿勢", _or_total(vocabulary_label(Attitude)))
FROM_ATTITUDE = Dimension("from_attitude", "前の四半期の姿勢", _or_total(vocabulary_label(Attitude)))
TO_ATTITUDE = Dimension("to_attitude", "次の四半期の姿勢", _or_total(vocabulary_label(Attitude)))
KIND = Dimension("kind", "施策の種類", _or_total(vocabulary_label(PolicySupportKind)))
RESULT = Dimension("result", "採択", _or_total(lambda code: RESULT_LABELS.get(code, code)))
THEME = Dimension("theme", "計画テーマ", _or_total(lambda code: "テーマなし" if code == THEME_NONE else code))
OUTCOME_KIND = Dimension("kind", "成果の種類", _or_total(vocabulary_label(OutcomeKind)))
BAND_LABEL = vocabulary_label(EmployeeBand)

FIGURES = {
    "sales_yoy_percent": "売上高前年同期比（%・平均）",
    "gross_margin_change_points": "粗利率の変化（ポイント・平均）",
    "operating_profit_yoy_percent": "営業利益前年同期比（%・平均）",
    "labor_productivity_yoy_percent": "労働生産性前年同期比（%・平均）",
}
FIGURE_MEASURES = tuple(Measure(f"mean_{name}", heading, "mean") for name, heading in FIGURES.items())


def rate(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def figure_means(cell: Cell) -> dict[str, float | int | None]:
    return {f"mean_{name}": cell.means.get(name) for name in FIGURES}


def _coded(codes: Sequence[str]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Codes (by number) mapped onto their sorted distinct values: the lookup array and the values."""
    values = tuple(sorted(set(codes)))
    return np.array([values.index(code) for code in codes], dtype=np.int64), values


def _merged(register: Register, names: Sequence[str]) -> tuple[np.ndarray, np.ndarray, Coded]:
    """The entries of several count maps of the same codes, one per (record, code) with its count in each map
    (0 where absent): records, which map each entry came from, and the codes in one numbering."""
    codes = sorted({code for name in names for code in register.counts[name].codes})
    records, coded, counts, which = [], [], [], []
    for position, name in enumerate(names):
        part = register.counts[name]
        lookup = np.array([codes.index(code) for code in part.codes], dtype=np.int64)
        records.append(part.record)
        coded.append(lookup[part.code] if len(lookup) else part.code)
        counts.append(part.count)
        which.append(np.full(len(part.record), position, dtype=np.int64))
    key = np.concatenate(records) * max(len(codes), 1) + np.concatenate(coded)
    order = np.argsort(key, kind="stable")
    key, count, source = key[order], np.concatenate(counts)[order], np.concatenate(which)[order]
    first = np.concatenate(([True], key[1:] != key[:-1])) if len(key) else np.zeros(0, dtype=bool)
    entry = np.cumsum(first) - 1
    unique = key[first]
    per_map = np.zeros((len(names), len(unique)), dtype=np.int64)
    per_map[source, entry] = count  # a map lists a code once per record
    return unique // max(len(codes), 1), per_map, Coded(unique % max(len(codes), 1), tuple(codes))


def _org(register: Register, records: np.ndarray) -> Coded:
    return Coded(register.org[records], register.orgs)


# --- 目標カテゴリ別の目標の設定・達成・中止 -------------------------------------------------------------------------

GOAL_FIELDS = ("goals_set_by_category", "goals_achieved_by_category", "goals_dropped_by_category")


def goals_by_category(register: Register) -> Contributions:
    records, per_map, category = _merged(register, GOAL_FIELDS)
    return Contributions(
        records,
        (_org(register, records), category, Coded(register.jsic_major[records], register.jsic_majors)),
        {"goals_set": per_map[0], "goals_achieved": per_map[1], "goals_dropped": per_map[2]},
    )


def goals_values(cell: Cell, k: int) -> dict[str, float | int | None]:
    achieved, dropped = cell.sums["goals_achieved"], cell.sums["goals_dropped"]
    return {
        "goals_set": int(cell.sums["goals_set"]),
        "goals_achieved": int(achieved),
        "goals_dropped": int(dropped),
        "achievement_rate": rate(achieved, achieved + dropped),
    }


GOAL_MEASURES = (
    Measure("goals_set", "設定した目標数", "count"),
    Measure("goals_achieved", "達成した目標数", "count"),
    Measure("goals_dropped", "中止した目標数", "count"),
    Measure("achievement_rate", "達成率（達成÷（達成＋中止））", "rate"),
)


# --- 支援者のアプローチ × 事業者の姿勢 -----------------------------------------------------------------------------


def approach_attitude(register: Register) -> Contributions:
    pairs = register.counts["sessions_by_approach_attitude"]
    split = [code.partition("/") for code in pairs.codes]
    approach, approaches = _coded([approach for approach, _, _ in split])
    attitude, attitudes = _coded([attitude for _, _, attitude in split])
    size = len(register)
    return Contributions(
        pairs.record,
        (
            _org(register, pairs.record),
            Coded(approach[pairs.code] if len(approach) else pairs.code, approaches),
            Coded(attitude[pairs.code] if len(attitude) else pairs.code, attitudes),
        ),
        {"sessions": pairs.count},
        record_sums={
            "goals_achieved": register.counts["goals_achieved_by_category"].per_record(size),
            "goals_dropped": register.counts["goals_dropped_by_category"].per_record(size),
        },
        figures={name: register.figure_columns[name] for name in FIGURES},
    )


def approach_attitude_values(cell: Cell, k: int) -> dict[str, float | int | None]:
    achieved, dropped = int(cell.sums["goals_achieved"]), int(cell.sums["goals_dropped"])
    return {
        "sessions": int(cell.sums["sessions"]),
        "goals_achieved": achieved,
        "goals_dropped": dropped,
        "achievement_rate": rate(achieved, achieved + dropped),
        **figure_means(cell),
    }


# --- 姿勢の変化 ---------------------------------------------------------------------------------------------------

_ATTITUDE_RANK = {code.value: index for index, code in enumerate(Attitude)}
_APPROACH_RANK = {code.value: index for index, code in enumerate(Approach)}


def dominant(counts: CodedCounts, rank: dict[str, int], size: int) -> np.ndarray:
    """For each record, the number of the code with the most sessions, or -1 where it has none; a tie goes to the
    code earlier in the vocabulary (`rank`), then to the code first in alphabetical order."""
    preferred = sorted(range(len(counts.codes)), key=lambda code: (rank.get(counts.codes[code], len(rank)),
                                                                    counts.codes[code]))  # fmt: skip
    places = len(preferred)
    standing = np.empty(places, dtype=np.int64)
    standing[preferred] = np.arange(places - 1, -1, -1)
    best = np.full(size, -1, dtype=np.int64)
    if len(counts.record):  # entries run record by record: the best of each run
        starts = np.flatnonzero(np.concatenate(([True], counts.record[1:] != counts.record[:-1])))
        score = counts.count * places + standing[counts.code]
        best[counts.record[starts]] = np.maximum.reduceat(score, starts)
    winner = np.full(size, -1, dtype=np.int64)
    held = best >= 0
    winner[held] = np.asarray(preferred, dtype=np.int64)[places - 1 - best[held] % max(places, 1)]
    return winner


def _lexical(*columns: np.ndarray) -> np.ndarray:
    """One integer key ordering rows as the columns do, first column first (non-negative integers, small spans)."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        low = int(column.min()) if len(column) else 0
        key = key * ((int(column.max()) - low + 1) if len(column) else 1) + (column - low)
    return key


def attitude_shift(register: Register) -> Contributions:
    """From each quarter with sessions to the business's next quarter with sessions: the owner's prevailing
    attitude before and after, and the advisor's prevailing approach in the quarter before."""
    size = len(register)
    by_attitude, by_approach = register.counts["sessions_by_attitude"], register.counts["sessions_by_approach"]
    attitude = dominant(by_attitude, _ATTITUDE_RANK, size)
    approach = dominant(by_approach, _APPROACH_RANK, size)
    held = np.flatnonzero(attitude >= 0)
    periods = _lexical(register.business[held], register.fiscal_year[held], register.fiscal_quarter[held])
    order = held[np.argsort(periods, kind="stable")]
    before, after = order[:-1], order[1:]
    same = register.business[before] == register.business[after]
    before, after = before[same], after[same]
    attitude_code, attitudes = _coded(by_attitude.codes)
    approach_code, approaches = _coded([code or THEME_NONE for code in (*by_approach.codes, THEME_NONE)])
    approach_before = np.where(approach[before] >= 0, approach[before], len(by_approach.codes))
    return Contributions(
        after,
        (
            _org(register, after),
            Coded(attitude_code[attitude[before]], attitudes),
            Coded(attitude_code[attitude[after]], attitudes),
            Coded(approach_code[approach_before], approaches),
        ),
        {"transitions": np.ones(len(after), dtype=np.int64)},
    )


def shift_values(cell: Cell, k: int) -> dict[str, float | int | None]:
    return {"transitions": int(cell.sums["transitions"])}


# --- 施策支援 -----------------------------------------------------------------------------------------------------

POLICY_FIELDS = ("policy_supports_applied_by_kind", "policy_supports_adopted_by_kind")
POLICY_FIGURES = ("sales_yoy_percent", "operating_profit_yoy_percent")


def policy_support(register: Register) -> Contributions:
    records, per_map, kind = _merged(register, POLICY_FIELDS)
    results = tuple(sorted(RESULT_LABELS))
    adopted = np.where(per_map[1] != 0, results.index("adopted"), results.index("applied_only"))
    return Contributions(
        records,
        (_org(register, records), kind, Coded(adopted, results)),
        {"applications": per_map[0], "adoptions": per_map[1]},
        figures={name: register.figure_columns[name] for name in POLICY_FIGURES},
    )


def policy_values(cell: Cell, k: int) -> dict[str, float | int | None]:
    return {
        "applications": int(cell.sums["applications"]),
        "adoptions": int(cell.sums["adoptions"]),
        "adoption_rate": rate(cell.sums["adoptions"], cell.sums["applications"]),
        **{f"mean_{name}": cell.means.get(name) for name in POLICY_FIGURES},
    }


# --- 成果 ---------------------------------------------------------------------------------------------------------


def outcomes(register: Register) -> Contributions:
    """Each record's events by kind, listed under each of its plan themes (or under なし)."""
    events, themes = register.counts["outcome_events_by_kind"], register.themes
    size = len(register)
    listed = np.bincount(themes.record, minlength=size)
    none = len(themes.codes)
    # every record's themes in one run, ordered by record; a record without themes gets `none`
    order = np.argsort(themes.record, kind="stable")
    lone = np.flatnonzero(listed == 0)
    theme_record = np.concatenate((themes.record[order], lone))
    theme_code = np.concatenate((themes.code[order], np.full(len(lone), none, dtype=np.int64)))
    by_record = np.argsort(theme_record, kind="stable")
    theme_code = theme_code[by_record]
    per_record = np.maximum(listed, 1)
    first_theme = np.concatenate(([0], np.cumsum(per_record)[:-1]))
    repeats = per_record[events.record]
    entry = np.repeat(np.arange(len(events.record)), repeats)
    within = np.arange(len(entry)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    theme = theme_code[first_theme[events.record[entry]] + within] if len(entry) else entry
    theme_index, theme_codes = _coded((*themes.codes, THEME_NONE))
    kind_index, kinds = _coded(events.codes)
    records = events.record[entry]
    return Contributions(
        records,
        (
            _org(register, records),
            Coded(theme_index[theme] if len(theme_index) else theme, theme_codes),
            Coded(kind_index[events.code[entry]] if len(kind_index) else entry, kinds),
        ),
        {"events": events.count[entry]},
        replicated=1,
        primary=within == 0,
    )


def outcome_values(cell: Cell, k: int) -> dict[str, float | int | None]:
    return {"events": int(cell.sums["events"])}


# --- 団体と県全体 -------------------------------------------------------------------------------------------------

_ORG_SUMS = {
    "sessions": "sessions_by_approach",
    "goals_set": "goals_set_by_category",
    "goals_achieved": "goals_achieved_by_category",
    "goals_dropped": "goals_dropped_by_category",
    "supports_applied": "policy_supports_applied_by_kind",
    "supports_adopted": "policy_supports_adopted_by_kind",
    "outcome_events": "outcome_events_by_kind",
}


def org_vs_prefecture(register: Register) -> Contributions:
    size = len(register)
    records = np.arange(size, dtype=np.int64)
    return Contributions(
        records,
        (_org(register, records),),
        {name: register.counts[field].per_record(size) for name, field in _ORG_SUMS.items()},
        figures={name: register.figure_columns[name] for name in FIGURES},
    )


def org_values(cell: Cell, k: int) -> dict[str, float | int | None]:
    sums = cell.sums
    return {
        **{name: int(sums[name]) for name in _ORG_SUMS},
        "achievement_rate": rate(sums["goals_achieved"], sums["goals_achieved"] + sums["goals_dropped"]),
        "adoption_rate": rate(sums["supports_adopted"], sums["supports_applied"]),
        **figure_means(cell),
    }


TABLES: dict[str, TableDefinition] = {
    table.name: table
    for table in (
        TableDefinition(
            "goals-by-category",
            "目標カテゴリ別の目標の設定・達成・中止",
            "Goals set, achieved and dropped in the period by 目標カテゴリ × 業種大分類 × 団体, and the achievement "
            "rate: achieved ÷ (achieved + dropped). A business counts in every category it has goals in.",
            (ORG, CATEGORY, JSIC_MAJOR),
            GOAL_MEASURES,
            goals_by_category,
            goals_values,
        ),
        TableDefinition(
            "approach-attitude",
            "支援者のアプローチ × 事業者の姿勢",
            "Support sessions by the advisor's approach and the owner's attitude, with the goal achievement and the "
            "mean financial changes of the business-quarters in which such sessions were held.",
            (ORG, APPROACH, ATTITUDE),
            (
                Measure("sessions", "支援回数", "count"),
                Measure("goals_achieved", "達成した目標数", "count"),
                Measure("goals_dropped", "中止した目標数", "count"),
                Measure("achievement_rate", "達成率（達成÷（達成＋中止））", "rate"),
                *FIGURE_MEASURES,
            ),
            approach_attitude,
            approach_attitude_values,
        ),
        TableDefinition(
            "attitude-shift",
            "事業者の姿勢の変化",
            "From one quarter with sessions to the business's next: the prevailing attitude before and after, by the "
            "approach that prevailed before (does 否定的 turn into 前向き, and after which approaches).",
            (ORG, FROM_ATTITUDE, TO_ATTITUDE, Dimension("approach", "前の四半期のアプローチ", APPROACH.label)),
            (Measure("transitions", "変化の件数（事業者・四半期）", "count"),),
            attitude_shift,
            shift_values,
        ),
        TableDefinition(
            "policy-support",
            "施策支援の申請・採択",
            "Policy support applications and adoptions by kind, with the mean financial changes of the "
            "business-quarters with an adoption and of those with applications only.",
            (ORG, KIND, RESULT),
            (
                Measure("applications", "申請件数", "count"),
                Measure("adoptions", "採択件数", "count"),
                Measure("adoption_rate", "採択率", "rate"),
                Measure("mean_sales_yoy_percent", FIGURES["sales_yoy_percent"], "mean"),
                Measure("mean_operating_profit_yoy_percent", FIGURES["operating_profit_yoy_percent"], "mean"),
            ),
            policy_support,
            policy_values,
        ),
        TableDefinition(
            "outcomes",
            "成果（新規取引先・採用・事業承継・廃業回避など）",
            "Outcome events by kind, by the organization's plan theme the business's goals count toward.",
            (ORG, THEME, OUTCOME_KIND),
            (Measure("events", "成果の件数", "count"),),
            outcomes,
            outcome_values,
        ),
        TableDefinition(
            "org-vs-prefecture",
            "団体と県全体の比較",
            "Each organization's figures next to the prefecture's (total).",
            (ORG,),
            (
                Measure("sessions", "支援回数", "count"),
                Measure("goals_set", "設定した目標数", "count"),
                Measure("goals_achieved", "達成した目標数", "count"),
                Measure("goals_dropped", "中止した目標数", "count"),
                Measure("supports_applied", "施策申請件数", "count"),
                Measure("supports_adopted", "施策採択件数", "count"),
                Measure("outcome_events", "成果の件数", "count"),
                Measure("achievement_rate", "達成率（達成÷（達成＋中止））", "rate"),
                Measure("adoption_rate", "採択率", "rate"),
                *FIGURE_MEASURES,
            ),
            org_vs_prefecture,
            org_values,
        ),
    )
}
