"""`auto`: choose the best method per column and gap-length bucket by held-out validation.

The real (interior) gap lengths of each column are measured; in several validation folds
observed cells are hidden in gaps of those lengths. Every baseline fills every fold, which
is cheap, and the best baseline of a bucket is chosen on all of them. BRITS and NAOMI train
within a time budget on the first fold's remaining cells and are scored on its gaps; a
model replaces the chosen baseline only where it is better by a clear, significant margin
on the same held-out gaps. On short series a few held-out gaps decide little, and a model
that wins by noise loses to interpolation on the gaps that matter: the baselines are the
default, the models have to earn their place.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from models.imputation.baselines import impute_baseline
from models.imputation.data import (
    MIN_OBSERVED_MODEL,
    PreparedSeries,
    interior_gap_lengths,
    missing_runs,
)
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
# Simpler first: on a tie the earlier method wins. Time-weighted interpolation is linear
# interpolation on the time axis: identical on a regular grid, right on an irregular one.
BASELINE_ORDER = ("time", "linear", "seasonal", "locf", "mean")
# A challenger must beat the incumbent in a one-sided paired t-test at this level, over
# clusters of held-out gaps (not cells: the cells of one gap share their error). Several
# comparisons are made per bucket and column, so the level is strict.
SIGNIFICANCE = 0.95
# Fewest independent stretches (clusters) a model may win on. With 3, the t-test's own
# standard error rests on 3 numbers: on stocks (123 rows, 50-step gaps, 3 columns with a
# held-out gap each) a model passed it by luck in one of 5 seeds and lost to interpolation
# on the real gaps by 35% (36.7 vs 27.1 MAE), making auto 1.055x the best baseline.
MIN_GAPS_TO_COMPARE = 5


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


def _fold_masks(
    series: PreparedSeries, seed: int, rate: float, folds: int
) -> tuple[list[np.ndarray], dict[str, dict[str, int]]]:
    """`folds` masks, each hiding about `rate` of every column's observed cells in gaps of its real lengths.

    Each bucket of real gap lengths gets its share of the rate and at least one gap, so a
    fold takes a small bite of a short series instead of most of it.
    """
    lengths_by_column = [interior_gap_lengths(series.observed[:, j]) for j in range(series.n_columns)]
    gap_lengths = {
        name: {str(k): int(v) for k, v in zip(*np.unique(lengths, return_counts=True), strict=True)}
        for name, lengths in zip(series.columns, lengths_by_column, strict=True)
    }
    masks = []
    for fold in range(folds):
        hidden = np.zeros_like(series.observed)
        for j, lengths in enumerate(lengths_by_column):
            by_bucket: dict[str, list[int]] = {}
            for n in lengths:
                by_bucket.setdefault(bucket_of(n), []).append(n)
            for k, (_bucket, members) in enumerate(sorted(by_bucket.items())):
                available = series.observed[:, j] & ~hidden[:, j]
                mask = hide_gaps(
                    available[:, None], members, seed=seed + 7919 * j + 104_729 * fold + k,
                    rate=rate / len(by_bucket), min_gaps=1,
                )
                hidden[:, j] |= mask[:, 0]
        masks.append(hidden)
    return masks, gap_lengths


@dataclass
class _Gaps:
    """Every held-out gap of every fold, and each method's absolute error summed over it."""

    fold: np.ndarray  # (G,)
    column: np.ndarray  # (G,)
    bucket: np.ndarray  # (G,) bucket names
    cells: np.ndarray  # (G,) gap lengths
    cluster: np.ndarray  # (G,) gaps of one column that overlap across folds share an id
    slices: list[tuple[int, int, int, int]]  # (fold, column, start, size)
    errors: dict[str, np.ndarray] = field(default_factory=dict)  # method -> (G,), NaN where not scored

    @classmethod
    def of(cls, masks: list[np.ndarray]) -> _Gaps:
        slices = [
            (k, j, start, size)
            for k, hidden in enumerate(masks)
            for j in range(hidden.shape[1])
            for start, size in missing_runs(~hidden[:, j])
        ]
        return cls(
            fold=np.array([s[0] for s in slices], dtype=np.int64),
            column=np.array([s[1] for s in slices], dtype=np.int64),
            bucket=np.array([bucket_of(s[3]) for s in slices], dtype=object),
            cells=np.array([s[3] for s in slices], dtype=np.float64),
            cluster=_overlap_clusters(slices),
            slices=slices,
        )

    def record(self, method: str, fold: int, prediction: np.ndarray, truth: np.ndarray) -> None:
        errors = self.errors.setdefault(method, np.full(len(self.slices), np.nan))
        for g, (k, j, start, size) in enumerate(self.slices):
            if k == fold:
                errors[g] = np.abs(prediction[start : start + size, j] - truth[start : start + size, j]).sum()

    def mae(self, method: str, where: np.ndarray) -> float:
        scored = where & ~np.isnan(self.errors[method])
        return float(self.errors[method][scored].sum() / self.cells[scored].sum()) if scored.any() else float("inf")

    def beats(
        self, challenger: str, incumbent: str, where: np.ndarray, margin: float, level: float = SIGNIFICANCE
    ) -> bool:
        """True when `challenger` has a clearly lower MAE than `incumbent` on the gaps both were scored on.

        Clearly: the paired difference is below zero in a one-sided t-test at `level`
        and by at least `margin` of the incumbent's MAE. The unit is a cluster of
        overlapping gaps, not a cell or a gap: on a short series the folds can only hide
        the same few stretches, and counting those again is no new evidence.
        """
        both = where & ~np.isnan(self.errors[challenger]) & ~np.isnan(self.errors[incumbent])
        clusters, index = np.unique(self.cluster[both], return_inverse=True)
        if len(clusters) < MIN_GAPS_TO_COMPARE:
            return False
        weights = np.bincount(index, weights=self.cells[both])
        gain = np.bincount(index, weights=self.errors[challenger][both] - self.errors[incumbent][both])
        per_cluster = gain / weights
        difference = float(gain.sum() / weights.sum())
        standard_error = float(np.sqrt((weights**2 * (per_cluster - difference) ** 2).sum()) / weights.sum())
        incumbent_mae = float(self.errors[incumbent][both].sum() / weights.sum())
        critical = float(stats.t.ppf(level, df=len(clusters) - 1))
        return difference < -critical * standard_error and difference < -margin * incumbent_mae

    def table(self, method: str, columns: list[str], fold: int | None) -> dict[str, dict[str, dict[str, float]]]:
        """column -> bucket -> {mae, n (cells)} over one fold (None: every fold the method was scored on)."""
        out: dict[str, dict[str, dict[str, float]]] = {}
        in_fold = np.ones(len(self.slices), bool) if fold is None else self.fold == fold
        for j, name in enumerate(columns):
            for bucket, _, _ in BUCKETS:
                where = in_fold & (self.column == j) & (self.bucket == bucket) & ~np.isnan(self.errors[method])
                if where.any():
                    out.setdefault(name, {})[bucket] = {"mae": self.mae(method, where), "n": int(self.cells[where].sum())}
        return out


