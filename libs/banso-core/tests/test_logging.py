"""Structured logs: one JSON object a line, carrying the trace of the span the line was written in."""

from __future__ import annotations

import io
import json
import logging

from opentelemetry import trace

from banso_core.telemetry import log_handler


def logged(log_format: str, write) -> str:
    handler = log_handler("exchange", log_format)  # type: ignore[arg-type]
    stream = io.StringIO()
    handler.setStream(stream)
    logger = logging.getLogger("banso.test.logging")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        write(logger)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_a_line_inside_a_span_carries_its_trace_and_span_ids():
    tracer = trace.get_tracer(__name__)
    with tracer.start_as_current_span("consume") as span:
        line = logged("json", lambda logger: logger.warning("dead-lettering %s: %s", "banso.goals.x", "理由"))
        context = span.get_span_context()
    record = json.loads(line)
    assert record["message"] == "dead-lettering banso.goals.x: 理由"
    assert record["level"] == "WARNING"
    assert record["logger"] == "banso.test.logging"
    assert record["service"] == "exchange"
    assert record["trace_id"] == f"{context.trace_id:032x}"
    assert record["span_id"] == f"{context.span_id:016x}"
    assert record["time"]


def test_a_line_outside_any_span_has_no_trace_and_text_format_is_plain():
    record = json.loads(logged("json", lambda logger: logger.info("started")))
    assert record["trace_id"] is None and record["span_id"] is None
    text = logged("text", lambda logger: logger.info("started"))
    assert text.rstrip().endswith("started") and not text.startswith("{")


def test_an_exception_is_one_json_line_with_its_traceback():
    def fail(logger: logging.Logger) -> None:
        try:
            raise ValueError("壊れた")
        except ValueError:
            logger.exception("batch failed")

    lines = logged("json", fail).splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert "ValueError: 壊れた" in record["exc_info"]
