from __future__ import annotations

import grpc

from banso.records.v1 import records_pb2
from banso_core.db import Database
from banso_core.protobuf import fill_message, message_fields
from banso_core.vocabulary import TaskStatus
from org_records.pagination import grpc_page_request
from org_records.rpc import code_filter, optional_timestamp, requested_changes
from org_records.task.schemas import TaskFields, TaskOut, TaskPatch
from org_records.task.service import task_service


def task_to_proto(task: TaskOut) -> records_pb2.Task:
    message = records_pb2.Task(id=task.id, goal_id=task.goal_id, version=task.version)
    fill_message(message.fields, task.model_dump())
    message.created_at.FromDatetime(task.created_at)
    message.updated_at.FromDatetime(task.updated_at)
    return message


class TaskRpcs:
    database: Database

    async def CreateTask(
        self, request: records_pb2.CreateTaskRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.CreateTaskResponse:
        fields = TaskFields.model_validate(message_fields(request.task))
        async with self.database.session() as session:
            task = TaskOut.model_validate(await task_service.create(session, request.goal_id, fields))
            await session.commit()
        return records_pb2.CreateTaskResponse(task=task_to_proto(task))

    async def GetTask(
        self, request: records_pb2.GetTaskRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.GetTaskResponse:
        async with self.database.session() as session:
            task = TaskOut.model_validate(await task_service.get(session, request.id))
        return records_pb2.GetTaskResponse(task=task_to_proto(task))

    async def UpdateTask(
        self, request: records_pb2.UpdateTaskRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.UpdateTaskResponse:
        expected = request.expected_version if request.HasField("expected_version") else None
        patch = TaskPatch.model_validate(
            requested_changes(request.task, request.update_fields, TaskFields.model_fields, expected)
        )
        async with self.database.session() as session:
            task = TaskOut.model_validate(await task_service.update(session, request.id, patch))
            await session.commit()
        return records_pb2.UpdateTaskResponse(task=task_to_proto(task))

    async def DeleteTask(
        self, request: records_pb2.DeleteTaskRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.DeleteTaskResponse:
        async with self.database.session() as session:
            await task_service.delete(session, request.id)
            await session.commit()
        return records_pb2.DeleteTaskResponse()

    async def ListTasks(
        self, request: records_pb2.ListTasksRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.ListTasksResponse:
        page_request = grpc_page_request(
            request.page_size, request.page_token, optional_timestamp(request, "updated_since")
        )
        async with self.database.session() as session:
            page = await task_service.page(
                session,
                page_request,
                goal_id=request.goal_id if request.HasField("goal_id") else None,
                status=code_filter(TaskStatus, request.status, "status"),
            )
            tasks = [task_to_proto(TaskOut.model_validate(task)) for task in page.items]
        return records_pb2.ListTasksResponse(tasks=tasks, next_page_token=page.next_cursor or "")
