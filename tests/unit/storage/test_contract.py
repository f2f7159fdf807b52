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


def test_count_and_sum_totals_one_owners_matching_documents(store):
    store.datasets.insert(doc("d1", size_bytes=10))
    store.datasets.insert(doc("d2", size_bytes=32, deleting="2026-01-02T00:00:00+00:00"))
    store.datasets.insert(doc("d3", size_bytes=None))
    store.datasets.insert(doc("d4"))  # no size: counted, adds nothing
    store.datasets.insert(doc("other", owner="u2", size_bytes=1000))
    assert store.datasets.count_and_sum("u1", "size_bytes") == (4, 42)
    assert store.datasets.count_and_sum("u1", "size_bytes", {"deleting": None}) == (3, 10)
    assert store.datasets.count_and_sum("u2", "size_bytes") == (1, 1000)
    assert store.datasets.count_and_sum("nobody", "size_bytes") == (0, 0)
    # Sums past 32 bits stay exact (a user's bytes add up to gigabytes).
    store.datasets.insert(doc("big", owner="u3", size_bytes=3 * 2**31))
    store.datasets.insert(doc("big2", owner="u3", size_bytes=2**31))
    assert store.datasets.count_and_sum("u3", "size_bytes") == (2, 2**33)


def test_find_returns_only_the_fields_asked_for(store):
    store.datasets.insert(
        doc(
            "d1",
            filename="a.csv",
            lineage=None,
            flag=True,
            columns=[{"name": "x", "missing": 0}],
            recommendations=[{"spec": {"mark": "bar"}}] * 3,
        )
    )
    store.datasets.insert(doc("d2", created="2026-01-02T00:00:00.000000+00:00", filename="b.csv"))
    store.datasets.insert(doc("theirs", owner="u2", filename="c.csv"))
    fields = ("filename", "flag", "columns", "lineage", "created_at")
    items, total = store.datasets.find("u1", fields=fields)
    assert total == 2
    assert items == [
        {
            "id": "d2",
            "filename": "b.csv",
            "flag": None,
            "columns": None,
            "lineage": None,
            "created_at": "2026-01-02T00:00:00.000000+00:00",
        },
        {
            "id": "d1",
            "filename": "a.csv",
            "flag": True,
            "columns": [{"name": "x", "missing": 0}],
            "lineage": None,
            "created_at": "2026-01-01T00:00:00.000000+00:00",
        },
    ]
    # Filters, paging and search work as without a projection.
    assert store.datasets.find("u1", contains=("filename", "A."), fields=("filename",))[0] == [
        {"id": "d1", "filename": "a.csv"}
    ]


def test_find_any_projects_across_owners(store):
    store.jobs.insert(doc("j1", owner="u1", checkpoint={"blob_id": "b1"}, params={"big": [0] * 50}))
    store.jobs.insert(doc("j2", owner="u2", created="2026-01-02T00:00:00.000000+00:00"))
    assert store.jobs.find_any(fields=("owner_id", "checkpoint")) == [
        {"id": "j2", "owner_id": "u2", "checkpoint": None},
        {"id": "j1", "owner_id": "u1", "checkpoint": {"blob_id": "b1"}},
    ]
    assert store.jobs.find_any({"owner_id": "u1"}, fields=("checkpoint",), limit=1) == [
        {"id": "j1", "checkpoint": {"blob_id": "b1"}}
    ]
