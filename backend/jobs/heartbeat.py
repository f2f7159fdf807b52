"""Liveness of running jobs, and the reaper that marks jobs of dead processes interrupted."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from backend.clock import iso, now_iso, utc_now
from backend.jobs import kinds, states
from backend.jobs.context import JobTimeLimit
from backend.jobs.transitions import transition
from backend.storage import Store

log = logging.getLogger(__name__)


class Heartbeat:
    """A daemon thread that stamps `heartbeat_at` on the jobs this process holds.

    The same loop reaps: any queued-in-a-pool or running job whose heartbeat is older than
    `stale_after_s` belonged to a process that died, and becomes `interrupted`.
    """

    def __init__(
        self, store: Store, interval_s: float, time_limits: tuple[tuple[str, float], ...] = ()
    ) -> None:
        self.store = store
        self.interval_s = interval_s
        self.stale_after_s = max(3 * interval_s, 1.0)
        self.time_limits = time_limits
        self._held: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="job-heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def add(self, job_id: str) -> None:
        with self._lock:
            self._held.add(job_id)
        self._stamp([job_id])

    def discard(self, job_id: str) -> None:
        with self._lock:
            self._held.discard(job_id)

    def holds(self, job_id: str) -> bool:
        """Whether this process still stamps the job (it lets go just after the job ends)."""
        with self._lock:
            return job_id in self._held

    def _stamp(self, job_ids: list[str]) -> None:
        for job_id in job_ids:
            if (
                self.store.jobs.update_if(
                    job_id, {"status": list(states.ACTIVE)}, {"heartbeat_at": now_iso()}
                )
                is None
            ):
                # Finished, or deleted: a job this process queued but another one ran ends up here.
                self.discard(job_id)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                with self._lock:
                    held = list(self._held)
                self._stamp(held)
                reap_stale_jobs(self.store, self.stale_after_s, keep=set(held))
                fail_overdue_jobs(self.store, self.time_limits, grace_s=self.stale_after_s)
            except Exception:  # the loop must outlive a store hiccup
                log.exception("job heartbeat failed")


def reap_stale_jobs(store: Store, stale_after_s: float, keep: set[str] | None = None) -> list[str]:
    """Mark jobs whose process stopped stamping them as interrupted; their ids."""
    cutoff = iso(utc_now() - timedelta(seconds=stale_after_s))
    reaped = []
    candidates = store.jobs.find_any({"status": states.RUNNING}) + store.jobs.find_any(
        {"status": states.QUEUED, "runner": "pool"}
    )
    for job in candidates:
        if job["id"] in (keep or set()) or (job.get("heartbeat_at") or job["created_at"]) > cutoff:
            continue
        changed = transition(
            store,
            job["id"],
            [job["status"]],
            states.INTERRUPTED,
            expect={"heartbeat_at": job.get("heartbeat_at")},
            error={
                "type": "/problems/job-interrupted",
                "title": "The job was interrupted",
                "detail": "The process running it stopped. Resume it to continue from the last checkpoint.",
            },
        )
        if changed:
            log.warning(
                "job %s was %s in a process that stopped; now interrupted", job["id"], job["status"]
            )
            reaped.append(job["id"])
    return reaped


def fail_overdue_jobs(
    store: Store, time_limits: tuple[tuple[str, float], ...], grace_s: float
) -> list[str]:
    """Fail running jobs past their kind's time limit by more than `grace_s`; their ids.

    Job code stops itself at the limit (JobContext checks the clock); this is the backstop for
    one stuck inside a long step: its slot frees now, and its late writes are refused.
    """
    failed = []
    for job in store.jobs.find_any({"status": states.RUNNING}):
        kind = kinds.find(job["kind"])
        if kind is None or not job.get("started_at"):
            continue
        limit_s = kinds.time_limit_s(kind, time_limits)
        if job["started_at"] > iso(utc_now() - timedelta(seconds=limit_s + grace_s)):
            continue
        changed = transition(
            store,
            job["id"],
            [states.RUNNING],
            states.FAILED,
            expect={"started_at": job["started_at"]},
            error=JobTimeLimit(limit_s).error(),
        )
        if changed:
            log.warning("job %s ran past its %g s time limit; failed", job["id"], limit_s)
            failed.append(job["id"])
    return failed
