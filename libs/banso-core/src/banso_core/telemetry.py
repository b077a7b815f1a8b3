"""OpenTelemetry setup and the W3C trace context that rides in NATS headers."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from typing import Literal

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

TracingExporter = Literal["none", "console", "otlp"]
LogFormat = Literal["json", "text"]


def configure_tracing(service_name: str, exporter: TracingExporter, otlp_endpoint: str | None = None) -> None:
    """Install a tracer provider unless the process already has one (tests, several services in one process)."""
    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    if exporter == "console":
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    elif exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp_endpoint)))
    trace.set_tracer_provider(provider)


def current_trace_headers() -> dict[str, str]:
    """The current span as `traceparent` (and `tracestate`) headers, to store or to send."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def context_from_headers(headers: Mapping[str, str] | None) -> Context:
    return propagate.extract(dict(headers or {}))


class TraceIds(logging.Filter):
    """Adds the current span's `trace_id` and `span_id` (hex, as OTLP back ends show them) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = trace.get_current_span().get_span_context()
        record.trace_id = f"{context.trace_id:032x}" if context.is_valid else None
        record.span_id = f"{context.span_id:016x}" if context.is_valid else None
        return True


def log_handler(service_name: str, log_format: LogFormat) -> logging.Handler:
    """A stderr handler: JSON lines (time, level, logger, message, service, trace and span ids) or plain text."""
    from pythonjsonlogger.json import JsonFormatter

    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(TraceIds())
    if log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                "{asctime}{levelname}{name}{message}{trace_id}{span_id}",
                style="{",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                static_fields={"service": service_name},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(trace_id)s] %(message)s"))
    return handler


def configure_logging(service_name: str, log_format: LogFormat, level: str = "INFO") -> None:
    """The process's logging, once at start (`python -m <service>`; tests keep pytest's)."""
    root = logging.getLogger()
    root.handlers[:] = [log_handler(service_name, log_format)]
    root.setLevel(level)
