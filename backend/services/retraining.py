"""Using a registered model again: retrain its configuration on new data (one dataset, or a
batch through the job queue), or fill a dataset with a trained imputer without training.

A retrain starts the same job kind with the request that trained the model (its
`job_params`), on another dataset, in the model's project; the job registers the next version
with `lineage.retrained_from` (services/models.register_job_model reads it off the job).
"""

from __future__ import annotations

from typing import Any

from backend.errors import AppError, InvalidInputError
from backend.services import imputation, jobs, models, projects, synthesis
from backend.services.common import new_document, require
from backend.storage import Store

# Imputation model kinds whose weights fill a series on their own (auto keeps several models).
FILLING_KINDS = ("brits", "naomi")
# What the request held that belongs to the old dataset, not to the configuration.
_PER_DATASET = ("dataset_id",)


def training_request(store: Store, owner_id: str, model: dict[str, Any]) -> dict[str, Any]:
    """The request that trained `model` (kept on the model; for older ones, its job's)."""
    params = model.get("job_params")
    if params is None and model.get("job_id"):
        params = (store.jobs.get(model["job_id"], owner_id) or {}).get("params")
    if params is None:
        raise InvalidInputError(
            f"Model '{model['id']}' has no recorded training settings (its job is gone); it "
            "cannot be retrained."
        )
    return {k: v for k, v in params.items() if k not in _PER_DATASET}


def retrain(
    store: Store,
    queue: jobs.JobQueue,
    owner_id: str,
    model_id: str,
    dataset_id: str,
    *,
    quotas: tuple[int, int],
) -> dict[str, Any]:
    """Queue a job training `model_id`'s configuration on `dataset_id` (202); 422 when the
    dataset does not fit it (the same checks as a first training)."""
    model = models.get_model(store, owner_id, model_id)
    body = training_request(store, owner_id, model)
    lineage = {"retrained_from": model_id, "project_id": model.get("project_id")}
    if model["kind"] == synthesis.MODEL_KIND:
        return synthesis.start_training(store, queue, owner_id, dataset_id, body, **lineage)
    if "method" in body:  # an imputation job's request
        return imputation.start_imputation(
            store, queue, owner_id, dataset_id, body, quotas=quotas, **lineage
        )
    raise InvalidInputError(f"Models of kind '{model['kind']}' cannot be retrained.")


def start_batch(
    store: Store,
    queue: jobs.JobQueue,
    owner_id: str,
    body: dict[str, Any],
    *,
    quotas: tuple[int, int],
) -> dict[str, Any]:
    """Start one retrain per item: `model_id` on each of `dataset_ids`, or every model of
    `project_id` on its own dataset. An item refused (the user's job limit, data that does not
    fit) keeps its error; the others still start."""
    if body.get("project_id") and not body.get("model_id") and not body.get("dataset_ids"):
        projects.require_project(store, owner_id, body["project_id"])
        found, _ = store.models.find(owner_id, {"project_id": body["project_id"]})
        pairs = [(m["id"], m["dataset_id"]) for m in found if m.get("dataset_id")]
    elif body.get("model_id") and body.get("dataset_ids") and not body.get("project_id"):
        models.get_model(store, owner_id, body["model_id"])  # 404 before anything starts
        pairs = [(body["model_id"], d) for d in body["dataset_ids"]]
    else:
        raise InvalidInputError(
            "Give either model_id with dataset_ids, or project_id alone.",
            errors={"_schema": ["model_id + dataset_ids, or project_id"]},
        )
    items = []
    for model_id, dataset_id in pairs:
        item: dict[str, Any] = {"model_id": model_id, "dataset_id": dataset_id}
        try:
            job = retrain(store, queue, owner_id, model_id, dataset_id, quotas=quotas)
            item.update(job_id=job["id"], error=None)
        except AppError as error:
            item.update(job_id=None, error=error.to_problem())
        items.append(item)
    batch = new_document(owner_id, items=items)
    store.retrain_batches.insert(batch)
    return batch_status(store, owner_id, batch["id"])


def batch_status(store: Store, owner_id: str, batch_id: str) -> dict[str, Any]:
    """The batch with each item's job status now and the model version its job registered."""
    batch = require(store.retrain_batches.get(batch_id, owner_id), "retrain batch", batch_id)
    items = []
    for item in batch["items"]:
        job = store.jobs.get(item["job_id"], owner_id) if item.get("job_id") else None
        items.append(
            {
                **item,
                "job_status": job["status"] if job else None,
                "result_model_id": ((job or {}).get("result") or {}).get("model_id"),
            }
        )
    return {**batch, "items": items}


def start_fill(
    store: Store,
    queue: jobs.JobQueue,
    owner_id: str,
    model_id: str,
    dataset_id: str,
    *,
    quotas: tuple[int, int],
) -> dict[str, Any]:
    """Queue an `imputation` job that fills `dataset_id` with the trained imputer `model_id`
    (no training); the dataset must have the model's columns (422 otherwise)."""
    model = models.get_model(store, owner_id, model_id)
    if model["kind"] not in FILLING_KINDS:
        raise InvalidInputError(
            f"A {model['kind']} model cannot fill a dataset; only BRITS and NAOMI models can.",
            errors={"model": [f"kind {model['kind']}"]},
        )
    body = {
        "method": model["kind"],
        "columns": model["params"]["columns"],
        "time_column": model["params"].get("time_column"),
        "model_id": model_id,
    }
    return imputation.start_imputation(store, queue, owner_id, dataset_id, body, quotas=quotas)
