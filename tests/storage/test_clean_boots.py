"""Opening a new embedded store from many processes at once never fails.

Before the fix, `PRAGMA journal_mode=WAL` from several first openers failed now and then with
"database is locked" (11 of 400 tries with 8 processes), which at gunicorn's boot is
WORKER_BOOT_ERROR and halts the whole server. By hand, the long run:

    .venv/bin/python -m tests.storage.test_clean_boots 400
"""

from __future__ import annotations

import multiprocessing
import sys
import tempfile
import traceback
from pathlib import Path

import pytest

pytestmark = pytest.mark.processes  # eight processes opening stores

PROCESSES = 8


def _open_round_after_round(root: str, rounds: int, barrier, failures) -> None:  # noqa: ANN001
    from backend.storage.sqlite import SqliteStore

    failed = 0
    for n in range(rounds):
        barrier.wait(60)  # every process opens the same new store at the same moment
        try:
            store = SqliteStore(Path(root) / f"round-{n}")
            store.users.count_any()
            store.close()
        except Exception:
            failed += 1
            failures.put(f"round {n}: {traceback.format_exc(limit=1)}")
    raise SystemExit(1 if failed else 0)  # the exit code counts even if a message is lost


def open_new_stores_concurrently(root: Path, rounds: int, processes: int = PROCESSES) -> list[str]:
    """Failures of `processes` processes opening `rounds` new stores together (one per round)."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    failures = context.Queue()
    workers = [
        context.Process(target=_open_round_after_round, args=(str(root), rounds, barrier, failures))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(300)
    found = []
    while not failures.empty():
        found.append(failures.get())
    found += [f"worker exit code {w.exitcode}" for w in workers if w.exitcode != 0]
    return found


def test_eight_processes_open_fifty_new_stores_without_a_failure(tmp_path):
    assert open_new_stores_concurrently(tmp_path, rounds=50) == []
    assert len(list(tmp_path.glob("round-*/store.sqlite3"))) == 50


if __name__ == "__main__":
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    with tempfile.TemporaryDirectory() as folder:
        problems = open_new_stores_concurrently(Path(folder), rounds)
    print(f"{PROCESSES} processes x {rounds} new stores: {len(problems)} failures")
    for line in problems[:20]:
        print(line)
    raise SystemExit(1 if problems else 0)
