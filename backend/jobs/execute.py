"""Run one job to its end: the same function under the in-process pool and under Celery."""

from __future__ import annotations

import logging
from typing import Any

from backend.errors import AppError
from backend.jobs import kinds, states
from backend.jobs.context import Budget, JobCancelled, JobContext, JobLost, JobTimeLimit
from backend.jobs.heartbeat import Heartbeat
from backend.jobs.scheduler import Slots, claim_next
from backend.jobs.transitions import transition
from backend.storage import Store

log = logging.getLogger(__name__)


def run_claimed(
    store: Store, job: dict[str, Any], heartbeat: Heartbeat | None, budget: Budget
) -> None:
    """Run a job this process has claimed (now `running`) to its end. Never raises."""
    if heartbeat:
        heartbeat.add(job["id"])
    try:
        _run(store, job, budget)
    finally:
        if heartbeat:
            heartbeat.discard(job["id"])


def run_queued_jobs(
    store: Store, runner_name: str, slots: Slots, heartbeat: Heartbeat | None, budget: Budget
) -> int:
    """Claim and run queued jobs, fairest first, until none can start now; how many ran."""
    count = 0
    while (job := claim_next(store, runner_name, slots)) is not None:
        run_claimed(store, job, heartbeat, budget)
        count += 1
    return count


def _run(store: Store, job: dict[str, Any], budget: Budget) -> None:
    job_id = job["id"]
    context = JobContext(store, job, budget)
    try:
        result = kinds.get(job["kind"]).function()(context, job["params"])
    except JobCancelled:
        _finish(store, job_id, states.CANCELLED, {})
    except JobTimeLimit as exc:
        _finish(store, job_id, states.FAILED, {"error": exc.error()})
    except JobLost:
        log.warning("job %s was taken away while running (interrupted or deleted)", job_id)
    except Exception as exc:
        log.exception("job %s (%s) failed", job_id, job["kind"])
        _finish(store, job_id, states.FAILED, {"error": error_of(exc)})
    else:
        _finish(
            store,
            job_id,
            states.SUCCEEDED,
            {"result": {**(job.get("result") or {}), **(result or {})}},
        )


def error_of(exc: Exception) -> dict[str, str]:
    """The API's error shape: a message a user can act on, never a traceback."""
    if isinstance(exc, AppError):
        return {"type": exc.type, "title": exc.title, "detail": exc.detail}
    if isinstance(exc, ValueError | MemoryError):
        # Model code raises ValueError subclasses with messages written for users.
        title = (
            "The input does not suit this job" if isinstance(exc, ValueError) else "Out of memory"
        )
        return {
            "type": "/problems/job-failed",
            "title": title,
            "detail": str(exc) or type(exc).__name__,
        }
    return {
        "type": "/problems/job-failed",
        "title": "The job failed",
        "detail": f"An internal error ({type(exc).__name__}) stopped the job; the server log has the details.",
    }


def _finish(store: Store, job_id: str, status: str, changes: dict[str, Any]) -> None:
    if transition(store, job_id, [states.RUNNING], status, **changes) is None:
        log.warning("job %s changed status while finishing; leaving it as it is", job_id)
