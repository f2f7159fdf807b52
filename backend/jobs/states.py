"""Job statuses and the moves between them (backend/jobs/transitions.py makes the moves)."""

QUEUED = "queued"
RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"
CANCELLED = "cancelled"
INTERRUPTED = "interrupted"

STATUSES = (QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, INTERRUPTED)
ACTIVE = (QUEUED, RUNNING)
FINISHED = (SUCCEEDED, FAILED, CANCELLED, INTERRUPTED)
# A finished job can be trained further from its last checkpoint.
RESUMABLE = (SUCCEEDED, FAILED, CANCELLED, INTERRUPTED)

# Every status a job may move to from each status; any other move is a bug.
MOVES: dict[str, frozenset[str]] = {
    # Claimed by a runner; cancelled before it started; its pool process died before a claim.
    QUEUED: frozenset({RUNNING, CANCELLED, INTERRUPTED}),
    # Ended by its own code or by the time limit; stopped by a cancel; its process died; or
    # its claim given back (two runners claimed at once past a slot cap).
    RUNNING: frozenset({SUCCEEDED, FAILED, CANCELLED, INTERRUPTED, QUEUED}),
    # Resume: queued again to train further from the last checkpoint.
    **{status: frozenset({QUEUED}) for status in RESUMABLE},
}
