"""The database going away is a 503 with Retry-After, never a 500, and the API comes back by
itself: `python -m backend` on a SecantusDB server that is killed and restarted under traffic."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from scripts.local_mongo import LocalMongo
from tests.jobs.processes import REPO, Http, base_env, free_port, stop, wait_until_up

pytestmark = pytest.mark.processes  # the API and its own SecantusDB


def start_api(tmp_path, mongo_uri: str) -> tuple[subprocess.Popen, str]:  # noqa: ANN001
    port = free_port()
    env = base_env(tmp_path / "data", PORT=str(port), HOST="127.0.0.1", MONGO_URI=mongo_uri)
    process = subprocess.Popen(
        [sys.executable, "-m", "backend"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/health", process)
    return process, base


def get(url: str, token: str | None = None) -> tuple[int, dict, dict]:
    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {token}"} if token else {}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"null")


def test_a_killed_database_is_503_with_retry_after_and_the_api_recovers(tmp_path):
    db = LocalMongo(tmp_path / "secantus").start()
    api_process = None
    try:
        api_process, base = start_api(tmp_path, db.uri_for("outage"))
        api = Http(base).sign_up("alice")

        statuses: list[int] = []
        stop_traffic = threading.Event()

        def traffic() -> None:
            while not stop_traffic.is_set():
                statuses.append(get(base + "/api/v1/datasets", api.token)[0])
                time.sleep(0.05)

        worker = threading.Thread(target=traffic)
        worker.start()
        try:
            time.sleep(0.5)
            db.kill()  # kill -9 of the database server
            status, headers, body = get(base + "/api/v1/datasets", api.token)
            assert status == 503, body
            assert headers["Content-Type"] == "application/problem+json"
            assert body["type"] == "/problems/store-unavailable" and int(headers["Retry-After"]) > 0
            status, headers, body = get(base + "/ready")
            assert status == 503 and "store" in body["detail"] and int(headers["Retry-After"]) > 0
            assert get(base + "/health")[0] == 200  # the process itself is alive

            db.start()  # the same files, the same port
            deadline = time.monotonic() + 30
            while get(base + "/ready")[0] != 200:
                assert time.monotonic() < deadline, (
                    "the API did not recover after the database came back"
                )
                time.sleep(0.2)
            time.sleep(0.5)
        finally:
            stop_traffic.set()
            worker.join(60)
        assert set(statuses) <= {200, 503}, statuses  # never a 500
        assert 503 in statuses and statuses[-1] == 200
        status, body = api.call("GET", "/api/v1/auth/me")
        assert status == 200 and body["username"] == "alice"  # the account survived the kill
    finally:
        if api_process is not None:
            stop(api_process)
        db.kill()
