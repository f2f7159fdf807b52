"""Liveness of running jobs, and the reaper that marks jobs of dead processes interrupted."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from backend.jobs import states
from backend.jobs.events import with_event
from backend.services.common import iso, now_iso, utc_now
from backend.storage import Store

log = logging.getLogger(__name__)


class Heartbeat:
    """A daemon thread that stamps `heartbeat_at` on the jobs this process holds.

    The same loop reaps: any queued-in-a-pool or running job whose heartbeat is older than
    `stale_after_s` belonged to a process that died, and becomes `interrupted`.
    """

    def __init__(self, store: Store, interval_s: float) -> None:
        self.store = store
        self.interval_s = interval_s
        self.stale_after_s = max(3 * interval_s, 1.0)
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
            self.store.jobs.update_if(job_id, {"status": list(states.ACTIVE)}, {"heartbeat_at": now_iso()})

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                with self._lock:
                    held = list(self._held)
                self._stamp(held)
                reap_stale_jobs(self.store, self.stale_after_s, keep=set(held))
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
        changed = store.jobs.update_if(
            job["id"],
            {"status": job["status"], "heartbeat_at": job.get("heartbeat_at")},
            {
                "status": states.INTERRUPTED,
                "finished_at": now_iso(),
                **with_event(job, states.INTERRUPTED),
                "error": {
                    "type": "/problems/job-interrupted",
                    "title": "The job was interrupted",
                    "detail": "The process running it stopped. Resume it to continue from the last checkpoint.",
                },
            },
        )
        if changed:
            log.warning("job %s was %s in a process that stopped; now interrupted", job["id"], job["status"])
            reaped.append(job["id"])
    return reaped
