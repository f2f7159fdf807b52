"""Child processes of the scripts and tests (servers they start and stop): a free port, a stop."""

from __future__ import annotations

import socket
import subprocess


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
