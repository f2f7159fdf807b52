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


class RetryLaterError(AppError):
    """A refusal the same request may get past later: the answer carries `Retry-After:
    retry_after_s` (backend/api/problems.py). Subclasses set the status and the default wait."""

    default_retry_after_s = 5

    def __init__(self, detail: str | None = None, *, retry_after_s: int | None = None) -> None:
        super().__init__(detail)
        self.retry_after_s = self.default_retry_after_s if retry_after_s is None else retry_after_s


class TooManyJobsError(RetryLaterError):
    status = 429
    type = "/problems/too-many-jobs"
    title = "Too many jobs"
    default_retry_after_s = 30


class TooManyStreamsError(TooManyJobsError):
    type = "/problems/too-many-streams"
    title = "Too many open event streams"


class LoginThrottledError(RetryLaterError):
    """Too many failed sign-ins for an account or from an address; answered without checking
    the password (hashing it is the cost a flood would impose). Retry after `retry_after_s`
    (the throttle computes it: when the oldest counted failure leaves the window)."""

    status = 429
    type = "/problems/too-many-login-attempts"
    title = "Too many failed sign-ins"


class QuotaExceededError(AppError):
    """A per-user quota is full; `quota` names the setting, its value and the use so far."""

    def __init__(self, detail: str, *, setting: str, maximum: int, used: int) -> None:
        super().__init__(detail)
        self.quota = {"setting": setting, "max": maximum, "used": used}

    def to_problem(self) -> dict[str, Any]:
        return {**super().to_problem(), "quota": self.quota}


class StorageQuotaError(QuotaExceededError):
    """The upload (or a derived dataset) would take the user past MAX_STORAGE_MB_PER_USER."""

    status = 413
    type = "/problems/storage-quota"
    title = "Storage quota exceeded"


class DatasetQuotaError(QuotaExceededError):
    """The user holds MAX_DATASETS_PER_USER datasets already; deleting one frees a place."""

    status = 429
    type = "/problems/dataset-quota"
    title = "Too many datasets"


class ReportQuotaError(QuotaExceededError):
    """The user holds MAX_REPORTS_PER_USER reports already; deleting one frees a place."""

    status = 429
    type = "/problems/report-quota"
    title = "Too many reports"


class ServiceUnavailableError(AppError):
    status = 503
    type = "/problems/unavailable"
    title = "Service unavailable"


class UnrenderableChartError(InvalidInputError):
    type = "/problems/unrenderable-chart"
    title = "The chart cannot be rendered"


class RendererUnavailableError(RetryLaterError, ServiceUnavailableError):
    """Every chart renderer is busy or cannot start; the client may retry after Retry-After."""

    type = "/problems/renderer-unavailable"
    title = "The chart renderer is unavailable"


class StoreUnavailableError(RetryLaterError, ServiceUnavailableError):
    """The database cannot be reached (stopped, restarting, unreachable): nothing was changed
    that the client can see, and the same request may succeed after Retry-After."""

    type = "/problems/store-unavailable"
    title = "The database is unavailable"

    def __init__(self, detail: str | None = None, *, retry_after_s: int | None = None) -> None:
        detail = detail or "The database cannot be reached right now; try again shortly."
        super().__init__(detail, retry_after_s=retry_after_s)