def _overlap_clusters(slices: list[tuple[int, int, int, int]]) -> np.ndarray:
    """An id per gap; gaps of one column whose cells overlap (in any fold) share it."""
    ids = np.empty(len(slices), dtype=np.int64)
    order = sorted(range(len(slices)), key=lambda g: (slices[g][1], slices[g][2]))
    current, column, end = -1, -1, -1
    for g in order:
        _, j, start, size = slices[g]
        if j != column or start >= end:
            current, column, end = current + 1, j, start + size
        else:
            end = max(end, start + size)
        ids[g] = current
    return ids


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
    folds: int = 5,
    model_folds: int = 2,
    switch_margin: float = 0.05,
    on_progress: Callable[[dict], Any] | None = None,
) -> AutoResult:
    """Impute `series` with the best validated method per column and gap bucket.

    `models` maps a name to a factory of an untrained model (default: BRITS and NAOMI
    with default configs); `time_budget_s` bounds their training together. Baselines are
    scored on `folds` validation folds; each model is trained once per fold on the first
    `model_folds` folds and scored on that fold's gaps. A method other than the
    bucket's best baseline (pooled over columns) is chosen only when it beats that
    baseline by at least `switch_margin` and in a one-sided paired t-test at
    SIGNIFICANCE on the same held-out gaps.
    """
    started = time.perf_counter()
    factories = _default_model_factories() if models is None else models
    masks, gap_lengths = _fold_masks(series, seed, validation_rate, max(folds, 1))
    gaps = _Gaps.of(masks)
    truth = series.values
    fold_series = [series.with_observed(series.observed & ~hidden) for hidden in masks]
    for name in BASELINE_ORDER:
        for k, train in enumerate(fold_series):
            gaps.record(name, k, impute_baseline(name, train), truth)

    runs: dict[str, dict[str, Any]] = {}
    trained: dict[str, Any] = {}
    model_folds = max(1, min(model_folds, len(masks)))
    # The models learn from all columns at once: one well-observed column is enough to
    # train on (a column that starts late still gets its gaps filled from the others).
    enough = bool(masks[0].any()) and bool((fold_series[0].observed.sum(axis=0) >= MIN_OBSERVED_MODEL).any())

    def probe_on(k: int) -> Callable[[Any], float]:
        data, hidden = fold_series[k], masks[k]

        def probe(model: Any) -> float:
            prediction = model.impute(data.values, data.observed, data.positions)
            return float(np.abs(prediction[hidden] - truth[hidden]).mean())

        return probe

    names = list(factories)
    sessions = [(name, k) for name in names for k in range(model_folds)]
    for i, (name, k) in enumerate(sessions):
        if not enough:
            runs[name] = {"status": "skipped", "reason": "too few observed or held-out points"}
            continue
        if k > 0 and name not in trained:
            continue  # no time for one epoch on the first fold: none for the others either
        remaining = time_budget_s - (time.perf_counter() - started)
        deadline = time.perf_counter() + remaining / (len(sessions) - i)  # split what is left evenly
        phase = name if k == 0 else f"{name} (fold {k + 1})"
        data = fold_series[k]
        model, info = _train_within(
            factories[name](), data, deadline, max_epochs, probe_on(k), check_every=5, on_progress=on_progress, name=phase
        )
        if k == 0:
            runs[name] = info
        else:
            runs[name].setdefault("other_folds", []).append(info)
        if model is not None:
            # Cross-fitting: each fold's model is scored on the gaps it never saw, which
            # doubles the evidence for the choice; the first fold's model fills the gaps.
            trained.setdefault(name, model)
            gaps.record(name, k, model.impute(data.values, data.observed, data.positions), truth)

    order = [*BASELINE_ORDER, *trained]
    choice = _choose_all(series, gaps, list(trained), switch_margin)
    imputed = series.values.copy()
    full_predictions: dict[str, np.ndarray] = {}
    for j, col in enumerate(series.columns):
        for start, size in missing_runs(series.observed[:, j]):
            method = choice[col][bucket_of(size)]
            if method not in full_predictions:
                full_predictions[method] = (
                    trained[method].impute(series.values, series.observed, series.positions)
                    if method in trained
                    else impute_baseline(method, series)
                )
            imputed[start : start + size, j] = full_predictions[method][start : start + size, j]
    imputed = np.where(series.observed, series.values, imputed)
    # Every method on the first fold (the one all were scored on), so the numbers compare.
    validation = {m: gaps.table(m, series.columns, fold=0) for m in order}
    evidence = {
        "gap_lengths": gap_lengths,
        "folds": len(masks),
        "validation_cells": int(masks[0].sum()),
        "validation_mae": _validation_summary(validation, choice, order),
        "validation": validation,
        "baseline_validation_all_folds": {m: gaps.table(m, series.columns, fold=None) for m in BASELINE_ORDER},
        "models": runs,
        "choice": choice,
        "time_budget_s": time_budget_s,
        "seconds": time.perf_counter() - started,
    }
    return AutoResult(imputed=imputed, choice=choice, evidence=evidence, models=trained)


