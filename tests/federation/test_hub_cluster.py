"""A clustered hub from the generated configuration: three nodes with the federation's accounts, the hub's streams
provisioned with three replicas (`--replicas 3`), and an organization's leaf dialling every node. A goal published
at the leaf reaches the exchange's replicated stream, and still does with a node killed."""

from __future__ import annotations

from pathlib import Path

import nats
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nats.js.errors import Error as JetStreamError

from banso_core.nats_config import HubNode, Secrets, admin_user, generate, provision_hub_streams, provision_leaf_streams
from banso_core.registry import Member, load_registry, registry_toml
from banso_core.testing.servers import ConfiguredNatsServer, eventually, free_port
from banso_core.tokens import public_key_pem

pytestmark = [pytest.mark.federation, pytest.mark.e2e]

KANAZAWA = "kanazawa-cci"


async def test_the_hub_s_streams_are_replicated_on_three_nodes_and_a_leaf_s_goal_survives_a_node(tmp_path: Path):
    registry_path = tmp_path / "federation.toml"
    member = Member(KANAZAWA, "金沢商工会議所", "cci", public_key_pem(Ed25519PrivateKey.generate()))
    registry_path.write_text(registry_toml([member], host="127.0.0.1", client_port=1, leafnode_port=1), "utf-8")
    registry = load_registry(registry_path)
    nodes = [HubNode(f"hub-{index}", "127.0.0.1", free_port(), free_port(), free_port()) for index in (1, 2, 3)]
    leaf_port = free_port()
    files = generate(registry, tmp_path / "nats", leaf_ports={KANAZAWA: leaf_port}, cluster=nodes)
    hub = [
        ConfiguredNatsServer(files.hub_nodes[node.name], node.client_port, tmp_path / f"{node.name}.log")
        for node in nodes
    ]
    leaf = ConfiguredNatsServer(files.leaves[KANAZAWA], leaf_port, tmp_path / "leaf.log")
    passwords = Secrets(files.secrets)
    clients = []
    try:
        for server in [*hub, leaf]:
            server.start()
        await provision_leaf_streams(KANAZAWA, leaf.url)

        async def provisioned() -> bool:
            try:
                await provision_hub_streams(registry, passwords, hub[0].url, replicas=3)
            except (JetStreamError, nats.errors.Error, OSError):
                return False  # until the cluster has elected its JetStream leader
            return True

        await eventually(provisioned, timeout=30, what="the hub's streams provisioned with three replicas")
        exchange_user = admin_user(registry.service("exchange").account)
        exchange = await nats.connect(
            servers=[server.url for server in hub], user=exchange_user, password=passwords.password(exchange_user)
        )
        clients.append(exchange)
        at_the_leaf = await nats.connect(leaf.url)
        clients.append(at_the_leaf)

        async def replicated() -> bool:
            info = await exchange.jetstream().stream_info("BANSO_GOALS")
            return info.config.num_replicas == 3 and info.cluster is not None and len(info.cluster.replicas or []) == 2

        await eventually(replicated, timeout=20, what="the exchange's BANSO_GOALS on three nodes")

        async def goals_at_the_exchange(count: int) -> bool:
            try:
                return (await exchange.jetstream().stream_info("BANSO_GOALS")).state.messages == count
            except (JetStreamError, nats.errors.Error):
                return False

        await at_the_leaf.jetstream().publish(f"banso.goals.{KANAZAWA}.first", b"first")
        await eventually(lambda: goals_at_the_exchange(1), timeout=30, what="the first goal at the exchange")

        hub[0].kill()
        await at_the_leaf.jetstream().publish(f"banso.goals.{KANAZAWA}.second", b"second")
        await eventually(lambda: goals_at_the_exchange(2), timeout=60, what="the second goal with hub-1 down")
    finally:
        for client in clients:
            await client.close()
        for server in [leaf, *hub]:
            server.kill()
