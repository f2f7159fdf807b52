"""Synthetic series: TimeGAN training jobs, sampling from a registered model, evaluation jobs."""

from __future__ import annotations

import time
from pathlib import PurePath
from typing import Any

import numpy as np

from backend.clock import now_iso
from backend.errors import InvalidInputError
from backend.jobs.protocols import JobContextProtocol
from backend.services import datasets, jobs, models
from backend.storage import Store

MODEL_KIND = "timegan"
MAX_SAMPLES = 10_000
# Rows (sequences x steps) one sampling request may make: it runs inside the request, and
# 10,000 sequences of 512 steps made a 328 MB dataset. The CSV must also fit MAX_UPLOAD_MB.
MAX_SAMPLE_ROWS = 500_000
# Steps per progress report and checkpoint: at most CHUNK_STEPS, and no more than take about
# CHUNK_S (measured on the last chunk), so a cancel or the time limit lands within seconds
# whatever one step costs at the settings asked for.
CHUNK_STEPS = 50
CHUNK_S = 2.0
_CONFIG_FIELDS = {
    "seq_len": "seq_len",
    "module": "module",
    "hidden_size": "hidden_dim",
    "num_layers": "num_layers",
    "batch_size": "batch_size",
    "iterations": "iterations",
    "learning_rate": "learning_rate",
    "batch_norm": "batch_norm",
    "seed": "seed",
    "gamma": "gamma",
}


def _input_error(exc: Exception) -> InvalidInputError:
    code = getattr(exc, "code", "invalid_input")
    field = getattr(exc, "field", None)
    error = InvalidInputError(
        str(exc), errors={"code": [code], **({field: [str(exc)]} if field else {})}
    )
    error.type = f"/problems/synthesis/{code}"
    return error


def _config(params: dict[str, Any]) -> Any:
    from models.timegan import TimeGANConfig

    return TimeGANConfig(
        **{_CONFIG_FIELDS[k]: v for k, v in params.items() if k in _CONFIG_FIELDS and v is not None}
    )


def start_training(
    store: Store,
    queue: jobs.JobQueue,
    owner_id: str,
    dataset_id: str,
    body: dict[str, Any],
    **job_fields: Any,
) -> dict[str, Any]:
    """Queue a `timegan_training` job on the dataset once its settings fit the data;
    `job_fields` go on the job (a retrain's lineage)."""
    params = training_params(store, owner_id, dataset_id, body)
    return queue.start(store, owner_id, "timegan_training", params, dataset_id, **job_fields)


def training_params(
    store: Store, owner_id: str, dataset_id: str, body: dict[str, Any]
) -> dict[str, Any]:
    """Check settings and data now (422 with a reason), return the training job's parameters."""
    from models.timegan import TimeGANInputError
    from models.timegan.data import real_windows

    dataset = datasets.get_dataset(store, owner_id, dataset_id)
    frame = datasets.load_frame(store, dataset)
    try:
        config = _config(body)
        windows, columns = real_windows(frame, config.seq_len, body.get("columns") or None)
    except TimeGANInputError as exc:
        raise _input_error(exc) from exc
    except KeyError as exc:  # an unknown column name
        raise InvalidInputError(
            f"Unknown column {exc}.", errors={"columns": [f"unknown column {exc}"]}
        ) from exc
    if len(windows) < 2:
        raise InvalidInputError(
            f"The data gives {len(windows)} window(s) of {config.seq_len} steps; TimeGAN needs more rows.",
            errors={"code": ["too_few_rows"]},
        )
    return {**body, "dataset_id": dataset_id, "columns": columns}


