from __future__ import annotations

import grpc

from banso.records.v1 import records_pb2
from banso_core.db import Database
from banso_core.protobuf import fill_message, message_fields
from banso_core.vocabulary import GoalCategory, GoalStatus
from org_records.goal.schemas import GoalFields, GoalOut, GoalPatch
from org_records.goal.service import goal_service
from org_records.org import OrgIdentity
from org_records.pagination import grpc_page_request
from org_records.rpc import code_filter, optional_timestamp, requested_changes


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
        expected = request.expected_version if request.HasField("expected_version") else None
        patch = GoalPatch.model_validate(
            requested_changes(request.goal, request.update_fields, GoalFields.model_fields, expected)
        )
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

    async def ListGoals(
        self, request: records_pb2.ListGoalsRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.ListGoalsResponse:
        page_request = grpc_page_request(
            request.page_size, request.page_token, optional_timestamp(request, "updated_since")
        )
        async with self.database.session() as session:
            page = await goal_service.page(
                session,
                page_request,
                business_id=request.business_id if request.HasField("business_id") else None,
                staff_id=request.staff_id if request.HasField("staff_id") else None,
                category=code_filter(GoalCategory, request.category, "category"),
                status=code_filter(GoalStatus, request.status, "status"),
            )
            goals = [goal_to_proto(GoalOut.model_validate(row)) for row in page.items]
        return records_pb2.ListGoalsResponse(goals=goals, next_page_token=page.next_cursor or "")
