"""deploy/compose.yaml, checked without a Docker engine (none runs here): against the files `make compose-config`
generates and the services' own settings classes. What it cannot show — that the containers start and talk — is
what `make run-federation` and test_federation_run.py show for the same topology without containers."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from pydantic_settings import BaseSettings

from analytics.config import AnalyticsSettings
from banso_core.registry import load_registry
from banso_core.tokens import load_or_create_signing_key, public_key_pem
from exchange.config import ExchangeSettings
from notices.config import NoticesSettings
from org_records.config import OrgRecordsSettings

pytestmark = pytest.mark.federation

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
COMPOSE: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
SETTINGS: dict[str, type[BaseSettings]] = {
    "org_records": OrgRecordsSettings,
    "exchange": ExchangeSettings,
    "analytics": AnalyticsSettings,
    "notices": NoticesSettings,
}
PREFIXES = {module: str(settings.model_config.get("env_prefix")) for module, settings in SETTINGS.items()}
ORGANIZATIONS = ("kanazawa-cci", "nanao-cci")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("compose")
    subprocess.run([sys.executable, str(DEPLOY / "compose_config.py"), "--out", str(out)], check=True, timeout=60)
    return out


def on_host(source: str, generated: Path) -> Path:
    """A path of the compose file as it is on this machine, var/compose being the generated folder."""
    path = (DEPLOY / source).resolve()
    compose_out = REPO / "var" / "compose"
    return generated / path.relative_to(compose_out) if path.is_relative_to(compose_out) else path


def environment_of(name: str, generated: Path) -> dict[str, str]:
    """The service's variables as the container gets them: its env files, then its own `environment`."""
    service = SERVICES[name]
    variables: dict[str, str] = {}
    for env_file in service.get("env_file", []):
        for line in on_host(env_file, generated).read_text().splitlines():
            key, _, value = line.partition("=")
            variables[key] = value
    return variables | {key: str(value) for key, value in service.get("environment", {}).items()}


def banso_services() -> list[str]:
    return [name for name, service in SERVICES.items() if "SERVICE" in service.get("environment", {})]


def test_the_hub_and_two_organizations_are_all_there():
    assert sorted(banso_services()) == [
        "analytics",
        "exchange",
        "kanazawa-cci-records",
        "nanao-cci-records",
        "notices",
    ]
    assert {
        "hub-nats",
        "hub-postgres",
        *(f"{org}-{part}" for org in ORGANIZATIONS for part in ("nats", "postgres")),
    } <= set(SERVICES)


def test_every_service_has_an_image_and_ours_build_from_the_dockerfile():
    for name, service in SERVICES.items():
        assert service.get("image"), name
        if service["image"].startswith("banso"):
            build = service.get("build") or SERVICES["exchange"]["build"]
            assert (DEPLOY / build["context"]).resolve() == REPO, name
            assert (REPO / build["dockerfile"]).is_file(), name


def test_every_variable_is_a_setting_of_its_own_service(generated, monkeypatch):
    for name in banso_services():
        variables = environment_of(name, generated)
        module = variables["SERVICE"]
        assert importlib.util.find_spec(f"{module}.__main__") is not None, name
        own = PREFIXES[module]
        ours = {key: value for key, value in variables.items() if key.startswith(tuple(PREFIXES.values()))}
        assert set(variables) - set(ours) == {"SERVICE"}, f"{name}: variables no setting reads"
        fields = SETTINGS[module].model_fields
        for key in ours:
            assert key.startswith(own) and key.removeprefix(own).lower() in fields, f"{name}: {key}"
        # The values themselves validate, as the service reads them at start.
        with monkeypatch.context() as scope:
            for key in [key for key in os.environ if key.startswith(own)]:
                scope.delenv(key)
            for key, value in ours.items():
                scope.setenv(key, value)
            settings = SETTINGS[module]()
        assert settings.database_url.startswith("postgresql://"), name


