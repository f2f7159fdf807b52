"""gunicorn sweeps the store once per boot, in its master before the workers start; the
workers do not sweep again (each used to, reading every document of the store)."""

from __future__ import annotations

import io

import pytest

from backend.services import datasets
from backend.storage.sqlite import SqliteStore
from scripts.processes import start_gunicorn
from tests.jobs.processes import base_env, free_port, stop, wait_until_up

pytestmark = pytest.mark.processes  # gunicorn


def test_gunicorn_sweeps_once_in_its_master_before_serving(tmp_path):
    data_dir = tmp_path / "data"
    store = SqliteStore(data_dir)
    kept = datasets.create_dataset(store, "u1", io.BytesIO(b"a\n1\n"), "kept.csv")
    cut_short = datasets.create_dataset(store, "u1", io.BytesIO(b"a\n2\n"), "cut.csv")
    # A delete a crash cut short: marked, not finished.
    store.datasets.update(cut_short["id"], "u1", {"deleting": "2026-01-01T00:00:00+00:00"})
    store.close()

    port = free_port()
    env = base_env(data_dir, PORT=str(port), HOST="127.0.0.1", WEB_CONCURRENCY="2")
    env.update(LOG_LEVEL="info", GUNICORN_ACCESS_LOG="/dev/null")
    log_path = tmp_path / "gunicorn.log"
    server = start_gunicorn(env, log_path)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", server)
    finally:
        stop(server, timeout_s=30)
    text = log_path.read_text(errors="replace")
    # One sweep (the master's, logged before any worker boots), which finished the delete.
    assert text.count("store sweep at boot:") == 1, text
    assert text.index("store sweep at boot: finished deletes 1") < text.index("Booting worker")
    store = SqliteStore(data_dir)
    assert store.datasets.get_any(cut_short["id"]) is None
    assert store.datasets.get_any(kept["id"]) is not None
    store.close()
