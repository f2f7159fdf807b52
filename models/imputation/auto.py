"""`auto`: choose the best method per column and gap-length bucket by held-out validation.

The real gap lengths of each column are measured; observed cells are hidden in gaps of
those lengths; every baseline and, within a time budget, BRITS and NAOMI fill them; the
method with the lowest MAE on a (column, bucket) fills that column's real gaps of that
bucket. Baselines are always candidates and every candidate is scored on the same hidden
cells, so on its own validation `auto` is never worse than the best baseline.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from models.imputation.baselines import impute_baseline
from models.imputation.data import MIN_OBSERVED_MODEL, PreparedSeries, missing_runs
from models.imputation.evaluate import hide_gaps

# Gap-length buckets (inclusive bounds): single points, short, about a day of hourly
# data, and long gaps behave differently, and different methods win in each.
BUCKETS: tuple[tuple[str, int, int], ...] = (
    ("1", 1, 1),
    ("2-4", 2, 4),
    ("5-12", 5, 12),
    ("13-36", 13, 36),
    ("37+", 37, 10**12),
)
# Simpler first: on a tie the earlier method wins.
BASELINE_ORDER = ("linear", "time", "seasonal", "locf", "mean")


def bucket_of(length: int) -> str:
    for name, lo, hi in BUCKETS:
        if lo <= length <= hi:
            return name
    raise ValueError(f"gap length must be positive, got {length}")


@dataclass
class AutoResult:
    imputed: np.ndarray  # (T, C); observed cells unchanged
    choice: dict[str, dict[str, str]]  # column -> bucket -> method
    evidence: dict[str, Any]  # JSON-able: gap lengths, validation MAE per method, model runs
    models: dict[str, Any] = field(default_factory=dict)  # trained BRITS / NAOMI, for registering


def _default_model_factories() -> dict[str, Callable[[], Any]]:
    def brits() -> Any:
        from models.imputation.brits import BRITS

        return BRITS()

    def naomi() -> Any:
        from models.imputation.naomi import NAOMI

        return NAOMI()

    return {"brits": brits, "naomi": naomi}


def _validation_mask(series: PreparedSeries, seed: int, rate: float) -> tuple[np.ndarray, dict[str, dict]]:
    """Hide observed cells in gaps drawn from each column's real gap lengths, per bucket."""
    hidden = np.zeros_like(series.observed)
    gap_lengths: dict[str, dict] = {}
    for j, name in enumerate(series.columns):
        runs = missing_runs(series.observed[:, j])
        lengths = [n for _, n in runs]
        gap_lengths[name] = {str(k): int(v) for k, v in zip(*np.unique(lengths, return_counts=True), strict=True)}
        by_bucket: dict[str, list[int]] = {}
        for n in lengths:
            by_bucket.setdefault(bucket_of(n), []).append(n)
        for k, (_bucket, members) in enumerate(sorted(by_bucket.items())):
            available = series.observed[:, j] & ~hidden[:, j]
            # Several gaps per bucket keep the estimate steady; a long gap still needs
            # observed cells around it, which hide_gaps checks.
            mask = hide_gaps(available[:, None], members, seed=seed + 7919 * j + k, rate=rate, min_gaps=4)
            hidden[:, j] |= mask[:, 0]
    return hidden, gap_lengths


def _errors_by_bucket(
    prediction: np.ndarray, truth: np.ndarray, hidden: np.ndarray, bucket_cells: np.ndarray, columns: list[str]
) -> dict[str, dict[str, dict[str, float]]]:
    out: dict[str, dict[str, dict[str, float]]] = {}
    for j, name in enumerate(columns):
        for bucket, _, _ in BUCKETS:
            cells = hidden[:, j] & (bucket_cells[:, j] == bucket)
            if cells.any():
                error = np.abs(prediction[cells, j] - truth[cells, j])
                out.setdefault(name, {})[bucket] = {"mae": float(error.mean()), "n": int(cells.sum())}
    return out


def _bucket_labels(hidden: np.ndarray) -> np.ndarray:
    labels = np.full(hidden.shape, "", dtype=object)
    for j in range(hidden.shape[1]):
        for start, size in missing_runs(~hidden[:, j]):
            labels[start : start + size, j] = bucket_of(size)
    return labels


