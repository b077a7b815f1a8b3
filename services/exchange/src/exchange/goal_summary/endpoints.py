from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from exchange.db import DbSession
from exchange.goal_summary.schemas import SearchParams, SearchResult, SharedGoalOut
from exchange.goal_summary.service import goal_summary_service

router = APIRouter(prefix="/api/v1/goals", tags=["goals 共有された目標"])


@router.get("/search", response_model=SearchResult)
async def search_goals(params: Annotated[SearchParams, Query()], session: DbSession) -> SearchResult:
    items, total = await goal_summary_service.search(session, params)
    return SearchResult(items=[SharedGoalOut.model_validate(item) for item in items], total=total)
