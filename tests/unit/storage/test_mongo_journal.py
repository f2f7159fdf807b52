"""Uploads on MongoDB are acknowledged only once journaled (write concern j: true), as sent
on the wire to the real server; job progress keeps the cheaper default."""

from __future__ import annotations

import io
import uuid

import pymongo
from pymongo import monitoring

from backend.services import datasets
from backend.storage.mongo import CLIENT_OPTIONS, MongoStore


class WriteConcerns(monitoring.CommandListener):
    def __init__(self) -> None:
        self.seen: dict[str, list[dict]] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name in ("insert", "update", "delete", "findAndModify"):
            target = event.command[event.command_name]
            self.seen.setdefault(target, []).append(dict(event.command.get("writeConcern", {})))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None: ...

    def failed(self, event: monitoring.CommandFailedEvent) -> None: ...


def test_an_upload_is_journaled_and_job_progress_is_not(mongo_server):
    listener = WriteConcerns()
    client = pymongo.MongoClient(mongo_server.uri, event_listeners=[listener], **CLIENT_OPTIONS)
    name = f"t_{uuid.uuid4().hex}"
    try:
        store = MongoStore(client[name])
        datasets.create_dataset(store, "u1", io.BytesIO(b"a,b\n1,2\n"), "t.csv")
        store.jobs.insert(
            {"id": "j1", "owner_id": "u1", "created_at": "2026-01-01T00:00:00.000000+00:00"}
        )
        store.jobs.update_if("j1", {}, {"progress": {"step": 1}})
        for target in ("blobs.chunks", "blobs.files", "datasets"):
            assert listener.seen[target] and all(
                c.get("j") is True for c in listener.seen[target]
            ), target
        assert all(not c.get("j") for c in listener.seen["jobs"])
    finally:
        client.drop_database(name)
        client.close()
