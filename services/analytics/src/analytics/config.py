from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from banso_core.settings import ServiceSettings


class AnalyticsSettings(ServiceSettings):
    """analytics: suppressed statistics across the prefecture (env prefix `ANALYTICS_`)."""

    model_config = SettingsConfigDict(env_prefix="ANALYTICS_", use_attribute_docstrings=True, extra="ignore")

    http_port: int = 8300
    grpc_port: int = 50300
    database_url: str = "sqlite:///var/analytics.db"
