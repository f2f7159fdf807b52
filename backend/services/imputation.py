"""Imputation: check a request, run the job (baselines, BRITS, NAOMI, auto), store the result.

The job publishes, after every epoch, the loss, the validation MAE on held-out observed
cells (in gaps shaped like the real ones) and the current imputed series, downsampled,
so a client can redraw live. The result is the user's original table with the missing
cells of the chosen columns filled and one `<column>_imputed` flag column each.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd

from backend.errors import InvalidInputError
from backend.jobs.protocols import JobContextProtocol
from backend.services import datasets, jobs, models
from backend.services.quotas import check_new_dataset
from backend.storage import Store
from backend.tabular import tables

LIVE_POINTS = 2000
VALIDATION_RATE = 0.05
FLAG_SUFFIX = "_imputed"


def _input_error(exc: Exception) -> InvalidInputError:
    code = getattr(exc, "code", "invalid_input")
    column = getattr(exc, "column", None)
    error = InvalidInputError(
        str(exc), errors={"code": [code], **({"column": [column]} if column else {})}
    )
    error.type = f"/problems/imputation/{code}"
    return error


def default_time_column(dataset: dict[str, Any]) -> str | None:
    return next((c["name"] for c in dataset["columns"] if c["type"] == "temporal"), None)


def start_imputation(
    store: Store,
    queue: jobs.JobQueue,
    owner_id: str,
    dataset_id: str,
    body: dict[str, Any],
    *,
    quotas: tuple[int, int],
    **job_fields: Any,
) -> dict[str, Any]:
    """Queue an `imputation` job on the dataset once the request and the caller's `quotas`
    (datasets, bytes) allow it; `job_fields` go on the job (a retrain's lineage)."""
    params = imputation_params(store, owner_id, dataset_id, body)
    # The result is a new dataset: refuse now, not after the job has run.
    check_new_dataset(store, owner_id, quotas)
    return queue.start(store, owner_id, "imputation", params, dataset_id, **job_fields)


def imputation_params(
    store: Store, owner_id: str, dataset_id: str, body: dict[str, Any]
) -> dict[str, Any]:
    """Check the request against the data now (4xx with a reason), return the job's parameters."""
    from models.imputation import MODELS
    from models.imputation.data import MIN_OBSERVED_MODEL, prepare_series, require_observed
    from models.imputation.errors import ImputationInputError

    dataset = datasets.get_dataset(store, owner_id, dataset_id)
    time_column = body.get("time_column") or default_time_column(dataset)
    frame = datasets.load_frame(store, dataset)
    try:
        series = prepare_series(frame, time_column, body.get("columns") or None)
        if body["method"] in MODELS:
            require_observed(series, MIN_OBSERVED_MODEL, body["method"].upper())
    except ImputationInputError as exc:
        raise _input_error(exc) from exc
    return {**body, "dataset_id": dataset_id, "time_column": time_column, "columns": series.columns}


def _prepared(
    store: Store, owner_id: str, params: dict[str, Any]
) -> tuple[dict[str, Any], pd.DataFrame, Any]:  # the series: models.imputation.data.PreparedSeries
    from models.imputation.data import prepare_series

    dataset = datasets.get_dataset(store, owner_id, params["dataset_id"])
    frame = datasets.load_frame(store, dataset)
    return dataset, frame, prepare_series(frame, params["time_column"], params["columns"])


def _model_config(method: str, params: dict[str, Any]) -> Any:
    from models.imputation import get_config

    names = {
        "window_size": "window",
        "hidden_size": "hidden_size",
        "batch_size": "batch_size",
        "learning_rate": "learning_rate",
        "seed": "seed",
    }
    return get_config(method)(
        **{names[k]: v for k, v in params.items() if k in names and v is not None}
    )


def held_out_mask(observed: np.ndarray, seed: int) -> np.ndarray:
    """Observed cells hidden for validation, in gaps as long as each column's real gaps."""
    from models.imputation.evaluate import held_out_masks

    return held_out_masks(observed, seed, VALIDATION_RATE)[0][0]


def live_payload(series: Any, imputed: np.ndarray, max_points: int = LIVE_POINTS) -> dict[str, Any]:
    """The current series for a live chart, at most `max_points` steps (uniform stride)."""
    length = series.length
    stride = max(1, int(np.ceil(length / max_points)))
    rows = np.arange(0, length, stride)
    if series.times is not None:
        times = pd.Index(series.times)[rows]
        index = [t.isoformat() if hasattr(t, "isoformat") else float(t) for t in times]
    else:
        index = [int(r) for r in rows]
    columns = {}
    for j, name in enumerate(series.columns):
        values = imputed[rows, j]
        columns[name] = {
            "values": [None if not np.isfinite(v) else round(float(v), 6) for v in values],
            "imputed": [bool(not o) for o in series.observed[rows, j]],
        }
    return {
        "time_column": series.time_column,
        "index": index,
        "columns": columns,
        "downsampled_from": length,
    }


def imputed_table(frame: pd.DataFrame, series: Any, imputed: np.ndarray) -> pd.DataFrame:
    """The original table, every row and column kept, with missing cells filled and flagged."""
    from models.imputation.data import parse_time_column

    if series.time_column is None:
        steps = np.arange(len(frame))
    else:
        steps = pd.Index(series.times).get_indexer(parse_time_column(frame, series.time_column))
    out = frame.copy()
    known = steps >= 0
    for j, name in enumerate(series.columns):
        original = pd.to_numeric(out[name], errors="coerce")
        fill = np.full(len(out), np.nan)
        fill[known] = imputed[steps[known], j]
        filled = original.isna().to_numpy() & ~np.isnan(fill)
        # Observed cells keep their exact original values; only missing cells change.
        out[name] = original.where(~filled, fill)
        out[f"{name}{FLAG_SUFFIX}"] = filled
    return out


def run_imputation(ctx: JobContextProtocol, params: dict[str, Any]) -> dict[str, Any]:
    """The `imputation` job."""
    dataset, frame, series = _prepared(ctx.store, ctx.owner_id, params)
    from models.imputation import MODELS, make_imputer

    method = params["method"]
    if params.get("model_id"):  # fill with a trained imputer (POST /models/{id}/fill)
        imputed = _trained_imputer(ctx, params["model_id"]).fill(series)
        ctx.report(phase="fill", step=1, total=1, live=live_payload(series, imputed))
        model_id, extra = None, {"used_model_id": params["model_id"]}
    elif method in MODELS:
        imputed, model_id, extra = _train(ctx, params, series)
    elif method == "auto":
        imputed, model_id, extra = _auto(ctx, params, series, dataset)
    else:
        imputed = make_imputer(method).fill(series)
        ctx.report(phase="fill", step=1, total=1, live=live_payload(series, imputed))
        model_id, extra = None, {}
    stem = PurePath(dataset["filename"]).stem
    result = datasets.create_dataset_from_frame(
        ctx.store,
        ctx.owner_id,
        imputed_table(frame, series, imputed),
        f"{stem}_imputed_{method}.csv",
        lineage={"source_dataset_id": dataset["id"], "job_id": ctx.job_id, "kind": "imputation"},
        max_bytes=ctx.max_dataset_bytes,
        quotas=ctx.dataset_quotas,
        project_id=(ctx.store.jobs.get(ctx.job_id, ctx.owner_id) or {}).get("project_id"),
    )
    made_with = model_id or params.get("model_id")
    if made_with:
        models.record_produced(ctx.store, ctx.owner_id, made_with, result["id"])
    return {
        "dataset_id": result["id"],
        **({"model_id": model_id} if model_id else {}),
        "method": method,
        "filled_cells": int((~series.observed).sum()),
        "notes": list(series.notes),
        **extra,
    }


def _trained_imputer(ctx: JobContextProtocol, model_id: str) -> Any:
    """The registered BRITS/NAOMI model `model_id`, ready to fill (its last weights)."""
    from models.imputation import get_imputer
    from models.imputation.imputer import ModelImputer

    model = models.get_model(ctx.store, ctx.owner_id, model_id)
    weights = models.load_artifact(ctx.store, model, "weights")
    return ModelImputer(model["kind"], get_imputer(model["kind"]).from_bytes(weights))


def _train(
    ctx: JobContextProtocol, params: dict[str, Any], series: Any
) -> tuple[np.ndarray, str, dict[str, Any]]:
    """BRITS or NAOMI, one epoch at a time, resumable from the last checkpoint."""
    from models.imputation import get_imputer
    from models.imputation.imputer import Budget, ModelImputer, train_epochs

    method = params["method"]
    cls = get_imputer(method)
    checkpoint = ctx.load_checkpoint()
    imputer = ModelImputer(
        method, cls.from_bytes(checkpoint) if checkpoint else cls(_model_config(method, params))
    )
    hidden = held_out_mask(series.observed, seed=params.get("seed") or 0)
    train = series.with_observed(series.observed & ~hidden)
    target = ctx.target_steps(params["epochs"])
    scores: dict[str, dict[str, float]] = {}

    def validation(model: ModelImputer) -> float:
        scores["last"] = model.validate(train, series.values, hidden)
        return scores["last"]["mae"]

    def on_epoch(model: ModelImputer, record: dict[str, Any]) -> None:
        ctx.save_checkpoint(model.to_bytes(), model.epoch)
        ctx.report(
            phase="train",
            step=model.epoch,
            total=target,
            metrics={
                "loss": record["loss"],
                "val_mae": scores["last"]["mae"],
                "val_rmse": scores["last"]["rmse"],
            },
            live=live_payload(series, model.fill(series)),
        )
        ctx.raise_if_cancelled()  # after the checkpoint: a stop keeps this epoch

    if imputer.epoch < target:
        ctx.raise_if_cancelled()
        train_epochs(
            imputer,
            train,
            Budget(target),
            validation,
            keep_best=False,
            on_check=on_epoch,
            on_batch=ctx.check_stop,
        )
    validation_score = scores.get("last", {})
    # The job's model is its last weights (what a resume continues from).
    imputed = imputer.fill(series)
    weights = ctx.store.blobs.put_bytes(imputer.to_bytes())
    model_id = models.register_job_model(
        ctx,
        kind=method,
        params={
            **imputer.model.params(),
            "columns": series.columns,
            "time_column": series.time_column,
        },
        dataset_id=params["dataset_id"],
        metrics={
            "epochs": imputer.epoch,
            **{f"val_{k}": v for k, v in validation_score.items() if k != "n"},
        },
        artifacts={"weights": weights.id},
        data={
            "train": {
                "rows": series.length,
                "columns": series.columns,
                "observed_cells": int(train.observed.sum()),
            },
            # Observed cells hidden from training, in gaps shaped like the real ones.
            "validation": {"rows": series.length, "held_out_cells": int(hidden.sum())},
            "test": None,
        },
    )
    return imputed, model_id, {"validation": validation_score}


def _auto(
    ctx: JobContextProtocol, params: dict[str, Any], series: Any, dataset: dict[str, Any]
) -> tuple[np.ndarray, str, dict[str, Any]]:
    """Validate baselines and (within the time budget) BRITS/NAOMI; fill each gap with the best."""
    from models.imputation.auto import auto_impute

    steps = {"n": 0}

    def on_progress(update: dict[str, Any]) -> None:
        ctx.raise_if_cancelled()
        steps["n"] += 1
        metrics = {
            "epoch": update["epoch"],
            "loss": update["loss"],
            "val_mae": update["validation_mae"],
        }
        ctx.report(
            phase=f"auto:{update['phase']}",
            step=steps["n"],
            metrics={k: v for k, v in metrics.items() if v is not None},
        )

    outcome = auto_impute(
        series,
        time_budget_s=params["time_budget_s"],
        epoch_budget=params.get("epoch_budget"),
        seed=params.get("seed") or 0,
        on_progress=on_progress,
    )
    ctx.report(
        phase="fill",
        step=steps["n"] + 1,
        total=steps["n"] + 1,
        live=live_payload(series, outcome.imputed),
    )
    artifacts = {
        name: ctx.store.blobs.put_bytes(model.to_bytes()).id
        for name, model in outcome.models.items()
    }
    evidence = tables.json_safe(outcome.evidence)
    model_id = models.register_job_model(
        ctx,
        kind="imputation_auto",
        params={
            "choice": outcome.choice,
            "columns": series.columns,
            "time_column": series.time_column,
        },
        dataset_id=dataset["id"],
        metrics={"validation_cells": evidence.get("validation_cells")},
        artifacts=artifacts,
    )
    return outcome.imputed, model_id, {"choice": outcome.choice, "evidence": evidence}
