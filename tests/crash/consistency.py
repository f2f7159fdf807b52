"""What must hold in a store after any crash, checked from the documents and the blobs alone
(independently of backend/storage/sweep.py, which is what repairs it)."""

from __future__ import annotations

from collections import Counter

from backend.storage import Store


def violations(store: Store) -> list[str]:
    """Every broken invariant, one line each: empty means consistent."""
    found: list[str] = []
    datasets = store.datasets.find_any()
    ids = {d["id"] for d in datasets}
    refs: Counter[str] = Counter()
    for dataset in datasets:
        refs[dataset["blob_id"]] += 1
        if dataset.get("deleting"):
            found.append(f"dataset {dataset['id']}: a delete left half-done")
        if not store.blobs.exists(dataset["blob_id"]):
            found.append(f"dataset {dataset['id']}: its blob {dataset['blob_id']} is missing")
    for model in store.models.find_any():
        refs.update((model.get("artifacts") or {}).values())
    for job in store.jobs.find_any():
        if job.get("checkpoint"):
            refs[job["checkpoint"]["blob_id"]] += 1
    for chart in store.charts.find_any():
        if chart["dataset_id"] not in ids:
            found.append(f"chart {chart['id']}: its dataset {chart['dataset_id']} is gone")
    for blob in store.blobs.inventory():
        if refs[blob.id] == 0:
            found.append(f"blob {blob.id}: no document refers to it")
        elif blob.refs is not None and blob.refs != refs[blob.id]:
            found.append(
                f"blob {blob.id}: counted {blob.refs} references, documents hold {refs[blob.id]}"
            )
    return found
