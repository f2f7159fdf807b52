"""Server-Sent Events behind gunicorn (gthread workers): every update arrives, in order."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request

from tests.jobs.processes import REPO, Http, base_env, free_port, stop, wait_until_up


def test_sse_streams_every_epoch_through_gunicorn(tmp_path):
    port = free_port()
    env = base_env(tmp_path, PORT=str(port), HOST="127.0.0.1", WEB_CONCURRENCY="2", GUNICORN_THREADS="4",
                   GUNICORN_ACCESS_LOG="/dev/null")
    gunicorn = os.path.join(os.path.dirname(os.sys.executable), "gunicorn")
    server = subprocess.Popen([gunicorn, "-c", "gunicorn.conf.py", "backend.app:create_app()"], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", server)
        api = Http(f"http://127.0.0.1:{port}").sign_up()
        status, job = api.call("POST", "/api/v1/jobs", {"kind": "toy_training", "params": {"epochs": 8, "epoch_s": 0.05}})
        assert status == 202
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/jobs/{job['id']}/events")
        request.add_header("Authorization", f"Bearer {api.token}")
        steps, ended = [], None
        with urllib.request.urlopen(request, timeout=30) as stream:
            assert stream.headers["Content-Type"].startswith("text/event-stream")
            event = "message"
            for raw in stream:
                line = raw.decode().rstrip("\n")
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    data = json.loads(line[5:])
                    if event == "end":
                        ended = data
                        break
                    if data["status"] == "running":
                        steps.append(data["progress"]["step"])
                elif not line:
                    event = "message"
        assert steps == list(range(1, 9))
        assert ended["status"] == "succeeded" and ended["result"]["model_id"]
    finally:
        stop(server)
