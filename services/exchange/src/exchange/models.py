"""Every table of the service, so that migrations see the whole schema."""

from exchange.db import Base
from exchange.goal_summary.models import SharedGoal

__all__ = ["Base", "SharedGoal"]