def test_each_organization_s_records_service_talks_only_to_its_own_leaf(generated):
    registry = load_registry(generated / "federation.toml")
    for org_id in ORGANIZATIONS:
        records = SERVICES[f"{org_id}-records"]
        variables = environment_of(f"{org_id}-records", generated)
        assert variables["ORG_RECORDS_ORG_ID"] == org_id
        assert variables["ORG_RECORDS_NATS_URL"] == f"nats://{org_id}-nats:4222"
        others = [other for other in ORGANIZATIONS if other != org_id]
        assert not any(word in value for value in variables.values() for word in ("hub-nats", *others))
        assert "hub" not in records["networks"]
        leaf_mount = next(volume for volume in SERVICES[f"{org_id}-nats"]["volumes"] if volume.endswith(":ro"))
        leaf = json.loads(on_host(leaf_mount.split(":")[0], generated).read_text())
        assert (leaf["port"], leaf["jetstream"]["domain"]) == (4222, org_id)
        assert leaf["leafnodes"]["remotes"][0]["url"].startswith(f"nats-leaf://{org_id}:")
        assert leaf["leafnodes"]["remotes"][0]["url"].endswith("@hub-nats:7422")
        # It signs with the key whose public half the registry lists for it.
        [key_mount] = [volume for volume in records["volumes"] if volume.endswith(":/config/signing-key.pem:ro")]
        key = load_or_create_signing_key(on_host(key_mount.split(":")[0], generated))
        registered = registry.organization(org_id).public_keys
        assert [public_key_pem(key)] == [public_key_pem_of(public) for public in registered]


def public_key_pem_of(public: Any) -> str:
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def test_each_hub_service_connects_to_the_hub_as_its_own_user(generated):
    secrets = json.loads((generated / "nats" / "secrets.json").read_text())
    for name in ("exchange", "analytics", "notices"):
        url = environment_of(name, generated)[f"{name.upper()}_NATS_URL"]
        assert url == f"nats://{name}:{secrets[name]}@hub-nats:4222"
        assert "wan" in SERVICES[name]["networks"]
    hub = json.loads(on_host("../var/compose/nats/hub.conf", generated).read_text())
    assert (hub["host"], hub["port"], hub["leafnodes"]["port"]) == ("0.0.0.0", 4222, 7422)


def test_every_mount_env_file_volume_network_and_dependency_exists(generated):
    declared_volumes, declared_networks = set(COMPOSE["volumes"]), set(COMPOSE["networks"])
    host_ports = []
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith((".", "/")):
                assert on_host(source, generated).is_file(), f"{name}: {source}"
            else:
                assert source in declared_volumes, f"{name}: {source}"
        for env_file in service.get("env_file", []):
            assert on_host(env_file, generated).is_file(), f"{name}: {env_file}"
        assert set(service.get("networks", [])) <= declared_networks, name
        assert set(service.get("depends_on", [])) <= set(SERVICES), name
        host_ports += [port.split(":")[0] for port in service.get("ports", [])]
    assert len(host_ports) == len(set(host_ports))


def test_the_streams_are_provisioned_in_the_order_sourcing_needs():
    def after(name: str, dependency: str) -> str | None:
        depends_on = SERVICES[name].get("depends_on", {})
        return depends_on.get(dependency, {}).get("condition") if isinstance(depends_on, dict) else None

    assert "--wait-for-leaves" in SERVICES["hub-provision"]["command"]
    assert {after("hub-provision", f"{org_id}-nats") for org_id in ORGANIZATIONS} == {"service_started"}
    for name in ("exchange", "analytics", "notices"):
        assert after(name, "hub-provision") == "service_completed_successfully", name
    for org_id in ORGANIZATIONS:
        provision = f"{org_id}-provision"
        assert after(provision, "hub-provision") == "service_completed_successfully"
        assert after(provision, f"{org_id}-records") == "service_healthy"
        assert SERVICES[provision]["command"][-2:] == [org_id, f"nats://{org_id}-nats:4222"]
