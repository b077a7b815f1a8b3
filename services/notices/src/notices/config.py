from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from banso_core.settings import ServiceSettings


class NoticesSettings(ServiceSettings):
    """notices: 県からのお知らせ, posts, comments, read receipts (env prefix `NOTICES_`)."""

    model_config = SettingsConfigDict(env_prefix="NOTICES_", use_attribute_docstrings=True, extra="ignore")

    http_port: int = 8400
    grpc_port: int = 50400
    database_url: str = "sqlite:///var/notices.db"
    federation_registry: Path | None = None
    """Federation registry (`deploy/federation.toml`, or the older JSON form) with the member organizations' public
    keys, names and kinds: only their staff's tokens are accepted, and an organization of kind `prefecture` posts
    official notices. Unset: every call is refused (401)."""
    relay_batch_size: int = 500
    """Outbox rows published per relay round."""
    relay_poll_seconds: float = 1.0
    """How often the relay looks for rows when nothing wakes it."""
