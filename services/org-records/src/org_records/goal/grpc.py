from __future__ import annotations

import grpc

from banso.records.v1 import records_pb2
from banso_core.db import Database
from banso_core.errors import InvalidInput
from banso_core.protobuf import fill_message, message_fields
from org_records.goal.schemas import GoalFields, GoalOut, GoalPatch
from org_records.goal.service import goal_service
from org_records.org import OrgIdentity


def goal_to_proto(goal: GoalOut) -> records_pb2.Goal:
    message = records_pb2.Goal(id=goal.id, business_id=goal.business_id, version=goal.version)
    fill_message(message.fields, goal.model_dump())
    message.created_at.FromDatetime(goal.created_at)
    message.updated_at.FromDatetime(goal.updated_at)
    return message


class GoalRpcs:
    database: Database
    org: OrgIdentity

    async def CreateGoal(
        self, request: records_pb2.CreateGoalRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.CreateGoalResponse:
        fields = GoalFields.model_validate(message_fields(request.goal))
        async with self.database.session() as session:
            goal = GoalOut.model_validate(await goal_service.create(session, request.business_id, fields, self.org))
            await session.commit()
        return records_pb2.CreateGoalResponse(goal=goal_to_proto(goal))

    async def GetGoal(
        self, request: records_pb2.GetGoalRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.GetGoalResponse:
        async with self.database.session() as session:
            goal = GoalOut.model_validate(await goal_service.get(session, request.id))
        return records_pb2.GetGoalResponse(goal=goal_to_proto(goal))

    async def UpdateGoal(
        self, request: records_pb2.UpdateGoalRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.UpdateGoalResponse:
        supplied = message_fields(request.goal)
        unknown = set(request.update_fields) - set(GoalFields.model_fields)
        if unknown:
            raise InvalidInput(f"unknown fields {sorted(unknown)}", field="update_fields")
        changes = {name: supplied.get(name) for name in request.update_fields}
        if request.HasField("expected_version"):
            changes["version"] = request.expected_version
        patch = GoalPatch.model_validate(changes)
        async with self.database.session() as session:
            goal = GoalOut.model_validate(await goal_service.update(session, request.id, patch, self.org))
            await session.commit()
        return records_pb2.UpdateGoalResponse(goal=goal_to_proto(goal))

    async def DeleteGoal(
        self, request: records_pb2.DeleteGoalRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.DeleteGoalResponse:
        async with self.database.session() as session:
            await goal_service.delete(session, request.id, self.org)
            await session.commit()
        return records_pb2.DeleteGoalResponse()
