"""Every table of the service, so that migrations see the whole schema."""

from exchange.db import Base
from exchange.goal_summary.models import SharedGoal
from exchange.inquiry.models import Inquiry, InquiryMessage
from exchange.similar_alert.models import SimilarGoalPair

__all__ = ["Base", "Inquiry", "InquiryMessage", "SharedGoal", "SimilarGoalPair"]
