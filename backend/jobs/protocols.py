"""What a job function may use of its context: the seam between job code and the job system.

Job functions (`run_imputation(ctx, params)`, registered in kinds.py) are typed against this
Protocol rather than `JobContext` itself, so services depend on the shape, and tests may hand
them any object that has it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # kinds.py imports this module; the schemas import kinds.py without a store
    from backend.storage import Store


class JobContextProtocol(Protocol):
    store: Store
    job_id: str
    owner_id: str
    kind: str
    # Datasets a job makes obey the upload limit (MAX_UPLOAD_MB); None: no limit.
    max_dataset_bytes: int | None
    # ... and count against the owner's quotas: (datasets, bytes); None: not limited.
    dataset_quotas: tuple[int, int] | None

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
        ...

    def cancel_requested(self) -> bool: ...

    def raise_if_cancelled(self) -> None:
        """Stop here (JobCancelled, JobTimeLimit) if the job was cancelled or ran out of time."""
        ...

    def check_stop(self) -> None:
        """`raise_if_cancelled` for inner loops: cheap enough to call every batch or step."""
        ...

    def save_checkpoint(self, data: bytes, step: int) -> None: ...

    def load_checkpoint(self) -> bytes | None: ...

    def target_steps(self, default: int) -> int:
        """How many epochs/steps this run should reach in total (resume raises it)."""
        ...


# A job kind's function: the context, the parameters its schema loaded -> the result links.
JobFunction = Callable[[JobContextProtocol, dict[str, Any]], dict[str, Any]]
