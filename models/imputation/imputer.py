"""One interface for every imputation method: fit, fill, validate, save.

Baselines and learned models look alike to their callers (the job service, `auto`, the
benchmarks): `fit` trains within a budget (a baseline has nothing to learn), `fill`
returns a copy with the missing cells filled and the observed ones bit for bit,
`validate` scores a fill on held-out cells, `to_bytes` / `imputer_from_bytes` persist it.
`train_epochs` is the one train-score-keep-best loop.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.imputation.data import PreparedSeries
from models.imputation.evaluate import score


@dataclass(frozen=True)
class Budget:
    """How long a model may train: a number of epochs (repeatable), a deadline, or both.

    `epochs` is the most epochs to train; `deadline` a `time.perf_counter()` value after
    which no new epoch starts. Benchmarks give epochs only, so runs repeat under any load.
    """

    epochs: int
    deadline: float | None = None

    def allows(self, epoch: int, next_epoch_s: float) -> bool:
        """May epoch `epoch + 1` start? A model always gets its first epoch."""
        if epoch >= self.epochs:
            return False
        return (
            epoch == 0
            or self.deadline is None
            or time.perf_counter() + next_epoch_s < self.deadline
        )


class Imputer:
    """The shared interface; see `BaselineImputer` and `ModelImputer`."""

    name = ""
    trainable = False

    def fit(
        self,
        train: PreparedSeries,
        budget: Budget,
        validation: Callable[[Imputer], float] | None = None,
        on_check: Callable[[Imputer, dict[str, Any]], Any] | None = None,
    ) -> dict[str, Any]:
        """Learn from `train`'s observed cells; returns what training did (JSON-able)."""
        return {"status": "fitted", "epochs": 0}

    def fill(self, series: PreparedSeries) -> np.ndarray:
        raise NotImplementedError

    def for_held_out(self) -> Imputer:
        """The imputer to fill held-out folds with after `fit` on the whole series: itself,
        unless what it fitted would carry held-out cells into their own fill (`kalman`)."""
        return self

    def fill_column(self, series: PreparedSeries, column: int) -> np.ndarray:
        """`fill(series)[:, column]`; a method that fills columns one by one does only that one."""
        return self.fill(series)[:, column]

    def validate(
        self, train: PreparedSeries, truth: np.ndarray, hidden: np.ndarray
    ) -> dict[str, float]:
        """MAE, RMSE and MRE of `fill(train)` on the `hidden` cells of `truth`."""
        return score(self.fill(train), truth, hidden)

    def to_bytes(self) -> bytes:
        raise NotImplementedError


class BaselineImputer(Imputer):
    """mean, locf, linear, time or seasonal: nothing to learn, the fill is a formula."""

    def __init__(self, name: str) -> None:
        from models.imputation.baselines import BASELINES

        if name not in BASELINES:
            from models.imputation.errors import UnknownMethodError

            raise UnknownMethodError(
                f"Unknown baseline {name!r}; choose one of {sorted(BASELINES)}."
            )
        self.name = name

    def fill(self, series: PreparedSeries) -> np.ndarray:
        from models.imputation.baselines import impute_baseline

        return impute_baseline(self.name, series)

    def to_bytes(self) -> bytes:
        return json.dumps({"kind": "baseline", "name": self.name}).encode()


class ModelImputer(Imputer):
    """BRITS or NAOMI (any object with fit_epoch / impute / to_bytes / from_bytes / epoch)."""

    trainable = True

    def __init__(self, name: str, model: Any) -> None:
        self.name = name
        self.model = model

    @property
    def epoch(self) -> int:
        return int(self.model.epoch)

    def fit(
        self,
        train: PreparedSeries,
        budget: Budget,
        validation: Callable[[Imputer], float] | None = None,
        on_check: Callable[[Imputer, dict[str, Any]], Any] | None = None,
        check_every: int = 5,
    ) -> dict[str, Any]:
        """Train within `budget`; with `validation`, keep the weights that scored best."""
        best, info = train_epochs(
            self, train, budget, validation, check_every=check_every, on_check=on_check
        )
        if best is not None:
            self.model = best.model
        return info

    def fill(self, series: PreparedSeries) -> np.ndarray:
        return self.model.impute(series.values, series.observed, series.positions)

    def to_bytes(self) -> bytes:
        return self.model.to_bytes()

    def snapshot(self) -> ModelImputer:
        """A copy of the current weights (through the artifact format, so it is exact)."""
        return ModelImputer(self.name, type(self.model).from_bytes(self.model.to_bytes()))


