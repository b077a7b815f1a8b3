"""The federation registry: one human-edited file (`deploy/federation.toml`) naming the hub, the member organizations
(団体), their NATS accounts and their token-signing public keys.

Everything that must agree about who belongs to the federation reads it from here: the hub services (whose staff
tokens they accept), the NATS configuration generator (which account may publish which subjects), `make run`.
The older JSON form (`{"organizations": [{id, name, kind, public_key}]}`) is still read, for tests and tools that
write it.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from banso_core.vocabulary import OrgKind

ORG_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
"""An organization id is one NATS subject token and one JetStream domain: lower-case letters, digits, hyphens."""
ACCOUNT_NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,62}$")
HUB_SERVICES = ("exchange", "analytics", "notices")


class RegistryError(ValueError):
    """The registry file cannot be used; the message names the file, the entry and what to fix."""


@dataclass(frozen=True)
class RegisteredOrganization:
    """団体: one member organization."""

    id: str
    name: str
    kind: str
    account: str
    """Its NATS account at the hub: everything its leaf node publishes or receives stays in it."""
    public_keys: tuple[Ed25519PublicKey, ...]
    """Every key its staff tokens may be signed with; two during a rollover."""
    parent: str | None = None
    """The organization it belongs to (a 商工会 to its 連合会), if any."""


@dataclass(frozen=True)
class HubService:
    """A prefecture-hosted service and its NATS account at the hub."""

    name: str
    account: str


@dataclass(frozen=True)
class Hub:
    """The prefecture hub: where the organizations' leaf nodes connect."""

    host: str = "127.0.0.1"
    """The address leaf nodes dial (and the hub listens on)."""
    client_port: int = 4222
    leafnode_port: int = 7422
    jetstream_domain: str = "hub"
    services: tuple[HubService, ...] = ()


@dataclass(frozen=True)
class FederationRegistry:
    organizations: tuple[RegisteredOrganization, ...]
    hub: Hub = field(default_factory=Hub)

    def organization(self, org_id: str) -> RegisteredOrganization:
        for org in self.organizations:
            if org.id == org_id:
                return org
        raise KeyError(org_id)

    def service(self, name: str) -> HubService:
        for service in self.hub.services:
            if service.name == name:
                return service
        raise KeyError(name)


