"""Reading what a JetStream stream holds, as an operator (or an attacker on the hub) would see it."""

from __future__ import annotations

import nats
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy


async def stream_messages(nats_url: str, stream: str, subject: str = ">") -> list[Msg]:
    """Every message the stream holds now on `subject`, oldest first, read by a throw-away consumer (none while the
    stream does not exist)."""
    broker = await nats.connect(nats_url)
    try:
        js = broker.jetstream()
        try:
            subscription = await js.pull_subscribe(
                subject,
                stream=stream,
                config=ConsumerConfig(ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL),
            )
        except nats.js.errors.NotFoundError:
            return []
        held: list[Msg] = []
        while ((await subscription.consumer_info()).num_pending or 0) > 0 or not held:
            try:
                held.extend(await subscription.fetch(256, timeout=1))
            except (NatsTimeoutError, TimeoutError):
                break
        await subscription.unsubscribe()
        return held
    finally:
        await broker.close()