def train_epochs(
    imputer: ModelImputer,
    train: PreparedSeries,
    budget: Budget,
    validation: Callable[[ModelImputer], float] | None = None,
    *,
    check_every: int = 1,
    keep_best: bool = True,
    on_check: Callable[[ModelImputer, dict[str, Any]], Any] | None = None,
    on_batch: Callable[[], Any] | None = None,
) -> tuple[ModelImputer | None, dict[str, Any]]:
    """Train epoch by epoch within `budget`, scoring every `check_every` epochs and at the end.

    `on_check(imputer, record)` sees the live model and the epoch's record (epoch, loss,
    seconds, validation_mae). With `keep_best` the best-scoring weights come back as a
    snapshot (None when no epoch ran); `imputer` itself always ends on its last weights,
    so a job can checkpoint and resume it exactly. `on_batch` goes to the model's
    `fit_epoch` (a job's cancel check between batches).
    """
    best: ModelImputer | None = None
    best_mae, best_epoch, history = float("inf"), 0, []
    started = time.perf_counter()
    epoch_s = 0.0
    while budget.allows(imputer.epoch, epoch_s):
        metrics = (
            imputer.model.fit_epoch(train)
            if on_batch is None
            else imputer.model.fit_epoch(train, on_batch=on_batch)
        )
        epoch_s = metrics["seconds"]
        last = not budget.allows(imputer.epoch, epoch_s)
        if validation is None or not (imputer.epoch % check_every == 0 or last):
            continue
        mae = validation(imputer)
        record = {
            "epoch": imputer.epoch,
            "loss": metrics["loss"],
            "seconds": epoch_s,
            "validation_mae": mae,
        }
        history.append(record)
        if on_check is not None:
            on_check(imputer, record)
        if keep_best and mae < best_mae:
            best_mae, best_epoch, best = mae, imputer.epoch, imputer.snapshot()
    if validation is not None and not history and imputer.epoch > 0:
        # No epoch ran here (trained before, e.g. a probe epoch): score the weights as they are.
        record = {
            "epoch": imputer.epoch,
            "loss": None,
            "seconds": 0.0,
            "validation_mae": validation(imputer),
        }
        history.append(record)
        if on_check is not None:
            on_check(imputer, record)
        if keep_best:
            best_mae, best_epoch, best = record["validation_mae"], imputer.epoch, imputer.snapshot()
    info: dict[str, Any] = {
        "epochs": imputer.epoch,
        "seconds": time.perf_counter() - started,
        "history": history,
    }
    if imputer.epoch == 0:
        return None, {
            **info,
            "status": "skipped",
            "reason": "the budget was too small for one epoch",
        }
    if validation is None:
        return (imputer if keep_best else None), {**info, "status": "trained"}
    return best, {
        **info,
        "status": "trained",
        "best_epoch": best_epoch,
        "best_validation_mae": best_mae,
    }


def imputer_from_bytes(blob: bytes) -> Imputer:
    """Load what `to_bytes` wrote: a baseline's name or a model's artifact zip."""
    if blob[:1] == b"{":
        data = json.loads(blob)
        if data.get("kind") == "kalman":
            from models.imputation.statespace import KalmanImputer

            return KalmanImputer.from_dict(data)
        return BaselineImputer(data["name"])
    import io
    import zipfile

    from models.imputation import get_imputer

    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        kind = json.loads(archive.read("meta.json"))["kind"]
    return ModelImputer(kind, get_imputer(kind).from_bytes(blob))
