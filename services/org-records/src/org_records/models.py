"""Every table of the service, so that migrations see the whole schema."""

from org_records.audit.models import AuditEntry
from org_records.business.models import Business
from org_records.db import Base
from org_records.financials.models import QuarterlyFinancials
from org_records.goal.models import Goal
from org_records.inbox.models import InboxInquiry, InboxReply
from org_records.notice_feed.models import NoticeFeedAlert, NoticeFeedComment, NoticeFeedItem, NoticeFeedReminder
from org_records.organization.models import Organization
from org_records.outbox.models import OutboxMessage
from org_records.outcome.models import OutcomeEvent
from org_records.outcome_record.models import OutcomeRecordMark, PublishedOutcomeRecord
from org_records.period_lock.models import PeriodLock
from org_records.plan.models import Plan, PlanKgi, PlanKpi, PlanKpiTarget, PlanTheme
from org_records.policy_support.models import PolicySupport
from org_records.staff.models import Staff
from org_records.support_session.models import SupportSession, session_goal
from org_records.task.models import Task

__all__ = [
    "AuditEntry",
    "Base",
    "Business",
    "Goal",
    "InboxInquiry",
    "InboxReply",
    "NoticeFeedAlert",
    "NoticeFeedComment",
    "NoticeFeedItem",
    "NoticeFeedReminder",
    "Organization",
    "OutboxMessage",
    "OutcomeEvent",
    "OutcomeRecordMark",
    "PeriodLock",
    "Plan",
    "PlanKgi",
    "PlanKpi",
    "PlanKpiTarget",
    "PlanTheme",
    "PolicySupport",
    "PublishedOutcomeRecord",
    "QuarterlyFinancials",
    "Staff",
    "SupportSession",
    "Task",
    "session_goal",
]
