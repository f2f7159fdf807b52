"""The model registry: every successful training job lands a versioned model here."""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path
from typing import Any

from backend.jobs.protocols import JobContextProtocol
from backend.services.common import find_page, new_document, require
from backend.storage import Store


@functools.cache
def code_version() -> str:
    """The short git hash of the running code (GIT_COMMIT in images built without .git)."""
    if os.environ.get("GIT_COMMIT"):
        return os.environ["GIT_COMMIT"][:7]
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=7", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
        )
        return out.stdout.strip() or "nogit"
    except (OSError, subprocess.SubprocessError):
        return "nogit"


def register_model(
    store: Store,
    owner_id: str,
    *,
    kind: str,
    params: dict[str, Any],
    dataset_id: str | None,
    metrics: dict[str, Any],
    artifacts: dict[str, str],
    job_id: str | None = None,
) -> dict[str, Any]:
    """Record a trained model; `artifacts` maps a name (weights, scaler...) to a blob id."""
    newest, _ = store.models.find(owner_id, {"kind": kind}, limit=1)
    number = int(newest[0]["version"].rsplit("_", 1)[-1]) + 1 if newest else 1
    model = new_document(
        owner_id,
        kind=kind,
        params=params,
        dataset_id=dataset_id,
        job_id=job_id,
        metrics=metrics,
        artifacts=artifacts,
    )
    model["version"] = f"{kind}_{code_version()}_{number}"
    return store.models.insert(model)


def register_job_model(ctx: JobContextProtocol, **fields: Any) -> str:
    """Register the model a job trained, linked to the job; its id."""
    return register_model(ctx.store, ctx.owner_id, job_id=ctx.job_id, **fields)["id"]


def list_models(
    store: Store,
    owner_id: str,
    *,
    kind: str | None = None,
    page_number: int = 1,
    page_size: int = 20,
) -> dict[str, Any]:
    where = {"kind": kind} if kind else None
    return find_page(store.models, owner_id, where, page_number, page_size)


def get_model(store: Store, owner_id: str, model_id: str) -> dict[str, Any]:
    return require(store.models.get(model_id, owner_id), "model", model_id)


def delete_model(store: Store, owner_id: str, model_id: str) -> None:
    model = require(store.models.delete(model_id, owner_id), "model", model_id)
    for blob_id in model.get("artifacts", {}).values():
        store.blobs.delete(blob_id)


# Oldest evaluations drop off past this many, so a model record stays small.
MAX_EVALUATIONS = 50


def add_evaluation(
    store: Store, owner_id: str, model_id: str, evaluation: dict[str, Any]
) -> dict[str, Any]:
    """Append an evaluation summary to the model's record (newest last), comparable across versions.

    Compare-and-set on a counter, so two evaluations finishing together both land.
    """
    for _ in range(20):
        model = get_model(store, owner_id, model_id)
        count = model.get("evaluation_count")
        entry = {**evaluation, "code_version": code_version()}
        changes = {
            "evaluations": [*model.get("evaluations", []), entry][-MAX_EVALUATIONS:],
            "evaluation_count": (count or 0) + 1,
        }
        updated = store.models.update_if(
            model_id, {"owner_id": owner_id, "evaluation_count": count}, changes
        )
        if updated is not None:
            return updated
    raise RuntimeError(f"model {model_id}: evaluations kept changing while adding one")


def load_artifact(store: Store, model: dict[str, Any], name: str) -> bytes:
    return store.blobs.read(model["artifacts"][name])
