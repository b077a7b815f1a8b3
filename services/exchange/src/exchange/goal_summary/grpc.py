from __future__ import annotations

import grpc

from banso.exchange.v1 import exchange_pb2, exchange_pb2_grpc
from banso_core.db import Database
from banso_core.protobuf import fill_message, message_fields
from exchange.goal_summary.schemas import SearchParams, SharedGoalOut
from exchange.goal_summary.service import goal_summary_service


def shared_goal_to_proto(goal: SharedGoalOut) -> exchange_pb2.SharedGoal:
    return fill_message(exchange_pb2.SharedGoal(), goal.model_dump())


class ExchangeServicer(exchange_pb2_grpc.ExchangeServiceServicer):
    def __init__(self, database: Database) -> None:
        self.database = database

    async def SearchGoals(
        self, request: exchange_pb2.SearchGoalsRequest, context: grpc.aio.ServicerContext
    ) -> exchange_pb2.SearchGoalsResponse:
        params = SearchParams.model_validate(message_fields(request))
        async with self.database.session() as session:
            items, total = await goal_summary_service.search(session, params)
            found = [SharedGoalOut.model_validate(item) for item in items]
        return exchange_pb2.SearchGoalsResponse(items=[shared_goal_to_proto(item) for item in found], total=total)
