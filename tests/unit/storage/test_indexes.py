"""The indexes the README lists exist once a store is opened, on both back ends, and the
embedded store's query planner uses them for the look-ups they are for."""

from __future__ import annotations

import uuid

from backend.storage.mongo import MongoStore
from backend.storage.sqlite import SqliteStore

EXPECTED = {
    "users": [("owner_id", "created_at", "id"), ("username",)],
    "jobs": [("owner_id", "created_at", "id"), ("status",), ("owner_id", "status")],
    "charts": [("owner_id", "created_at", "id"), ("owner_id", "dataset_id")],
    "models": [("owner_id", "created_at", "id"), ("owner_id", "kind")],
    "datasets": [("owner_id", "created_at", "id")],
}


def test_mongo_indexes(mongo_client):
    name = f"t_{uuid.uuid4().hex}"
    try:
        MongoStore(mongo_client[name])
        for collection, wanted in EXPECTED.items():
            found = {
                tuple("id" if k == "_id" else k for k in index["key"]): index.get("unique", False)
                for index in mongo_client[name][collection].list_indexes()
            }
            assert set(wanted) <= set(found), collection
        assert found_unique(mongo_client[name]["users"]) == {("username",)}
    finally:
        mongo_client.drop_database(name)


def found_unique(collection) -> set[tuple[str, ...]]:  # noqa: ANN001
    return {tuple(index["key"]) for index in collection.list_indexes() if index.get("unique")}


def test_embedded_store_uses_its_indexes(tmp_path):
    store = SqliteStore(tmp_path)
    store.users.count_any()
    import sqlite3

    conn = sqlite3.connect(tmp_path / "store.sqlite3")
    plans = {
        "jobs by status": "SELECT count(*) FROM jobs WHERE json_extract(doc, '$.status') IN ('queued', 'running')",
        "a user's jobs by status": "SELECT count(*) FROM jobs WHERE owner_id = 'u' AND json_extract(doc, '$.status') = 'running'",
        "a dataset's charts": "SELECT doc FROM charts WHERE owner_id = 'u' AND json_extract(doc, '$.dataset_id') = 'd'",
        "a user by name": "SELECT doc FROM users WHERE json_extract(doc, '$.username') = 'alice'",
        "upload history": "SELECT doc FROM datasets WHERE owner_id = 'u' ORDER BY created_at DESC, id DESC LIMIT 20",
    }
    # The history hides datasets being deleted; counting it must not parse every document.
    live = "SELECT count(*) FROM datasets WHERE owner_id = 'u' AND json_extract(doc, '$.deleting') IS NULL"
    assert "datasets_owner_created_live" in " ".join(
        row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + live)
    )
    for label, sql in plans.items():
        plan = " ".join(row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "USING" in plan and "INDEX" in plan, f"{label}: {plan}"
    conn.close()
