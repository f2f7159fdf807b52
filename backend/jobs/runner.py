"""Two runners behind one interface: an in-process thread pool (default) and Celery."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from backend.config import Config
from backend.jobs.execute import execute_job
from backend.jobs.heartbeat import Heartbeat
from backend.storage import Store

log = logging.getLogger(__name__)


class JobRunner(Protocol):
    name: str

    def submit(self, job_id: str) -> None: ...

    def shutdown(self, wait: bool = False) -> None: ...


class PoolRunner:
    """Jobs run on threads of this process; the heartbeat keeps queued and running ones fresh."""

    name = "pool"

    def __init__(self, store: Store, size: int, heartbeat: Heartbeat) -> None:
        self._store = store
        self._heartbeat = heartbeat
        self._executor = ThreadPoolExecutor(max_workers=max(size, 1), thread_name_prefix="job")

    def submit(self, job_id: str) -> None:
        self._heartbeat.add(job_id)
        self._executor.submit(self._run, job_id)

    def _run(self, job_id: str) -> None:
        try:
            execute_job(self._store, job_id, self._heartbeat)
        finally:
            self._heartbeat.discard(job_id)

    def shutdown(self, wait: bool = False) -> None:
        self._executor.shutdown(wait=wait, cancel_futures=True)


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
    return PoolRunner(store, config.job_pool_size, heartbeat)
