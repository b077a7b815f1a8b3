from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from banso_core.settings import ServiceSettings


class NoticesSettings(ServiceSettings):
    """notices: 県からのお知らせ, posts, comments, read receipts (env prefix `NOTICES_`)."""

    model_config = SettingsConfigDict(env_prefix="NOTICES_", use_attribute_docstrings=True, extra="ignore")

    http_port: int = 8400
    grpc_port: int = 50400
    database_url: str = "sqlite:///var/notices.db"
