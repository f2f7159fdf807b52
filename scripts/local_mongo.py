"""A local MongoDB-wire server (SecantusDB) as a child process, for tests and `make run-mongo`.

SecantusDB (`secantusdb` on PyPI, pinned in the dev extras) is a standalone server that speaks
the MongoDB wire protocol over WiredTiger. It is GPL-2.0, so it only ever runs as a separate
process (`python -m secantus`); nothing here or in the app imports it.

    .venv/bin/python scripts/local_mongo.py          # `make run-mongo`: the DB under var/secantus, the API on it

The DB server is stopped when the API exits (Ctrl-C included).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


class LocalMongo:
    """One SecantusDB server on 127.0.0.1:`port` with its files under `storage_path`.

    `kill()` is `kill -9` (what the crash tests do to it); `start()` again reopens the same
    files on the same port, as a restarted database server would.
    """

    def __init__(
        self, storage_path: Path, port: int | None = None, *, log_path: Path | None = None
    ) -> None:
        self.storage_path = Path(storage_path)
        self.port = port or free_port()
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}"

    def uri_for(self, database: str) -> str:
        return f"{self.uri}/{database}"

    def start(self, timeout_s: float = 60) -> LocalMongo:
        self.storage_path.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115 - the child owns it
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "secantus",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--storage-path",
                str(self.storage_path),
                "--log-level",
                "WARNING",
            ],
            stdout=log,
            stderr=log,
            # Its own process group: a Ctrl-C meant for the API does not hit the database first.
            start_new_session=True,
            # Killed with its parent, however the parent ends (a killed pytest leaves no server behind).
            preexec_fn=_die_with_parent,
        )
        if log is not subprocess.DEVNULL:
            log.close()
        self._wait_until_serving(timeout_s)
        return self

    def _wait_until_serving(self, timeout_s: float) -> None:
        import pymongo

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"secantus exited with {self.process.returncode} (port {self.port})"
                )
            client = pymongo.MongoClient(
                self.uri, serverSelectionTimeoutMS=300, connectTimeoutMS=300
            )
            try:
                client.admin.command("ping")
                return
            except pymongo.errors.PyMongoError:
                time.sleep(0.1)
            finally:
                client.close()
        self.kill()
        raise RuntimeError(f"secantus did not answer on port {self.port} within {timeout_s} s")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush (a crash of the database server)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(30)

    def stop(self, timeout_s: float = 20) -> None:
        """SIGTERM and wait; SIGKILL if it does not go."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()

    def __enter__(self) -> LocalMongo:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> int:
    """`make run-mongo`: SecantusDB with its data in var/secantus, then `python -m backend` on it."""
    # SIGTERM too ends the API first and then the database (the `finally` blocks below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    data = Path(os.environ.get("SECANTUS_DIR", REPO / "var" / "secantus"))
    # Not 27017: a MongoDB already running on this machine keeps its port.
    port = int(os.environ.get("SECANTUS_PORT", "27018"))
    with LocalMongo(data, port, log_path=data.parent / "secantus.log") as db:
        env = {**os.environ, "MONGO_URI": os.environ.get("MONGO_URI") or db.uri_for("insight")}
        print(
            f"SecantusDB on {db.uri} (data in {data}, log in {data.parent / 'secantus.log'})",
            flush=True,
        )
        api = subprocess.Popen([sys.executable, "-m", "backend"], cwd=REPO, env=env)
        try:
            return api.wait()
        except KeyboardInterrupt:
            with contextlib.suppress(subprocess.TimeoutExpired):
                api.wait(10)
            return 130
        finally:
            if api.poll() is None:
                api.terminate()
                api.wait(10)


if __name__ == "__main__":
    raise SystemExit(main())
