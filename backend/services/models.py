"""The model registry: every successful training job lands a versioned model here."""

from __future__ import annotations

import functools
import hashlib
import os
import subprocess
from pathlib import Path
from typing import Any, BinaryIO

from backend.errors import InvalidInputError, NotFoundError
from backend.jobs.protocols import JobContextProtocol
from backend.services.common import find_page, new_document, offset_of, page, require
from backend.services.projects import project_filter
from backend.storage import BlobNotFound, Store
from backend.storage.base import iter_chunks


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


STATUSES = ("candidate", "production", "archived")
# Sort orders of the models list (`-` for descending).
SORTS = ("-created_at", "created_at", "-version", "version")


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
    data: dict[str, Any] | None = None,
    project_id: str | None = None,
    history: dict[str, list[float]] | None = None,
    lineage: dict[str, Any] | None = None,
    job_params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Record a trained model as a candidate; `artifacts` maps a name (weights, scaler...) to a
    blob id. `data`: the rows/columns/windows the training used (train/validation/test)."""
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
        project_id=project_id,
        status="candidate",
        data={"dataset_id": dataset_id, **(data or {})},
        history=history or {},
        artifact_files=_artifact_files(store, artifacts),
        lineage={"retrained_from": None, "resumed_from": None, "produced": [], **(lineage or {})},
        # What the training job was asked (a retrain starts the same request on new data).
        job_params=job_params,
    )
    model["version"] = f"{kind}_{code_version()}_{number}"
    return store.models.insert(model)


def register_job_model(ctx: JobContextProtocol, **fields: Any) -> str:
    """Register the model a job trained, linked to the job (its project, loss history, request,
    and what it was retrained or resumed from); its id."""
    job = ctx.store.jobs.get(ctx.job_id, ctx.owner_id) or {}
    # A resumed job registers again: the model its previous run registered is the one resumed.
    earlier, _ = ctx.store.models.find(ctx.owner_id, {"job_id": ctx.job_id}, limit=1)
    lineage = {
        "retrained_from": job.get("retrained_from"),
        "resumed_from": earlier[0]["id"] if earlier else None,
    }
    model = register_model(
        ctx.store,
        ctx.owner_id,
        job_id=ctx.job_id,
        project_id=job.get("project_id"),
        history=loss_history(job.get("metrics") or []),
        lineage=lineage,
        job_params=job.get("params"),
        **fields,
    )
    return str(model["id"])


def loss_history(points: list[dict[str, Any]]) -> dict[str, list[float]]:
    """A job's metric points ({step, phase?, <name>: value}) as one list of values per name."""
    history: dict[str, list[float]] = {}
    for point in points:
        for name, value in point.items():
            if name not in ("step", "phase") and isinstance(value, int | float):
                history.setdefault(name, []).append(value)
    return history


def _artifact_files(store: Store, artifacts: dict[str, str]) -> list[dict[str, Any]]:
    files = []
    for name, blob_id in sorted(artifacts.items()):
        digest, size = hashlib.sha256(), 0
        with store.blobs.open(blob_id) as stream:
            for chunk in iter_chunks(stream):
                digest.update(chunk)
                size += len(chunk)
        files.append({"name": name, "size": size, "sha256": digest.hexdigest()})
    return files


def list_models(
    store: Store,
    owner_id: str,
    *,
    kind: str | None = None,
    project_id: str | None = None,
    status: str | None = None,
    dataset_id: str | None = None,
    sort: str = "-created_at",
    page_number: int = 1,
    page_size: int = 20,
) -> dict[str, Any]:
    """The owner's models matching every filter given (exact), in `sort` order (SORTS)."""
    where: dict[str, Any] = {
        k: v for k, v in {"kind": kind, "dataset_id": dataset_id}.items() if v is not None
    }
    where.update(project_filter(project_id))
    if status is not None:
        _store_legacy_status(store, owner_id)
        where["status"] = status
    if sort == "-created_at":  # the store's own order: only the page is read
        found = find_page(store.models, owner_id, where, page_number, page_size)
    else:
        items, total = store.models.find(owner_id, where)
        if sort == "created_at":
            items.reverse()
        else:
            items.sort(key=_version_number, reverse=sort.startswith("-"))
        offset = offset_of(page_number, page_size)
        found = page(items[offset : offset + page_size], total, page_number, page_size)
    # Records from before projects and statuses: in the default project, candidates.
    found["items"] = [{"status": "candidate", "project_id": None, **m} for m in found["items"]]
    return found


def _store_legacy_status(store: Store, owner_id: str) -> None:
    """Records from before statuses existed read as candidates: write it down, so a status
    filter (an exact match in the database) finds them too. After the first time, a no-op."""
    legacy, _ = store.models.find(owner_id, {"status": None}, fields=("status",))
    for model in legacy:
        store.models.update_if(
            model["id"], {"owner_id": owner_id, "status": None}, {"status": "candidate"}
        )


def _version_number(model: dict[str, Any]) -> tuple[str, int]:
    kind, number = model["version"].rsplit("_", 1)
    return kind, int(number)


def model_kinds(store: Store, owner_id: str) -> list[str]:
    """The kinds the owner has models of."""
    found, _ = store.models.find(owner_id, fields=("kind",))
    return sorted({m["kind"] for m in found})


