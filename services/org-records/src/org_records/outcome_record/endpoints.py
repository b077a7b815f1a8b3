from __future__ import annotations

import dataclasses

from fastapi import APIRouter

from banso_core.db import DbSession
from org_records.fiscal import quarter_label
from org_records.org import CurrentOrg
from org_records.outcome_record.events import outcome_record_subject
from org_records.outcome_record.records import quarter_token
from org_records.outcome_record.schemas import OutcomeRecordPreview, OutcomeRecordsPreview, PublishedOutcomeRecord
from org_records.outcome_record.service import outcome_record_service

router = APIRouter(prefix="/api/v1", tags=["outcome records 成果レコード"])


@router.get("/businesses/{business_id}/outcome-records", response_model=OutcomeRecordsPreview)
async def preview_outcome_records(business_id: int, session: DbSession, org: CurrentOrg) -> OutcomeRecordsPreview:
    preview = await outcome_record_service.preview(session, business_id, org)
    if preview.withheld_because is not None:
        return OutcomeRecordsPreview(business_id=business_id, shared=False, reason=preview.withheld_because)
    return OutcomeRecordsPreview(
        business_id=business_id,
        shared=True,
        records=[
            OutcomeRecordPreview(
                quarter=quarter_token(item.record.quarter),
                quarter_label=quarter_label(*item.record.quarter),
                subject=outcome_record_subject(item.record),
                changed=item.changed,
                record=PublishedOutcomeRecord.model_validate(
                    dataclasses.asdict(item.record) | {"op": item.record.op.value}
                ),
            )
            for item in preview.records
        ],
    )
