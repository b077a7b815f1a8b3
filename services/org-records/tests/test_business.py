"""Businesses: identity and profile stored, validated with clear errors, through REST and gRPC."""

from __future__ import annotations

import grpc
import pytest

from banso.records.v1 import records_pb2
from org_records.business.models import Business
from org_records.business.schemas import corporate_number_is_valid

pytestmark = pytest.mark.postgres


def test_corporate_number_check_digit():
    assert corporate_number_is_valid("5220005002171")
    assert not corporate_number_is_valid("4220005002171")
    assert not corporate_number_is_valid("522000500217")
    assert not corporate_number_is_valid("52200050021７1")


async def test_business_round_trip_with_labels(client, business, business_payload):
    fetched = (await client.get(f"/api/v1/businesses/{business['id']}")).json()
    assert fetched["name"] == business_payload["name"]
    assert fetched["jsic_middle_label"] == "その他の製造業"
    assert fetched["jsic_major_label"] == "製造業"
    assert fetched["business_form_label"] == "法人"
    assert fetched["support_stage_label"] == "伴走支援中"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"corporate_number": "1234567890123"}, "corporate_number"),
        ({"jsic_major": "Z"}, "jsic_major"),
        ({"jsic_middle": "76"}, "jsic_middle"),
        ({"jsic_middle": "00"}, "jsic_middle"),
        ({"employees": -1}, "employees"),
        ({"business_form": "kabushiki"}, "business_form"),
        ({"name": ""}, "name"),
        ({"support_stage": "happy"}, "support_stage"),
        ({"representative": "漆原\x00一郎"}, "representative"),
    ],
)
async def test_bad_business_is_422_with_the_field(client, org_records, change, field, business_payload, count_rows):
    response = await client.post("/api/v1/businesses", json=business_payload | change)
    assert response.status_code == 422, response.text
    assert field in [error["loc"][-1] for error in response.json()["detail"]]
    assert await count_rows(Business) == 0


async def test_full_width_corporate_number_and_lower_case_major_are_normalised(client, business_payload):
    response = await client.post(
        "/api/v1/businesses",
        json=business_payload | {"corporate_number": "５２２０００５００２１７１", "jsic_major": "e"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["corporate_number"] == "5220005002171"
    assert response.json()["jsic_major"] == "E"


async def test_business_through_grpc(records_stub, client, business_payload):
    fields = {key: value for key, value in business_payload.items()}
    created = await records_stub.CreateBusiness(
        records_pb2.CreateBusinessRequest(business=records_pb2.BusinessInput(**fields))
    )
    assert created.business.id > 0 and created.business.fields.name == business_payload["name"]
    assert created.business.fields.employees == 4
    fetched = await records_stub.GetBusiness(records_pb2.GetBusinessRequest(id=created.business.id))
    assert fetched.business.fields.corporate_number == "5220005002171"
    assert (await client.get(f"/api/v1/businesses/{created.business.id}")).json()["name"] == business_payload["name"]

    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await records_stub.CreateBusiness(
            records_pb2.CreateBusinessRequest(business=records_pb2.BusinessInput(**(fields | {"jsic_middle": "76"})))
        )
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "jsic_middle" in raised.value.details()
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await records_stub.GetBusiness(records_pb2.GetBusinessRequest(id=999))
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
