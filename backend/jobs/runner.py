"""Two runners behind one interface: an in-process thread pool (default) and Celery."""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from backend.config import Config
from backend.jobs.context import Budget
from backend.jobs.execute import run_claimed
from backend.jobs.heartbeat import Heartbeat
from backend.jobs.scheduler import Slots, claim_next
from backend.storage import Store

log = logging.getLogger(__name__)


class JobRunner(Protocol):
    name: str

    def submit(self, job_id: str) -> None: ...

    def shutdown(self, wait: bool = False) -> None: ...


class PoolRunner:
    """Threads of this process that claim queued jobs from the store, fairest first.

    `submit` only wakes a thread: which job runs next is the scheduler's choice, so a job
    queued by another process (a gunicorn sibling) runs here too when a slot frees up. The
    heartbeat keeps the jobs this process queued fresh until someone claims them.
    """

    name = "pool"
    # An idle thread looks at the queue this often (work queued by other processes).
    POLL_S = 1.0

    def __init__(
        self, store: Store, size: int, heartbeat: Heartbeat, slots: Slots, budget: Budget
    ) -> None:
        self._store = store
        self._heartbeat = heartbeat
        self._slots = slots
        self._budget = budget
        self._wake = threading.Condition()
        self._pending_wakes = 0
        self._stopping = False
        self._threads = [
            threading.Thread(target=self._work, name=f"job-{i}", daemon=True)
            for i in range(max(size, 1))
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, job_id: str) -> None:
        self._heartbeat.add(job_id)
        with self._wake:
            self._pending_wakes += 1
            self._wake.notify()

    def _work(self) -> None:
        while not self._stopping:
            job = None
            try:
                job = claim_next(self._store, self.name, self._slots)
                if job is not None:
                    run_claimed(self._store, job, self._heartbeat, self._budget)
            except Exception:  # a store hiccup must not end the thread
                log.exception("job pool thread failed to claim a job")
            self._sleep(slot_freed=job is not None)

    def _sleep(self, slot_freed: bool) -> None:
        """Until a submit, a sibling freeing a slot, or POLL_S (work queued by other processes)."""
        with self._wake:
            if slot_freed:
                self._wake.notify_all()  # a job held back by a cap may start now
                return
            if not self._pending_wakes and not self._stopping:
                self._wake.wait(self.POLL_S)
            self._pending_wakes = max(self._pending_wakes - 1, 0)

    def shutdown(self, wait: bool = False) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        if wait:
            for thread in self._threads:
                thread.join()


class CeleryRunner:
    """Jobs go to Celery workers through the broker; the job document stays the truth."""

    name = "celery"

    def __init__(self, config: Config) -> None:
        from backend.jobs.celery_app import make_celery

        self._celery = make_celery(config)

    def submit(self, job_id: str) -> None:
        from backend.jobs.celery_app import RUN_JOB_TASK

        self._celery.send_task(RUN_JOB_TASK, args=[job_id])

    def shutdown(self, wait: bool = False) -> None:
        pass


def make_runner(config: Config, store: Store, heartbeat: Heartbeat) -> JobRunner:
    if config.job_runner == "celery":
        return CeleryRunner(config)
    if config.job_runner != "pool":
        raise ValueError(f"JOB_RUNNER must be 'pool' or 'celery', not {config.job_runner!r}")
    return PoolRunner(
        store, config.job_pool_size, heartbeat, slots_of(config), Budget.from_config(config)
    )


def slots_of(config: Config) -> Slots:
    return Slots(
        max_running=config.max_running_jobs, max_running_per_user=config.max_running_jobs_per_user
    )