def get_model(store: Store, owner_id: str, model_id: str) -> dict[str, Any]:
    return require(store.models.get(model_id, owner_id), "model", model_id)


def model_record(store: Store, owner_id: str, model_id: str) -> dict[str, Any]:
    """The model as GET /models/{id} shows it: records made before these fields existed get
    them filled in (candidate, the job's history, artifact sizes), and `lineage.produced`
    lists only datasets that still exist."""
    model = get_model(store, owner_id, model_id)
    lineage = _lineage(model)
    lineage["produced"] = [
        item
        for item in lineage["produced"]
        if item.get("type") != "dataset" or store.datasets.get(item["id"], owner_id) is not None
    ]
    record = {**model, "lineage": lineage}
    record.setdefault("status", "candidate")
    record.setdefault("project_id", None)
    record.setdefault("data", {"dataset_id": model.get("dataset_id")})
    backfill: dict[str, Any] = {}
    if "history" not in model:
        job = store.jobs.get(model["job_id"], owner_id) if model.get("job_id") else None
        backfill["history"] = loss_history((job or {}).get("metrics") or [])
    if "artifact_files" not in model:
        backfill["artifact_files"] = _artifact_files(store, model.get("artifacts", {}))
    if backfill:
        # Written down once, so later reads neither hash the artifacts nor read the job again.
        store.models.update(model_id, owner_id, backfill)
    return {**record, **backfill}


def set_status(store: Store, owner_id: str, model_id: str, status: str) -> dict[str, Any]:
    """Change a model's status. One production model per (project, kind): promoting one demotes
    the project's previous production model of that kind to candidate."""
    model = get_model(store, owner_id, model_id)
    if status == "production":
        same = {"kind": model["kind"], "project_id": model.get("project_id"), "status": status}
        for other in store.models.find(owner_id, same)[0]:
            if other["id"] != model_id:
                store.models.update(other["id"], owner_id, {"status": "candidate"})
    require(store.models.update(model_id, owner_id, {"status": status}), "model", model_id)
    if status == "production":
        # Two promotions at once: the newest-promoted of the kind keeps production.
        _keep_one_production(store, owner_id, model)
    return model_record(store, owner_id, model_id)


def _keep_one_production(store: Store, owner_id: str, model: dict[str, Any]) -> None:
    same = {"kind": model["kind"], "project_id": model.get("project_id"), "status": "production"}
    found, _ = store.models.find(owner_id, same)
    for extra in found[1:]:  # newest first: keep the newest model
        store.models.update(extra["id"], owner_id, {"status": "candidate"})


def compare_models(store: Store, owner_id: str, model_ids: list[str]) -> dict[str, Any]:
    """2-5 of the caller's models of one kind side by side (a mixed set is a 422)."""
    if not 2 <= len(model_ids) <= 5 or len(set(model_ids)) != len(model_ids):
        raise InvalidInputError(
            "Compare takes 2 to 5 different model ids.", errors={"ids": ["2 to 5 distinct ids"]}
        )
    records = [model_record(store, owner_id, model_id) for model_id in model_ids]
    kinds = sorted({r["kind"] for r in records})
    if len(kinds) > 1:
        raise InvalidInputError(
            f"Models of one kind can be compared; these are {', '.join(kinds)}.",
            errors={"ids": ["models of one kind"]},
        )
    return {
        "kind": kinds[0],
        "models": [
            {
                **{k: r.get(k) for k in ("id", "version", "status", "project_id", "params")},
                "metrics": r.get("metrics", {}),
                "evaluations_latest": (r.get("evaluations") or [None])[-1],
                "history": r["history"],
            }
            for r in records
        ],
    }


def open_artifact(store: Store, owner_id: str, model_id: str, name: str) -> tuple[BinaryIO, str]:
    """A model's artifact file to download, and its download name."""
    model = get_model(store, owner_id, model_id)
    blob_id = model.get("artifacts", {}).get(name)
    if blob_id is None:
        raise NotFoundError(f"Model '{model_id}' has no artifact '{name}'.")
    try:
        return store.blobs.open(blob_id), f"{model['version']}_{name}.bin"
    except BlobNotFound as exc:
        raise NotFoundError(f"The artifact '{name}' is missing from the blob store.") from exc


def _lineage(model: dict[str, Any]) -> dict[str, Any]:
    """The model's lineage, with every key (records from before it existed have none)."""
    lineage: dict[str, Any] = {"retrained_from": None, "resumed_from": None, "produced": []}
    lineage.update(model.get("lineage") or {})
    return lineage


def record_produced(store: Store, owner_id: str, model_id: str, dataset_id: str) -> None:
    """Note on the model that a dataset was made with it (samples, a fill, a job's output).

    Compare-and-set on a counter, so two datasets made at once are both noted.
    """
    for _ in range(20):
        model = store.models.get(model_id, owner_id)
        if model is None:  # deleted meanwhile: nothing to note it on
            return
        count = model.get("produced_count")
        lineage = _lineage(model)
        lineage["produced"] = [*lineage["produced"], {"type": "dataset", "id": dataset_id}]
        changes = {"lineage": lineage, "produced_count": (count or 0) + 1}
        expected = {"owner_id": owner_id, "produced_count": count}
        if store.models.update_if(model_id, expected, changes) is not None:
            return
    raise RuntimeError(f"model {model_id}: its lineage kept changing while adding a dataset")


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
