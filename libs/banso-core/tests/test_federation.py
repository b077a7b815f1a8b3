"""Member organizations of the federation registry, as the hub services accept their staff."""

from __future__ import annotations

import pytest

from banso_core.errors import Unauthenticated
from banso_core.federation import MemberOrganization, MemberOrganizations
from banso_core.testing.auth import TestRegistry


@pytest.fixture
def members(tmp_path) -> tuple[TestRegistry, MemberOrganizations]:  # type: ignore[no-untyped-def]
    registry = TestRegistry(tmp_path / "federation.json")
    registry.add("ishikawa-pref", "prefecture")
    registry.add("kanazawa-cci", "cci")
    registry.add("nanao-cci", "cci")
    registry.add("hakui-society", "society")
    return registry, MemberOrganizations.from_registry(registry.path)


def test_a_token_of_a_member_organization_verifies_and_names_its_staff(members):
    registry, organizations = members
    principal = organizations.verify(f"Bearer {registry.token('nanao-cci', 3, 'lead_advisor')}")
    assert (principal.org, principal.staff, principal.role) == ("nanao-cci", 3, "lead_advisor")
    with pytest.raises(Unauthenticated):
        organizations.verify(None)
    with pytest.raises(Unauthenticated):
        organizations.verify(f"Basic {registry.token('nanao-cci')}")
    with pytest.raises(Unauthenticated):
        MemberOrganizations.from_registry(None).verify(f"Bearer {registry.token('nanao-cci')}")


def test_kinds_names_and_audiences(members):
    _, organizations = members
    assert organizations.is_prefecture("ishikawa-pref") and not organizations.is_prefecture("kanazawa-cci")
    assert organizations.of_kind("cci") == {"kanazawa-cci", "nanao-cci"}
    assert organizations.of_kind(None) is None
    assert organizations.get("hakui-society") == MemberOrganization("hakui-society", "hakui-society", "society")
    assert organizations.get("nowhere") is None
    assert {org.id for org in organizations.selected([], [])} == {
        "ishikawa-pref",
        "kanazawa-cci",
        "nanao-cci",
        "hakui-society",
    }
    assert {org.id for org in organizations.selected(["society"], ["kanazawa-cci"])} == {
        "hakui-society",
        "kanazawa-cci",
    }
