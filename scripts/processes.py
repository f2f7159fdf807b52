"""Child processes of the scripts and tests (servers they start and stop): a free port,
gunicorn with this repo's settings, a stop."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """`gunicorn -c gunicorn.conf.py` serving the app, as production runs it; `env` is its
    whole environment (DATA_DIR, PORT, ...), its output goes to `log_path`."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "gunicorn.conf.py",
        "backend.app:create_app()",
    ]
    with open(log_path, "wb") as log:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen, timeout_s: float = 10) -> None:
    """SIGTERM, then SIGKILL if it has not exited within `timeout_s`; waits for the exit either
    way (no zombie, and the port and files are free when this returns)."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