def _choose_all(
    series: PreparedSeries, gaps: _Gaps, model_names: list[str], margin: float
) -> dict[str, dict[str, str]]:
    """column -> bucket -> method for every bucket of real missing runs (edges included).

    Per bucket, pooled over columns: the baseline with the lowest MAE over all folds,
    then each model (best first) challenges it on the gaps of the folds it was scored on. A column leaves
    the bucket's method only for one that clearly beats it on the column's own gaps. A
    bucket without held-out gaps borrows the decision of the nearest bucket that has some.
    """
    scored = [b for b, _, _ in BUCKETS if (gaps.bucket == b).any()]
    candidates = [*BASELINE_ORDER, *model_names]
    per_bucket: dict[str, str] = {}
    for bucket in scored:
        in_bucket = gaps.bucket == bucket
        winner = min(BASELINE_ORDER, key=lambda m, w=in_bucket: gaps.mae(m, w))
        for model in sorted(model_names, key=lambda m, w=in_bucket: gaps.mae(m, w)):
            if gaps.beats(model, winner, in_bucket, margin):  # on the folds the model was scored on
                winner = model
        per_bucket[bucket] = winner

    # One override test per column: share the error rate among them (Bonferroni), else
    # a wide table would switch some column on luck alone.
    column_level = 1.0 - (1.0 - SIGNIFICANCE) / max(series.n_columns, 1)
    choice: dict[str, dict[str, str]] = {}
    for j, col in enumerate(series.columns):
        choice[col] = {}
        own_gaps = gaps.column == j
        for _start, size in missing_runs(series.observed[:, j]):
            bucket = bucket_of(size)
            if bucket in choice[col]:
                continue
            source = _nearest(bucket, scored)
            if source is None:  # nothing held out anywhere: the simplest baseline
                choice[col][bucket] = BASELINE_ORDER[0]
                continue
            pooled = per_bucket[source]
            own = own_gaps & (gaps.bucket == source)
            own_best = min(candidates, key=lambda m, w=own: gaps.mae(m, w))
            override = own_best != pooled and gaps.beats(own_best, pooled, own, margin, column_level)
            choice[col][bucket] = own_best if override else pooled
    return choice


def _validation_summary(validation: dict, choice: dict[str, dict[str, str]], order: list[str]) -> dict[str, float]:
    """Held-out MAE (first fold) of each method over all its cells, and of auto's choices."""
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
