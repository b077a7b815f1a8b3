"""`GET /metrics`: what an operator watches — request latency, the outbox backlog and its age while the broker is
away, the consumers' lag — read from the running service, not from counters the test sets."""

from __future__ import annotations

import re

import pytest

from banso_core.testing.servers import eventually

pytestmark = pytest.mark.postgres


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the Prometheus text format."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    pattern = rf"^{re.escape(name)}{re.escape('{' + wanted + '}') if wanted else ''} (\S+)$"
    found = re.search(pattern, text, flags=re.MULTILINE)
    assert found, f"no sample {name}{{{wanted}}} in:\n{text[:2000]}"
    return float(found.group(1))


async def scrape(anonymous_client) -> str:
    response = await anonymous_client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


async def test_requests_are_timed_by_route_template(client, anonymous_client, business):
    await client.get(f"/api/v1/businesses/{business['id']}")
    await client.get("/api/v1/businesses/999999")
    text = await scrape(anonymous_client)
    route = "/api/v1/businesses/{business_id}"
    assert metric(text, "banso_http_request_duration_seconds_count", method="GET", route=route, status="200") == 1
    assert metric(text, "banso_http_request_duration_seconds_count", method="GET", route=route, status="404") == 1
    assert "/api/v1/businesses/999999" not in text


async def test_the_outbox_backlog_and_its_age_show_while_the_broker_is_away(
    client, anonymous_client, business, nats_server, goal_payload
):
    nats_server.stop()
    for number in range(3):
        response = await client.post(
            f"/api/v1/businesses/{business['id']}/goals", json=goal_payload | {"text": f"目標その{number}"}
        )
        assert response.status_code == 201
    text = await scrape(anonymous_client)
    assert metric(text, "banso_outbox_backlog") >= 3
    assert metric(text, "banso_outbox_oldest_age_seconds") > 0
    assert metric(text, "banso_nats_connected") == 0

    nats_server.start()

    async def drained() -> bool:
        text = await scrape(anonymous_client)
        return metric(text, "banso_outbox_backlog") == 0 and metric(text, "banso_outbox_oldest_age_seconds") == 0

    await eventually(drained, timeout=20, what="the backlog to drain after the broker returned")
    text = await scrape(anonymous_client)
    assert metric(text, "banso_nats_connected") == 1
    assert metric(text, "banso_consumer_pending_messages", durable="notice-feed-kaga-society") == 0