def _train_within(
    model: Any,
    train: PreparedSeries,
    deadline: float,
    max_epochs: int,
    score: Callable[[Any], float],
    check_every: int,
    on_progress: Callable[[dict], Any] | None,
    name: str,
) -> tuple[Any, dict[str, Any]]:
    """Train until the deadline or max_epochs; keep the weights with the best validation MAE."""
    best_blob, best_mae, history = None, float("inf"), []
    started = time.perf_counter()
    epoch_s = 0.0
    while model.epoch < max_epochs and time.perf_counter() + epoch_s < deadline:
        metrics = model.fit_epoch(train)
        epoch_s = metrics["seconds"]
        if model.epoch % check_every == 0 or model.epoch >= max_epochs or time.perf_counter() + epoch_s >= deadline:
            mae = score(model)
            history.append({"epoch": model.epoch, "loss": metrics["loss"], "validation_mae": mae})
            if on_progress is not None:
                on_progress({"phase": name, "epoch": model.epoch, "loss": metrics["loss"], "validation_mae": mae})
            if mae < best_mae:
                best_mae, best_blob = mae, model.to_bytes()
    info = {"epochs": model.epoch, "seconds": time.perf_counter() - started, "history": history}
    if best_blob is None:
        return None, {**info, "status": "skipped", "reason": "time budget too small for one epoch"}
    return type(model).from_bytes(best_blob), {**info, "status": "trained", "best_validation_mae": best_mae}


def auto_impute(
    series: PreparedSeries,
    *,
    time_budget_s: float = 60.0,
    seed: int = 0,
    models: dict[str, Callable[[], Any]] | None = None,
    max_epochs: int = 300,
    validation_rate: float = 0.1,
    switch_margin: float = 0.05,
    on_progress: Callable[[dict], Any] | None = None,
) -> AutoResult:
    """Impute `series` with the best validated method per column and gap bucket.

    `models` maps a name to a factory of an untrained model (default: BRITS and NAOMI
    with default configs); `time_budget_s` bounds their training together. A column
    leaves the method that is best over all columns of a bucket only for one at least
    `switch_margin` better on that column: per-column winners by a hair are mostly noise.
    """
    started = time.perf_counter()
    factories = _default_model_factories() if models is None else models
    hidden, gap_lengths = _validation_mask(series, seed, validation_rate)
    labels = _bucket_labels(hidden)
    train = series.with_observed(series.observed & ~hidden)
    truth = series.values
    validation: dict[str, dict[str, dict[str, dict[str, float]]]] = {}  # method -> column -> bucket

    cell_errors: dict[str, np.ndarray] = {}  # method -> |error| on hidden cells (NaN elsewhere)

    def record(method: str, prediction: np.ndarray) -> float:
        validation[method] = _errors_by_bucket(prediction, truth, hidden, labels, series.columns)
        cell_errors[method] = np.where(hidden, np.abs(prediction - truth), np.nan)
        cells = np.abs(prediction[hidden] - truth[hidden])
        return float(cells.mean()) if cells.size else float("inf")

    full_predictions: dict[str, np.ndarray] = {}
    for name in BASELINE_ORDER:
        record(name, impute_baseline(name, train))

    runs: dict[str, dict[str, Any]] = {}
    trained: dict[str, Any] = {}
    enough = bool(hidden.any()) and bool((train.observed.sum(axis=0) >= MIN_OBSERVED_MODEL).all())
    names = list(factories)
    for i, name in enumerate(names):
        if not enough:
            runs[name] = {"status": "skipped", "reason": "too few observed or held-out points"}
            continue
        remaining = time_budget_s - (time.perf_counter() - started)
        deadline = time.perf_counter() + remaining / (len(names) - i)  # split what is left evenly
        model, info = _train_within(
            factories[name](),
            train,
            deadline,
            max_epochs,
            lambda m: record("_probe", m.impute(train.values, train.observed, train.positions)),
            check_every=5,
            on_progress=on_progress,
            name=name,
        )
        runs[name] = {k: v for k, v in info.items()}
        if model is not None:
            trained[name] = model
            record(name, model.impute(train.values, train.observed, train.positions))
    validation.pop("_probe", None)
    cell_errors.pop("_probe", None)

    # Choose per column and bucket; buckets without held-out cells borrow the nearest one.
    order = [*BASELINE_ORDER, *trained]
    choice: dict[str, dict[str, str]] = {}
    imputed = series.values.copy()
    for j, col in enumerate(series.columns):
        scored_buckets = [b for b, _, _ in BUCKETS if any(b in validation[m].get(col, {}) for m in order)]
        best_overall = min(order, key=lambda m, c=col: _column_mae(validation[m].get(c, {})))
        choice[col] = {}
        for start, size in missing_runs(series.observed[:, j]):
            bucket = bucket_of(size)
            if bucket not in choice[col]:
                source = _nearest(bucket, scored_buckets)
                choice[col][bucket] = (
                    _choose(validation, cell_errors, hidden[:, j] & (labels[:, j] == source), order, col, j, source, switch_margin)
                    if source is not None
                    else best_overall
                )
            method = choice[col][bucket]
            if method not in full_predictions:
                full_predictions[method] = (
                    trained[method].impute(series.values, series.observed, series.positions)
                    if method in trained
                    else impute_baseline(method, series)
                )
            imputed[start : start + size, j] = full_predictions[method][start : start + size, j]
    imputed = np.where(series.observed, series.values, imputed)
    evidence = {
        "gap_lengths": gap_lengths,
        "validation_cells": int(hidden.sum()),
        "validation_mae": _validation_summary(validation, choice, order),
        "validation": validation,
        "models": runs,
        "choice": choice,
        "time_budget_s": time_budget_s,
        "seconds": time.perf_counter() - started,
    }
    return AutoResult(imputed=imputed, choice=choice, evidence=evidence, models=trained)


