from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from banso_core.settings import ServiceSettings


class ExchangeSettings(ServiceSettings):
    """The prefecture's exchange of shared goal summaries (env prefix `EXCHANGE_`)."""

    model_config = SettingsConfigDict(env_prefix="EXCHANGE_", use_attribute_docstrings=True, extra="ignore")

    http_port: int = 8200
    grpc_port: int = 50200
    database_url: str = "sqlite:///var/exchange.db"
    consumer_name: str = "exchange"
    """Durable consumer name on the goals stream; replicas of one exchange share it."""
    consumer_batch_size: int = 512
    """Summaries fetched and committed per batch."""
    analysis_workers: Annotated[int, Field(ge=0)] = 0
    """Processes that analyse ingested texts (Sudachi, CPU-bound), each batch shared out among them; 0: on the
    event loop. On a machine with cores to spare, set it to the number of cores."""
    federation_registry: Path | None = None
    """Federation registry (`deploy/federation.toml`, or the older JSON form) with the member organizations' public
    keys and kinds: only their staff's tokens are accepted. Unset: every call is refused (401)."""
    similar_alert_threshold: Annotated[float, Field(gt=0, le=1)] = 0.5
    """類似目標のお知らせ: share of words in common (Jaccard) from which two goals of the same category, in two
    organizations, alert both 担当者."""
    similar_alerts_per_staff_per_day: Annotated[int, Field(ge=0)] = 5
    """At most this many similar-goal alerts per 担当者 in 24 hours (0: none)."""
    inquiry_consumer_name: str = "exchange-inquiries"
    """Durable consumer name of the inquiry replies (`banso.inquiries.*.reply.>`); replicas share it."""
    inquiry_relay_poll_seconds: Annotated[float, Field(gt=0)] = 1.0
    """How often the inquiry relay looks for questions still to publish (it is also woken by each new one)."""
