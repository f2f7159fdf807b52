"""Per-user quotas over datasets: how many, and how many bytes, uploaded and derived together.

The limits are process-wide settings, set once from the Config by whatever opens the store
(`create_app`, the Celery worker), because datasets are also made by job code (imputed and
synthetic tables), which runs without a request and without the app's config.
The check counts what the store holds when it runs: two uploads racing past the last free
place can overshoot by one upload each, which bounds the overshoot by MAX_UPLOAD_MB per
concurrent request.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backend.errors import DatasetQuotaError, StorageQuotaError
from backend.storage import Store

if TYPE_CHECKING:
    from backend.config import Config


@dataclass(frozen=True)
class Quotas:
    max_datasets: int
    max_bytes: int


# Generous until configured: a store used without the app (scripts, unit tests) is not limited.
_current = Quotas(max_datasets=10**9, max_bytes=10**18)
_lock = threading.Lock()


def configure(quotas: Quotas) -> None:
    global _current
    with _lock:
        _current = quotas


def configure_from(config: Config) -> None:
    configure(
        Quotas(
            max_datasets=config.max_datasets_per_user, max_bytes=config.max_storage_bytes_per_user
        )
    )


def current() -> Quotas:
    return _current


def usage(store: Store, owner_id: str) -> tuple[int, int]:
    """(datasets, bytes) the user holds, datasets being deleted included (their bytes are
    still stored until the delete finishes). Summed by the store, never read in here."""
    return store.datasets.count_and_sum(owner_id, "size_bytes")


def check_new_dataset(store: Store, owner_id: str, incoming_bytes: int = 0) -> None:
    """Raise if one more dataset of `incoming_bytes` would take the user past a quota."""
    quotas = _current
    count, used = usage(store, owner_id)
    if count >= quotas.max_datasets:
        raise DatasetQuotaError(
            f"You have {count} datasets, the most allowed (MAX_DATASETS_PER_USER); delete some to add more.",
            setting="MAX_DATASETS_PER_USER",
            maximum=quotas.max_datasets,
            used=count,
        )
    if used + incoming_bytes > quotas.max_bytes:
        raise StorageQuotaError(
            f"Your datasets take {_mb(used)} MB; with this one ({_mb(incoming_bytes)} MB) they would pass "
            f"your {_mb(quotas.max_bytes)} MB quota (MAX_STORAGE_MB_PER_USER). Delete datasets to free space.",
            setting="MAX_STORAGE_MB_PER_USER",
            maximum=quotas.max_bytes,
            used=used,
        )


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f}"