def run_training(ctx: JobContextProtocol, params: dict[str, Any]) -> dict[str, Any]:
    """The `timegan_training` job: the three phases in chunks, a checkpoint after each chunk."""
    from models.timegan import TimeGAN

    dataset = datasets.get_dataset(ctx.store, ctx.owner_id, params["dataset_id"])
    frame = datasets.load_frame(ctx.store, dataset)
    checkpoint = ctx.load_checkpoint()
    model = TimeGAN.from_bytes(checkpoint) if checkpoint else TimeGAN(_config(params))
    model.set_training_data(frame, params["columns"])
    planned = 3 * model.config.iterations
    # A resume asks for more steps than planned: they go to the joint phase.
    target = max(ctx.target_steps(planned), planned)
    losses: dict[str, float] = {}
    step_s: float | None = None  # seconds per step, from the last chunk
    while (done := sum(model.steps_done.values())) < target:
        ctx.raise_if_cancelled()
        phase = model.next_phase() or "joint"
        left = model.remaining_steps(phase) if model.next_phase() else target - done
        steps = min(chunk_steps(step_s), left, target - done)
        began = time.monotonic()
        losses = model.fit_steps(phase, steps)
        step_s = (time.monotonic() - began) / steps
        done = sum(model.steps_done.values())
        ctx.save_checkpoint(model.to_bytes(), done)
        ctx.report(phase=phase, step=done, total=target, metrics=losses)
    weights = ctx.store.blobs.put_bytes(model.to_bytes())
    model_id = models.register_job_model(
        ctx,
        kind=MODEL_KIND,
        params={**model.config.to_dict(), "columns": model.columns},
        dataset_id=dataset["id"],
        metrics={"steps": sum(model.steps_done.values()), **losses},
        artifacts={"model": weights.id},
        data={
            "train": {
                "rows": len(frame),
                "columns": model.columns,
                "window_steps": model.config.seq_len,
            },
            "validation": None,
            "test": None,
        },
    )
    return {"model_id": model_id}


def chunk_steps(step_s: float | None) -> int:
    """Steps for the next chunk: one to measure, then as many as fit CHUNK_S (1..CHUNK_STEPS)."""
    if step_s is None:
        return 1
    return max(1, min(CHUNK_STEPS, int(CHUNK_S / max(step_s, 1e-9))))


def _load_model(store: Store, model_doc: dict[str, Any]) -> Any:
    from models.timegan import TimeGAN

    return TimeGAN.from_bytes(models.load_artifact(store, model_doc, "model"))


def _timegan(store: Store, owner_id: str, model_id: str) -> dict[str, Any]:
    model_doc = models.get_model(store, owner_id, model_id)
    if model_doc["kind"] != MODEL_KIND:
        raise InvalidInputError(f"Model '{model_id}' is a {model_doc['kind']} model, not TimeGAN.")
    return model_doc


