"""What job code sees: report progress, check for cancel, keep checkpoints.

The context never changes a job's status: progress writes only land while the job is
still `running` (compare-and-set), so a late write cannot undo a cancel or an interrupt.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from backend.clock import now_iso
from backend.jobs import kinds, states
from backend.jobs.events import with_event
from backend.storage import Store

# Metric history kept per job; longer runs keep every other point of the older half.
MAX_METRIC_POINTS = 2000
# Inner training loops (batches, steps) call `check_stop` often; the store is read at most this often.
STOP_CHECK_S = 0.5


@dataclass(frozen=True)
class Budget:
    """What one run may use, from the settings: wall-clock time per kind, bytes of a made
    dataset, and the owner's dataset quotas (datasets, bytes; None: not limited)."""

    time_limits: tuple[tuple[str, float], ...] = ()
    max_dataset_bytes: int | None = None
    dataset_quotas: tuple[int, int] | None = None

    @classmethod
    def from_config(cls, config: Any) -> Budget:
        return cls(
            config.job_time_limits,
            config.max_upload_bytes,
            (config.max_datasets_per_user, config.max_storage_bytes_per_user),
        )


class JobCancelled(Exception):
    """Raised by job code (via `raise_if_cancelled`) to stop between epochs."""


class JobLost(Exception):
    """The job is no longer ours to run (marked interrupted or cancelled by someone else)."""


class JobTimeLimit(Exception):
    """The run outlived its kind's wall-clock limit."""

    def __init__(self, limit_s: float) -> None:
        super().__init__(f"time limit of {limit_s:g} s reached")
        self.limit_s = limit_s

    def error(self) -> dict[str, str]:
        """The job's `error`: what happened and what to do."""
        return {
            "type": "/problems/job-time-limit",
            "title": "The job ran out of time",
            "detail": f"The job ran longer than its kind allows ({self.limit_s:g} s, JOB_TIME_LIMITS) and was "
            "stopped. Resume it to continue from its last checkpoint, or ask for fewer epochs or steps.",
        }


class JobContext:
    """The job system's side of `JobContextProtocol` (backend/jobs/protocols.py)."""

    def __init__(self, store: Store, job: dict[str, Any], budget: Budget | None = None) -> None:
        budget = budget or Budget()
        self.store = store
        self.job_id: str = job["id"]
        self.owner_id: str = job["owner_id"]
        self.kind: str = job["kind"]
        self.params: dict[str, Any] = job["params"]
        self.time_limit_s = kinds.time_limit_s(kinds.get(self.kind), budget.time_limits)
        # Datasets a job makes obey the upload limit (MAX_UPLOAD_MB) like uploads do.
        self.max_dataset_bytes = budget.max_dataset_bytes
        # ... and count against the owner's quotas (MAX_DATASETS_PER_USER, MAX_STORAGE_MB_PER_USER).
        self.dataset_quotas = budget.dataset_quotas
        self._started = time.monotonic()
        self._start_step: int | None = None
        self._next_stop_check = 0.0

    def _job(self) -> dict[str, Any]:
        job = self.store.jobs.get_any(self.job_id)
        if job is None:
            raise JobLost(self.job_id)
        return job

    def report(
        self,
        *,
        phase: str | None = None,
        step: int | None = None,
        total: int | None = None,
        metrics: dict[str, float] | None = None,
        live: dict[str, Any] | None = None,
    ) -> None:
        """Record progress (and a metric point, and the live payload); one SSE event per call."""
        self._check_time()
        job = self._job()
        progress = dict(job.get("progress") or {})
        if phase is not None:
            progress["phase"] = phase
        if step is not None:
            progress["step"] = step
            if self._start_step is None:
                self._start_step = step - 1
        if total is not None:
            progress["total"] = total
        progress["elapsed_s"] = round(time.monotonic() - self._started, 3)
        progress["eta_s"] = self._eta(progress)
        history = list(job.get("metrics") or [])
        if metrics:
            point = {
                "step": progress.get("step"),
                **({"phase": phase} if phase else {}),
                **_floats(metrics),
            }
            history = _append_bounded(history, point)
        changes: dict[str, Any] = {
            "progress": progress,
            "metrics": history,
            "updated_at": now_iso(),
            **with_event(job, states.RUNNING, progress, history[-1:] if metrics else []),
        }
        if live is not None:
            changes["live"] = live
        if self.store.jobs.update_if(self.job_id, {"status": states.RUNNING}, changes) is None:
            raise JobLost(self.job_id)

    def _eta(self, progress: dict[str, Any]) -> float | None:
        step, total = progress.get("step"), progress.get("total")
        if not step or not total or self._start_step is None or step <= self._start_step:
            return None
        per_step = (time.monotonic() - self._started) / (step - self._start_step)
        return round(max(total - step, 0) * per_step, 3)

    def cancel_requested(self) -> bool:
        job = self._job()
        return bool(job.get("cancel_requested")) or job["status"] != states.RUNNING

    def raise_if_cancelled(self) -> None:
        """Stop here (JobCancelled, JobTimeLimit) if the job was cancelled or ran out of time."""
        self._check_time()
        if self.cancel_requested():
            raise JobCancelled(self.job_id)

    def check_stop(self) -> None:
        """`raise_if_cancelled` for inner loops (every batch or step): reads the store at most
        every STOP_CHECK_S, so a cancel lands within about a second whatever an epoch costs."""
        self._check_time()
        if time.monotonic() >= self._next_stop_check:
            self._next_stop_check = time.monotonic() + STOP_CHECK_S
            self.raise_if_cancelled()

    def _check_time(self) -> None:
        if time.monotonic() - self._started > self.time_limit_s:
            raise JobTimeLimit(self.time_limit_s)

    def save_checkpoint(self, data: bytes, step: int) -> None:
        """Keep `data` as the state to resume from after `step` epochs/steps (replaces the last one)."""
        # Crash-safe order (backend/storage/sweep.py): the new blob, the job's pointer to it
        # (the commit point), then the previous blob; a crash leaves at most an orphan blob.
        blob = self.store.blobs.put_bytes(data)
        job = self._job()
        previous = (job.get("checkpoint") or {}).get("blob_id")
        checkpoint = {"blob_id": blob.id, "step": step, "saved_at": now_iso()}
        if (
            self.store.jobs.update_if(
                self.job_id, {"status": states.RUNNING}, {"checkpoint": checkpoint}
            )
            is None
        ):
            self.store.blobs.delete(
                blob.id
            )  # the job stopped meanwhile and keeps its last checkpoint
            return
        if previous:
            # Also when the bytes are the same (same blob id): storing them again counted a reference.
            self.store.blobs.delete(previous)

    def load_checkpoint(self) -> bytes | None:
        checkpoint = self._job().get("checkpoint")
        return self.store.blobs.read(checkpoint["blob_id"]) if checkpoint else None

    def target_steps(self, default: int) -> int:
        """How many epochs/steps this run should reach in total (resume raises it)."""
        return int(self.params.get("epochs", default))


def _floats(metrics: dict[str, Any]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for key, value in metrics.items():
        number = float(value)
        out[key] = (
            number if number == number and abs(number) != float("inf") else None
        )  # NaN/inf -> null
    return out


def _append_bounded(history: list[dict[str, Any]], point: dict[str, Any]) -> list[dict[str, Any]]:
    history = [*history, point]
    if len(history) > MAX_METRIC_POINTS:
        half = len(history) // 2
        history = history[:half:2] + history[half:]
    return history
