from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from banso_core.federation import MemberOrganizations, member_staff
from exchange.db import DbSession
from exchange.goal_summary.schemas import (
    SearchHit,
    SearchParams,
    SearchResult,
    SimilarGoal,
    SimilarParams,
    SimilarResult,
)
from exchange.goal_summary.service import FoundGoal, goal_summary_service

router = APIRouter(prefix="/api/v1/goals", tags=["goals 共有された目標"], dependencies=[Depends(member_staff)])

Reference = Annotated[str, Path(min_length=1, max_length=64)]


def search_hit(found: FoundGoal) -> SearchHit:
    return SearchHit.model_validate(found.goal).model_copy(
        update={"score": found.score, "highlights": found.highlights, "matched_terms": found.matched_terms}
    )


def similar_goal(found: FoundGoal) -> SimilarGoal:
    return SimilarGoal.model_validate(found.goal).model_copy(
        update={
            "score": found.score,
            "highlights": found.highlights,
            "matched_terms": found.matched_terms,
            "same_category": found.same_category,
            "same_industry": found.same_industry,
        }
    )


@router.get("/search", response_model=SearchResult)
async def search_goals(params: Annotated[SearchParams, Query()], request: Request, session: DbSession) -> SearchResult:
    """検索: shared goals of every member organization by Japanese words (表記ゆれ, synonyms, typos) and filters,
    best match first with the matched words highlighted; without words, newest first."""
    members: MemberOrganizations = request.app.state.members
    found, total = await goal_summary_service.search(session, params, members.of_kind(params.org_kind))
    return SearchResult(items=[search_hit(item) for item in found], total=total)


@router.get("/{org_id}/{goal_ref}/similar", response_model=SimilarResult)
async def similar_goals(
    org_id: Reference, goal_ref: Reference, params: Annotated[SimilarParams, Query()], session: DbSession
) -> SimilarResult:
    """似た目標: goals of *other* organizations like this one, by shared words and synonyms, same category and
    industry first, each with the reason. A goal_ref is unique only within its organization, hence both."""
    found, total = await goal_summary_service.similar(session, org_id, goal_ref, params)
    return SimilarResult(items=[similar_goal(item) for item in found], total=total)
