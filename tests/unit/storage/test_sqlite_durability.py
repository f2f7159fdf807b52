"""The embedded store keeps everything across restarts, crashes mid-upload and many processes."""

from __future__ import annotations

import io
import multiprocessing

import pytest

from backend.storage.sqlite import SqliteStore


def _insert_many(data_dir: str, worker: int, count: int) -> None:
    store = SqliteStore(data_dir)
    for i in range(count):
        store.datasets.insert(
            {
                "id": f"w{worker}-{i}",
                "owner_id": "u1",
                "created_at": f"2026-01-01T00:00:{i:02d}.000000+00:00",
            }
        )
        store.blobs.put_bytes(f"worker {worker} item {i}".encode())
    store.close()


def test_several_processes_write_without_losing_anything(tmp_path):
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_insert_many, args=(str(tmp_path), w, 25)) for w in range(4)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(60)
        assert p.exitcode == 0
    store = SqliteStore(tmp_path)
    assert store.datasets.find("u1", limit=1)[1] == 100


def test_data_survives_a_restart(tmp_path):
    store = SqliteStore(tmp_path)
    store.charts.insert(
        {
            "id": "c1",
            "owner_id": "u1",
            "created_at": "2026-01-01T00:00:00.000000+00:00",
            "title": "t",
        }
    )
    blob = store.blobs.put_bytes(b"kept")
    store.close()
    reopened = SqliteStore(tmp_path)
    assert reopened.charts.get("c1", "u1")["title"] == "t"
    assert reopened.blobs.read(blob.id) == b"kept"


class _Exploding(io.RawIOBase):
    """A client that disconnects after sending some bytes."""

    def __init__(self) -> None:
        self.sent = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self.sent > 3 << 20:
            raise ConnectionResetError("client went away")
        self.sent += 1 << 20
        return b"x" * (1 << 20)


def test_a_crash_mid_upload_leaves_no_blob_and_no_temp_file(tmp_path):
    store = SqliteStore(tmp_path)
    with pytest.raises(ConnectionResetError):
        store.blobs.put_stream(_Exploding())
    assert list((tmp_path / "blobs" / "tmp").iterdir()) == []
    assert [p for p in (tmp_path / "blobs").iterdir() if p.name != "tmp"] == []
