from __future__ import annotations

import dataclasses

from fastapi import APIRouter

from banso_core.db import DbSession
from org_records.org import CurrentOrg
from org_records.sharing.schemas import ReplacedPart, SharePreview
from org_records.sharing.service import sharing_service

router = APIRouter(prefix="/api/v1", tags=["sharing 共有"])


@router.get("/goals/{goal_id}/share-preview", response_model=SharePreview)
async def preview_shared_goal(goal_id: int, session: DbSession, org: CurrentOrg) -> SharePreview:
    preview = await sharing_service.preview(session, goal_id, org)
    if preview.summary is None or preview.scrubbed is None:
        return SharePreview(goal_id=goal_id, shared=False, reason=preview.withheld_because)
    summary = preview.summary
    return SharePreview(
        goal_id=goal_id,
        shared=True,
        summary=dataclasses.asdict(summary) | {"op": summary.op.value, "updated_at": summary.updated_at.isoformat()},
        replacements=[
            ReplacedPart(
                start=part.start, end=part.end, kind=part.kind.value, kind_label=part.kind.label, original=part.original
            )
            for part in preview.scrubbed.replacements
        ],
    )
