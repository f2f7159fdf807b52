"""The same job through a real Celery worker (Redis broker) gives the same result as the pool."""

from __future__ import annotations

import pytest

from backend.app import create_app, shutdown
from backend.config import Config
from tests.conftest import Session, wait_for
from tests.jobs.processes import start_celery_worker, start_redis, stop

pytestmark = [pytest.mark.celery, pytest.mark.processes]  # redis-server, a Celery worker, the API

PARAMS = {"epochs": 7, "learning_rate": 0.05, "seed": 3}


def run_to_end(runner: str, data_dir, broker_url: str = "redis://127.0.0.1:1/0") -> dict:
    config = Config(
        data_dir=data_dir,
        job_runner=runner,
        celery_broker_url=broker_url,
        job_extra_kinds=("tests.job_kinds",),
        job_heartbeat_s=0.3,
    )
    app = create_app(config)
    try:
        alice = Session(app.test_client(), "alice")
        job = alice.post("/api/v1/jobs", json={"kind": "toy_training", "params": PARAMS}).get_json()
        assert job["runner"] == runner
        done = wait_for(
            lambda: (lambda j: j if j["status"] not in ("queued", "running") else None)(
                alice.get(f"/api/v1/jobs/{job['id']}").get_json()
            ),
            timeout_s=60,
        )
        model = alice.get(f"/api/v1/models/{done['result']['model_id']}").get_json()
        return {"job": done, "model": model}
    finally:
        shutdown(app)


def test_celery_worker_runs_the_job_like_the_pool(tmp_path):
    redis, port = start_redis(tmp_path)
    worker = None
    try:
        broker = f"redis://127.0.0.1:{port}/0"
        worker = start_celery_worker(tmp_path / "celery", broker)
        through_celery = run_to_end("celery", tmp_path / "celery", broker)
        in_pool = run_to_end("pool", tmp_path / "pool")
    finally:
        if worker:
            stop(worker)
        stop(redis)
    assert through_celery["job"]["status"] == in_pool["job"]["status"] == "succeeded"
    assert through_celery["job"]["result"]["w"] == in_pool["job"]["result"]["w"]
    assert through_celery["job"]["result"]["b"] == in_pool["job"]["result"]["b"]
    assert [m["loss"] for m in through_celery["job"]["metrics"]] == [
        m["loss"] for m in in_pool["job"]["metrics"]
    ]
    assert through_celery["model"]["metrics"] == in_pool["model"]["metrics"]
