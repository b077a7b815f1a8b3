"""Staff tokens: short-lived Ed25519-signed JWTs issued by an organization's records service.

Each org-records instance is the identity provider for its own staff. Any service verifies a token with the
issuing organization's public key, taken from the federation registry; no passwords are shared between services.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from banso_core.errors import Unauthenticated

AUDIENCE = "banso"
ALGORITHM = "EdDSA"


@dataclass(frozen=True)
class Principal:
    """Who is calling: a member of staff of one organization, with one role."""

    org: str
    staff: int
    role: str
    name: str


def load_or_create_signing_key(path: Path | None) -> Ed25519PrivateKey:
    """The organization's signing key from a PEM file, created (mode 0600) when missing; ephemeral without a path."""
    if path is None:
        return Ed25519PrivateKey.generate()
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 private key")
        return key
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    return key


def public_key_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


class TokenIssuer:
    """Signs tokens for one organization's staff."""

    def __init__(self, org_id: str, key: Ed25519PrivateKey, ttl: dt.timedelta) -> None:
        self.org_id = org_id
        self.key = key
        self.ttl = ttl

    def issue(self, staff_id: int, role: str, name: str, *, now: dt.datetime | None = None) -> str:
        now = now or dt.datetime.now(dt.UTC)
        claims = {
            "iss": self.org_id,
            "aud": AUDIENCE,
            "sub": str(staff_id),
            "org": self.org_id,
            "staff": staff_id,
            "role": role,
            "name": name,
            "iat": now,
            "exp": now + self.ttl,
        }
        return jwt.encode(claims, self.key, algorithm=ALGORITHM, headers={"kid": self.org_id})


class TokenVerifier:
    """Checks tokens against the public keys of the organizations it knows."""

    def __init__(self, public_keys: Mapping[str, Ed25519PublicKey | Sequence[Ed25519PublicKey]]) -> None:
        self.public_keys = {
            org: (keys,) if isinstance(keys, Ed25519PublicKey) else tuple(keys) for org, keys in public_keys.items()
        }

    @classmethod
    def from_registry(cls, registry: Path | None, **own: Ed25519PublicKey) -> TokenVerifier:
        keys: dict[str, Sequence[Ed25519PublicKey]] = {}
        if registry is not None:
            from banso_core.registry import load_registry

            keys = {org.id: org.public_keys for org in load_registry(registry).organizations}
        for org, key in own.items():
            keys[org] = (key, *keys.get(org, ()))
        return cls(keys)

    def verify(self, token: str) -> Principal:
        try:
            issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
        except jwt.PyJWTError as error:
            raise Unauthenticated(f"the bearer token is malformed ({error})") from None
        keys = self.public_keys.get(issuer, ()) if isinstance(issuer, str) else ()
        if not keys or not isinstance(issuer, str):
            raise Unauthenticated(f"the token was issued by an organization this service does not know ({issuer!r})")
        claims: dict[str, Any] = {}
        # During a key rollover the registry lists the organization's old and new keys: either may have signed.
        for key in keys:
            try:
                claims = jwt.decode(
                    token,
                    key,
                    algorithms=[ALGORITHM],
                    audience=AUDIENCE,
                    issuer=issuer,
                    options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                )
                break
            except jwt.InvalidSignatureError:
                continue
            except jwt.ExpiredSignatureError:
                raise Unauthenticated("the token has expired; sign in again") from None
            except jwt.PyJWTError as error:
                raise Unauthenticated(f"the token is not valid ({error})") from None
        else:
            raise Unauthenticated("the token is not valid (its signature matches none of the organization's keys)")
        if claims.get("org") != issuer or not isinstance(claims.get("staff"), int):
            raise Unauthenticated("the token's claims are incomplete")
        return Principal(org=issuer, staff=claims["staff"], role=str(claims.get("role")), name=str(claims.get("name")))


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer …` header, or a clear refusal."""
    if not authorization:
        raise Unauthenticated("sign in first: send `Authorization: Bearer <token>` (POST /api/v1/auth/token)")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be `Bearer <token>`")
    return token.strip()
