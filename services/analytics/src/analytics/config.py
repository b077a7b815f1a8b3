from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from banso_core.settings import ServiceSettings


class AnalyticsSettings(ServiceSettings):
    """analytics: suppressed statistics across the prefecture (env prefix `ANALYTICS_`)."""

    model_config = SettingsConfigDict(env_prefix="ANALYTICS_", use_attribute_docstrings=True, extra="ignore")

    http_port: int = 8300
    grpc_port: int = 50300
    database_url: str = "sqlite:///var/analytics.db"
    min_businesses: int = Field(default=5, ge=2)
    """k of sharing-policy.md §6: every published cell rests on at least this many distinct businesses."""
    federation_registry: Path | None = None
    """Federation registry (`deploy/federation.toml`, or the older JSON form) with the member organizations' public
    keys, names and kinds: only their staff's tokens are accepted, and an organization's kind comes from it. Without
    it every call is refused."""
    outcome_consumer_name: str = "analytics-outcomes"
    """Durable consumer name on the outcomes stream; replicas of one analytics share it."""
    goal_consumer_name: str = "analytics-goals"
    """Durable consumer name on the goals stream (distinct from the exchange's)."""
    consumer_batch_size: int = 512
    """Messages fetched and committed per batch."""
