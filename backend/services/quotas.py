"""Per-user quotas over datasets: how many, and how many bytes, uploaded and derived together.

The limits come from the settings of the process that makes the dataset, passed in like any
other setting: the API's views from the app's Config, job code from its run's Budget
(backend/jobs/context.py), both built from MAX_DATASETS_PER_USER and MAX_STORAGE_MB_PER_USER.
The check counts what the store holds when it runs: two uploads racing past the last free
place can overshoot by one upload each, which bounds the overshoot by MAX_UPLOAD_MB per
concurrent request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from backend.errors import DatasetQuotaError, StorageQuotaError
from backend.storage import Store

if TYPE_CHECKING:
    from backend.config import Config


class Quotas(NamedTuple):
    """(datasets, bytes) one user may hold; a plain pair where the job system carries it."""

    max_datasets: int
    max_bytes: int

    @classmethod
    def from_config(cls, config: Config) -> Quotas:
        return cls(config.max_datasets_per_user, config.max_storage_bytes_per_user)


def usage(store: Store, owner_id: str) -> tuple[int, int]:
    """(datasets, bytes) the user holds, datasets being deleted included (their bytes are
    still stored until the delete finishes). Summed by the store, never read in here."""
    return store.datasets.count_and_sum(owner_id, "size_bytes")


def check_new_dataset(
    store: Store, owner_id: str, quotas: tuple[int, int], incoming_bytes: int = 0
) -> None:
    """Raise if one more dataset of `incoming_bytes` would take the user past `quotas`."""
    limits = Quotas(*quotas)
    count, used = usage(store, owner_id)
    if count >= limits.max_datasets:
        raise DatasetQuotaError(
            f"You have {count} datasets, the most allowed (MAX_DATASETS_PER_USER); delete some to add more.",
            setting="MAX_DATASETS_PER_USER",
            maximum=limits.max_datasets,
            used=count,
        )
    if used + incoming_bytes > limits.max_bytes:
        raise StorageQuotaError(
            f"Your datasets take {_mb(used)} MB; with this one ({_mb(incoming_bytes)} MB) they would pass "
            f"your {_mb(limits.max_bytes)} MB quota (MAX_STORAGE_MB_PER_USER). Delete datasets to free space.",
            setting="MAX_STORAGE_MB_PER_USER",
            maximum=limits.max_bytes,
            used=used,
        )


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f}"
