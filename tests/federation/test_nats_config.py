"""The generated configuration: nats-server's own check accepts every file, and it gives each organization an
account of its own."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from banso_core.messaging import GOALS_STREAM, INQUIRIES_STREAM, OUTCOMES_STREAM
from banso_core.nats_config import (
    Addresses,
    check_configuration,
    generate,
    hub_stream_configs,
    inbox_config,
    main,
    outbox_config,
    provision_leaf_streams,
)
from banso_core.registry import load_registry

pytestmark = pytest.mark.federation


def test_every_generated_file_passes_nats_server_s_own_check(federation):
    for path in [federation.files.hub, *federation.files.leaves.values()]:
        check_configuration(path)
    hub = json.loads(federation.files.hub.read_text())
    assert set(hub["accounts"]) == {"KANAZAWA_CCI", "NANAO_CCI", "EXCHANGE", "ANALYTICS", "NOTICES"}
    [kanazawa] = [user for user in hub["accounts"]["KANAZAWA_CCI"]["users"] if user["user"] == "kanazawa-cci"]
    published = kanazawa["permissions"]["publish"]["allow"]
    assert "banso.goals.kanazawa-cci.>" in published
    assert not any("nanao" in subject for subject in published)
    assert federation.files.secrets.stat().st_mode & 0o077 == 0
    # One export per subject, for every account that reads it.
    exports = hub["accounts"]["KANAZAWA_CCI"]["exports"]
    [flow_control] = [entry for entry in exports if entry.get("service") == "$JS.FC.OUTBOX.>"]
    assert sorted(flow_control["accounts"]) == ["ANALYTICS", "EXCHANGE"]
    assert "$JS.API.CONSUMER.CREATE.BANSO_NOTICES.*.banso.notices.kanazawa-cci.>" in [
        entry.get("service") for entry in hub["accounts"]["NOTICES"]["exports"]
    ]
    # The hub's configuration holds bcrypt hashes only; each leaf's holds its own password alone.
    passwords = json.loads(federation.files.secrets.read_text())
    hub_text = federation.files.hub.read_text()
    assert not any(password in hub_text for password in passwords.values())
    leaf_text = federation.files.leaves["kanazawa-cci"].read_text()
    assert [user for user, password in passwords.items() if password in leaf_text] == ["kanazawa-cci"]


def test_the_command_writes_checked_files_and_keeps_the_passwords(federation, tmp_path, capsys):
    out = tmp_path / "generated"
    registry = federation.files.hub.parent.parent / "federation.toml"
    assert main(["--registry", str(registry), "--out", str(out)]) == 0
    first = json.loads((out / "secrets.json").read_text())
    assert main(["--registry", str(registry), "--out", str(out)]) == 0
    assert json.loads((out / "secrets.json").read_text()) == first
    assert "nats-server -t: ok" in capsys.readouterr().out


def test_the_command_names_what_is_wrong_with_the_registry(tmp_path, capsys):
    registry = tmp_path / "federation.toml"
    registry.write_text('[[organizations]]\nid = "kanazawa-cci"\nname = "金沢"\nkind = "cci"\n', encoding="utf-8")
    assert main(["--registry", str(registry), "--out", str(tmp_path / "out")]) == 2
    assert "missing key" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


DEPLOY_REGISTRY = Path(__file__).resolve().parents[2] / "deploy" / "federation.toml"
IN_CONTAINERS = Addresses(listen="0.0.0.0", hub_host="hub-nats", store_dir="/data/jetstream")


def test_in_containers_the_servers_use_service_names_and_container_paths(tmp_path):
    files = generate(load_registry(DEPLOY_REGISTRY), tmp_path, addresses=IN_CONTAINERS)
    passwords = json.loads(files.secrets.read_text())
    for path in [files.hub, *files.leaves.values()]:
        check_configuration(path)
        configuration = json.loads(path.read_text())
        assert (configuration["host"], configuration["jetstream"]["store_dir"]) == ("0.0.0.0", "/data/jetstream")
        assert "127.0.0.1" not in path.read_text()
        assert str(tmp_path) not in path.read_text()
    assert json.loads(files.hub.read_text())["leafnodes"]["host"] == "0.0.0.0"
    [remote] = json.loads(files.leaves["nanao-cci"].read_text())["leafnodes"]["remotes"]
    assert remote["url"] == f"nats-leaf://nanao-cci:{passwords['nanao-cci']}@hub-nats:7422"
    assert {name: path.read_text() for name, path in files.service_env.items()} == {
        name: f"{name.upper()}_NATS_URL=nats://{name}:{passwords[name]}@hub-nats:4222\n"
        for name in ("exchange", "analytics", "notices")
    }
    assert all(path.stat().st_mode & 0o077 == 0 for path in files.service_env.values())


def test_the_command_takes_the_container_addresses(tmp_path, capsys):
    out = tmp_path / "compose"
    arguments = ["--listen", "0.0.0.0", "--hub-host", "hub-nats", "--store-dir", "/data/jetstream"]
    assert main(["--registry", str(DEPLOY_REGISTRY), "--out", str(out), *arguments]) == 0
    assert json.loads((out / "leaf-kanazawa-cci.conf").read_text())["jetstream"]["store_dir"] == "/data/jetstream"
    assert "hub-nats:4222" in (out / "notices.env").read_text()
    assert f"wrote {out / 'exchange.env'}" in capsys.readouterr().out


def test_on_one_machine_each_server_keeps_its_own_store_on_loopback(tmp_path):
    files = generate(load_registry(DEPLOY_REGISTRY), tmp_path)
    hub = json.loads(files.hub.read_text())
    leaf = json.loads(files.leaves["kanazawa-cci"].read_text())
    assert (hub["host"], hub["jetstream"]["store_dir"]) == ("127.0.0.1", str(tmp_path / "store" / "hub"))
    assert (leaf["host"], leaf["jetstream"]["store_dir"]) == ("127.0.0.1", str(tmp_path / "store" / "kanazawa-cci"))
    assert leaf["leafnodes"]["remotes"][0]["url"].endswith("@127.0.0.1:7422")


def test_the_hub_s_streams_take_the_replicas_asked_for():
    registry = load_registry(DEPLOY_REGISTRY)
    org = registry.organization("kanazawa-cci")
    for replicas in (1, 3):
        configs = [outbox_config(org, replicas), inbox_config(org, registry, replicas)]
        for service in registry.hub.services:
            configs += hub_stream_configs(registry, service, replicas)
        assert {config.num_replicas for config in configs} == {replicas}
        assert {config.name for config in configs} >= {"OUTBOX", "INBOX", "BANSO_GOALS", "BANSO_NOTICES"}
    assert outbox_config(org).num_replicas == 1


@pytest.mark.parametrize("replicas", ["0", "6", "three"])
def test_the_command_refuses_replicas_a_hub_cannot_have(replicas, tmp_path, capsys):
    with pytest.raises(SystemExit) as refused:
        main(["--registry", str(DEPLOY_REGISTRY), "--provision", "nats://127.0.0.1:1", "--replicas", replicas])
    assert refused.value.code == 2
    assert "--replicas" in capsys.readouterr().err


def test_a_clustered_hub_gets_one_file_per_node_and_everyone_dials_every_node(tmp_path, capsys):
    out = tmp_path / "cluster"
    arguments = ["--listen", "0.0.0.0", "--store-dir", "/data/jetstream", "--hub-cluster", "hub-1, hub-2,hub-3"]
    assert main(["--registry", str(DEPLOY_REGISTRY), "--out", str(out), *arguments]) == 0
    printed = capsys.readouterr().out
    assert all(f"wrote {out / f'hub-{n}.conf'} (nats-server -t: ok)" in printed for n in (1, 2, 3))
    assert not (out / "hub.conf").exists()
    routes = ["nats://hub-1:6222", "nats://hub-2:6222", "nats://hub-3:6222"]
    for node in ("hub-1", "hub-2", "hub-3"):
        configuration = json.loads((out / f"{node}.conf").read_text())
        assert configuration["server_name"] == node
        assert configuration["cluster"] == {"name": "banso-hub", "host": "0.0.0.0", "port": 6222, "routes": routes}
        assert configuration["jetstream"] == {"store_dir": "/data/jetstream", "domain": "hub"}
        assert set(configuration["accounts"]) >= {"KANAZAWA_CCI", "EXCHANGE"}
    [remote] = json.loads((out / "leaf-kanazawa-cci.conf").read_text())["leafnodes"]["remotes"]
    assert [url.rpartition("@")[2] for url in remote["urls"]] == ["hub-1:7422", "hub-2:7422", "hub-3:7422"]
    url = (out / "exchange.env").read_text().strip().removeprefix("EXCHANGE_NATS_URL=")
    assert [part.rpartition("@")[2] for part in url.split(",")] == ["hub-1:4222", "hub-2:4222", "hub-3:4222"]


async def test_provisioning_waits_for_every_leaf_s_streams_and_names_the_one_missing(federation, capsys):
    registry_path = federation.files.hub.parent.parent / "federation.toml"
    out = federation.files.secrets.parent
    arguments = ["--registry", str(registry_path), "--out", str(out), "--provision", federation.hub.url]
    # No records service has made its streams in the leaves yet: the wait gives up, naming what is missing.
    assert await asyncio.to_thread(main, [*arguments, "--wait-for-leaves", "0.5"]) == 1
    assert "kanazawa-cci's leaf has not connected or holds no BANSO_GOALS, BANSO_OUTCOMES, BANSO_INQUIRIES" in (
        capsys.readouterr().err
    )
    for org_id in federation.leaves:
        leaf = await federation.connect_leaf(org_id)
        for spec in (GOALS_STREAM, OUTCOMES_STREAM, INQUIRIES_STREAM):
            await leaf.jetstream().add_stream(spec.config())
        await leaf.close()
    assert await asyncio.to_thread(main, [*arguments, "--wait-for-leaves", "15"]) == 0
    for org_id, leaf in federation.leaves.items():
        await provision_leaf_streams(org_id, leaf.url)
    # Provisioned after the leaves' streams, every source runs at once rather than on the server's slower retry.
    await federation.sourcing_established("kanazawa-cci")
    await federation.sourcing_established("nanao-cci")
