from __future__ import annotations

import grpc

from banso.exchange.v1 import exchange_pb2, exchange_pb2_grpc
from banso_core.db import Database
from banso_core.federation import MemberOrganizations
from banso_core.protobuf import fill_message, message_fields
from exchange.goal_summary.endpoints import search_hit, similar_goal
from exchange.goal_summary.schemas import SearchHit, SearchParams, SimilarParams
from exchange.goal_summary.service import goal_summary_service


def shared_goal_to_proto(goal: SearchHit) -> exchange_pb2.SharedGoal:
    message = fill_message(exchange_pb2.SharedGoal(), goal.model_dump(exclude={"highlights", "matched_terms"}))
    for span in goal.highlights:
        message.highlights.add(start=span.start, end=span.end, text=span.text)
    message.matched_terms.extend(goal.matched_terms)
    return message


class ExchangeServicer(exchange_pb2_grpc.ExchangeServiceServicer):
    def __init__(self, database: Database, members: MemberOrganizations) -> None:
        self.database = database
        self.members = members

    async def SearchGoals(
        self, request: exchange_pb2.SearchGoalsRequest, context: grpc.aio.ServicerContext
    ) -> exchange_pb2.SearchGoalsResponse:
        params = SearchParams.model_validate(message_fields(request))
        async with self.database.session(read_only=True) as session:
            found, total = await goal_summary_service.search(session, params, self.members.of_kind(params.org_kind))
            hits = [search_hit(item) for item in found]
        return exchange_pb2.SearchGoalsResponse(items=[shared_goal_to_proto(hit) for hit in hits], total=total)

    async def FindSimilarGoals(
        self, request: exchange_pb2.FindSimilarGoalsRequest, context: grpc.aio.ServicerContext
    ) -> exchange_pb2.FindSimilarGoalsResponse:
        fields = message_fields(request)
        org_id, goal_ref = fields.pop("org_id", ""), fields.pop("goal_ref", "")
        params = SimilarParams.model_validate(fields)
        async with self.database.session(read_only=True) as session:
            found, total = await goal_summary_service.similar(session, org_id, goal_ref, params)
            hits = [similar_goal(item) for item in found]
        return exchange_pb2.FindSimilarGoalsResponse(items=[shared_goal_to_proto(hit) for hit in hits], total=total)
