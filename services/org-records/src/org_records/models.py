"""Every table of the service, so that migrations see the whole schema."""

from org_records.audit.models import AuditEntry
from org_records.business.models import Business
from org_records.db import Base
from org_records.goal.models import Goal
from org_records.organization.models import Organization
from org_records.outbox.models import OutboxMessage
from org_records.staff.models import Staff
from org_records.support_session.models import SupportSession, session_goal
from org_records.task.models import Task

__all__ = [
    "AuditEntry",
    "Base",
    "Business",
    "Goal",
    "Organization",
    "OutboxMessage",
    "Staff",
    "SupportSession",
    "Task",
    "session_goal",
]
