"""The sweep finishes what a crash cut short, on both stores, and touches nothing in use."""

from __future__ import annotations

import io

import pytest

from backend.services import datasets as datasets_service
from backend.storage.sweep import finish_dataset_delete, sweep

CSV = b"a,b\n1,2\n3,4\n"


def upload(store, owner: str = "u1", data: bytes = CSV) -> dict:
    return datasets_service.create_dataset(store, owner, io.BytesIO(data), "t.csv")


def chart(store, dataset: dict, n: int) -> None:
    store.charts.insert(
        {
            "id": f"c{n}-{dataset['id']}",
            "owner_id": dataset["owner_id"],
            "created_at": "2026-01-01T00:00:00.000000+00:00",
            "dataset_id": dataset["id"],
        }
    )


def test_a_clean_store_sweeps_to_nothing(store):
    dataset = upload(store)
    chart(store, dataset, 1)
    report = sweep(store, grace_s=0)
    assert not report.changed() and report.missing_blobs == []
    assert store.blobs.read(dataset["blob_id"]) == CSV
    assert store.charts.count_any() == 1


def test_a_blob_without_its_document_goes_once_past_the_grace_period(store):
    kept = upload(store)
    orphan = store.blobs.put_bytes(b"an upload whose process was killed before its document")
    assert sweep(store).orphan_blobs == []  # young: may be an upload in flight
    assert store.blobs.exists(orphan.id)
    report = sweep(store, grace_s=0)
    assert report.orphan_blobs == [orphan.id]
    assert not store.blobs.exists(orphan.id)
    assert store.blobs.read(kept["blob_id"]) == CSV


def test_a_delete_cut_after_its_mark_is_finished(store):
    dataset = upload(store)
    other = upload(store, data=b"x,y\n5,6\n")
    for n in range(3):
        chart(store, dataset, n)
    chart(store, other, 9)
    store.datasets.update(
        dataset["id"], "u1", {"deleting": "2026-01-01T00:00:00+00:00"}
    )  # then kill -9
    with pytest.raises(Exception, match="No dataset"):
        datasets_service.get_dataset(store, "u1", dataset["id"])
    assert datasets_service.list_datasets(store, "u1")["total"] == 1

    report = sweep(store)
    assert report.finished_deletes == [dataset["id"]]
    assert store.datasets.get_any(dataset["id"]) is None
    assert not store.blobs.exists(dataset["blob_id"])
    assert [c["dataset_id"] for c in store.charts.find_any()] == [other["id"]]


def test_deleting_a_marked_dataset_again_finishes_it(store):
    dataset = upload(store)
    chart(store, dataset, 1)
    store.datasets.update(dataset["id"], "u1", {"deleting": "2026-01-01T00:00:00+00:00"})
    datasets_service.delete_dataset(store, "u1", dataset["id"])
    assert store.datasets.count_any() == 0 and store.charts.count_any() == 0
    assert not store.blobs.exists(dataset["blob_id"])


def test_finishing_a_delete_twice_releases_the_blob_once(store):
    # Identical bytes share one blob on the embedded store: a second release would free the
    # other dataset's file.
    first, second = upload(store), upload(store)
    store.datasets.update(first["id"], "u1", {"deleting": "2026-01-01T00:00:00+00:00"})
    assert finish_dataset_delete(store, first) is True
    assert finish_dataset_delete(store, first) is False
    assert store.blobs.read(second["blob_id"]) == CSV
    assert sweep(store, grace_s=0).missing_blobs == []


def test_charts_of_a_dataset_that_is_gone_are_removed(store):
    dataset = upload(store)
    chart(store, dataset, 1)
    store.datasets.delete(dataset["id"], "u1")  # the old order: document first, then a crash
    report = sweep(store, grace_s=0)
    assert report.dangling_charts == [f"c1-{dataset['id']}"]
    assert report.orphan_blobs == [dataset["blob_id"]]
    assert store.charts.count_any() == 0


def test_checkpoint_and_model_blobs_are_references(store):
    checkpoint = store.blobs.put_bytes(b"checkpoint")
    weights = store.blobs.put_bytes(b"weights")
    store.jobs.insert(
        {
            "id": "j1",
            "owner_id": "u1",
            "created_at": "2026-01-01T00:00:00.000000+00:00",
            "checkpoint": {"blob_id": checkpoint.id, "step": 3},
        }
    )
    store.models.insert(
        {
            "id": "m1",
            "owner_id": "u1",
            "created_at": "2026-01-01T00:00:00.000000+00:00",
            "artifacts": {"weights": weights.id},
        }
    )
    assert not sweep(store, grace_s=0).changed()
    assert (
        store.blobs.read(checkpoint.id) == b"checkpoint"
        and store.blobs.read(weights.id) == b"weights"
    )


def test_a_document_whose_blob_is_gone_is_reported(store):
    dataset = upload(store)
    store.blobs.delete(dataset["blob_id"])
    assert sweep(store, grace_s=0).missing_blobs == [
        f"datasets/{dataset['id']}: {dataset['blob_id']}"
    ]


def test_embedded_store_counts_are_repaired_and_stray_files_removed(tmp_path):
    from backend.storage.sqlite import SqliteStore

    store = SqliteStore(tmp_path)
    dataset = upload(store)
    store.blobs.put_bytes(CSV)  # the same bytes again, then a crash before the document
    stray = tmp_path / "blobs" / "ab" / ("ab" + "0" * 62)
    stray.parent.mkdir()
    stray.write_bytes(b"renamed into place, killed before the commit")
    report = sweep(store, grace_s=0)
    assert report.recounted_blobs == [dataset["blob_id"]]
    assert report.orphan_blobs == [stray.name]
    assert not stray.exists()
    datasets_service.delete_dataset(store, "u1", dataset["id"])  # the last reference: the file goes
    assert not store.blobs.exists(dataset["blob_id"])


