"""The per-job event log that Server-Sent Events replay (bounded, newest last)."""

from __future__ import annotations

from typing import Any

MAX_EVENTS = 200


def with_event(
    job: dict[str, Any],
    status: str,
    progress: dict[str, Any] | None = None,
    metrics: list | None = None,
) -> dict[str, Any]:
    """The `version` and `events` changes that record one more update of `job`."""
    version = int(job.get("version", 0)) + 1
    event = {
        "seq": version,
        "status": status,
        "progress": progress if progress is not None else (job.get("progress") or {}),
        "metrics": metrics or [],
    }
    return {"version": version, "events": [*(job.get("events") or [])[-(MAX_EVENTS - 1) :], event]}
