"""A small real training job for the job-system tests: least squares by gradient descent.

Registered only where JOB_EXTRA_KINDS names this module. Deterministic (seeded data, full-batch
steps), so the pool and a Celery worker must land on exactly the same weights.
"""

from __future__ import annotations

import json
import time

import numpy as np
from marshmallow import Schema, fields, validate

from backend.jobs import kinds
from backend.services import models

MAX_EPOCHS = 10_000


class ToyParams(Schema):
    epochs = fields.Integer(load_default=5, validate=validate.Range(min=1, max=MAX_EPOCHS))
    epoch_s = fields.Float(load_default=0.0, validate=validate.Range(min=0, max=5))
    learning_rate = fields.Float(load_default=0.1)
    fail_at_epoch = fields.Integer(load_default=None, allow_none=True)
    seed = fields.Integer(load_default=0)
    # The epoch's time in this many slices, with the job's inner-loop stop check before each
    # (as BRITS/NAOMI check between batches).
    batches = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1000))


def run_toy_training(ctx, params):  # noqa: ANN001, ANN201
    rng = np.random.default_rng(params["seed"])
    x = rng.normal(size=512)
    y = 3.0 * x + 1.0 + 0.1 * rng.normal(size=512)
    saved = ctx.load_checkpoint()
    state = json.loads(saved) if saved else {"epoch": 0, "w": 0.0, "b": 0.0}
    target = ctx.target_steps(params["epochs"])
    loss = float("nan")
    while state["epoch"] < target:
        ctx.raise_if_cancelled()
        error = state["w"] * x + state["b"] - y
        state["w"] -= params["learning_rate"] * float(np.mean(2 * error * x))
        state["b"] -= params["learning_rate"] * float(np.mean(2 * error))
        state["epoch"] += 1
        loss = float(np.mean((state["w"] * x + state["b"] - y) ** 2))
        if params["fail_at_epoch"] == state["epoch"]:
            raise RuntimeError("exploded on purpose")
        ctx.save_checkpoint(json.dumps(state).encode(), state["epoch"])
        ctx.report(
            phase="train",
            step=state["epoch"],
            total=target,
            metrics={"loss": loss},
            live={"w": state["w"], "b": state["b"]},
        )
        for _ in range(params["batches"]):
            if params["batches"] > 1:
                ctx.check_stop()
            time.sleep(params["epoch_s"] / params["batches"])
    weights = ctx.store.blobs.put_bytes(json.dumps({"w": state["w"], "b": state["b"]}).encode())
    model_id = models.register_job_model(
        ctx,
        kind="toy",
        params=params,
        dataset_id=None,
        metrics={"loss": loss},
        artifacts={"weights": weights.id},
    )
    return {"model_id": model_id, "w": state["w"], "b": state["b"], "epochs": state["epoch"]}


kinds.register(
    kinds.JobKind(
        "toy_training",
        "tests.job_kinds:run_toy_training",
        params_schema="tests.job_kinds:ToyParams",
        description="test",
        max_steps=MAX_EPOCHS,
        time_limit_s=600.0,
    )
)
