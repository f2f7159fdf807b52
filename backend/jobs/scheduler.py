"""Which queued job runs next: running slots shared fairly between users.

Every runner (each pool thread, each Celery task) asks `claim_next` for work instead of
running the job it was handed. The claim is a compare-and-set on the job document, so any
number of processes can share one store. Slots: at most `max_running` jobs run at once on
the server and at most `max_running_per_user` of one user; the next job goes to the user
who runs the fewest now, oldest queued first, so a user who queues many jobs never holds
every slot while others wait.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from backend.clock import now_iso
from backend.jobs import states
from backend.jobs.transitions import transition
from backend.storage import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Slots:
    max_running: int = 8
    max_running_per_user: int = 2


def queued_since(job: dict[str, Any]) -> str:
    """When the job joined the queue (a resume queues it again)."""
    return job.get("queued_at") or job["created_at"]


def claim_next(store: Store, runner_name: str, slots: Slots) -> dict[str, Any] | None:
    """Mark the fairest claimable queued job of `runner_name` running and return it, or None."""
    running = store.jobs.find_any({"status": states.RUNNING})
    if len(running) >= slots.max_running:
        return None
    per_user = Counter(job["owner_id"] for job in running)
    queued = [
        job
        for job in store.jobs.find_any({"status": states.QUEUED, "runner": runner_name})
        if per_user[job["owner_id"]] < slots.max_running_per_user
    ]
    queued.sort(key=lambda job: (per_user[job["owner_id"]], queued_since(job), job["id"]))
    for job in queued:
        claim = uuid.uuid4().hex
        started = now_iso()
        claimed = transition(
            store,
            job["id"],
            [states.QUEUED],
            states.RUNNING,
            started_at=started,
            heartbeat_at=started,
            claim=claim,
        )
        if claimed is None:
            continue  # another runner took it first
        if _within_slots(store, claimed, slots):
            return claimed
        # Another process claimed at the same moment and together we went past a cap: the
        # later claim gives its job back to the queue.
        transition(store, job["id"], [states.RUNNING], states.QUEUED, expect={"claim": claim})
        return None
    return None


def _within_slots(store: Store, job: dict[str, Any], slots: Slots) -> bool:
    """Whether `job` is among the first claims that fit the caps (claim order: started_at, id)."""
    mine = (job["started_at"], job["id"])
    earlier = [
        other
        for other in store.jobs.find_any({"status": states.RUNNING})
        if (other.get("started_at") or "", other["id"]) < mine
    ]
    same_user = sum(1 for other in earlier if other["owner_id"] == job["owner_id"])
    return len(earlier) < slots.max_running and same_user < slots.max_running_per_user
