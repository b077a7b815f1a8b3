"""Every table of the service, so that migrations see the whole schema."""

from analytics.db import Base
from analytics.goal_summary.models import GoalFact
from analytics.outcome_record.models import OutcomeRecordBatches, StoredOutcomeRecord

__all__ = ["Base", "GoalFact", "OutcomeRecordBatches", "StoredOutcomeRecord"]
