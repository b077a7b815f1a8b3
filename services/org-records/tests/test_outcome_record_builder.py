"""The outcome record builder can emit nothing beyond the allow-list of sharing-policy.md §5, and no yen amount."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from banso.events.v1 import outcome_record_pb2
from banso_core.messaging import outcome_subject
from banso_core.vocabulary import (
    Approach,
    Attitude,
    BusinessForm,
    EmployeeBand,
    GoalCategory,
    GoalStatus,
    OrgKind,
    OutcomeKind,
    PolicySupportKind,
    PolicySupportResult,
    SupportStage,
    jsic,
)
from org_records.business.models import Business
from org_records.financials.models import QuarterlyFinancials
from org_records.goal.models import Goal
from org_records.org import OrgIdentity
from org_records.outcome.models import OutcomeEvent
from org_records.outcome_record.events import content_hash, encode_outcome_record
from org_records.outcome_record.records import BusinessActivity, OutcomeRecord, plain_descriptors, records_of
from org_records.policy_support.models import PolicySupport
from org_records.support_session.models import SupportSession

# sharing-policy.md §5, plus transport.
POLICY_FIELDS = {
    "business_ref", "org_id", "fiscal_year", "fiscal_quarter", "jsic_major", "employee_band", "support_stage",
    "plan_themes", "sessions_by_approach", "sessions_by_attitude", "goals_set_by_category",
    "goals_achieved_by_category", "goals_dropped_by_category", "sales_yoy_percent", "gross_margin_change_points",
    "operating_profit_yoy_percent", "labor_productivity_yoy_percent", "existing_customer_share_change_points",
    "policy_supports_applied_by_kind", "policy_supports_adopted_by_kind", "outcome_events_by_kind",
    "sessions_by_approach_attitude", "op", "version", "updated_at",
}  # fmt: skip
CODES_OF = {
    "sessions_by_approach": set(Approach),
    "sessions_by_attitude": set(Attitude),
    "goals_set_by_category": set(GoalCategory),
    "goals_achieved_by_category": set(GoalCategory),
    "goals_dropped_by_category": set(GoalCategory),
    "policy_supports_applied_by_kind": set(PolicySupportKind),
    "policy_supports_adopted_by_kind": set(PolicySupportKind),
    "outcome_events_by_kind": set(OutcomeKind),
    "sessions_by_approach_attitude": {f"{approach}/{attitude}" for approach in Approach for attitude in Attitude},
}
YEN_FIELDS = (
    "sales_actual",
    "gross_profit_actual",
    "operating_profit_actual",
    "labor_cost",
    "depreciation",
    "existing_customer_sales",
)
THEMES = {
    "販路開拓による売上拡大": "sales",
    "sales": "sales",
    "事業承継の推進": "succession",
    "succession": "succession",
}
ORG = OrgIdentity("kaga-society", "加賀商工会", OrgKind.society, b"secret-a")
NOW = dt.datetime(2026, 11, 1, 3, 0, tzinfo=dt.UTC)

days = st.dates(dt.date(2023, 4, 1), dt.date(2026, 11, 1))
text = st.text(min_size=1, max_size=30)
yen = st.one_of(st.none(), st.integers(min_value=0, max_value=10**11))
profit = st.one_of(st.none(), st.integers(min_value=-(10**10), max_value=10**10))


@st.composite
def businesses(draw: st.DrawFn) -> Business:
    middle = draw(st.sampled_from(sorted(jsic().middles)))
    return Business(
        id=draw(st.integers(min_value=1, max_value=10**6)),
        name=draw(text),
        name_kana=draw(text),
        representative=draw(text),
        address=draw(text),
        phone=draw(st.from_regex(r"0[0-9]{1,4}-[0-9]{2,4}-[0-9]{4}", fullmatch=True)),
        email=draw(st.emails()),
        corporate_number=draw(st.from_regex(r"[1-9][0-9]{12}", fullmatch=True)),
        capital_yen=draw(st.integers(min_value=1, max_value=10**10)),
        business_form=draw(st.sampled_from(list(BusinessForm))),
        jsic_major=jsic().major_of(middle),
        jsic_middle=middle,
        employees=draw(st.one_of(st.none(), st.integers(min_value=0, max_value=100_000))),
        support_stage=draw(st.sampled_from(list(SupportStage))),
        sharing_consent=True,
        created_at=draw(st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2026, 11, 1), timezones=st.just(dt.UTC))),
    )


@st.composite
def goals(draw: st.DrawFn) -> Goal:
    set_on = draw(days)
    status = draw(st.sampled_from(list(GoalStatus)))
    achieved_on = draw(st.dates(set_on, dt.date(2026, 11, 1))) if status == GoalStatus.achieved else None
    return Goal(
        set_on=set_on,
        category=draw(st.sampled_from(list(GoalCategory))),
        text=draw(text),
        status=status,
        achieved_on=achieved_on,
        plan_theme=draw(st.one_of(st.none(), text, st.sampled_from(sorted(THEMES)))),
        updated_at=draw(st.datetimes(dt.datetime(2023, 4, 1), dt.datetime(2026, 11, 1), timezones=st.just(dt.UTC))),
    )


@st.composite
def figures(draw: st.DrawFn) -> QuarterlyFinancials:
    return QuarterlyFinancials(
        fiscal_year=draw(st.integers(min_value=2023, max_value=2026)),
        quarter=draw(st.integers(min_value=1, max_value=4)),
        sales_actual=draw(yen),
        gross_profit_actual=draw(profit),
        operating_profit_actual=draw(profit),
        employees=draw(st.one_of(st.none(), st.integers(min_value=0, max_value=1000))),
        labor_cost=draw(yen),
        depreciation=draw(yen),
        existing_customer_sales=draw(yen),
    )


activities = st.builds(
    BusinessActivity.of,
    business=businesses(),
    sessions=st.lists(
        st.builds(
            SupportSession,
            held_on=days,
            approach=st.sampled_from(list(Approach)),
            attitude=st.sampled_from(list(Attitude)),
            notes=text,
            expert_name=text,
        ),
        max_size=8,
    ),
    goals=st.lists(goals(), max_size=5),
    figures=st.lists(figures(), max_size=8, unique_by=lambda row: (row.fiscal_year, row.quarter)),
    policy_supports=st.lists(
        st.builds(
            PolicySupport,
            kind=st.sampled_from(list(PolicySupportKind)),
            program=text,
            result=st.sampled_from(list(PolicySupportResult)),
            applied_on=st.one_of(st.none(), days),
            decided_on=st.one_of(st.none(), days),
            amount_requested_yen=st.integers(min_value=1, max_value=10**9),
            amount_granted_yen=st.integers(min_value=1, max_value=10**9),
        ),
        max_size=4,
    ),
    outcomes=st.lists(
        st.builds(
            OutcomeEvent,
            kind=st.sampled_from(list(OutcomeKind)),
            occurred_on=days,
            count=st.integers(min_value=1, max_value=100),
            note=text,
        ),
        max_size=4,
    ),
)


def _published(activity: BusinessActivity) -> list[tuple[OutcomeRecord, outcome_record_pb2.OutcomeRecord]]:
    records = records_of(activity, activity.quarters(), ORG, THEMES, plain_descriptors)
    stamped = [dataclasses.replace(record, version=1, updated_at=NOW) for record in records.values()]
    return [(record, outcome_record_pb2.OutcomeRecord.FromString(encode_outcome_record(record))) for record in stamped]


def test_record_contract_is_the_policy_allow_list():
    assert {field.name for field in dataclasses.fields(OutcomeRecord)} == POLICY_FIELDS
    assert set(outcome_record_pb2.OutcomeRecord.DESCRIPTOR.fields_by_name) == POLICY_FIELDS


@settings(max_examples=100, deadline=None)
@given(activity=activities)
def test_a_record_carries_only_allowed_fields_codes_and_strings(activity: BusinessActivity):
    business = activity.business
    allowed_strings = {
        ORG.opaque_ref("business", business.id, business.created_at),
        ORG.org_id,
        business.jsic_major,
        business.support_stage,
    }
    allowed_strings |= {band.value for band in EmployeeBand} | set(THEMES.values())
    for record, message in _published(activity):
        assert {field.name for field, _ in message.ListFields()} <= POLICY_FIELDS
        for name, codes in CODES_OF.items():
            assert set(getattr(message, name)) <= codes, name
            assert all(count > 0 for count in getattr(message, name).values())
        strings = {value for field, value in message.ListFields() if isinstance(value, str)}
        strings |= set(message.plan_themes)
        assert strings <= allowed_strings, strings - allowed_strings
        assert message.employee_band == ("" if business.employees is None else EmployeeBand.of(business.employees))
        assert message.business_ref not in (str(business.id), "") and len(message.business_ref) == 32
        expected_subject = (
            f"banso.outcomes.kaga-society.{message.business_ref}.{record.fiscal_year}Q{record.fiscal_quarter}"
        )
        assert outcome_subject(ORG.org_id, message.business_ref, record.fiscal_year, record.fiscal_quarter) == (
            expected_subject
        )


@settings(max_examples=100, deadline=None)
@given(activity=activities, factor=st.integers(min_value=2, max_value=10_000))
def test_no_yen_amount_can_be_read_back_records_are_the_same_in_any_unit(activity: BusinessActivity, factor: int):
    """Every yen figure multiplied by the same factor leaves every record unchanged, byte for byte: what leaves
    depends only on ratios of the business's own figures."""
    scaled = dataclasses.replace(
        activity,
        figures=[
            QuarterlyFinancials(
                **_columns(row) | {name: _times(getattr(row, name), factor) for name in YEN_FIELDS},
            )
            for row in activity.figures
        ],
    )
    original = [encode_outcome_record(record) for record, _ in _published(activity)]
    assert [encode_outcome_record(record) for record, _ in _published(scaled)] == original


