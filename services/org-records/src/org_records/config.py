from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from banso_core.settings import ServiceSettings
from banso_core.vocabulary import OrgKind


class OrgRecordsSettings(ServiceSettings):
    """One organization's records service (env prefix `ORG_RECORDS_`)."""

    model_config = SettingsConfigDict(env_prefix="ORG_RECORDS_", use_attribute_docstrings=True, extra="ignore")

    http_port: int = 8101
    grpc_port: int = 50101
    database_url: str = "sqlite:///var/org-records.db"
    org_id: str = "kanazawa-cci"
    """The organization this instance serves (slug; the NATS subjects carry it)."""
    org_name: str = "金沢商工会議所"
    """団体名, shown to other organizations with shared goals."""
    org_kind: OrgKind = OrgKind.cci
    sharing_secret: SecretStr = SecretStr("change-me-per-organization")
    """Key of the HMACs that make goal_ref and staff handles opaque; never leaves the organization."""
    k_anonymity: Annotated[int, Field(ge=1, le=100)] = 3
    """k of sharing-policy.md §3: every published (事業形態, 業種中分類, 従業員帯) fits at least k businesses of the
    register; descriptions are generalised until they do. Changing it takes effect for goals published after."""
    relay_batch_size: int = 500
    """Outbox rows published per relay round."""
    relay_poll_seconds: float = 1.0
    """How often the relay looks for rows when nothing wakes it (rows written by another process)."""
    outcome_records_gather_seconds: Annotated[float, Field(ge=0, le=60)] = 1.0
    """How long the outcome-record worker lets marks gather after a write wakes it, so that a burst of writes is
    recomputed in one round (analytics counts quarters: a second's delay costs nothing)."""
    signing_key_path: Path | None = None
    """Ed25519 private key (PEM) that signs staff tokens; created when missing. Unset: a new key per start."""
    federation_registry: Path | None = None
    """Federation registry (`deploy/federation.toml`, or the older JSON form) with the organizations' public keys,
    so that tokens of other organizations are recognised and refused with 403 rather than 401."""
    token_ttl_minutes: int = 30
    """Lifetime of a staff token."""
    bootstrap_admin_login: str | None = None
    """Creates this org-admin login at startup when it does not exist (first install)."""
    bootstrap_admin_password: SecretStr | None = None
    password_cost: Literal["standard", "test"] = "standard"
    """Argon2id cost of staff passwords: `standard` (argon2-cffi's recommendation) or `test` (cheap; tests only)."""
    demo_logins: bool = False
    """Create the demo logins (demo-advisor, demo-admin; demo-prefecture at a prefecture), password `demo`.
    Only for demo data."""
    import_max_bytes: int = 20_000_000
    """Largest file an import accepts (413 beyond)."""
    import_max_rows: int = 20_000
    """Most data rows (all sheets together) one import accepts; larger registers are imported in parts."""
    exchange_url: str = "http://127.0.0.1:8200"
    """The exchange's REST base, which the web UI calls with the signed-in staff's token (検索・問い合わせ)."""
    notices_url: str = "http://127.0.0.1:8400"
    """The notices service's REST base, for the web UI's お知らせ."""
    analytics_url: str = "http://127.0.0.1:8300"
    """The analytics service's REST base, for the web UI's 集計表 and charts."""
    web_secure_cookies: bool = True
    """Marks the web UI's cookies Secure (sent over HTTPS only; browsers also accept them on localhost)."""