def _pooled_mae(validation: dict, method: str, bucket: str) -> float:
    cells = [v[bucket] for v in validation[method].values() if bucket in v]
    count = sum(c["n"] for c in cells)
    return sum(c["mae"] * c["n"] for c in cells) / count if count else float("inf")


def _choose(
    validation: dict,
    cell_errors: dict[str, np.ndarray],
    cells: np.ndarray,
    order: list[str],
    column: str,
    column_index: int,
    bucket: str,
    margin: float,
) -> str:
    """The bucket's winner over all columns, unless another method is clearly better on this column.

    Clearly: at least `margin` lower MAE and a paired difference over the held-out cells
    of more than two standard errors (a handful of cells decides nothing).
    """

    def on_column(method: str) -> float:
        return validation[method].get(column, {}).get(bucket, {}).get("mae", float("inf"))

    pooled_best = min(order, key=lambda m: _pooled_mae(validation, m, bucket))
    column_best = min(order, key=on_column)
    if column_best == pooled_best or not on_column(column_best) < (1.0 - margin) * on_column(pooled_best):
        return pooled_best
    gain = (cell_errors[pooled_best] - cell_errors[column_best])[:, column_index][cells]
    if gain.size < 2:
        return pooled_best
    standard_error = gain.std(ddof=1) / np.sqrt(gain.size)
    return column_best if gain.mean() > 2.0 * standard_error else pooled_best


def _validation_summary(validation: dict, choice: dict[str, dict[str, str]], order: list[str]) -> dict[str, float]:
    """Held-out MAE of each method over all validation cells, and of auto's choices."""
    out = {m: _column_mae({f"{c}/{b}": v for c, bs in validation[m].items() for b, v in bs.items()}) for m in order}
    cells = [
        validation[method][column][bucket]
        for column, buckets in choice.items()
        for bucket, method in buckets.items()
        if bucket in validation[method].get(column, {})
    ]
    count = sum(c["n"] for c in cells)
    out["auto"] = sum(c["mae"] * c["n"] for c in cells) / count if count else float("nan")
    return out


def _column_mae(by_bucket: dict[str, dict[str, float]]) -> float:
    total = sum(v["mae"] * v["n"] for v in by_bucket.values())
    count = sum(v["n"] for v in by_bucket.values())
    return total / count if count else float("inf")


def _nearest(bucket: str, available: list[str]) -> str | None:
    if not available:
        return None
    names = [b for b, _, _ in BUCKETS]
    index = names.index(bucket)
    return min(available, key=lambda b: (abs(names.index(b) - index), names.index(b)))