def load_registry(path: Path) -> FederationRegistry:
    """The registry at `path` (`.toml`, else the older JSON form), validated; RegistryError says what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RegistryError(f"{path}: cannot read the federation registry ({error.strerror})") from None
    if path.suffix == ".json":
        return _from_json(path, text)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RegistryError(f"{path}: not valid TOML ({error})") from None
    return _from_toml(path, document)


def _from_toml(path: Path, document: dict[str, Any]) -> FederationRegistry:
    entries = document.get("organizations")
    if not isinstance(entries, list) or not entries:
        raise RegistryError(f"{path}: no [[organizations]]; list at least one member organization")
    organizations = tuple(_organization(path, index, entry) for index, entry in enumerate(entries, start=1))
    registry = FederationRegistry(organizations, _hub(path, document.get("hub", {})))
    _check_whole(path, registry)
    return registry


def _from_json(path: Path, text: str) -> FederationRegistry:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise RegistryError(f"{path}: not valid JSON ({error})") from None
    organizations = []
    for index, entry in enumerate(document.get("organizations", []), start=1):
        org_id = _text(path, f"organization {index}", entry, "id")
        keys = [entry["public_key"]] if "public_key" in entry else entry.get("public_keys", [])
        converted = {
            "id": org_id,
            "name": entry.get("name") or org_id,
            "kind": entry.get("kind") or OrgKind.other.value,
            "account": entry.get("account") or account_name_of(org_id),
            "public_keys": keys,
        }
        organizations.append(_organization(path, index, converted))
    registry = FederationRegistry(tuple(organizations), _hub(path, {}))
    _check_whole(path, registry)
    return registry


@dataclass(frozen=True)
class Member:
    """An organization as a written registry names it (`registry_toml`)."""

    id: str
    name: str
    kind: str
    public_key_pem: str


def registry_toml(members: list[Member], *, host: str, client_port: int, leafnode_port: int) -> str:
    """A registry with every hub service and these members, as `deploy/federation.toml` is written (for a
    federation made on one machine: `deploy/federation_run.py`, the federation tests)."""
    lines = ["[hub]", f"host = {json.dumps(host)}", f"client_port = {client_port}", f"leafnode_port = {leafnode_port}"]
    for service in HUB_SERVICES:
        lines += ["[[hub.services]]", f"name = {json.dumps(service)}"]
    for member in members:
        lines += [
            "[[organizations]]",
            f"id = {json.dumps(member.id)}",
            f"name = {json.dumps(member.name, ensure_ascii=False)}",
            f"kind = {json.dumps(member.kind)}",
            f'public_keys = ["""{member.public_key_pem}"""]',
        ]
    return "\n".join(lines) + "\n"


def account_name_of(org_id: str) -> str:
    """The NATS account an organization gets when the registry names none: `kanazawa-cci` → `KANAZAWA_CCI`."""
    return re.sub(r"[^A-Z0-9]", "_", org_id.upper())


def _organization(path: Path, index: int, entry: Any) -> RegisteredOrganization:
    where = f"organization {index}"
    if not isinstance(entry, dict):
        raise RegistryError(f"{path}: {where} is not a table")
    org_id = _text(path, where, entry, "id")
    where = f"organization {org_id!r}"
    if not ORG_ID.match(org_id):
        raise RegistryError(f"{path}: {where}: the id must be lower-case letters, digits and hyphens")
    kind = _text(path, where, entry, "kind")
    known_kinds = [kind.value for kind in OrgKind]
    if kind not in known_kinds:
        raise RegistryError(f"{path}: {where}: unknown kind {kind!r}; one of {', '.join(known_kinds)}")
    account = entry.get("account") or account_name_of(org_id)
    if not isinstance(account, str) or not ACCOUNT_NAME.match(account):
        raise RegistryError(f"{path}: {where}: account {account!r} must be upper-case letters, digits and _")
    pems = entry.get("public_keys", [])
    if isinstance(pems, str) or not isinstance(pems, list) or not pems:
        raise RegistryError(f"{path}: {where}: missing key: list its token-signing key(s) in public_keys = [...]")
    parent = entry.get("parent")
    if parent is not None and not isinstance(parent, str):
        raise RegistryError(f"{path}: {where}: parent must be an organization id")
    return RegisteredOrganization(
        id=org_id,
        name=_text(path, where, entry, "name"),
        kind=kind,
        account=account,
        public_keys=tuple(_public_key(path, where, number, pem) for number, pem in enumerate(pems, start=1)),
        parent=parent,
    )


def _public_key(path: Path, where: str, number: int, pem: Any) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(str(pem).encode())
    except ValueError:
        raise RegistryError(f"{path}: {where}: public key {number} is not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise RegistryError(f"{path}: {where}: public key {number} is not an Ed25519 key")
    return key


def _hub(path: Path, table: Any) -> Hub:
    if not isinstance(table, dict):
        raise RegistryError(f"{path}: [hub] must be a table")
    defaults = Hub()
    services = []
    for entry in table.get("services", []):
        name = _text(path, "a [[hub.services]] entry", entry, "name")
        if name not in HUB_SERVICES:
            raise RegistryError(f"{path}: unknown hub service {name!r}; one of {', '.join(HUB_SERVICES)}")
        account = entry.get("account") or name.upper()
        if not ACCOUNT_NAME.match(account):
            raise RegistryError(f"{path}: hub service {name!r}: account {account!r} must be upper-case letters")
        services.append(HubService(name, account))
    domain = str(table.get("jetstream_domain", defaults.jetstream_domain))
    if not ORG_ID.match(domain):
        raise RegistryError(f"{path}: [hub] jetstream_domain must be lower-case letters, digits and hyphens")
    try:
        return Hub(
            host=str(table.get("host", defaults.host)),
            client_port=int(table.get("client_port", defaults.client_port)),
            leafnode_port=int(table.get("leafnode_port", defaults.leafnode_port)),
            jetstream_domain=domain,
            services=tuple(services),
        )
    except (TypeError, ValueError):
        raise RegistryError(f"{path}: [hub] client_port and leafnode_port must be whole numbers") from None


def _check_whole(path: Path, registry: FederationRegistry) -> None:
    ids = [org.id for org in registry.organizations]
    for org_id in ids:
        if ids.count(org_id) > 1:
            raise RegistryError(f"{path}: duplicate id {org_id!r}: each organization is listed once")
    services = [service.name for service in registry.hub.services]
    for name in services:
        if services.count(name) > 1:
            raise RegistryError(f"{path}: hub service {name!r} is listed twice")
    accounts = [org.account for org in registry.organizations] + [service.account for service in registry.hub.services]
    for account in accounts:
        if accounts.count(account) > 1:
            raise RegistryError(f"{path}: duplicate account {account!r}: every organization has an account of its own")
    if registry.hub.jetstream_domain in ids:
        raise RegistryError(f"{path}: the hub's jetstream_domain {registry.hub.jetstream_domain!r} is also an org id")
    for org in registry.organizations:
        if org.parent is not None and org.parent not in ids:
            raise RegistryError(f"{path}: organization {org.id!r}: parent {org.parent!r} is not in the registry")


def _text(path: Path, where: str, entry: Any, name: str) -> str:
    value = entry.get(name) if isinstance(entry, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise RegistryError(f"{path}: {where}: missing {name}")
    return value.strip()
