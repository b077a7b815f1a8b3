from __future__ import annotations

import grpc

from banso.records.v1 import records_pb2
from banso_core.db import Database
from banso_core.protobuf import fill_message, message_fields
from org_records.org import OrgIdentity
from org_records.organization.schemas import OrganizationOut, OrganizationPut
from org_records.organization.service import organization_service


def organization_to_proto(organization: OrganizationOut) -> records_pb2.Organization:
    message = records_pb2.Organization(id=organization.id, version=organization.version)
    fill_message(message.fields, organization.model_dump())
    message.created_at.FromDatetime(organization.created_at)
    message.updated_at.FromDatetime(organization.updated_at)
    return message


class OrganizationRpcs:
    database: Database
    org: OrgIdentity

    async def GetOrganization(
        self, request: records_pb2.GetOrganizationRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.GetOrganizationResponse:
        async with self.database.session() as session:
            organization = OrganizationOut.model_validate(await organization_service.get(session, self.org))
            await session.commit()
        return records_pb2.GetOrganizationResponse(organization=organization_to_proto(organization))

    async def UpdateOrganization(
        self, request: records_pb2.UpdateOrganizationRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.UpdateOrganizationResponse:
        values = message_fields(request.organization)
        if request.HasField("expected_version"):
            values["version"] = request.expected_version
        profile = OrganizationPut.model_validate(values)
        async with self.database.session() as session:
            organization = OrganizationOut.model_validate(
                await organization_service.replace(session, profile, self.org)
            )
            await session.commit()
        return records_pb2.UpdateOrganizationResponse(organization=organization_to_proto(organization))
