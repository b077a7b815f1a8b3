"""What deploy/compose.yaml mounts, generated once: `make compose-config` (into var/compose, never committed).

- `federation.toml`: the registry of the two organizations (金沢商工会議所, 七尾商工会議所), with the hub at `hub-nats`;
- `keys/<org>.pem`: each organization's token-signing key (its public half is in the registry);
- `nats/`: the hub's and each leaf's nats-server configuration with container addresses (listening on 0.0.0.0,
  the hub dialled as `hub-nats`, JetStream in /data/jetstream), `<service>.env` with each hub service's NATS URL
  and its own user's password, and `secrets.json`;
- `env/<compose service>.env`: each PostgreSQL's password, each service's database URL, an organization's sharing
  secret and its first administrator's login and password (ORG_RECORDS_BOOTSTRAP_ADMIN_*).

Every password is generated once and kept in nats/secrets.json: running it again keeps them. All files are 0600.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from local_federation import ORGANIZATIONS, REPO

from banso_core.nats_config import Addresses, Secrets, check_configuration, generate, write_text_secret
from banso_core.registry import Member, load_registry, registry_toml
from banso_core.tokens import load_or_create_signing_key, public_key_pem

COMPOSE_ORGANIZATIONS = ORGANIZATIONS[:2]
HUB_HOST = "hub-nats"
IN_CONTAINERS = Addresses(listen="0.0.0.0", hub_host=HUB_HOST, store_dir="/data/jetstream")
HUB_DATABASES = ("exchange", "analytics", "notices")
"""One database per hub service in the hub's PostgreSQL (deploy/compose-hub-databases.sql makes them)."""
BOOTSTRAP_ADMIN = "admin"


def write(out: Path) -> list[Path]:
    members = [
        Member(
            org.org_id,
            org.name,
            org.kind,
            public_key_pem(load_or_create_signing_key(out / "keys" / f"{org.org_id}.pem")),
        )
        for org in COMPOSE_ORGANIZATIONS
    ]
    registry_path = out / "federation.toml"
    registry_path.write_text(registry_toml(members, host=HUB_HOST, client_port=4222, leafnode_port=7422), "utf-8")
    files = generate(load_registry(registry_path), out / "nats", addresses=IN_CONTAINERS)
    for path in [files.hub, *files.leaves.values()]:
        check_configuration(path)
    passwords = Secrets(files.secrets)
    written = [registry_path, files.hub, *files.leaves.values(), *files.service_env.values()]
    env = out / "env"
    hub_password = passwords.password("postgres-hub")
    written.append(write_env(env / "hub-postgres.env", {"POSTGRES_PASSWORD": hub_password}))
    for name in HUB_DATABASES:
        url = f"postgresql://postgres:{hub_password}@hub-postgres:5432/{name}"
        written.append(write_env(env / f"{name}.env", {f"{name.upper()}_DATABASE_URL": url}))
    for org in COMPOSE_ORGANIZATIONS:
        password = passwords.password(f"postgres-{org.org_id}")
        written.append(write_env(env / f"{org.org_id}-postgres.env", {"POSTGRES_PASSWORD": password}))
        records = {
            "ORG_RECORDS_DATABASE_URL": f"postgresql://postgres:{password}@{org.org_id}-postgres:5432/postgres",
            "ORG_RECORDS_SHARING_SECRET": passwords.password(f"sharing-{org.org_id}"),
            "ORG_RECORDS_BOOTSTRAP_ADMIN_LOGIN": BOOTSTRAP_ADMIN,
            "ORG_RECORDS_BOOTSTRAP_ADMIN_PASSWORD": passwords.password(f"admin-{org.org_id}"),
        }
        written.append(write_env(env / f"{org.org_id}-records.env", records))
    passwords.save()
    return written


def write_env(path: Path, variables: dict[str, str]) -> Path:
    write_text_secret(path, "".join(f"{name}={value}\n" for name, value in variables.items()))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "var" / "compose")
    arguments = parser.parse_args(argv)
    for path in write(arguments.out):
        print(f"wrote {path}")
    print("next: BANSO_UID=$(id -u) BANSO_GID=$(id -g) docker compose -f deploy/compose.yaml up --build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
