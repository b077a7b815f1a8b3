"""Spoofing: with the generated configuration an organization's credentials cannot publish under another
organization's subjects, and what its leaf holds under another's subject never reaches the hub services.

A payload that claims another organization on the sender's own subject is refused by the consumers
(services/exchange/tests/test_ingest.py, case org-differs-from-subject; analytics and org-records likewise); a token
signed with a key the registry does not list is refused by the hub services (services/exchange/tests/
test_japanese_search.py, bad_authorizations; libs/banso-core/tests/test_registry.py for rotation)."""

from __future__ import annotations

import asyncio
import json

import nats
import pytest

from banso_core.messaging import (
    GOALS_STREAM,
    INQUIRIES_STREAM,
    OUTCOMES_STREAM,
    goal_subject,
    inquiry_reply_subject,
    outcome_subject,
)
from banso_core.testing.servers import eventually

pytestmark = pytest.mark.federation

KANAZAWA, NANAO = "kanazawa-cci", "nanao-cci"


async def test_an_organization_s_credentials_cannot_publish_under_another_s_subject(federation):
    await federation.provision()
    refusals: list[Exception] = []

    async def note(error: Exception) -> None:
        refusals.append(error)

    kanazawa = await nats.connect(
        federation.hub.url,
        user=KANAZAWA,
        password=federation.passwords.password(KANAZAWA),
        error_cb=note,
        allow_reconnect=False,
    )
    try:
        await kanazawa.publish(goal_subject(NANAO, "forged"), b"a summary in nanao's name")
        await kanazawa.flush()
        await eventually(lambda: _any(refusals), timeout=5, what="the hub to refuse the publish")
        assert "permissions violation for publish" in str(refusals[0]).lower()
        assert goal_subject(NANAO, "forged") in str(refusals[0])
        # Nor may it read what is addressed to another organization.
        await kanazawa.subscribe(f"banso.notices.{NANAO}.>")
        await kanazawa.flush()
        await eventually(lambda: _any(refusals[1:]), timeout=5, what="the hub to refuse the subscription")
        assert "permissions violation for subscription" in str(refusals[1]).lower()
    finally:
        await kanazawa.close()
    for account in ("EXCHANGE", "ANALYTICS"):
        hub = await federation.connect_hub_account(account)
        try:
            assert (await hub.jetstream().stream_info(GOALS_STREAM.name)).state.messages == 0
        finally:
            await hub.close()


async def test_another_organization_s_subject_in_a_leaf_never_reaches_the_hub(federation):
    leaf = await federation.connect_leaf(KANAZAWA)
    try:
        js = leaf.jetstream()
        await js.add_stream(GOALS_STREAM.config())
        await federation.provision()
        # Its own leaf takes anything (it is the organization's server), but the hub takes only its own subjects.
        await js.publish(goal_subject(NANAO, "forged"), b"a summary in nanao's name")
        await js.publish(goal_subject(KANAZAWA, "own"), b"its own summary")
    finally:
        await leaf.close()
    for account in ("EXCHANGE", "ANALYTICS"):
        hub = await federation.connect_hub_account(account)
        try:
            hub_js = hub.jetstream()

            async def own_arrived(hub_js=hub_js) -> bool:
                return (await hub_js.stream_info(GOALS_STREAM.name)).state.messages >= 1

            await eventually(own_arrived, timeout=10, what=f"kanazawa's own summary at {account}")
            # The leaf sends in order: the forged one, published first, would be there by now.
            info = await hub_js.stream_info(GOALS_STREAM.name, subjects_filter=">")
            assert info.state.subjects == {goal_subject(KANAZAWA, "own"): 1}
        finally:
            await hub.close()


async def _any(found: list[Exception]) -> bool:
    await asyncio.sleep(0)
    return bool(found)


async def test_an_organization_s_account_can_source_only_its_own_part_of_the_hub_s_notices(federation):
    """Even the hub's administrator of an organization's account reaches the notices' stream only with that
    organization's filter: a consumer of another's notices has nobody to create it."""
    await federation.provision()
    kanazawa = await federation.connect_hub_account(federation.registry.organization(KANAZAWA).account)
    try:
        api = "banso.js.notices.API.CONSUMER.CREATE.BANSO_NOTICES"
        for filter_subject in (f"banso.notices.{NANAO}.>", "banso.notices.>", ">"):
            request = {"stream_name": "BANSO_NOTICES", "config": {"filter_subject": filter_subject}}
            with pytest.raises(nats.errors.NoRespondersError):
                await kanazawa.request(f"{api}.peek.{filter_subject}", json.dumps(request).encode(), timeout=2)
        with pytest.raises(nats.errors.NoRespondersError):
            await kanazawa.request(api, b"{}", timeout=2)
        own = {"stream_name": "BANSO_NOTICES", "config": {"filter_subject": f"banso.notices.{KANAZAWA}.>"}}
        answer = await kanazawa.request(f"{api}.own.banso.notices.{KANAZAWA}.>", json.dumps(own).encode(), timeout=2)
        assert "error" not in json.loads(answer.data), answer.data
    finally:
        await kanazawa.close()


async def test_each_hub_service_receives_only_what_it_consumes(federation):
    """Data minimisation across accounts: the exchange gets goals and inquiry replies, analytics goals and outcome
    records; neither gets what only the other needs."""
    leaf = await federation.connect_leaf(KANAZAWA)
    try:
        js = leaf.jetstream()
        for spec in (GOALS_STREAM, OUTCOMES_STREAM, INQUIRIES_STREAM):
            await js.add_stream(spec.config())
        await federation.provision()
        await js.publish(goal_subject(KANAZAWA, "ref-1"), b"goal")
        await js.publish(outcome_subject(KANAZAWA, "biz-1", 2026, 1), b"outcome")
        await js.publish(inquiry_reply_subject(KANAZAWA, "inquiry-1"), b"reply")
    finally:
        await leaf.close()
    wanted = {
        "EXCHANGE": {GOALS_STREAM.name: 1, INQUIRIES_STREAM.name: 1},
        "ANALYTICS": {GOALS_STREAM.name: 1, OUTCOMES_STREAM.name: 1},
        "NOTICES": {},
    }
    for account, counts in wanted.items():
        hub = await federation.connect_hub_account(account)
        try:
            hub_js = hub.jetstream()

            async def arrived(hub_js=hub_js, counts=counts) -> bool:
                for stream, count in counts.items():
                    if (await hub_js.stream_info(stream)).state.messages < count:
                        return False
                return True

            await eventually(arrived, what=f"what {account} consumes")
            held = {info.config.name: info.state.messages for info in await hub_js.streams_info()}
            assert {stream: count for stream, count in held.items() if count} == counts
        finally:
            await hub.close()
