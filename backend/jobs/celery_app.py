"""The Celery app both sides share: the API sends `RUN_JOB_TASK` through the broker, and a
worker (`celery -A backend.worker worker --pool=solo`, backend/worker.py) runs it."""

from __future__ import annotations

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
