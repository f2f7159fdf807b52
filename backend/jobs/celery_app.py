"""The Celery side: `celery -A backend.jobs.celery_app worker --pool=solo` runs jobs.

The worker opens the store from the same environment as the API (MONGO_URI or DATA_DIR)
and runs the very same job code as the in-process pool. A task is a turn at the queue, not
one particular job: it claims the fairest queued job (backend/jobs/scheduler.py) and keeps
claiming until none can start, so a job held back by a per-user cap starts when a slot frees.
"""

from __future__ import annotations

import functools

from celery import Celery

from backend.config import Config

RUN_JOB_TASK = "insight.run_job"


def make_celery(config: Config) -> Celery:
    app = Celery("insight", broker=config.celery_broker_url)
    app.conf.update(
        task_ignore_result=True,
        # A job is acknowledged when it ends: a worker that dies mid-job leaves it for the reaper
        # (interrupted, resumable) rather than silently losing it.
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    return app


@functools.cache
def _worker_state():  # noqa: ANN202 - (config, store, heartbeat), built once per worker process
    from backend.jobs import kinds
    from backend.jobs.heartbeat import Heartbeat
    from backend.services import quotas
    from backend.storage import open_store

    config = Config.from_env()
    kinds.load_extra(config.job_extra_kinds)
    quotas.configure_from(config)  # job code makes datasets, which count against quotas
    store = open_store(config)
    return config, store, Heartbeat(store, config.job_heartbeat_s, config.job_time_limits).start()


app = make_celery(Config.from_env())


@app.task(name=RUN_JOB_TASK)
def run_job(job_id: str) -> None:  # noqa: ARG001 - the job that queued this turn; any fair one runs
    from backend.jobs.context import Budget
    from backend.jobs.execute import run_queued_jobs
    from backend.jobs.runner import slots_of

    config, store, heartbeat = _worker_state()
    run_queued_jobs(store, "celery", slots_of(config), heartbeat, Budget.from_config(config))
