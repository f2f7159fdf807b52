"""Use cases for jobs: start (with limits), list, get, cancel, resume, delete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.clock import now_iso
from backend.errors import InvalidInputError, JobStateError, TooManyJobsError
from backend.jobs import kinds, states
from backend.jobs.event_feed import JobEventFeed, last_seq_of
from backend.jobs.events import with_event
from backend.jobs.runner import JobRunner
from backend.jobs.transitions import transition
from backend.services.common import new_document, offset_of, page, require
from backend.services.projects import project_filter
from backend.storage import Store

# Heavy fields left out of job lists (a list is for overviews; GET /jobs/{id} has everything).
_LIST_EXCLUDES = ("live", "events")


# Retry-After of a 429: about how long a short job takes to free a place.
RETRY_AFTER_S = 30


def check_limits(store: Store, owner_id: str, max_per_user: int, max_total: int) -> None:
    """Admission: queued + running jobs of the user and of the server (how many run at once is
    the scheduler's business, backend/jobs/scheduler.py)."""
    active = list(states.ACTIVE)
    if store.jobs.find(owner_id, {"status": active}, limit=0)[1] >= max_per_user:
        raise TooManyJobsError(
            f"You already have {max_per_user} jobs queued or running; wait for one to finish or cancel one.",
            retry_after_s=RETRY_AFTER_S,
        )
    if store.jobs.count_any({"status": active}) >= max_total:
        raise TooManyJobsError(
            "The server has as many jobs queued as it takes; try again in a few minutes.",
            retry_after_s=RETRY_AFTER_S,
        )


def start_job(
    store: Store,
    runner: JobRunner,
    owner_id: str,
    kind: str,
    params: dict[str, Any],
    *,
    limits: tuple[int, int],
    dataset_id: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Queue a job. `fields` go on the job's document (a retrain's `retrained_from`); its
    `project_id` is the dataset's unless `fields` names one (a retrain: the model's)."""
    kinds.get(kind)  # unknown kinds fail before anything is stored
    check_limits(store, owner_id, *limits)
    if "project_id" not in fields:
        dataset = store.datasets.get(dataset_id, owner_id) if dataset_id else None
        fields["project_id"] = (dataset or {}).get("project_id")
    job = new_document(
        owner_id,
        kind=kind,
        params=params,
        dataset_id=dataset_id,
        status=states.QUEUED,
        runner=runner.name,
        progress={},
        metrics=[],
        live=None,
        result={},
        error=None,
        checkpoint=None,
        cancel_requested=False,
        runs=1,
        version=0,
        events=[],
        heartbeat_at=now_iso(),
        queued_at=now_iso(),
        updated_at=now_iso(),
        **fields,
    )
    job.update(with_event(job, states.QUEUED))
    store.jobs.insert(job)
    runner.submit(job["id"])
    return job


@dataclass(frozen=True)
class JobQueue:
    """Where the use cases send new jobs: the runner that wakes a worker, and the caps on
    active jobs (per user, in total) that `start_job` checks first."""

    runner: JobRunner
    limits: tuple[int, int]

    def start(
        self,
        store: Store,
        owner_id: str,
        kind: str,
        params: dict[str, Any],
        dataset_id: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        return start_job(
            store,
            self.runner,
            owner_id,
            kind,
            params,
            limits=self.limits,
            dataset_id=dataset_id,
            **fields,
        )


def list_jobs(
    store: Store,
    owner_id: str,
    *,
    kind: str | None = None,
    status: str | None = None,
    project_id: str | None = None,
    page_number: int = 1,
    page_size: int = 20,
) -> dict[str, Any]:
    where = {k: v for k, v in {"kind": kind, "status": status}.items() if v}
    where.update(project_filter(project_id))
    items, total = store.jobs.find(
        owner_id, where, offset=offset_of(page_number, page_size), limit=page_size
    )
    return page(
        [{k: v for k, v in job.items() if k not in _LIST_EXCLUDES} for job in items],
        total,
        page_number,
        page_size,
    )


def get_job(store: Store, owner_id: str, job_id: str) -> dict[str, Any]:
    return require(store.jobs.get(job_id, owner_id), "job", job_id)


def open_event_feed(
    store: Store, owner_id: str, job_id: str, last_event_id: str | None
) -> tuple[JobEventFeed, str]:
    """The caller's job's events after `last_event_id` (404 before any stream starts if the job
    is not theirs), and the text to send first."""
    job = get_job(store, owner_id, job_id)
    feed = JobEventFeed(store, owner_id, job_id, last_seq_of(last_event_id))
    return feed, feed.head(job)


def cancel_job(store: Store, owner_id: str, job_id: str) -> dict[str, Any]:
    """A queued job stops at once; a running one within about a second (its next step or batch)."""
    get_job(store, owner_id, job_id)  # 404 for a job that is missing or someone else's
    cancelled = transition(store, job_id, [states.QUEUED], states.CANCELLED)
    if cancelled:
        return cancelled
    # A running job is asked, not moved: its own code stops at its next check and ends it.
    requested = store.jobs.update_if(job_id, {"status": states.RUNNING}, {"cancel_requested": True})
    if requested:
        return requested
    job = get_job(store, owner_id, job_id)
    raise JobStateError(
        f"The job is {job['status']}; only queued or running jobs can be cancelled."
    )


def resume_job(
    store: Store,
    runner: JobRunner,
    owner_id: str,
    job_id: str,
    epochs: int,
    *,
    limits: tuple[int, int],
) -> dict[str, Any]:
    """Queue the job again to train `epochs` more epochs/steps from its last checkpoint.

    The kind's compute budget binds the total: a resume cannot take a job past the epochs or
    steps a first run may ask for. A kind that trains nothing step by step runs again as it was.
    """
    job = get_job(store, owner_id, job_id)
    if job["status"] not in states.RESUMABLE:
        raise JobStateError(f"The job is {job['status']}; only finished jobs can be resumed.")
    check_limits(store, owner_id, *limits)
    params = dict(job["params"])
    max_steps = kinds.get(job["kind"]).max_steps
    if max_steps is not None:
        done = (job.get("checkpoint") or {}).get("step", 0)
        if done + epochs > max_steps:
            raise InvalidInputError(
                f"This job has done {done} of the {max_steps} epochs/steps a {job['kind']} job may take; "
                f"it can resume for at most {max(max_steps - done, 0)} more.",
                errors={"epochs": [f"at most {max(max_steps - done, 0)}"]},
            )
        params["epochs"] = done + epochs
    resumed = transition(
        store,
        job_id,
        [job["status"]],
        states.QUEUED,
        expect={"runs": job.get("runs", 1)},  # not resumed by someone else meanwhile
        params=params,
        runner=runner.name,
        error=None,
        cancel_requested=False,
        runs=int(job.get("runs", 1)) + 1,
        heartbeat_at=now_iso(),
        queued_at=now_iso(),
    )
    if resumed is None:
        raise JobStateError("The job changed while resuming it; try again.")
    runner.submit(job_id)
    return resumed


def delete_job(store: Store, owner_id: str, job_id: str) -> None:
    """Delete a finished job and its checkpoint. What it made (a dataset, a model) stays: those
    are the user's own resources, deleted through their own endpoints."""
    job = get_job(store, owner_id, job_id)
    if job["status"] in states.ACTIVE:
        raise JobStateError(
            f"The job is {job['status']}; cancel it and wait for it to stop before deleting it."
        )
    if store.jobs.delete(job_id, owner_id) is None:
        return
    checkpoint = job.get("checkpoint") or {}
    if checkpoint.get("blob_id"):
        store.blobs.delete(checkpoint["blob_id"])
