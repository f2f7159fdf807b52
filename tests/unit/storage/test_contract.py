"""One contract, two back ends: the embedded store and a real MongoDB-wire server (SecantusDB)."""

from __future__ import annotations

import io

import pytest

from backend.storage import BlobNotFound, DuplicateKey


def doc(
    doc_id: str, owner: str = "u1", created: str = "2026-01-01T00:00:00.000000+00:00", **fields
):
    return {"id": doc_id, "owner_id": owner, "created_at": created, **fields}


def test_get_is_scoped_to_the_owner(store):
    store.datasets.insert(doc("d1", owner="u1", filename="a.csv"))
    assert store.datasets.get("d1", "u1")["filename"] == "a.csv"
    assert store.datasets.get("d1", "u2") is None
    assert store.datasets.get("missing", "u1") is None
    assert store.datasets.get_any("d1")["owner_id"] == "u1"


def test_find_is_newest_first_paginated_and_counts_all(store):
    for i in range(5):
        store.datasets.insert(
            doc(f"d{i}", created=f"2026-01-0{i + 1}T00:00:00.000000+00:00", filename=f"f{i}.csv")
        )
    store.datasets.insert(doc("other", owner="u2"))
    items, total = store.datasets.find("u1", offset=1, limit=2)
    assert total == 5
    assert [d["id"] for d in items] == ["d3", "d2"]


def test_find_filters_by_equality_membership_and_substring(store):
    store.jobs.insert(doc("j1", status="queued", kind="a"))
    store.jobs.insert(doc("j2", status="running", kind="b"))
    store.jobs.insert(doc("j3", status="failed", kind="a"))
    assert {d["id"] for d in store.jobs.find("u1", {"status": ["queued", "running"]})[0]} == {
        "j1",
        "j2",
    }
    assert {d["id"] for d in store.jobs.find("u1", {"kind": "a"})[0]} == {"j1", "j3"}
    store.datasets.insert(doc("d1", filename="Sales 2020.CSV"))
    store.datasets.insert(doc("d2", filename="weather.csv"))
    assert [d["id"] for d in store.datasets.find("u1", contains=("filename", "sales"))[0]] == ["d1"]
    assert store.jobs.count_any({"status": "queued"}) == 1
    assert {d["id"] for d in store.jobs.find_any({"kind": "a"})} == {"j1", "j3"}


def test_update_merges_fields_and_respects_owner(store):
    store.charts.insert(doc("c1", title="old", spec={"mark": "bar"}))
    assert store.charts.update("c1", "u2", {"title": "stolen"}) is None
    updated = store.charts.update("c1", "u1", {"title": "new"})
    assert updated["title"] == "new" and updated["spec"] == {"mark": "bar"}
    assert store.charts.get("c1", "u1")["title"] == "new"


def test_update_if_is_compare_and_set(store):
    store.jobs.insert(doc("j1", status="queued"))
    assert store.jobs.update_if("j1", {"status": "running"}, {"status": "succeeded"}) is None
    assert (
        store.jobs.update_if("j1", {"status": ["queued", "running"]}, {"status": "running"})[
            "status"
        ]
        == "running"
    )
    assert store.jobs.get("j1", "u1")["status"] == "running"


def test_delete_returns_the_document_once_and_only_for_the_owner(store):
    store.charts.insert(doc("c1"))
    assert store.charts.delete("c1", "u2") is None
    assert store.charts.delete("c1", "u1")["id"] == "c1"
    assert store.charts.delete("c1", "u1") is None


def test_unique_username(store):
    store.users.insert(doc("u1", username="alice"))
    with pytest.raises(DuplicateKey):
        store.users.insert(doc("u2", owner="u2", username="alice"))


def test_values_round_trip_as_json(store):
    nested = {
        "columns": [{"name": "a", "type": "quantitative", "missing": 0}],
        "lineage": None,
        "flag": True,
        "x": 1.5,
    }
    store.datasets.insert(doc("d1", **nested))
    got = store.datasets.get("d1", "u1")
    assert {k: got[k] for k in nested} == nested


def test_blobs_round_trip_large_streams(store):
    payload = bytes(range(256)) * 20_000  # 5 MB, several chunks
    info = store.blobs.put_stream(io.BytesIO(payload))
    assert info.size_bytes == len(payload)
    assert store.blobs.read(info.id) == payload
    with store.blobs.open(info.id) as f:
        assert f.read(10) == payload[:10]
    store.blobs.delete(info.id)
    assert not store.blobs.exists(info.id)
    with pytest.raises(BlobNotFound):
        store.blobs.read(info.id)


def test_deleting_one_copy_keeps_identical_bytes_stored_by_another(store):
    first = store.blobs.put_bytes(b"same bytes")
    second = store.blobs.put_bytes(b"same bytes")
    store.blobs.delete(first.id)
    assert store.blobs.read(second.id) == b"same bytes"
    store.blobs.delete(second.id)
    assert not store.blobs.exists(second.id)


def test_unknown_blob_ids_are_not_found(store):
    for bad in ("nope", "../../etc/passwd", "0" * 64):
        assert not store.blobs.exists(bad)
        with pytest.raises(BlobNotFound):
            store.blobs.open(bad)
        store.blobs.delete(bad)  # ignored
