"""MonitoringService over gRPC: the same operations, rules and errors as REST."""

from __future__ import annotations

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from banso.records.v1 import monitoring_pb2 as pb
from banso.records.v1 import monitoring_pb2_grpc
from org_records.fiscal import fiscal_year_of, today_in_japan

pytestmark = pytest.mark.postgres


@pytest.fixture
def monitoring(grpc_channel: grpc.aio.Channel) -> monitoring_pb2_grpc.MonitoringServiceStub:
    return monitoring_pb2_grpc.MonitoringServiceStub(grpc_channel)


async def _refused(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await call
    return refused.value


async def test_financials_put_get_list_delete(monitoring, business):
    figures = pb.FinancialsInput(
        sales_actual=8_000_000,
        gross_profit_actual=2_000_000,
        operating_profit_actual=-100_000,
        labor_cost=1_500_000,
        depreciation=100_000,
        employees=3,
        existing_customer_sales=6_000_000,
        sales_target=9_000_000,
        gross_profit_target=2_700_000,
    )
    put = await monitoring.PutFinancials(
        pb.PutFinancialsRequest(business_id=business["id"], fiscal_year=2025, quarter=2, financials=figures)
    )
    assert put.created
    stored = put.financials
    assert (stored.fiscal_year, stored.quarter, stored.version) == (2025, 2, 1)
    assert stored.quarter_label == "令和7年度 第2四半期"
    assert stored.fields == figures
    assert not stored.fields.HasField("ordinary_profit_actual")
    assert stored.gross_margin == pytest.approx(0.25)
    assert stored.gross_margin_target == pytest.approx(0.3)
    assert stored.value_added == -100_000 + 1_500_000 + 100_000
    assert stored.labor_productivity == pytest.approx(1_500_000 / 3)
    assert stored.existing_customer_sales_ratio == pytest.approx(0.75)

    again = await monitoring.PutFinancials(
        pb.PutFinancialsRequest(business_id=business["id"], fiscal_year=2025, quarter=2, financials=figures)
    )
    assert not again.created
    assert again.financials.version == 1
    fetched = await monitoring.GetFinancials(
        pb.GetFinancialsRequest(business_id=business["id"], fiscal_year=2025, quarter=2)
    )
    assert fetched.financials == stored

    emptied = await monitoring.PutFinancials(
        pb.PutFinancialsRequest(
            business_id=business["id"],
            fiscal_year=2025,
            quarter=2,
            financials=pb.FinancialsInput(sales_actual=0),
            expected_version=1,
        )
    )
    assert emptied.financials.version == 2
    assert not emptied.financials.HasField("gross_margin")
    assert not emptied.financials.HasField("value_added")

    listed = await monitoring.ListFinancials(pb.ListFinancialsRequest(business_id=business["id"]))
    assert [row.quarter for row in listed.financials] == [2]
    conflict = await _refused(
        monitoring.DeleteFinancials(
            pb.DeleteFinancialsRequest(business_id=business["id"], fiscal_year=2025, quarter=2, expected_version=1)
        )
    )
    assert conflict.code() == grpc.StatusCode.ABORTED
    await monitoring.DeleteFinancials(
        pb.DeleteFinancialsRequest(business_id=business["id"], fiscal_year=2025, quarter=2)
    )
    missing = await _refused(
        monitoring.GetFinancials(pb.GetFinancialsRequest(business_id=business["id"], fiscal_year=2025, quarter=2))
    )
    assert missing.code() == grpc.StatusCode.NOT_FOUND


@pytest.mark.parametrize(
    ("fiscal_year", "quarter", "figures", "field"),
    [
        (2025, 5, pb.FinancialsInput(), "quarter"),
        (2025, 0, pb.FinancialsInput(), "quarter"),
        (1999, 1, pb.FinancialsInput(), "fiscal_year"),
        (2025, 1, pb.FinancialsInput(sales_actual=-1), "sales_actual"),
        (2025, 1, pb.FinancialsInput(employees=-2), "employees"),
        (2025, 1, pb.FinancialsInput(sales_actual=1, gross_profit_actual=2), "gross_profit_actual"),
        (fiscal_year_of(today_in_japan()) + 1, 1, pb.FinancialsInput(sales_actual=1), "sales_actual"),
    ],
)
async def test_financials_validation_is_invalid_argument(monitoring, business, fiscal_year, quarter, figures, field):
    refused = await _refused(
        monitoring.PutFinancials(
            pb.PutFinancialsRequest(
                business_id=business["id"], fiscal_year=fiscal_year, quarter=quarter, financials=figures
            )
        )
    )
    assert refused.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in refused.details()


async def test_policy_support_crud(monitoring, business):
    adopted = pb.PolicySupportInput(
        kind="loan",
        program="小規模事業者経営改善資金（マル経融資）",
        applied_on="2026-04-10",
        amount_requested_yen=5_000_000,
        result="adopted",
        decided_on="2026-05-10",
        amount_granted_yen=4_000_000,
    )
    created = (
        await monitoring.CreatePolicySupport(
            pb.CreatePolicySupportRequest(business_id=business["id"], policy_support=adopted)
        )
    ).policy_support
    assert created.fields.program == "marukei_loan"
    assert created.fields.amount_granted_yen == 4_000_000
    assert created.version == 1
    assert (await monitoring.GetPolicySupport(pb.GetPolicySupportRequest(id=created.id))).policy_support == created

    updated = (
        await monitoring.UpdatePolicySupport(
            pb.UpdatePolicySupportRequest(
                id=created.id,
                policy_support=pb.PolicySupportInput(result="rejected"),
                update_fields=["result", "amount_granted_yen"],
                expected_version=1,
            )
        )
    ).policy_support
    assert updated.fields.result == "rejected"
    assert not updated.fields.HasField("amount_granted_yen")
    assert updated.fields.decided_on == "2026-05-10"
    assert updated.version == 2

    stale = await _refused(
        monitoring.UpdatePolicySupport(
            pb.UpdatePolicySupportRequest(
                id=created.id,
                policy_support=pb.PolicySupportInput(program="x"),
                update_fields=["program"],
                expected_version=1,
            )
        )
    )
    assert stale.code() == grpc.StatusCode.ABORTED
    unknown = await _refused(
        monitoring.UpdatePolicySupport(pb.UpdatePolicySupportRequest(id=created.id, update_fields=["colour"]))
    )
    assert unknown.code() == grpc.StatusCode.INVALID_ARGUMENT
    granted_without_adoption = await _refused(
        monitoring.UpdatePolicySupport(
            pb.UpdatePolicySupportRequest(
                id=created.id,
                policy_support=pb.PolicySupportInput(amount_granted_yen=1),
                update_fields=["amount_granted_yen"],
            )
        )
    )
    assert granted_without_adoption.code() == grpc.StatusCode.INVALID_ARGUMENT

    listed = await monitoring.ListPolicySupports(pb.ListPolicySupportsRequest(business_id=business["id"]))
    assert [record.id for record in listed.policy_supports] == [created.id]
    await monitoring.DeletePolicySupport(pb.DeletePolicySupportRequest(id=created.id))
    gone = await _refused(monitoring.GetPolicySupport(pb.GetPolicySupportRequest(id=created.id)))
    assert gone.code() == grpc.StatusCode.NOT_FOUND


async def test_policy_support_validation_is_invalid_argument(monitoring, business):
    for bad in (
        pb.PolicySupportInput(kind="grant", program="x"),
        pb.PolicySupportInput(kind="subsidy", program=""),
        pb.PolicySupportInput(kind="subsidy", program="x", amount_requested_yen=-1),
        pb.PolicySupportInput(kind="subsidy", program="x", result="adopted"),
        pb.PolicySupportInput(
            kind="subsidy", program="x", applied_on="2026-05-02", result="rejected", decided_on="2026-05-01"
        ),
    ):
        refused = await _refused(
            monitoring.CreatePolicySupport(
                pb.CreatePolicySupportRequest(business_id=business["id"], policy_support=bad)
            )
        )
        assert refused.code() == grpc.StatusCode.INVALID_ARGUMENT, bad
    missing = await _refused(
        monitoring.CreatePolicySupport(
            pb.CreatePolicySupportRequest(
                business_id=999, policy_support=pb.PolicySupportInput(kind="subsidy", program="x")
            )
        )
    )
    assert missing.code() == grpc.StatusCode.NOT_FOUND


async def test_outcome_crud(monitoring, business):
    created = (
        await monitoring.CreateOutcome(
            pb.CreateOutcomeRequest(
                business_id=business["id"],
                outcome=pb.OutcomeInput(kind="hire", occurred_on="2026-07-01", verified=True, note="正社員1名"),
            )
        )
    ).outcome
    assert (created.fields.count, created.fields.verified, created.fields.kind) == (1, True, "hire")
    assert (await monitoring.GetOutcome(pb.GetOutcomeRequest(id=created.id))).outcome == created

    updated = (
        await monitoring.UpdateOutcome(
            pb.UpdateOutcomeRequest(
                id=created.id, outcome=pb.OutcomeInput(count=2), update_fields=["count", "verified", "note"]
            )
        )
    ).outcome
    assert (updated.fields.count, updated.fields.verified, updated.fields.note, updated.version) == (2, False, "", 2)

    for bad in (
        pb.OutcomeInput(kind="award", occurred_on="2026-07-01"),
        pb.OutcomeInput(kind="hire", occurred_on="2999-01-01"),
        pb.OutcomeInput(kind="hire", occurred_on="2026-07-01", count=0),
        pb.OutcomeInput(kind="hire", occurred_on="2026-07-01", goal_id=999),
        pb.OutcomeInput(kind="hire"),
    ):
        refused = await _refused(
            monitoring.CreateOutcome(pb.CreateOutcomeRequest(business_id=business["id"], outcome=bad))
        )
        assert refused.code() == grpc.StatusCode.INVALID_ARGUMENT, bad

    listed = await monitoring.ListOutcomes(pb.ListOutcomesRequest(business_id=business["id"]))
    assert [record.id for record in listed.outcomes] == [created.id]
    await monitoring.DeleteOutcome(pb.DeleteOutcomeRequest(id=created.id))
    gone = await _refused(monitoring.DeleteOutcome(pb.DeleteOutcomeRequest(id=created.id)))
    assert gone.code() == grpc.StatusCode.NOT_FOUND


async def test_period_lock_refuses_figures_with_failed_precondition(monitoring, business):
    lock = (await monitoring.SetPeriodLock(pb.SetPeriodLockRequest(fiscal_year=2025, quarter=4))).period_lock
    assert (lock.label, lock.starts_on, lock.ends_on) == ("令和7年度 第4四半期", "2026-01-01", "2026-03-31")
    assert lock.HasField("locked_at")
    request = pb.PutFinancialsRequest(
        business_id=business["id"], fiscal_year=2025, quarter=4, financials=pb.FinancialsInput(sales_actual=1)
    )
    locked = await _refused(monitoring.PutFinancials(request))
    assert locked.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "ロックされています" in locked.details()
    listed = await monitoring.ListPeriodLocks(pb.ListPeriodLocksRequest())
    assert [(item.fiscal_year, item.quarter) for item in listed.period_locks] == [(2025, 4)]
    await monitoring.DeletePeriodLock(pb.DeletePeriodLockRequest(fiscal_year=2025, quarter=4))
    assert (await monitoring.PutFinancials(request)).created
    not_locked = await _refused(monitoring.DeletePeriodLock(pb.DeletePeriodLockRequest(fiscal_year=2025, quarter=4)))
    assert not_locked.code() == grpc.StatusCode.NOT_FOUND
    bad = await _refused(monitoring.SetPeriodLock(pb.SetPeriodLockRequest(fiscal_year=2025, quarter=9)))
    assert bad.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_monitoring_service_is_served_with_health(org_records):
    async with grpc.aio.insecure_channel(f"127.0.0.1:{org_records.app.state.grpc_port}") as channel:
        health = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service="banso.records.v1.MonitoringService")
        )
    assert health.status == health_pb2.HealthCheckResponse.SERVING
