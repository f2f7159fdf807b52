"""Every error leaves as RFC 9457 `application/problem+json`."""

from __future__ import annotations

import http
import logging
from typing import Any

from flask import Response, json
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from backend.errors import AppError, StoreUnavailableError
from backend.schemas.common import ProblemSchema
from backend.schemas.unions import any_of_properties
from backend.storage.base import is_unavailable

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger(__name__)

_DETAILS = {
    400: "The request could not be understood.",
    404: "No such resource.",
    405: "That method is not allowed on this resource.",
    413: "The upload is larger than the server accepts (MAX_UPLOAD_MB).",
    422: "The request has invalid fields; see `errors`.",
}


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(body), status=body["status"], mimetype=PROBLEM_MEDIA_TYPE)
    response.headers.update(headers or {})
    return response


def app_error_response(error: AppError) -> Response:
    if error.status >= 500:
        log.error("%s: %s", type(error).__name__, error.detail)
    # Errors that can pass with time (throttles, busy workers) say when to come back (RFC 9110).
    retry_after = getattr(error, "retry_after_s", None)
    return problem_response(
        error.to_problem(), {"Retry-After": str(retry_after)} if retry_after else None
    )


def unexpected_error_response(error: Exception) -> Response:
    if is_unavailable(error):
        # The database went away (or its lock timed out): 503 + Retry-After; the driver
        # reconnects by itself once it is back, so a later retry succeeds.
        log.warning("Store unavailable: %s: %s", type(error).__name__, error)
        return app_error_response(StoreUnavailableError())
    # The traceback goes to the log; the client gets no internals.
    log.exception("Unhandled error", exc_info=error)
    return problem_response(
        {
            "type": "about:blank",
            "title": "Internal Server Error",
            "status": 500,
            "detail": "Something went wrong on our side.",
        }
    )


class ProblemApi(Api):
    """flask-smorest's Api with webargs and werkzeug errors reshaped as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _init_spec(self, **kwargs: Any) -> None:
        super()._init_spec(**kwargs)
        # A job's params, live and result are one schema per kind: document them as anyOf.
        self.ma_plugin.converter.add_attribute_function(any_of_properties)

    def _register_responses(self) -> None:
        """flask-smorest's shared error responses, documented with the media type they are sent
        with (application/problem+json), so clients and schema checks expect what comes."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MEDIA_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MEDIA_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)

    def handle_http_exception(self, error: HTTPException) -> Response:
        status = error.code or 500
        if status >= 500:
            original = getattr(error, "original_exception", None)
            return unexpected_error_response(original or error)
        body: dict[str, Any] = {
            "type": "about:blank",
            "title": error.name,
            "status": status,
            "detail": _DETAILS.get(status, error.description or error.name),
        }
        data = getattr(error, "data", None) or {}
        headers = dict(data.get("headers") or {})
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            headers["Allow"] = ", ".join(
                sorted(error.valid_methods)
            )  # RFC 9110: a 405 must say what is allowed
        errors = data.get("errors") or data.get("messages")
        if errors:
            body["errors"] = _flatten_locations(errors)
            if status == 400:
                body["detail"] = (
                    "The request body is not valid JSON." if "json" in errors else body["detail"]
                )
        return problem_response(body, headers)


def _flatten_locations(errors: Any) -> Any:
    # webargs nests messages under the location ({"json": {"k": [...]}}); clients want the fields.
    if isinstance(errors, dict) and len(errors) == 1:
        ((location, inner),) = errors.items()
        if location in {"json", "query", "files", "form", "path", "headers"} and isinstance(
            inner, dict
        ):
            return inner
    return errors
