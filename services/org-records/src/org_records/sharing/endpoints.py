from __future__ import annotations

import dataclasses

from fastapi import APIRouter

from org_records.business.service import business_service
from org_records.db import DbSession
from org_records.goal.service import goal_service
from org_records.org import CurrentOrg
from org_records.sharing.schemas import ReplacedPart, SharePreview
from org_records.sharing.service import sharing_service
from org_records.staff.repository import StaffRepository

router = APIRouter(prefix="/api/v1", tags=["sharing 共有"])


@router.get("/goals/{goal_id}/share-preview", response_model=SharePreview)
async def preview_shared_goal(goal_id: int, session: DbSession, org: CurrentOrg) -> SharePreview:
    goal = await goal_service.get(session, goal_id)
    business = await business_service.get(session, goal.business_id)
    if not business.sharing_consent:
        return SharePreview(goal_id=goal_id, shared=False, reason="事業者の共有同意がありません (no sharing consent)")
    if not goal.shared:
        return SharePreview(goal_id=goal_id, shared=False, reason="この目標は共有しない設定です (sharing turned off)")
    staff = await StaffRepository().get(session, goal.staff_id) if goal.staff_id is not None else None
    summary, scrubbed = await sharing_service.preview(session, goal, business, staff, org)
    fields = dataclasses.asdict(summary) | {"op": summary.op.value, "updated_at": summary.updated_at.isoformat()}
    return SharePreview(
        goal_id=goal_id,
        shared=True,
        summary=fields,
        replacements=[
            ReplacedPart(
                start=part.start, end=part.end, kind=part.kind.value, kind_label=part.kind.label, original=part.original
            )
            for part in scrubbed.replacements
        ],
    )
