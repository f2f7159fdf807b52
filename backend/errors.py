"""Typed errors raised by services; the only place outside api/ that knows HTTP status codes.

`create_app` maps every `AppError` to an RFC 9457 problem+json response once, so views
never catch exceptions themselves.
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    status = 500
    type = "about:blank"
    title = "Internal error"

    def __init__(self, detail: str | None = None, *, errors: Any = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors

    def to_problem(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors is not None:
            body["errors"] = self.errors
        return body


class BadRequestError(AppError):
    status = 400
    type = "/problems/bad-request"
    title = "Bad request"


class InvalidFileError(BadRequestError):
    type = "/problems/invalid-file"
    title = "The file cannot be read as a table"


class AuthenticationError(AppError):
    status = 401
    type = "/problems/unauthorized"
    title = "Authentication required"


class NotFoundError(AppError):
    status = 404
    type = "/problems/not-found"
    title = "Not found"


class ConflictError(AppError):
    status = 409
    type = "/problems/conflict"
    title = "Conflict"


class JobStateError(ConflictError):
    type = "/problems/job-state"
    title = "The job cannot do that in its current state"


class PayloadTooLargeError(AppError):
    status = 413
    type = "/problems/payload-too-large"
    title = "Payload too large"


class TableLimitError(PayloadTooLargeError):
    """An upload beyond one of the parsing caps (columns, header, line or cell length)."""

    type = "/problems/table-limit"
    title = "The table exceeds a parsing limit"

    def __init__(self, detail: str, *, setting: str, maximum: int, found: int) -> None:
        super().__init__(detail, errors={"file": [detail]})
        self.limit = {"setting": setting, "max": maximum, "found": found}

    def to_problem(self) -> dict[str, Any]:
        # An RFC 9457 extension member, so a client can show which cap, its value and what it saw.
        return {**super().to_problem(), "limit": self.limit}


class UnsupportedMediaError(AppError):
    status = 415
    type = "/problems/unsupported-media-type"
    title = "Unsupported file type"


class InvalidInputError(AppError):
    status = 422
    type = "/problems/invalid-input"
    title = "Invalid input"


class TooManyJobsError(AppError):
    status = 429
    type = "/problems/too-many-jobs"
    title = "Too many jobs"


class ServiceUnavailableError(AppError):
    status = 503
    type = "/problems/unavailable"
    title = "Service unavailable"


class UnrenderableChartError(InvalidInputError):
    type = "/problems/unrenderable-chart"
    title = "The chart cannot be rendered"


class RendererUnavailableError(ServiceUnavailableError):
    """Every chart renderer is busy or cannot start; the client may retry after Retry-After."""

    type = "/problems/renderer-unavailable"
    title = "The chart renderer is unavailable"

    def __init__(self, detail: str | None = None, *, retry_after_s: int = 5) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s
