"""Per-request access to the store, the config and the signed-in user."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request

from backend.config import Config
from backend.errors import AuthenticationError
from backend.services import auth
from backend.services.jobs import JobQueue
from backend.services.quotas import Quotas
from backend.storage import Store

# Paths reachable without a token (everything else under /api/v1 needs one).
PUBLIC_PATHS = frozenset(
    {
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/health",
        "/api/v1/ready",
        "/health",
        "/ready",
    }
)
# Read-only views of reports their owners shared: the unguessable token in the path is the key.
PUBLIC_PREFIXES = ("/api/v1/shared/",)


def store() -> Store:
    return current_app.extensions["store"]


def config() -> Config:
    return current_app.extensions["config"]


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def authenticate_request() -> None:
    """before_request: every API route but the public ones needs a valid bearer token."""
    if (
        request.method == "OPTIONS"
        or not request.path.startswith("/api/v1/")
        or request.path in PUBLIC_PATHS
        or request.path.startswith(PUBLIC_PREFIXES)
    ):
        return
    g.user = auth.authenticate(store(), bearer_token())


def current_user() -> dict[str, Any]:
    user = g.get("user")
    if user is None:
        raise AuthenticationError()
    return user


def current_user_id() -> str:
    return current_user()["id"]


def job_runner():  # noqa: ANN201 - backend.jobs.runner.JobRunner
    return current_app.extensions["job_runner"]


def job_limits() -> tuple[int, int]:
    cfg = config()
    return cfg.max_jobs_per_user, cfg.max_jobs_total


def dataset_quotas() -> Quotas:
    """The per-user dataset quotas (MAX_DATASETS_PER_USER, MAX_STORAGE_MB_PER_USER)."""
    return Quotas.from_config(config())


def job_queue() -> JobQueue:
    """Where this request's new jobs go (read per request: tests swap the runner)."""
    return JobQueue(job_runner(), job_limits())