def _columns(row: QuarterlyFinancials) -> dict[str, Any]:
    names = ("fiscal_year", "quarter", "employees", *YEN_FIELDS)
    return {name: getattr(row, name) for name in names}


def _times(value: int | None, factor: int) -> int | None:
    return None if value is None else value * factor


def test_a_business_without_consent_has_no_records_and_absent_figures_are_not_zero():
    business = Business(
        id=1, jsic_major="E", employees=3, support_stage="active", sharing_consent=False, created_at=NOW
    )
    session = SupportSession(held_on=dt.date(2025, 4, 1), approach="listening", attitude="positive")
    assert records_of(BusinessActivity.of(business, sessions=[session]), {(2025, 1)}, ORG, {}, plain_descriptors) == {}

    business.sharing_consent = True
    flat = {"sales_actual": 1_000, "gross_profit_actual": 0, "operating_profit_actual": 0}
    rows = [QuarterlyFinancials(fiscal_year=year, quarter=1, **flat) for year in (2024, 2025)]
    activity = BusinessActivity.of(business, sessions=[session], figures=rows)
    record = records_of(activity, {(2025, 1)}, ORG, {}, plain_descriptors)[(2025, 1)]
    message = outcome_record_pb2.OutcomeRecord.FromString(encode_outcome_record(record))
    assert message.HasField("sales_yoy_percent") and message.sales_yoy_percent == 0.0
    assert message.HasField("gross_margin_change_points") and message.gross_margin_change_points == 0.0
    assert not message.HasField("operating_profit_yoy_percent")  # last year's was zero: no percentage
    assert not message.HasField("labor_productivity_yoy_percent")
    assert content_hash(record) == content_hash(dataclasses.replace(record, version=7, updated_at=NOW))


def test_the_pseudonym_is_stable_within_an_organisation_and_unlinkable_across():
    other = OrgIdentity("nanao-cci", "七尾商工会議所", OrgKind.cci, b"secret-b")
    business = Business(id=7, jsic_major="E", employees=3, support_stage="active", sharing_consent=True, created_at=NOW)
    session = SupportSession(held_on=dt.date(2025, 4, 1), approach="listening", attitude="positive")
    activity = BusinessActivity.of(business, sessions=[session])
    here = records_of(activity, {(2025, 1)}, ORG, {}, plain_descriptors)[(2025, 1)].business_ref
    again = records_of(activity, {(2025, 1)}, ORG, {}, plain_descriptors)[(2025, 1)].business_ref
    elsewhere = records_of(activity, {(2025, 1)}, other, {}, plain_descriptors)[(2025, 1)].business_ref
    assert here == again != elsewhere
    # SQLite gives a deleted business's id to the next one: the creation time keeps their pseudonyms apart.
    business.created_at = NOW + dt.timedelta(microseconds=1)
    assert records_of(activity, {(2025, 1)}, ORG, {}, plain_descriptors)[(2025, 1)].business_ref != here
