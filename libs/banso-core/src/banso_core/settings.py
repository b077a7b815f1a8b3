"""Settings every service has. Each service subclasses this once, with its own environment prefix."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from banso_core.telemetry import LogFormat, TracingExporter


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(use_attribute_docstrings=True, extra="ignore")

    http_host: str = "127.0.0.1"
    """Address the REST server binds to (0.0.0.0 in containers)."""
    http_port: int = 8000
    """REST port."""
    grpc_port: int = 50000
    """gRPC port; 0 picks a free one (tests)."""
    database_url: str = "sqlite:///var/banso.db"
    """SQLAlchemy URL; `sqlite:///…` (embedded default) or `postgresql://…`."""
    nats_url: str = "nats://127.0.0.1:4222"
    """The NATS server this service talks to (the organization's leaf node, or the hub); a cluster's nodes
    comma-separated."""
    tracing_exporter: TracingExporter = "none"
    """Where spans go: nowhere, the console, or OTLP/HTTP."""
    otlp_endpoint: str | None = None
    """OTLP/HTTP traces endpoint when `tracing_exporter` is `otlp`."""
    log_format: LogFormat = "json"
    """`json`: one JSON object a line, with the trace and span ids of the current span; `text` for a terminal."""
    log_level: str = "INFO"
    """The root logger's level."""
