"""Dataset profiles: computed on first request, stored, read back from then on.

A profile reads the dataset through `datasets.load_frame`, the same bounded read the rows
endpoint and chart rendering make (a table within the upload limits, MAX_UPLOAD_MB and the
MAX_UPLOAD_* caps, cached per process); the statistics beyond counts are computed on a sample
of at most `profiling.SAMPLE_ROWS` rows (backend/reports/profiling.py says which is which).
A dataset's bytes never change, so its profile stays valid until the dataset is deleted, which
deletes the profile too (backend/storage/sweep.py); `PROFILE_VERSION` recomputes profiles made
by an older algorithm.
"""

from __future__ import annotations

from typing import Any

from backend.clock import now_iso
from backend.reports import profiling
from backend.services import datasets
from backend.storage import Store
from backend.storage.base import DuplicateKey

PROFILE_VERSION = 1


def get_profile(store: Store, owner_id: str, dataset_id: str) -> dict[str, Any]:
    """The dataset's profile: the stored one, or computed now and stored."""
    dataset = datasets.get_dataset(store, owner_id, dataset_id)
    stored = store.profiles.get(dataset_id, owner_id)
    if stored is not None and stored.get("version") == PROFILE_VERSION:
        return stored
    profile = compute_profile(store, dataset)
    if stored is not None:
        return store.profiles.update(dataset_id, owner_id, profile) or profile
    try:
        return store.profiles.insert(profile)
    except DuplicateKey:  # another request profiled it at the same time: same numbers
        return profile


def compute_profile(store: Store, dataset: dict[str, Any]) -> dict[str, Any]:
    frame = datasets.load_frame(store, dataset)
    types = {c["name"]: c["type"] for c in dataset["columns"]}
    return {
        "id": dataset["id"],
        "owner_id": dataset["owner_id"],
        "created_at": now_iso(),
        "dataset_id": dataset["id"],
        "version": PROFILE_VERSION,
        **profiling.profile_frame(frame, types),
    }
