"""The one way a job's status changes: `transition`, a compare-and-set that records the event.

Every move (start of a run, its end, cancel, interrupt, time limit, resume, a claim given
back) goes through here, so each is allowed by `states.MOVES`, lands only if the job is still
where the caller saw it, and leaves one event for Server-Sent Events clients.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from backend.clock import now_iso
from backend.jobs import states
from backend.jobs.events import with_event
from backend.storage import Store

# Concurrent writes that only bump the event log (progress reports) may beat a move to the
# store; the move reads the job again and retries this many times while its status still fits.
MAX_ATTEMPTS = 5


class TransitionNotAllowed(Exception):
    """A move that `states.MOVES` does not allow (a bug in the caller, never user input)."""

    def __init__(self, from_state: str, to_state: str) -> None:
        allowed = ", ".join(sorted(states.MOVES.get(from_state, ()))) or "nothing"
        super().__init__(
            f"A job cannot move from {from_state!r} to {to_state!r} (from {from_state!r}: {allowed})."
        )
        self.from_state = from_state
        self.to_state = to_state


def check_move(from_state: str, to_state: str) -> None:
    """Raise TransitionNotAllowed unless `states.MOVES` allows `from_state` -> `to_state`."""
    if to_state not in states.MOVES.get(from_state, frozenset()):
        raise TransitionNotAllowed(from_state, to_state)


def transition(
    store: Store,
    job_id: str,
    from_states: Collection[str],
    to_state: str,
    *,
    expect: dict[str, Any] | None = None,
    **fields: Any,
) -> dict[str, Any] | None:
    """Move the job to `to_state` if its status is one of `from_states` (and its fields match
    `expect`), setting `fields` and recording the event; the updated job, or None when the job
    is gone or no longer where the caller expected it.

    Entering a finished status stamps `finished_at` and clears `cancel_requested`.
    """
    for from_state in from_states:
        check_move(from_state, to_state)
    for _ in range(MAX_ATTEMPTS):
        job = store.jobs.get_any(job_id)
        if job is None or job["status"] not in from_states:
            return None
        if any(job.get(key) != value for key, value in (expect or {}).items()):
            return None
        changes: dict[str, Any] = {"status": to_state, "updated_at": now_iso()}
        if to_state in states.FINISHED:
            changes.update(finished_at=changes["updated_at"], cancel_requested=False)
        changes.update(fields)
        changes.update(with_event(job, to_state))
        # The version is in the condition: a write between our read and this one (a progress
        # report) would otherwise lose its event under ours.
        where = {**(expect or {}), "status": job["status"]}
        if "version" in job:
            where["version"] = job["version"]
        moved = store.jobs.update_if(job_id, where, changes)
        if moved is not None:
            return moved
    return None