def sample_dataset(
    store: Store,
    owner_id: str,
    model_id: str,
    n: int,
    seed: int | None,
    *,
    max_bytes: int | None = None,
    quotas: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """n synthetic sequences in original units as a new dataset (long format), at most
    MAX_SAMPLE_ROWS rows and `max_bytes` of CSV (the upload limit), within the owner's
    `quotas` (datasets, bytes)."""
    model_doc = _timegan(store, owner_id, model_id)
    model = _load_model(store, model_doc)
    seq_len = model.config.seq_len
    if n * seq_len > MAX_SAMPLE_ROWS:
        raise InvalidInputError(
            f"{n} sequences of {seq_len} steps make {n * seq_len:,} rows; one request may make at most "
            f"{MAX_SAMPLE_ROWS:,} (n up to {MAX_SAMPLE_ROWS // seq_len}).",
            errors={"n": [f"at most {MAX_SAMPLE_ROWS // seq_len} for this model"]},
        )
    from models.timegan.data import samples_to_frame

    frame = samples_to_frame(model.generate(n, seed=seed), model.columns)
    source = (
        store.datasets.get(model_doc["dataset_id"], owner_id)
        if model_doc.get("dataset_id")
        else None
    )
    stem = PurePath(source["filename"]).stem if source else "timegan"
    made = datasets.create_dataset_from_frame(
        store,
        owner_id,
        frame,
        f"{stem}_synthetic_{n}x{model.config.seq_len}.csv",
        lineage={
            "source_dataset_id": model_doc.get("dataset_id"),
            "job_id": model_doc.get("job_id"),
            "kind": "synthesis",
        },
        max_bytes=max_bytes,
        quotas=quotas,
        project_id=model_doc.get("project_id"),
    )
    models.record_produced(store, owner_id, model_id, made["id"])
    return made


def start_evaluation(
    store: Store, queue: jobs.JobQueue, owner_id: str, model_id: str, body: dict[str, Any]
) -> dict[str, Any]:
    """Queue a `timegan_evaluation` job for the model against its training dataset."""
    params = evaluation_params(store, owner_id, model_id, body)
    return queue.start(store, owner_id, "timegan_evaluation", params, params["dataset_id"])


def evaluation_params(
    store: Store, owner_id: str, model_id: str, body: dict[str, Any]
) -> dict[str, Any]:
    """Check the model can be scored (its training dataset still exists), return the job's parameters."""
    model_doc = _timegan(store, owner_id, model_id)
    if (
        not model_doc.get("dataset_id")
        or store.datasets.get(model_doc["dataset_id"], owner_id) is None
    ):
        raise InvalidInputError(
            "The model's training dataset is gone; there is no real data to compare with."
        )
    return {**body, "model_id": model_id, "dataset_id": model_doc["dataset_id"]}


def run_evaluation(ctx: JobContextProtocol, params: dict[str, Any]) -> dict[str, Any]:
    """The `timegan_evaluation` job: the scorecard (every measure for the model, the held-out real
    floor and the trivial fakes), PCA/t-SNE points, per-feature distributions; the scorecard's
    summary is also kept on the model's registry record."""
    from models.timegan import metrics, quality
    from models.timegan.data import real_windows

    model_doc = models.get_model(ctx.store, ctx.owner_id, params["model_id"])
    model = _load_model(ctx.store, model_doc)
    dataset = datasets.get_dataset(ctx.store, ctx.owner_id, params["dataset_id"])
    real, columns = real_windows(
        datasets.load_frame(ctx.store, dataset), model.config.seq_len, model.columns
    )
    rng = np.random.default_rng(params["seed"])
    real = real[rng.permutation(len(real))[: params["max_windows"]]]
    if len(real) < 4:
        raise InvalidInputError(
            f"The training data gives {len(real)} window(s); an evaluation needs at least 4."
        )
    synthetic = model.generate(len(real), seed=params["seed"])
    reference, heldout = quality.split_real(real, seed=params["seed"])
    steps = [*quality.CANDIDATES, "projections", "distributions"]

    def on_candidate(name: str) -> None:
        ctx.raise_if_cancelled()
        ctx.report(phase=f"measures: {name}", step=steps.index(name), total=len(steps))

    settings = quality.MeasureSettings(
        classifier_runs=params.get("classifier_runs", 3),
        paper_runs=params["metric_runs"],
        paper_iterations=params["iterations"],
    )
    card = quality.scorecard(
        reference,
        heldout,
        synthetic,
        settings,
        seed=params["seed"],
        columns=columns,
        on_candidate=on_candidate,
    )
    result: dict[str, Any] = {
        "model_id": params["model_id"],
        "n_windows": len(real),
        "discriminative_score": card["scores"]["model"]["discriminative"],
        "predictive_score": card["scores"]["model"]["predictive"],
        "scorecard": card,
    }
    ctx.raise_if_cancelled()
    ctx.report(phase="projections", step=steps.index("projections"), total=len(steps))
    result.update(
        metrics.projection_coordinates(real, synthetic, seed=params["seed"], tsne=params["tsne"])
    )
    ctx.raise_if_cancelled()
    ctx.report(phase="distributions", step=steps.index("distributions"), total=len(steps))
    result["distributions"] = metrics.feature_distributions(real, synthetic, columns)
    models.add_evaluation(
        ctx.store,
        ctx.owner_id,
        params["model_id"],
        {
            "job_id": ctx.job_id,
            "created_at": now_iso(),
            "params": {
                k: params.get(k)
                for k in ("metric_runs", "iterations", "classifier_runs", "max_windows", "seed")
            },
            "n_windows": card["n_windows"],
            "measures": card["measures"],
            "scores": card["scores"],
            "verdict": card["verdict"],
        },
    )
    flagged = [m for m, v in card["verdict"].items() if v["flagged"]]
    ctx.report(
        phase="done",
        step=len(steps),
        total=len(steps),
        metrics={
            "discriminative": result["discriminative_score"]["mean"],
            "predictive": result["predictive_score"]["mean"],
            "flagged_measures": len(flagged),
        },
    )
    return result
