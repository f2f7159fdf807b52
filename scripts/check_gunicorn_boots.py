"""Clean first boots: gunicorn with N workers on a new, empty DATA_DIR, started again and again.

Each start must end with every worker booted (gunicorn logs "Booting worker" for each, and
no "Worker failed to boot" / WORKER_BOOT_ERROR, which halts the whole server) and the API
answering. Before the embedded store serialized its first openers, a start failed now and
then with "database is locked" on `PRAGMA journal_mode=WAL`. Run by hand (about 10 s a start
on 2 cores):

    nice -n 10 .venv/bin/python scripts/check_gunicorn_boots.py --starts 20 --workers 4
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scripts.processes import free_port, start_gunicorn, stop  # noqa: E402


def boot_once(workers: int, timeout_s: float = 120) -> tuple[bool, str]:
    """(every worker booted and /ready answered, a one-line account)."""
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k != "MONGO_URI"}
        env.update(
            DATA_DIR=str(Path(folder) / "data"),
            PORT=str(port),
            WEB_CONCURRENCY=str(workers),
            GUNICORN_ACCESS_LOG=str(Path(folder) / "access.log"),
            LOG_LEVEL="info",
        )
        log_path = Path(folder) / "gunicorn.log"
        server = start_gunicorn(env, log_path)
        try:
            deadline = time.monotonic() + timeout_s
            booted = 0
            while time.monotonic() < deadline and server.poll() is None:
                text = log_path.read_text(errors="replace")
                booted = text.count("Booting worker")
                if "failed to boot" in text.lower() or "Traceback" in text:
                    break
                if booted >= workers and _ready(port) and _workers_alive(server.pid) >= workers:
                    time.sleep(1.0)  # a worker that dies right after booting would show now
                    if _workers_alive(server.pid) >= workers and server.poll() is None:
                        return True, f"{booted} workers booted"
                time.sleep(0.2)
            text = log_path.read_text(errors="replace")
            problem = next(
                (line for line in text.splitlines() if "Error" in line or "failed" in line),
                "timed out",
            )
            return (
                False,
                f"{booted}/{workers} workers booted, exit {server.poll()}: {problem.strip()[:200]}",
            )
        finally:
            stop(server, timeout_s=30)


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _workers_alive(master_pid: int) -> int:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    try:
        return len(children.read_text().split())
    except OSError:
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--starts", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    failures = 0
    for n in range(1, args.starts + 1):
        started = time.monotonic()
        ok, account = boot_once(args.workers)
        failures += not ok
        print(
            f"start {n:2d}: {'ok  ' if ok else 'FAIL'} {account} ({time.monotonic() - started:.1f} s)",
            flush=True,
        )
    print(
        f"{args.starts} starts of gunicorn with {args.workers} workers on a new DATA_DIR: {failures} failed"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
