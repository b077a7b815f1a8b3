"""The federation registry file: what a person writes, what is refused with which words, and key rotation."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from banso_core.errors import Unauthenticated
from banso_core.federation import MemberOrganizations
from banso_core.registry import RegistryError, load_registry
from banso_core.tokens import TokenIssuer, public_key_pem


def organization(org_id: str, kind: str = "cci", *keys: Ed25519PrivateKey, extra: str = "") -> str:
    pems = ", ".join(f'"""{public_key_pem(key)}"""' for key in keys or (Ed25519PrivateKey.generate(),))
    return f'[[organizations]]\nid = "{org_id}"\nname = "{org_id} 名"\nkind = "{kind}"\npublic_keys = [{pems}]\n{extra}'


def write(tmp_path, text: str):
    path = tmp_path / "federation.toml"
    path.write_text(text, encoding="utf-8")
    return path


def token(org_id: str, key: Ed25519PrivateKey) -> str:
    return "Bearer " + TokenIssuer(org_id, key, dt.timedelta(minutes=5)).issue(1, "advisor", "担当")


def test_a_whole_registry_reads_with_defaults(tmp_path):
    text = (
        '[hub]\nhost = "hub.example.jp"\nleafnode_port = 7422\n[[hub.services]]\nname = "exchange"\n'
        + organization("ishikawa-shokoren", "federation")
        + organization("hakui-society", "society", extra='parent = "ishikawa-shokoren"\naccount = "HAKUI"\n')
    )
    registry = load_registry(write(tmp_path, text))
    assert registry.hub.host == "hub.example.jp" and registry.hub.jetstream_domain == "hub"
    assert registry.service("exchange").account == "EXCHANGE"
    assert registry.organization("ishikawa-shokoren").account == "ISHIKAWA_SHOKOREN"
    hakui = registry.organization("hakui-society")
    assert (hakui.account, hakui.parent, hakui.name) == ("HAKUI", "ishikawa-shokoren", "hakui-society 名")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (organization("kanazawa-cci", "bank"), "unknown kind 'bank'"),
        (organization("kanazawa-cci") + organization("kanazawa-cci"), "duplicate id 'kanazawa-cci'"),
        ('[[organizations]]\nid = "kanazawa-cci"\nname = "金沢"\nkind = "cci"\n', "missing key"),
        (
            '[[organizations]]\nid = "kanazawa-cci"\nname = "金沢"\nkind = "cci"\npublic_keys = ["not a key"]\n',
            "public key 1 is not a PEM public key",
        ),
        (organization("kanazawa-cci", extra='parent = "nowhere"\n'), "parent 'nowhere' is not in the registry"),
        (
            organization("kanazawa-cci", extra='account = "SAME"\n')
            + organization("nanao-cci", extra='account = "SAME"\n'),
            "duplicate account 'SAME'",
        ),
        (organization("Kanazawa CCI"), "lower-case letters"),
        ('[[organizations]]\nname = "名無し"\nkind = "cci"\n', "missing id"),
        ("[hub\n", "not valid TOML"),
        ("", "no [[organizations]]"),
        ('[[hub.services]]\nname = "billing"\n' + organization("kanazawa-cci"), "unknown hub service 'billing'"),
    ],
    ids=[
        "unknown-kind",
        "duplicate-id",
        "missing-key",
        "bad-key",
        "unknown-parent",
        "duplicate-account",
        "bad-id",
        "no-id",
        "bad-toml",
        "empty",
        "unknown-service",
    ],
)
def test_a_registry_with_a_mistake_is_refused_naming_it(tmp_path, text, words):
    with pytest.raises(RegistryError) as refused:
        load_registry(write(tmp_path, text))
    assert words in str(refused.value)
    assert "federation.toml" in str(refused.value)


def test_during_a_key_rollover_tokens_of_either_key_verify_and_a_dropped_key_no_longer_does(tmp_path):
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    members = MemberOrganizations.from_registry(write(tmp_path, organization("nanao-cci", "cci", old, new)))
    assert members.verify(token("nanao-cci", old)).org == "nanao-cci"
    assert members.verify(token("nanao-cci", new)).org == "nanao-cci"
    assert members.kind_of("nanao-cci") == "cci"

    members = MemberOrganizations.from_registry(write(tmp_path, organization("nanao-cci", "cci", new)))
    with pytest.raises(Unauthenticated, match="none of the organization's keys"):
        members.verify(token("nanao-cci", old))
    assert members.verify(token("nanao-cci", new)).org == "nanao-cci"


def test_an_organization_removed_from_the_registry_is_refused(tmp_path):
    key = Ed25519PrivateKey.generate()
    members = MemberOrganizations.from_registry(write(tmp_path, organization("kaga-cci")))
    with pytest.raises(Unauthenticated, match="does not know"):
        members.verify(token("nanao-cci", key))
