"""Sign-in, tokens, roles and the organization boundary, over real HTTP and gRPC."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import grpc
import httpx
import pytest
from sqlalchemy import select

from banso.records.v1 import records_pb2, records_pb2_grpc
from banso_core.testing.auth import BearerToken, bearer_headers
from banso_core.testing.servers import NatsServer, ServedApp
from banso_core.tokens import load_or_create_signing_key, public_key_pem
from org_records.app import create_app
from org_records.config import OrgRecordsSettings
from org_records.staff.models import Staff

ADMIN = {"login": "admin", "password": "admin-password"}


async def test_sign_in_answers_a_bearer_token_for_the_staff_member(anonymous_client):
    response = await anonymous_client.post("/api/v1/auth/token", json=ADMIN)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 30 * 60
    assert body["staff"]["login"] == "admin"
    assert body["staff"]["role"] == "org_admin"
    assert "password_hash" not in body["staff"]
    me = await anonymous_client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["display_name"] == "管理者"


@pytest.mark.parametrize(
    "credentials",
    [{"login": "admin", "password": "wrong-password"}, {"login": "nobody", "password": "admin-password"}],
)
async def test_a_wrong_login_or_password_is_refused_with_the_same_message(anonymous_client, credentials):
    response = await anonymous_client.post("/api/v1/auth/token", json=credentials)
    assert response.status_code == 401
    assert response.json()["detail"][0]["msg"] == "ログインIDまたはパスワードが違います (wrong login or password)"


async def test_passwords_are_stored_as_argon2id_hashes(client, org_records):
    response = await client.post(
        "/api/v1/staff", json={"display_name": "加賀 花子", "login": "hanako", "password": "kaga-hanako-2026"}
    )
    assert response.status_code == 201
    async with org_records.app.state.database.session() as session:
        stored = await session.scalar(select(Staff.password_hash).where(Staff.login == "hanako"))
    assert stored is not None and stored.startswith("$argon2id$")
    assert "kaga-hanako-2026" not in stored


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"display_name": "短い", "login": "short", "password": "1234567"}, "password"),
        ({"display_name": "無ログイン", "password": "long-enough-password"}, "password"),
        ({"display_name": "記号", "login": "has space", "password": "long-enough-password"}, "login"),
    ],
)
async def test_staff_logins_are_validated(client, body, field):
    response = await client.post("/api/v1/staff", json=body)
    assert response.status_code == 422
    assert field in json.dumps(response.json()["detail"])


async def test_a_login_cannot_be_taken_twice(client):
    body = {"display_name": "二重", "login": "twice", "password": "long-enough-password"}
    assert (await client.post("/api/v1/staff", json=body)).status_code == 201
    assert (await client.post("/api/v1/staff", json=body)).status_code == 409


@pytest.mark.parametrize(
    "authorization",
    [None, "Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer not-a-jwt", "Bearer eyJhbGciOiJub25lIn0.e30."],
)
async def test_requests_without_a_valid_token_are_unauthenticated(anonymous_client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = await anonymous_client.get("/api/v1/businesses/1", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_an_expired_token_is_refused(anonymous_client, org_records):
    issuer = org_records.app.state.token_issuer
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    token = issuer.issue(1, "org_admin", "管理者", now=long_ago)
    response = await anonymous_client.get("/api/v1/staff", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "expired" in response.json()["detail"][0]["msg"]


async def test_a_token_signed_with_another_key_for_this_organization_is_refused(anonymous_client, org_records):
    from banso_core.tokens import TokenIssuer

    forger = TokenIssuer("kaga-society", load_or_create_signing_key(None), dt.timedelta(minutes=5))
    token = forger.issue(1, "org_admin", "偽物")
    response = await anonymous_client.get("/api/v1/staff", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_readonly_staff_read_but_cannot_write(client_as, business):
    async with client_as("readonly") as readonly:
        assert (await readonly.get(f"/api/v1/businesses/{business['id']}")).status_code == 200
        response = await readonly.post(
            f"/api/v1/businesses/{business['id']}/goals",
            json={"set_on": "2026-05-01", "category": "other", "text": "x"},
        )
        assert response.status_code == 403
        assert "閲覧のみ" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("role", ["assistant", "clerk"])
async def test_assistants_and_clerks_enter_data_but_cannot_delete(client_as, business, goal_payload, role):
    async with client_as(role) as member:
        created = await member.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload)
        assert created.status_code == 201
        response = await member.delete(f"/api/v1/goals/{created.json()['id']}")
        assert response.status_code == 403
        assert (await member.get(f"/api/v1/goals/{created.json()['id']}")).status_code == 200


async def test_advisors_delete_but_do_not_administer(client_as, business, goal_payload):
    async with client_as("advisor") as advisor:
        created = await advisor.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload)
        assert (await advisor.delete(f"/api/v1/goals/{created.json()['id']}")).status_code == 204
        assert (await advisor.get("/api/v1/audit")).status_code == 403
        assert (await advisor.get("/api/v1/staff")).status_code == 200
        new_staff = {"display_name": "勝手", "role": "org_admin"}
        assert (await advisor.post("/api/v1/staff", json=new_staff)).status_code == 403


async def test_a_changed_role_applies_to_tokens_already_issued(client, client_as):
    async with client_as("advisor") as advisor:
        me = (await advisor.get("/api/v1/auth/me")).json()
        assert (await client.patch(f"/api/v1/staff/{me['id']}", json={"role": "readonly"})).status_code == 200
        refused = await advisor.post("/api/v1/businesses", json={"name": "新規", "business_form": "other"})
        assert refused.status_code == 403
        assert (await client.patch(f"/api/v1/staff/{me['id']}", json={"active": False})).status_code == 200
        assert (await advisor.get("/api/v1/auth/me")).status_code == 401
        again = await advisor.post("/api/v1/auth/token", json={"login": me["login"], "password": "staff-password"})
        assert again.status_code == 401


async def test_every_read_and_change_of_a_business_record_is_audited(client, client_as, business, goal_payload):
    async with client_as("advisor") as advisor:
        me = (await advisor.get("/api/v1/auth/me")).json()
        await advisor.get(f"/api/v1/businesses/{business['id']}")
        goal = (await advisor.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload)).json()
        await advisor.patch(f"/api/v1/goals/{goal['id']}", json={"status": "in_progress"})
    page = (await client.get("/api/v1/audit", params={"staff_id": me["id"]})).json()
    entries = [(entry["action"], entry["target"], entry["business_id"]) for entry in page["items"]]
    assert entries[:4] == [
        ("update", f"PATCH /api/v1/goals/{goal['id']}", None),
        ("create", f"POST /api/v1/businesses/{business['id']}/goals", business["id"]),
        ("read", f"GET /api/v1/businesses/{business['id']}", business["id"]),
        ("read", "GET /api/v1/auth/me", None),
    ]
    assert {entry["staff_name"] for entry in page["items"]} == {"advisor 担当"}
    assert page["items"][0]["action_label"] == "更新"
    by_business = (await client.get("/api/v1/audit", params={"business_id": business["id"]})).json()["items"]
    assert {entry["action"] for entry in by_business} >= {"create", "read"}
    assert all(entry["business_id"] == business["id"] for entry in by_business)


async def test_the_audit_log_pages_from_newest_to_oldest(client, business):
    for _ in range(5):
        await client.get(f"/api/v1/businesses/{business['id']}")
    first = (await client.get("/api/v1/audit", params={"limit": 3})).json()
    second = (await client.get("/api/v1/audit", params={"limit": 3, "before": first["next_before"]})).json()
    entries = first["items"] + second["items"]
    moments = [entry["at"] for entry in entries]
    assert moments == sorted(moments, reverse=True)
    assert len({entry["id"] for entry in entries}) == 6
    malformed = await client.get("/api/v1/audit", params={"before": "yesterday"})
    assert malformed.status_code == 422


async def test_grpc_calls_need_a_token_and_the_role_s_permission(org_records, client_as, business):
    target = f"127.0.0.1:{org_records.app.state.grpc_port}"
    async with grpc.aio.insecure_channel(target) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await records_pb2_grpc.RecordsServiceStub(channel).GetBusiness(records_pb2.GetBusinessRequest(id=1))
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    async with client_as("readonly") as readonly:
        token = readonly.headers["Authorization"].removeprefix("Bearer ")
    async with grpc.aio.insecure_channel(target, interceptors=[BearerToken(token)]) as channel:
        stub = records_pb2_grpc.RecordsServiceStub(channel)
        read = await stub.GetBusiness(records_pb2.GetBusinessRequest(id=business["id"]))
        assert read.business.fields.name == business["name"]
        with pytest.raises(grpc.aio.AioRpcError) as denied:
            await stub.CreateBusiness(
                records_pb2.CreateBusinessRequest(business=records_pb2.BusinessInput(name="x", business_form="other"))
            )
        assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_grpc_reads_are_audited(client, records_stub, business):
    await records_stub.GetBusiness(records_pb2.GetBusinessRequest(id=business["id"]))
    latest = (await client.get("/api/v1/audit", params={"limit": 2})).json()["items"]
    grpc_entry = next(entry for entry in latest if entry["channel"] == "grpc")
    assert grpc_entry["target"] == "/banso.records.v1.RecordsService/GetBusiness"
    assert grpc_entry["business_id"] == business["id"]
    assert grpc_entry["action"] == "read"


async def start_org(
    nats_server: NatsServer, database_url: str, org_id: str, key_path: Path, registry: Path | None
) -> ServedApp:
    settings = OrgRecordsSettings(
        org_id=org_id,
        org_name=f"{org_id} 商工会",
        org_kind="society",
        database_url=database_url,
        nats_url=nats_server.url,
        grpc_port=0,
        sharing_secret=f"secret-{org_id}",
        signing_key_path=key_path,
        federation_registry=registry,
        bootstrap_admin_login="admin",
        bootstrap_admin_password="admin-password",
    )
    served = ServedApp(create_app(settings))
    await served.start()
    return served


async def test_staff_of_one_organization_are_refused_by_another_s_instance(nats_server, database_url_factory, tmp_path):
    hakusan_key, nomi_key = tmp_path / "hakusan.pem", tmp_path / "nomi.pem"
    registry = tmp_path / "federation.json"
    registry.write_text(
        json.dumps(
            {
                "organizations": [
                    {"id": "hakusan", "public_key": public_key_pem(load_or_create_signing_key(hakusan_key))},
                    {"id": "nomi", "public_key": public_key_pem(load_or_create_signing_key(nomi_key))},
                ]
            }
        )
    )
    hakusan = await start_org(nats_server, await database_url_factory("hakusan"), "hakusan", hakusan_key, registry)
    nomi = await start_org(nats_server, await database_url_factory("nomi"), "nomi", nomi_key, registry)
    loner = await start_org(nats_server, await database_url_factory("loner"), "loner", tmp_path / "l.pem", None)
    try:
        headers = await bearer_headers(hakusan.url, "admin", "admin-password")
        async with httpx.AsyncClient(base_url=nomi.url, headers=headers) as intruder:
            response = await intruder.get("/api/v1/businesses/1")
            assert response.status_code == 403
            assert "hakusan" in response.json()["detail"][0]["msg"]
        async with httpx.AsyncClient(base_url=loner.url, headers=headers) as stranger:
            assert (await stranger.get("/api/v1/businesses/1")).status_code == 401
        token = headers["Authorization"].removeprefix("Bearer ")
        target = f"127.0.0.1:{nomi.app.state.grpc_port}"
        async with grpc.aio.insecure_channel(target, interceptors=[BearerToken(token)]) as channel:
            with pytest.raises(grpc.aio.AioRpcError) as denied:
                await records_pb2_grpc.RecordsServiceStub(channel).GetBusiness(records_pb2.GetBusinessRequest(id=1))
            assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    finally:
        for served in (hakusan, nomi, loner):
            await served.stop()


@pytest.mark.parametrize(
    ("kind", "logins"),
    [
        ("society", {"demo-advisor": "advisor", "demo-admin": "org_admin"}),
        ("prefecture", {"demo-prefecture": "prefecture"}),
    ],
)
async def test_demo_logins_exist_only_when_asked_for(nats_server, database_url_factory, kind, logins):
    for demo in (True, False):
        settings = OrgRecordsSettings(
            org_id=f"demo-{kind}-{demo}",
            org_kind=kind,
            database_url=await database_url_factory(f"demo-{kind}-{demo}"),
            nats_url=nats_server.url,
            grpc_port=0,
            demo_logins=demo,
        )
        served = ServedApp(create_app(settings))
        await served.start()
        try:
            async with httpx.AsyncClient(base_url=served.url) as anonymous:
                for login, role in logins.items():
                    response = await anonymous.post("/api/v1/auth/token", json={"login": login, "password": "demo"})
                    assert response.status_code == (200 if demo else 401)
                    if demo:
                        assert response.json()["staff"]["role"] == role
        finally:
            await served.stop()


@pytest.mark.parametrize("change", [{"active": False}, {"role": "advisor"}])
async def test_an_administrator_cannot_demote_or_deactivate_themselves(client, change):
    me = (await client.get("/api/v1/auth/me")).json()
    response = await client.patch(f"/api/v1/staff/{me['id']}", json=change)
    assert response.status_code == 403
    assert (await client.get("/api/v1/auth/me")).json()["role"] == "org_admin"


async def test_a_login_with_control_characters_is_refused_not_looked_up(anonymous_client):
    response = await anonymous_client.post("/api/v1/auth/token", json={"login": "ad\x00min", "password": "x"})
    assert response.status_code == 422


def test_passwords_are_hashed_at_the_standard_cost_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("ORG_RECORDS_PASSWORD_COST", raising=False)
    assert OrgRecordsSettings().password_cost == "standard"
    from org_records.auth.service import Passwords

    assert Passwords.COSTS["standard"].memory_cost == 65536
