"""The Celery worker process: `celery -A backend.worker worker --pool=solo` runs jobs.

Like `app.py` for the API, this is where a worker process is put together (settings, store,
heartbeat; job code gets the dataset quotas in its Budget); `backend/jobs/celery_app.py` only
makes the Celery app, so the job system below the services imports none of them. The worker opens the store from the same environment
as the API (MONGO_URI or DATA_DIR) and runs the very same job code as the in-process pool.
"""

from __future__ import annotations

import functools

from backend.config import Config
from backend.jobs import kinds
from backend.jobs.celery_app import RUN_JOB_TASK, make_celery
from backend.jobs.context import Budget
from backend.jobs.execute import run_queued_jobs
from backend.jobs.heartbeat import Heartbeat
from backend.jobs.runner import slots_of
from backend.storage import Store, open_store


@functools.cache
def _worker_state() -> tuple[Config, Store, Heartbeat]:
    """Settings, store and heartbeat, built once per worker process (on its first task)."""
    config = Config.from_env()
    kinds.load_extra(config.job_extra_kinds)
    store = open_store(config)
    return config, store, Heartbeat(store, config.job_heartbeat_s, config.job_time_limits).start()


app = make_celery(Config.from_env())


@app.task(name=RUN_JOB_TASK)
def run_job(job_id: str) -> None:  # noqa: ARG001 - the job that queued this turn; any fair one runs
    """A turn at the queue, not one particular job: claim the fairest queued job
    (backend/jobs/scheduler.py) and keep claiming until none can start, so a job held back by
    a per-user cap starts when a slot frees."""
    config, store, heartbeat = _worker_state()
    run_queued_jobs(store, "celery", slots_of(config), heartbeat, Budget.from_config(config))
