"""Server-Sent Events behind gunicorn: every update arrives, in order; open streams hold no
request thread (the worker's stream hub serves them) and are capped per user."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request

import pytest

from tests.conftest import wait_for
from tests.jobs.processes import REPO, Http, base_env, free_port, stop, wait_until_up

pytestmark = pytest.mark.processes  # gunicorn


def test_sse_streams_every_epoch_through_gunicorn(tmp_path):
    port = free_port()
    env = base_env(
        tmp_path,
        PORT=str(port),
        HOST="127.0.0.1",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="4",
        GUNICORN_ACCESS_LOG="/dev/null",
    )
    gunicorn = os.path.join(os.path.dirname(os.sys.executable), "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "-c", "gunicorn.conf.py", "backend.app:create_app()"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", server)
        api = Http(f"http://127.0.0.1:{port}").sign_up()
        status, job = api.call(
            "POST",
            "/api/v1/jobs",
            {"kind": "toy_training", "params": {"epochs": 8, "epoch_s": 0.05}},
        )
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
                    if data["status"] == "running" and "step" in data["progress"]:
                        steps.append(data["progress"]["step"])
                elif not line:
                    event = "message"
        assert steps == list(range(1, 9))
        assert ended["status"] == "succeeded" and ended["result"]["model_id"]
    finally:
        stop(server)


def open_stream(port: int, token: str, job_id: str) -> tuple[socket.socket, bytes]:
    """A raw event-stream connection and what came first (head and the first events)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(
        f"GET /api/v1/jobs/{job_id}/events HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\n\r\n".encode()
    )
    return sock, sock.recv(65536)


def read_until(sock: socket.socket, needle: bytes, timeout_s: float = 15) -> bytes:
    sock.settimeout(timeout_s)
    seen = b""
    while needle not in seen:
        chunk = sock.recv(65536)
        if not chunk:
            break
        seen += chunk
    return seen


@pytest.mark.timing
def test_open_streams_hold_no_request_thread_and_are_capped_per_user(tmp_path):
    # One worker with two threads: before the stream hub, two open streams took both threads.
    port = free_port()
    env = base_env(
        tmp_path,
        PORT=str(port),
        HOST="127.0.0.1",
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="2",
        GUNICORN_ACCESS_LOG="/dev/null",
        MAX_STREAMS_PER_USER="6",
    )
    gunicorn = os.path.join(os.path.dirname(os.sys.executable), "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "-c", "gunicorn.conf.py", "backend.app:create_app()"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    streams = []
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", server)
        api = Http(f"http://127.0.0.1:{port}").sign_up()
        status, job = api.call(
            "POST",
            "/api/v1/jobs",
            {"kind": "toy_training", "params": {"epochs": 400, "epoch_s": 0.05}},
        )
        assert status == 202
        for _ in range(6):
            sock, first = open_stream(port, api.token, job["id"])
            assert first.startswith(b"HTTP/1.1 200") and b"text/event-stream" in first
            streams.append(sock)

        started = time.monotonic()
        for _ in range(10):  # Http.call gives up after 10 s
            assert api.call("GET", "/api/v1/jobs")[0] == 200
        assert time.monotonic() - started < 10

        # The streams are live: events keep coming on each.
        for sock in streams:
            assert b'"status": "running"' in read_until(sock, b'"status": "running"')

        # A seventh stream of the same user is refused; a closed one frees its place.
        sock, first = open_stream(port, api.token, job["id"])
        assert first.startswith(b"HTTP/1.1 429") and b"Retry-After" in first
        sock.close()
        streams.pop().close()
        replacement = wait_for(
            lambda: (lambda pair: pair if pair[1].startswith(b"HTTP/1.1 200") else pair[0].close())(
                open_stream(port, api.token, job["id"])
            ),
            timeout_s=5,
            interval_s=0.2,
        )
        streams.append(replacement[0])

        # Cancelling ends every stream with the job's end.
        assert api.call("POST", f"/api/v1/jobs/{job['id']}/cancel")[0] == 202
        for sock in streams:
            assert b"event: end" in read_until(sock, b"event: end")
    finally:
        for sock in streams:
            sock.close()
        stop(server)
