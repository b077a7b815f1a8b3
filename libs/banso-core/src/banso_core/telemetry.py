"""OpenTelemetry setup and the W3C trace context that rides in NATS headers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

TracingExporter = Literal["none", "console", "otlp"]


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
