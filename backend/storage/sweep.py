"""The sweep: finishes deletes a crash cut short and removes what nothing refers to.

Writes that span several documents and a blob are ordered so that a crash (of the API or of
the database server) at any point leaves either the old state or the new one as users see
it, plus, at worst, leftovers that only this sweep can see:

- upload: the blob first, then the dataset document (the commit point). A crash in between
  leaves a blob no document refers to (or, on the embedded store, a reference count one too
  high). An upload that fails releases its blob itself, except when the database went away:
  the insert may then have been applied with its answer lost, so the blob stays for the sweep
  (releasing it could leave a dataset without its file; tests/crash saw exactly that).
- delete a dataset: mark it `deleting` (the commit point: hidden from every read from then
  on), delete its charts, reports and profile, its document, then its blob. A crash in between leaves a marked
  dataset; the next DELETE of it or this sweep takes it to the end.
- job checkpoint: the new blob, then the job's pointer to it (the commit point), then the
  previous blob goes. A crash leaves at most one unreferenced blob.
- models: the document first, then its artifact blobs (the same leftovers).

Blob references live in exactly these fields (keep `referencing_documents` in step with them):
`datasets.blob_id`, `models.artifacts.<name>`, `jobs.checkpoint.blob_id`; charts, reports and
profiles depend on their `dataset_id` (a profile's id is its dataset's id).

A blob younger than `grace_s` is left alone: an upload in flight has written its blob but not
yet its document. The service sweeps once per boot with `STARTUP_GRACE_S`, in the process that
boots it, before it serves (gunicorn's master: `on_starting` in gunicorn.conf.py; `python -m
backend`), never in each worker; `scripts/fsck.py` runs it by hand (`--grace-s 0` when no API
process is running). It reads ids, owners and blob references, never whole documents.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backend.storage.base import Store

if TYPE_CHECKING:
    from backend.config import Config

log = logging.getLogger(__name__)

STARTUP_GRACE_S = 3600.0


@dataclass
class SweepReport:
    finished_deletes: list[str] = field(
        default_factory=list
    )  # datasets marked `deleting`, now gone
    dangling_charts: list[str] = field(
        default_factory=list
    )  # charts of a dataset that is gone, removed
    dangling_reports: list[str] = field(
        default_factory=list
    )  # reports and profiles of a dataset that is gone, removed
    orphan_blobs: list[str] = field(default_factory=list)  # blobs nothing refers to, removed
    recounted_blobs: list[str] = field(
        default_factory=list
    )  # embedded store: reference count repaired
    missing_blobs: list[str] = field(
        default_factory=list
    )  # "collection/id: blob": cannot be repaired
    young_blobs_left: int = 0  # unreferenced but inside the grace period

    def changed(self) -> bool:
        return bool(
            self.finished_deletes
            or self.dangling_charts
            or self.dangling_reports
            or self.orphan_blobs
            or self.recounted_blobs
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        return (
            f"finished deletes {len(self.finished_deletes)}, dangling charts removed {len(self.dangling_charts)}, "
            f"dangling reports/profiles removed {len(self.dangling_reports)}, "
            f"orphan blobs removed {len(self.orphan_blobs)}, blob counts repaired {len(self.recounted_blobs)}, "
            f"missing blobs {len(self.missing_blobs)}, young unreferenced blobs left {self.young_blobs_left}"
        )


def finish_dataset_delete(store: Store, dataset: dict[str, Any]) -> bool:
    """The steps after the `deleting` mark; safe to repeat and to run in two processes at once.

    True if this call removed the document (and so released its blob).
    """
    owner_id, dataset_id = dataset["owner_id"], dataset["id"]
    charts, _ = store.charts.find(owner_id, {"dataset_id": dataset_id})
    for chart in charts:
        store.charts.delete(chart["id"], owner_id)
    reports, _ = store.reports.find(owner_id, {"dataset_id": dataset_id})
    for report in reports:
        store.reports.delete(report["id"], owner_id)
    store.profiles.delete(dataset_id, owner_id)
    # Only the caller that removed the document releases the blob: the embedded store counts
    # references, and releasing twice would take one from another dataset with the same bytes.
    if store.datasets.delete(dataset_id, owner_id) is None:
        return False
    store.blobs.delete(dataset["blob_id"])
    return True


# What the sweep reads of the documents it lists (a projection: charts' specs, reports'
# blocks, jobs' parameters and datasets' recommendations stay in the database).
DATASET_FIELDS = ("owner_id", "blob_id", "deleting")
DEPENDENT_FIELDS = ("owner_id", "dataset_id")  # charts, reports, profiles


def referencing_documents(store: Store) -> list[tuple[str, str, str]]:
    """(collection, document id, blob id) for every reference to a blob."""
    datasets = store.datasets.find_any(fields=("blob_id",))
    found = [("datasets", d["id"], d["blob_id"]) for d in datasets]
    for model in store.models.find_any(fields=("artifacts",)):
        found += [("models", model["id"], b) for b in (model["artifacts"] or {}).values()]
    for job in store.jobs.find_any(fields=("checkpoint",)):
        if job["checkpoint"]:
            found.append(("jobs", job["id"], job["checkpoint"]["blob_id"]))
    return found


def sweep(store: Store, *, grace_s: float = STARTUP_GRACE_S, dry_run: bool = False) -> SweepReport:
    """Finish marked deletes, drop dangling charts, reconcile blobs with their references."""
    report = SweepReport()
    cutoff = time.time() - grace_s
    # Charts are listed before datasets: a chart made after this list cannot be taken for
    # dangling because its dataset is newer than the dataset list.
    charts = store.charts.find_any(fields=DEPENDENT_FIELDS)
    dependents = [("reports", r) for r in store.reports.find_any(fields=DEPENDENT_FIELDS)]
    dependents += [("profiles", p) for p in store.profiles.find_any(fields=DEPENDENT_FIELDS)]
    datasets = store.datasets.find_any(fields=DATASET_FIELDS)
    for dataset in datasets:
        if dataset.get("deleting") and (dry_run or finish_dataset_delete(store, dataset)):
            report.finished_deletes.append(dataset["id"])
    live = {d["id"] for d in datasets if not d.get("deleting")}
    for chart in charts:
        if chart.get("dataset_id") not in live:
            if not dry_run:
                store.charts.delete(chart["id"], chart["owner_id"])
            report.dangling_charts.append(chart["id"])
    for collection, doc in dependents:
        if doc.get("dataset_id") not in live:
            if not dry_run:
                getattr(store, collection).delete(doc["id"], doc["owner_id"])
            report.dangling_reports.append(f"{collection}/{doc['id']}")

    # The inventory before the references: a blob written after the inventory is not judged.
    inventory = list(store.blobs.inventory())
    references = referencing_documents(store)
    refs = Counter(blob_id for _, _, blob_id in references)
    for blob in inventory:
        wanted = refs.get(blob.id, 0)
        if blob.refs == wanted or (blob.refs is None and wanted > 0):
            continue
        if blob.touched_at >= cutoff:
            report.young_blobs_left += wanted == 0
            continue
        if dry_run or store.blobs.reconcile(blob.id, wanted, cutoff):
            (report.orphan_blobs if wanted == 0 else report.recounted_blobs).append(blob.id)

    present = {blob.id for blob in inventory}
    for kind, doc_id, blob_id in references:
        if blob_id not in present and not store.blobs.exists(blob_id):
            report.missing_blobs.append(f"{kind}/{doc_id}: {blob_id}")
    if report.changed() or report.missing_blobs:
        log.warning("store sweep%s: %s", " (dry run)" if dry_run else "", report.summary())
    return report


def sweep_at_boot(config: Config) -> SweepReport | None:
    """The sweep with `STARTUP_GRACE_S` on the store `config` selects, opened for it and closed
    again (gunicorn's master forks its workers after this). Called once by whatever boots the
    service; two boots on one machine at once take turns through a lock file in DATA_DIR: the
    second skips, as the first does the work. Never stops the start: None when skipped or failed.
    """
    from backend.storage import open_store

    with _sweep_lock(Path(config.data_dir)) as held:
        if not held:
            log.info("store sweep at boot skipped: another process is sweeping")
            return None
        try:
            store = open_store(config)
        except Exception:  # a store that fails here fails requests too, where they answer 503
            log.exception("store sweep at boot: the store could not be opened")
            return None
        try:
            return sweep(store)
        except Exception:
            log.exception("store sweep at boot failed")
            return None
        finally:
            store.close()


@contextlib.contextmanager
def _sweep_lock(data_dir: Path) -> Iterator[bool]:
    """True while this process holds `DATA_DIR/sweep.lock`; False at once if another does.
    Also True where the lock file cannot be made (a read-only DATA_DIR beside MongoDB): the
    lock only saves repeated work, as two sweeps at once are safe."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        lock = open(data_dir / "sweep.lock", "a")  # noqa: SIM115 - closed below, after the yield
    except OSError as error:
        log.info("store sweep at boot without its lock file: %s", error)
        yield True
        return
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True  # released when the file closes
