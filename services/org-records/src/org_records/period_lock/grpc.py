from __future__ import annotations

import grpc

from banso.records.v1 import monitoring_pb2
from banso_core.db import Database
from banso_core.protobuf import fill_message
from org_records.period_lock.schemas import PeriodLockOut
from org_records.period_lock.service import period_lock_service


def period_lock_to_proto(lock: PeriodLockOut) -> monitoring_pb2.PeriodLock:
    return fill_message(monitoring_pb2.PeriodLock(), lock.model_dump())


class PeriodLockRpcs:
    """期間ロック: SetPeriodLock and DeletePeriodLock are for org admins."""

    database: Database

    async def SetPeriodLock(
        self, request: monitoring_pb2.SetPeriodLockRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.SetPeriodLockResponse:
        async with self.database.session() as session:
            lock = PeriodLockOut.model_validate(
                await period_lock_service.lock_quarter(session, request.fiscal_year, request.quarter)
            )
            await session.commit()
        return monitoring_pb2.SetPeriodLockResponse(period_lock=period_lock_to_proto(lock))

    async def DeletePeriodLock(
        self, request: monitoring_pb2.DeletePeriodLockRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.DeletePeriodLockResponse:
        async with self.database.session() as session:
            await period_lock_service.unlock_quarter(session, request.fiscal_year, request.quarter)
            await session.commit()
        return monitoring_pb2.DeletePeriodLockResponse()

    async def ListPeriodLocks(
        self, request: monitoring_pb2.ListPeriodLocksRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.ListPeriodLocksResponse:
        async with self.database.session() as session:
            locks = [PeriodLockOut.model_validate(lock) for lock in await period_lock_service.list_locks(session)]
        return monitoring_pb2.ListPeriodLocksResponse(period_locks=[period_lock_to_proto(lock) for lock in locks])
