"""団体: the instance's own profile, seeded from its settings and kept with validated public codes."""

from __future__ import annotations

import grpc
import pytest

from banso.records.v1 import records_pb2
from org_records.organization.schemas import municipality_check_digit

PROFILE = {
    "name": "加賀商工会",
    "kind": "society",
    "parent_id": "ishikawa-federation",
    "prefecture_code": "17",
    "municipality_code": "172065",
    "corporate_number": "5220005002171",
}


def test_municipality_check_digit():
    assert municipality_check_digit("17201") == 4  # 金沢市 172014
    assert municipality_check_digit("17202") == 2  # 七尾市 172022
    assert municipality_check_digit("01213") == 1  # 苫小牧市 012131: remainder 0
    assert municipality_check_digit("13000") == 1  # 東京都 130001: remainder 10


@pytest.mark.postgres
async def test_first_read_is_seeded_from_settings_and_put_replaces(client):
    seeded = (await client.get("/api/v1/organization")).json()
    assert seeded["id"] == "kaga-society" and seeded["name"] == "加賀商工会"
    assert seeded["kind"] == "society" and seeded["kind_label"] == "商工会" and seeded["version"] == 1
    assert seeded["prefecture_code"] is None
    assert (await client.get("/api/v1/organization")).json() == seeded

    response = await client.put("/api/v1/organization", json=PROFILE | {"version": 1})
    assert response.status_code == 200, response.text
    stored = response.json()
    assert {key: stored[key] for key in PROFILE} == PROFILE and stored["version"] == 2
    assert (await client.get("/api/v1/organization")).json() == stored
    assert (await client.put("/api/v1/organization", json=PROFILE | {"version": 1})).status_code == 409
    assert (await client.put("/api/v1/organization", json=PROFILE, headers={"If-Match": '"1"'})).status_code == 409
    cleared = await client.put("/api/v1/organization", json={"name": "加賀商工会", "kind": "society"})
    assert cleared.json()["municipality_code"] is None and cleared.json()["version"] == 3


async def test_codes_are_normalised(client):
    response = await client.put(
        "/api/v1/organization",
        json=PROFILE
        | {"prefecture_code": "１７", "municipality_code": "17206", "corporate_number": "5-2200-0500-2171"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["prefecture_code"] == "17" and response.json()["municipality_code"] == "17206"
    assert response.json()["corporate_number"] == "5220005002171"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"kind": "club"}, "kind"),
        ({"prefecture_code": "7"}, "prefecture_code"),
        ({"prefecture_code": "48"}, "prefecture_code"),
        ({"prefecture_code": "00"}, "prefecture_code"),
        ({"municipality_code": "1720"}, "municipality_code"),
        ({"municipality_code": "172066"}, "municipality_code"),  # wrong check digit
        ({"municipality_code": "13101"}, "municipality_code"),  # 千代田区 is not in 石川県
        ({"municipality_code": "17a06"}, "municipality_code"),
        ({"corporate_number": "4220005002171"}, "corporate_number"),
        ({"parent_id": "Ishikawa Federation"}, "parent_id"),
        ({"parent_id": "kaga-society"}, "parent_id"),
        ({"id": "nanao-cci"}, "id"),
        ({"website": "https://example.jp"}, "website"),
    ],
)
async def test_bad_profile_is_422_with_the_field(client, change, field):
    response = await client.put("/api/v1/organization", json=PROFILE | change)
    assert response.status_code == 422, response.text
    assert field in [error["loc"][-1] for error in response.json()["detail"]]
    assert (await client.get("/api/v1/organization")).json()["version"] == 1


async def test_organization_through_grpc(records_stub, client):
    fetched = await records_stub.GetOrganization(records_pb2.GetOrganizationRequest())
    assert fetched.organization.id == "kaga-society" and fetched.organization.fields.kind == "society"
    updated = await records_stub.UpdateOrganization(
        records_pb2.UpdateOrganizationRequest(
            organization=records_pb2.OrganizationInput(**PROFILE), expected_version=fetched.organization.version
        )
    )
    assert updated.organization.fields.municipality_code == "172065" and updated.organization.version == 2
    assert (await client.get("/api/v1/organization")).json()["parent_id"] == "ishikawa-federation"
    for request, code in [
        (
            records_pb2.UpdateOrganizationRequest(
                organization=records_pb2.OrganizationInput(**PROFILE), expected_version=1
            ),
            grpc.StatusCode.ABORTED,
        ),
        (
            records_pb2.UpdateOrganizationRequest(
                organization=records_pb2.OrganizationInput(**(PROFILE | {"prefecture_code": "99"}))
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
        ),
    ]:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await records_stub.UpdateOrganization(request)
        assert raised.value.code() == code