def test_gridfs_chunks_without_their_file_entry_are_removed(mongo_client):
    from bson import ObjectId

    from backend.storage.mongo import MongoStore

    db = mongo_client["t_sweep_chunks"]
    try:
        store = MongoStore(db)
        kept = upload(store, data=b"y\n" * (300 * 1024))
        # What a write cut off half-way leaves: GridFS sends the chunks first, the entry last.
        cut_off = ObjectId()
        db["blobs.chunks"].insert_many(
            [{"files_id": cut_off, "n": n, "data": b"x" * 1024} for n in range(2)]
        )
        report = sweep(store, grace_s=0)
        assert report.orphan_blobs == [str(cut_off)]
        assert store.blobs.read(kept["blob_id"]) == b"y\n" * (300 * 1024)
        assert db["blobs.chunks"].count_documents({"files_id": cut_off}) == 0
    finally:
        mongo_client.drop_database("t_sweep_chunks")


def test_checkpoint_writes_leave_one_blob_and_a_stopped_job_keeps_its_last(store):
    from backend.jobs import kinds
    from backend.jobs.context import JobContext

    kinds.load_extra(("tests.job_kinds",))
    job = {
        "id": "j1",
        "owner_id": "u1",
        "created_at": "2026-01-01T00:00:00.000000+00:00",
        "kind": "toy_training",
        "params": {},
        "status": "running",
    }
    store.jobs.insert(job)
    ctx = JobContext(store, job)
    ctx.save_checkpoint(b"epoch 1", 1)
    ctx.save_checkpoint(b"epoch 1", 1)  # the same bytes again: on the embedded store, the same blob
    ctx.save_checkpoint(b"epoch 2", 2)
    store.jobs.update_if("j1", {}, {"status": "cancelled"})
    ctx.save_checkpoint(b"epoch 3", 3)  # the job was stopped meanwhile: its last checkpoint stays
    assert ctx.load_checkpoint() == b"epoch 2"
    report = sweep(store, grace_s=0)
    assert not report.changed(), report  # no orphan blob, no reference count to repair
    assert len(list(store.blobs.inventory())) == 1


def _marked_for_delete(store) -> dict:  # noqa: ANN001
    dataset = upload(store)
    store.datasets.update(dataset["id"], "u1", {"deleting": "2026-01-01T00:00:00+00:00"})
    return dataset


def test_the_boot_sweep_opens_the_configured_store_finishes_and_closes(tmp_path):
    from backend.config import Config
    from backend.storage.sqlite import SqliteStore
    from backend.storage.sweep import sweep_at_boot

    config = Config(data_dir=tmp_path / "data", testing=True)
    store = SqliteStore(config.data_dir)
    dataset = _marked_for_delete(store)
    report = sweep_at_boot(config)
    assert report is not None and report.finished_deletes == [dataset["id"]]
    assert store.datasets.get_any(dataset["id"]) is None
    store.close()


def test_a_second_boot_sweep_skips_while_one_runs(tmp_path):
    import fcntl

    from backend.config import Config
    from backend.storage.sqlite import SqliteStore
    from backend.storage.sweep import sweep_at_boot

    config = Config(data_dir=tmp_path / "data", testing=True)
    store = SqliteStore(config.data_dir)
    dataset = _marked_for_delete(store)
    with open(config.data_dir / "sweep.lock", "a") as held:  # a sweep in another process
        fcntl.flock(held, fcntl.LOCK_EX)
        assert sweep_at_boot(config) is None
        assert store.datasets.get_any(dataset["id"])["deleting"]  # untouched
    assert sweep_at_boot(config).finished_deletes == [dataset["id"]]  # the lock is free again
    store.close()


def test_the_sweep_reads_no_whole_document(store, monkeypatch):  # noqa: ANN001
    """Every list the sweep makes names its fields: charts' specs, jobs' parameters, reports'
    blocks and datasets' recommendations are never read by it."""
    dataset = upload(store)
    chart(store, dataset, 1)
    for collection in ("datasets", "charts", "jobs", "models", "reports", "profiles"):
        real = getattr(store, collection).find_any

        def projected_only(*args, real=real, **kwargs):  # noqa: ANN002, ANN003, ANN202
            assert kwargs.get("fields"), "a sweep read without a projection"
            return real(*args, **kwargs)

        monkeypatch.setattr(getattr(store, collection), "find_any", projected_only)
    assert not sweep(store, grace_s=0).changed()


def test_the_boot_sweep_on_mongodb_needs_no_writable_data_dir(tmp_path, mongo_server, mongo_client):  # noqa: ANN001
    """Beside MongoDB, DATA_DIR may be read-only (a container): the sweep runs without its
    lock file instead of stopping the boot."""
    from backend.config import Config
    from backend.storage.mongo import MongoStore
    from backend.storage.sweep import sweep_at_boot

    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    config = Config(
        data_dir=not_a_folder / "data", mongo_uri=mongo_server.uri_for("t_boot_sweep"), testing=True
    )
    store = MongoStore(mongo_client["t_boot_sweep"])
    try:
        dataset = _marked_for_delete(store)
        assert sweep_at_boot(config).finished_deletes == [dataset["id"]]
    finally:
        mongo_client.drop_database("t_boot_sweep")
