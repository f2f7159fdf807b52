"""Real processes for the job tests: the API server, redis-server and a Celery worker."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from scripts.processes import free_port, stop

__all__ = ["REPO", "Http", "base_env", "free_port", "start_server", "stop", "wait_until_up"]

REPO = Path(__file__).resolve().parents[2]


def base_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MONGO_URI", "JOB_RUNNER")}
    env.update(
        DATA_DIR=str(data_dir),
        JOB_EXTRA_KINDS="tests.job_kinds",
        JOB_HEARTBEAT_S="0.3",
        PYTHONPATH=str(REPO),
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


class Http:
    """A tiny JSON client for a server in another process."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url
        self.token = token

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def sign_up(self, username: str = "alice") -> Http:
        self.call(
            "POST", "/api/v1/auth/register", {"username": username, "password": "long password"}
        )
        _, body = self.call(
            "POST", "/api/v1/auth/login", {"username": username, "password": "long password"}
        )
        return Http(self.base_url, body["token"])


def start_server(data_dir: Path, port: int) -> subprocess.Popen:
    env = base_env(data_dir, PORT=str(port), HOST="127.0.0.1")
    process = subprocess.Popen(
        [sys.executable, "-m", "backend"],
        cwd=REPO,
        env=env,
        stderr=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    wait_until_up(f"http://127.0.0.1:{port}/health", process)
    return process


def wait_until_up(url: str, process: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def start_redis(tmp: Path) -> tuple[subprocess.Popen, int]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError(
            "redis-server is not installed; `make test` installs it (scripts/install_system_deps.sh)"
        )
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("redis-server did not start")


def start_celery_worker(data_dir: Path, broker_url: str) -> subprocess.Popen:
    env = base_env(data_dir, CELERY_BROKER_URL=broker_url, JOB_RUNNER="celery")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "backend.worker",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=WARNING",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
