from __future__ import annotations

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
