"""Kill the serving process while a job runs; after a restart the job is interrupted and resumes."""

from __future__ import annotations

import signal

import pytest

from tests.conftest import wait_for
from tests.jobs.processes import Http, free_port, start_server, stop

pytestmark = pytest.mark.processes  # python -m backend, killed and restarted


def test_a_job_killed_with_its_server_is_interrupted_and_resume_finishes_it(tmp_path):
    port = free_port()
    server = start_server(tmp_path, port)
    try:
        api = Http(f"http://127.0.0.1:{port}").sign_up()
        status, job = api.call(
            "POST",
            "/api/v1/jobs",
            {"kind": "toy_training", "params": {"epochs": 400, "epoch_s": 0.05}},
        )
        assert status == 202
        wait_for(
            lambda: (
                (api.call("GET", f"/api/v1/jobs/{job['id']}")[1]["progress"] or {}).get("step", 0)
                >= 3
            )
        )
        server.send_signal(signal.SIGKILL)
        server.wait(10)
    finally:
        stop(server)

    server = start_server(tmp_path, port)
    try:
        interrupted = wait_for(
            lambda: (lambda j: j if j["status"] == "interrupted" else None)(
                api.call("GET", f"/api/v1/jobs/{job['id']}")[1]
            ),
            timeout_s=15,
        )
        done_before = interrupted["checkpoint"]["step"]
        assert 3 <= done_before < 400
        status, _ = api.call("POST", f"/api/v1/jobs/{job['id']}/resume", {"epochs": 3})
        assert status == 202
        finished = wait_for(
            lambda: (lambda j: j if j["status"] not in ("queued", "running") else None)(
                api.call("GET", f"/api/v1/jobs/{job['id']}")[1]
            ),
            timeout_s=30,
        )
        assert finished["status"] == "succeeded"
        assert finished["result"]["epochs"] == done_before + 3
        assert api.call("GET", f"/api/v1/models/{finished['result']['model_id']}")[0] == 200
    finally:
        stop(server)
