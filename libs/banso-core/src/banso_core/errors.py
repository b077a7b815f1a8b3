"""Domain errors, and the one place that maps them to HTTP and gRPC status codes."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError

INTEGER_OUT_OF_RANGE = "数値が範囲外です (a number is outside the integer range the database stores)"
_DRIVER_INTEGER_RANGE = re.compile(r"out of int(16|32|64) range")


class DomainError(Exception):
    http_status = 400
    grpc_status = grpc.StatusCode.FAILED_PRECONDITION

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def detail(self) -> list[dict[str, Any]]:
        return [{"loc": ["body", self.field] if self.field else [], "msg": self.message, "type": self.code}]

    @property
    def code(self) -> str:
        return type(self).__name__


class InvalidInput(DomainError):
    http_status = 422
    grpc_status = grpc.StatusCode.INVALID_ARGUMENT


class NotFound(DomainError):
    http_status = 404
    grpc_status = grpc.StatusCode.NOT_FOUND


class Unauthenticated(DomainError):
    http_status = 401
    grpc_status = grpc.StatusCode.UNAUTHENTICATED


class Forbidden(DomainError):
    http_status = 403
    grpc_status = grpc.StatusCode.PERMISSION_DENIED


class VersionConflict(DomainError):
    http_status = 409
    grpc_status = grpc.StatusCode.ABORTED


class AlreadyExists(DomainError):
    http_status = 409
    grpc_status = grpc.StatusCode.ALREADY_EXISTS


class PeriodLocked(DomainError):
    """期間ロック: the record falls in a locked fiscal quarter; unlock it first."""

    http_status = 409
    grpc_status = grpc.StatusCode.FAILED_PRECONDITION


def describe_validation_error(error: ValidationError) -> str:
    """One line naming every offending field, for gRPC details and logs."""
    parts = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "request"
        parts.append(f"{field}: {item['msg']}")
    return "; ".join(parts)


def is_integer_out_of_range(error: BaseException) -> bool:
    """The database driver refused to bind an integer parameter: sqlite3 raises OverflowError, asyncpg a
    DataError that SQLAlchemy wraps in DBAPIError."""
    if isinstance(error, OverflowError):
        return "SQLite INTEGER" in str(error)
    return isinstance(error, DBAPIError) and _DRIVER_INTEGER_RANGE.search(str(error.orig)) is not None


def install_http_error_handlers(app: FastAPI) -> None:
    async def on_domain_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
        return JSONResponse(status_code=exc.http_status, content={"detail": exc.detail()}, headers=headers)

    async def on_validation_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError | ValidationError)
        errors = [{"loc": list(item["loc"]), "msg": item["msg"], "type": item["type"]} for item in exc.errors()]
        return JSONResponse(status_code=422, content={"detail": errors})

    async def on_integer_out_of_range(request: Request, exc: Exception) -> JSONResponse:
        # An id beyond int64 cannot match a stored row, and a count beyond its column cannot be stored; the
        # drivers refuse to bind either, which is the client's mistake, not the server's.
        if not is_integer_out_of_range(exc):
            raise exc
        error = InvalidInput(INTEGER_OUT_OF_RANGE)
        return await on_domain_error(request, error)

    app.add_exception_handler(DomainError, on_domain_error)
    app.add_exception_handler(OverflowError, on_integer_out_of_range)
    app.add_exception_handler(DBAPIError, on_integer_out_of_range)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(ValidationError, on_validation_error)


class DomainErrorInterceptor(grpc.aio.ServerInterceptor):
    """Turns domain and validation errors raised by servicers into gRPC status codes."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler
        behaviour = handler.unary_unary

        async def guarded(request: Any, context: grpc.aio.ServicerContext) -> Any:
            try:
                return await behaviour(request, context)
            except DomainError as error:
                field = f"{error.field}: " if error.field else ""
                await context.abort(error.grpc_status, f"{field}{error.message}")
            except ValidationError as error:
                await context.abort(grpc.StatusCode.INVALID_ARGUMENT, describe_validation_error(error))

        return grpc.unary_unary_rpc_method_handler(
            guarded,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
