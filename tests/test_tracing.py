"""One trace follows a goal from the REST request through the outbox and NATS to the exchange."""

from __future__ import annotations

import pytest

from banso_core.testing.auth import signed_in_client
from banso_core.testing.servers import eventually

pytestmark = pytest.mark.e2e


async def test_one_trace_spans_request_outbox_relay_and_consume(federation, spans):
    kanazawa = await federation.start_org("kanazawa-cci", "金沢商工会議所")
    await federation.start_exchange()
    async with signed_in_client(kanazawa.url) as client:
        business = (
            await client.post(
                "/api/v1/businesses",
                json={
                    "name": "金沢箔工芸",
                    "business_form": "corporation",
                    "jsic_major": "E",
                    "jsic_middle": "32",
                    "employees": 8,
                    "sharing_consent": True,
                },
            )
        ).json()
        await client.post(
            f"/api/v1/businesses/{business['id']}/goals",
            json={"set_on": "2026-04-01", "category": "new_product", "text": "金箔を使った新しい土産品の開発"},
        )

    def named(name: str) -> list:
        # The goal's path; outcome records computed from the same write leave later, in the worker's own traces.
        return [
            span
            for span in spans()
            if span.name == name
            and not str((span.attributes or {}).get("messaging.destination.name", "")).startswith("banso.outcomes.")
        ]

    async def consumed() -> bool:
        return len(named("exchange.consume")) >= 1

    await eventually(consumed, what="the exchange.consume span")
    request = next(span for span in spans() if span.name.startswith("POST /api/v1/businesses/{business_id}/goals"))
    trace_id = request.context.trace_id
    for name in ("outbox.write", "relay.publish", "exchange.consume"):
        assert [span.context.trace_id for span in named(name)] == [trace_id], name
    consume = named("exchange.consume")[0]
    publish = named("relay.publish")[0]
    assert consume.parent is not None and consume.parent.span_id == publish.context.span_id
