"""`auto`: fill each column's gaps with the method held-out validation shows best, or the default.

The default, the one method that needs no held-out evidence, is the state-space smoother
(`kalman`, `statespace.py`) on a series whose rows are evenly spaced (in time or in calendar
units), else time-weighted interpolation. The smoother's model per column is chosen by
likelihood (AIC) on every observed cell among structures that include the simple methods' own:
a random walk (its smoother is interpolation's straight line), white noise around a mean (the
mean), both also on seasonally adjusted values (the seasonal profile), and AR(1), local level,
ARMA(1,1), ARIMA(1,1,0). So the default is interpolation wherever the data show nothing more,
and where they do (noise, a pull toward the mean, a cycle), the likelihood reads it from all
observed values: five held-out folds of a 70-value series hold too few stretches to show it.
Every other method, baseline or learned model alike, is a candidate that must earn a switch:

1. The real interior gap lengths of each column are measured, and `folds` disjoint
   validation folds hide observed cells in gaps of those lengths (`held_out_masks`).
2. Every candidate fills the selection folds (a model is trained on a fold's remaining
   cells and scored on that fold's gaps, which it never saw).
3. Per gap-length bucket (pooled over columns, then per column): each candidate is tested
   against the incumbent in a one-sided paired t-test over the held-out stretches; the
   p-values are Holm-corrected for the number of candidates (and, per column, the number
   of columns). Only a candidate that is significantly and at least `switch_margin`
   better may be picked, the one with the lowest MAE among those.
4. The pick is re-validated on the confirmation folds, which played no part in choosing it
   (a model is retrained there for the number of epochs chosen on the selection folds, so
   its stopping epoch is not tuned on the gaps that judge it). Only a confirmed pick is used.

With fewer than MIN_STRETCHES held-out stretches (short series, few gaps) nothing can be
shown, and `auto` keeps the default and says so in its evidence. Two exceptions where
interpolation is the default, both for the seasonal profile, whose lead over interpolation
grows with the gap (a longer gap misses more of the cycle): a thin bucket takes it where it
was confirmed on the column's shorter gaps, or where it wins on the thin bucket's stretches
and all shorter ones pooled, on the selection and on the confirmation folds (the pool has the
stretches a thin bucket lacks).

5. Rolling check: where a column's bucket kept the default on fewer than ROLLING_BELOW
   held-out stretches, every observed stretch of the real gap's length is hidden in turn
   (`models.imputation.rolling`), the baselines are tested on those pseudo-gaps in blocks
   (Holm at level / columns, at least MIN_STRETCHES blocks), and the pick is used where it
   also has the lower MAE on the confirmation folds' fresh stretches.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from models.imputation import make_imputer
from models.imputation.blend import WEIGHT, BlendImputer, blend_fill, blend_name, blend_parts
from models.imputation.data import (
    MIN_OBSERVED_MODEL,
    PreparedSeries,
    interior_gap_lengths,
    missing_runs,
)
from models.imputation.evaluate import BUCKETS, gap_bucket, held_out_masks
from models.imputation.imputer import Budget, Imputer, ModelImputer

# The method that needs no evidence on a regular grid: the state-space smoother
# (`statespace.py`), whose model per column is chosen by likelihood on every observed cell
# among structures that include interpolation's (a random walk: its smoother is the straight
# line) and the mean's (white noise). Five held-out folds of a short series hold too few
# stretches to show anything; the likelihood reads all of them.
MODEL_DEFAULT = "kalman"
# The default where the smoother cannot be one (rows not equally spaced in time or in
# calendar units: its models step by row) or is not a candidate. Time-weighted interpolation
# is linear interpolation on the time axis: identical on a regular grid, right on an
# irregular one.
DEFAULT = "time"
# How the evidence's notes name a default.
DESCRIPTIONS = {
    "time": "time interpolation",
    "kalman": "the state-space smoother (its model chosen by likelihood on all observed cells)",
}
# Candidates without epochs, simpler first (ties in MAE go to the earlier one): the baselines,
# then the state-space smoother (`statespace.py`), fitted on each fold's observed cells.
BASELINE_ORDER = ("time", "linear", "seasonal", "locf", "mean", "kalman")
# Family-wise error level of one switch decision (shared among candidates by Holm).
LEVEL = 0.05
# Fewest held-out stretches a comparison may rest on, on the selection and on the
# confirmation folds alike. With 3, a t-test's standard error rests on 3 numbers: on
# stocks (123 rows, 50-step gaps) a model passed by luck in one of 5 seeds and lost to
# interpolation on the real gaps by 35%.
MIN_STRETCHES = 5
# Fewest fresh stretches that may confirm a pick that already passed the selection (a
# second, independent test: the two together let a luck-driven pick through rarely).
MIN_CONFIRMATION_STRETCHES = 3
# The gap buckets' names, shortest gaps first.
BUCKET_NAMES = [b for b, _, _ in BUCKETS]
# Below this many held-out stretches of a column's bucket on the selection folds, a kept
# default is re-examined on rolling pseudo-gaps carved from all the observed data
# (`models.imputation.rolling`): far more of the series is scored than five 10% folds hold.
# 30: where a t-test's normal approximation is commonly taken to start.
ROLLING_BELOW = 30
# A pick made on rolling pseudo-gaps is confirmed where it also has the lower MAE on at
# least this many fresh stretches that the pseudo-gaps never scored. The selection test
# already rests on many pseudo-gaps; the fresh stretches (often few: a short series holds
# two of 24 steps) check its direction. A method no better than the default passes both
# with probability at most level / columns x 1/2.
MIN_ROLLING_CONFIRMATION = 2
# Held-out gaps per fold and gap bucket at least (where they fit): a rare long gap would
# otherwise get one stretch per fold, too few to test anything on.
GAPS_PER_FOLD = 4
# Share of a time budget for training on the selection folds; the rest retrains a picked
# model on a confirmation fold.
SELECTION_SHARE = 2 / 3

bucket_of = gap_bucket  # the name older callers know


@dataclass
class AutoResult:
    imputed: np.ndarray  # (T, C); observed cells unchanged
    choice: dict[str, dict[str, str]]  # column -> bucket -> method
    evidence: dict[str, Any]  # JSON-able: the decisions, validation MAE per method, model runs
    models: dict[str, Imputer] = field(default_factory=dict)  # trained models that fill some gap


def _default_model_factories() -> dict[str, Callable[[], Any]]:
    from models.imputation import MODELS, get_imputer

    def factory(name: str) -> Callable[[], Any]:
        return lambda: get_imputer(name)()

    return {name: factory(name) for name in MODELS}


@dataclass
class _Gaps:
    """Every held-out gap of every fold, and each method's absolute error summed over it."""

    fold: np.ndarray  # (G,)
    column: np.ndarray  # (G,)
    bucket: np.ndarray  # (G,) bucket names
    cells: np.ndarray  # (G,) gap lengths
    start: np.ndarray  # (G,) first step of each gap
    slices: list[tuple[int, int, int, int]]  # (fold, column, start, size)
    errors: dict[str, np.ndarray] = field(
        default_factory=dict
    )  # method -> (G,), NaN where not scored

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
            bucket=np.array([gap_bucket(s[3]) for s in slices], dtype=object),
            cells=np.array([s[3] for s in slices], dtype=np.float64),
            start=np.array([s[2] for s in slices], dtype=np.int64),
            slices=slices,
        )

    def record(self, method: str, fold: int, prediction: np.ndarray, truth: np.ndarray) -> None:
        errors = self.errors.setdefault(method, np.full(len(self.slices), np.nan))
        index = np.flatnonzero(self.fold == fold)
        if not len(index):
            return
        # Sum |error| over each gap from running sums: one pass, however many gaps.
        absolute = np.nan_to_num(np.abs(prediction - truth), nan=0.0)
        running = np.vstack([np.zeros((1, absolute.shape[1])), np.cumsum(absolute, axis=0)])
        starts, columns = self.start[index], self.column[index]
        errors[index] = (
            running[starts + self.cells[index].astype(np.int64), columns] - running[starts, columns]
        )

    def scored(self, method: str) -> np.ndarray:
        return (
            ~np.isnan(self.errors[method])
            if method in self.errors
            else np.zeros(len(self.slices), bool)
        )

    def mae(self, method: str, where: np.ndarray) -> float:
        scored = where & self.scored(method)
        return (
            float(self.errors[method][scored].sum() / self.cells[scored].sum())
            if scored.any()
            else float("inf")
        )

    def compare(self, challenger: str, incumbent: str, where: np.ndarray) -> dict[str, float]:
        """One-sided paired t-test of "challenger has the lower MAE" over the held-out stretches.

        The unit is a held-out gap (its cells share their error); gaps weigh by their
        length, so the mean difference is the difference in MAE.
        """
        both = where & self.scored(challenger) & self.scored(incumbent)
        n = int(both.sum())
        incumbent_mae = self.mae(incumbent, both)
        if n < 2:
            return {"n": n, "difference": 0.0, "incumbent_mae": incumbent_mae, "p": 1.0}
        weights = self.cells[both]
        gain = self.errors[challenger][both] - self.errors[incumbent][both]
        difference = float(gain.sum() / weights.sum())
        spread = float(
            np.sqrt((weights**2 * (gain / weights - difference) ** 2).sum()) / weights.sum()
        )
        if spread == 0.0:
            p = 0.0 if difference < 0 else 1.0
        else:
            p = float(stats.t.cdf(difference / spread, df=n - 1))
        return {"n": n, "difference": difference, "incumbent_mae": incumbent_mae, "p": p}

    def table(
        self, method: str, columns: list[str], folds: np.ndarray
    ) -> dict[str, dict[str, dict[str, float]]]:
        """column -> bucket -> {mae, n (cells)} over the given folds."""
        out: dict[str, dict[str, dict[str, float]]] = {}
        in_folds = np.isin(self.fold, folds)
        for j, name in enumerate(columns):
            for bucket, _, _ in BUCKETS:
                where = (
                    in_folds & (self.column == j) & (self.bucket == bucket) & self.scored(method)
                )
                if where.any():
                    out.setdefault(name, {})[bucket] = {
                        "mae": self.mae(method, where),
                        "n": int(self.cells[where].sum()),
                    }
        return out


def holm(p_values: dict[str, float]) -> dict[str, float]:
    """Holm-adjusted p-values: each may be compared with the family's level directly."""
    order = sorted(p_values, key=lambda m: p_values[m])
    adjusted, running = {}, 0.0
    for rank, name in enumerate(order):
        running = max(running, min(1.0, (len(order) - rank) * p_values[name]))
        adjusted[name] = running
    return adjusted


@dataclass
class _Decision:
    incumbent: str
    candidates: list[str]
    stretches: int
    selection_mae: dict[str, float] = field(default_factory=dict)
    p_values: dict[str, float] = field(default_factory=dict)  # Holm-adjusted
    picked: str | None = None  # passed selection, awaits confirmation
    confirmation: dict[str, float] | None = None
    winner: str = ""
    verdict: str = ""

    def to_json(self) -> dict[str, Any]:
        confidence = None
        if self.winner != self.incumbent and self.confirmation is not None:
            confidence = 1.0 - max(self.p_values[self.winner], self.confirmation["p"])
        return {
            "incumbent": self.incumbent,
            "candidates": self.candidates,
            "stretches": self.stretches,
            "confirmation_stretches": None if self.confirmation is None else self.confirmation["n"],
            "selection_mae": self.selection_mae,
            "p_values": self.p_values,
            "confirmation_p": None if self.confirmation is None else self.confirmation["p"],
            "winner": self.winner,
            "confidence": confidence,
            "verdict": self.verdict,
        }


def _select(
    gaps: _Gaps,
    incumbent: str,
    candidates: list[str],
    where: np.ndarray,
    level: float,
    margin: float,
) -> _Decision:
    """Holm-corrected tests of every candidate against the incumbent on the `where` gaps."""
    others = [c for c in candidates if c != incumbent and c in gaps.errors]
    stretches = int((where & gaps.scored(incumbent)).sum())
    decision = _Decision(incumbent, others, stretches, winner=incumbent)
    decision.selection_mae = {
        m: gaps.mae(m, where) for m in [incumbent, *others] if np.isfinite(gaps.mae(m, where))
    }
    if stretches < MIN_STRETCHES:
        decision.verdict = f"thin evidence: {stretches} held-out stretch(es), {MIN_STRETCHES} needed; kept {incumbent}"
        return decision
    raw = {}
    for name in others:
        test = gaps.compare(name, incumbent, where)
        clear = test["n"] >= MIN_STRETCHES and test["difference"] < -margin * test["incumbent_mae"]
        raw[name] = test["p"] if clear else 1.0
    decision.p_values = holm(raw) if raw else {}
    significant = [m for m, p in decision.p_values.items() if p <= level]
    if not significant:
        decision.verdict = f"no candidate significantly better than {incumbent}; kept it"
        return decision
    decision.picked = min(significant, key=lambda m: (decision.selection_mae[m], others.index(m)))
    return decision


def _confirm(gaps: _Gaps, decision: _Decision, where: np.ndarray, level: float) -> None:
    """Keep the pick only if it also wins on the confirmation folds (one test, no correction)."""
    if decision.picked is None:
        return
    test = gaps.compare(decision.picked, decision.incumbent, where)
    decision.confirmation = test
    if test["n"] < MIN_CONFIRMATION_STRETCHES:
        decision.verdict = (
            f"{decision.picked} won the selection, but only {test['n']} fresh stretch(es) could confirm it "
            f"({MIN_CONFIRMATION_STRETCHES} needed); kept {decision.incumbent}"
        )
    elif test["p"] <= level and test["difference"] < 0:
        decision.winner = decision.picked
        decision.verdict = (
            f"{decision.picked} beat {decision.incumbent} on the selection and on fresh folds"
        )
    else:
        decision.verdict = (
            f"{decision.picked} won the selection but not on fresh folds; kept {decision.incumbent}"
        )


def default_method(series: PreparedSeries, candidates: Sequence[str] = BASELINE_ORDER) -> str:
    """The method `auto` keeps where no candidate shows it is better (module doc)."""
    return MODEL_DEFAULT if MODEL_DEFAULT in candidates and series.on_grid else DEFAULT


def auto_impute(
    series: PreparedSeries,
    *,
    time_budget_s: float = 60.0,
    epoch_budget: int | None = None,
    seed: int = 0,
    models: dict[str, Callable[[], Any]] | None = None,
    max_epochs: int = 300,
    validation_rate: float = 0.1,
    folds: int = 5,
    confirmation_folds: int = 2,
    model_folds: int = 2,
    switch_margin: float = 0.0,
    level: float = LEVEL,
    on_progress: Callable[[dict], Any] | None = None,
    baselines: Sequence[str] = BASELINE_ORDER,
) -> AutoResult:
    """Impute `series` with the validated method per column and gap bucket (see the module doc).

    `models` maps a name to a factory of an untrained model (default: BRITS and NAOMI);
    `baselines` are the candidates without epochs (default: all, the default method first).
    Training is bounded by `epoch_budget` epochs per model and fold when given (the same
    choice under any load), else by `time_budget_s` seconds for all models together, split
    so each model gets the same number of epochs (a slow NAOMI gets more seconds).
    """
    started = time.perf_counter()
    factories = _default_model_factories() if models is None else models
    folds = max(folds, 2)
    confirmation_folds = min(max(confirmation_folds, 1), folds - 1)
    selection = np.arange(folds - confirmation_folds)
    confirmation = np.arange(folds - confirmation_folds, folds)
    masks, lengths = held_out_masks(
        series.observed, seed, validation_rate, folds, min_gaps=GAPS_PER_FOLD
    )
    gaps = _Gaps.of(masks)
    truth = series.values
    fold_series = [series.with_observed(series.observed & ~hidden) for hidden in masks]

    default = default_method(series, baselines)
    baselines = [
        m for m in dict.fromkeys([default, *baselines]) if m != "linear" or series.irregular
    ]  # linear == time on a grid
    # Fitted once on every observed cell: the state-space smoother chooses its model per
    # column here; on each fold it refits that model's parameters on the fold's own cells
    # (`for_held_out`), so no held-out cell reaches the parameters that fill it.
    fitted = {name: make_imputer(name) for name in baselines}
    for imputer in fitted.values():
        imputer.fit(series, Budget(0))
    on_folds = {name: imputer.for_held_out() for name, imputer in fitted.items()}
    for k, train in enumerate(fold_series):
        fills = {name: on_folds[name].fill(train) for name in baselines}
        for name, filled in fills.items():
            gaps.record(name, k, filled, truth)
        for challenger in (m for m in baselines if m != default):
            blended = blend_fill(fills[default], fills[challenger])
            gaps.record(blend_name(default, challenger), k, blended, truth)

    # The models' time budget starts now: the fits and fills of the candidates without epochs
    # (seconds for the state-space smoother on 100,000 rows) do not eat the models' training.
    training_started = time.perf_counter()
    in_selection = np.isin(gaps.fold, selection)
    enough_stretches = any(
        int((in_selection & (gaps.bucket == b)).sum()) >= MIN_STRETCHES for b, _, _ in BUCKETS
    )
    enough_data = bool((fold_series[0].observed.sum(axis=0) >= MIN_OBSERVED_MODEL).any())
    runs: dict[str, dict[str, Any]] = {}
    best_epochs: dict[str, list[int]] = {}
    if factories and not (enough_stretches and enough_data):
        reason = (
            f"fewer than {MIN_OBSERVED_MODEL} observed steps in every column"
            if not enough_data
            else f"fewer than {MIN_STRETCHES} held-out stretches in every gap bucket: no model could earn a switch"
        )
        runs = {name: {"status": "skipped", "reason": reason} for name in factories}
    elif factories:
        model_fold_ids = list(selection[: max(1, min(model_folds, len(selection)))])
        deadline = (
            training_started + SELECTION_SHARE * time_budget_s if epoch_budget is None else None
        )
        for name, fold_epochs, info in _train_selection(
            factories,
            fold_series,
            model_fold_ids,
            gaps,
            truth,
            masks,
            epoch_budget,
            max_epochs,
            deadline,
            on_progress,
        ):
            runs[name] = info
            best_epochs[name] = fold_epochs

    candidates = [*baselines, *[m for m in best_epochs if best_epochs[m]]]
    decisions = _decide_all(series, default, gaps, candidates, selection, level, switch_margin)

    # Models picked somewhere are retrained on the first confirmation fold for the epochs
    # the selection chose, and scored on its gaps; then every pick faces the fresh folds.
    picked_models = {d.picked for d in _all_decisions(decisions) if d.picked in best_epochs}
    trained: dict[str, Imputer] = {}
    for name in sorted(picked_models):
        k = int(confirmation[0])
        epochs = max(1, int(round(float(np.mean(best_epochs[name])))))
        deadline = (
            None
            if epoch_budget is not None
            else max(time.perf_counter() + 1.0, training_started + time_budget_s)
        )
        model = ModelImputer(name, factories[name]())
        runs[name]["confirmation"] = model.fit(fold_series[k], Budget(epochs, deadline))
        gaps.record(name, k, model.fill(fold_series[k]), truth)
        trained[name] = model
    _confirm_all(decisions, gaps, confirmation, level, series.columns)
    decisions["thin_pooled"] = _thin_pooled_seasonal(
        series, default, gaps, decisions, candidates, selection, confirmation, level
    )

    choice, evidence_decisions = _choices(series, decisions, default)
    _rolling_switches(
        series,
        default,
        gaps,
        masks,
        choice,
        evidence_decisions,
        fitted,
        selection,
        confirmation,
        level,
    )
    _blend_where_inconclusive(
        series, default, gaps, choice, evidence_decisions, baselines, selection, confirmation, level
    )
    used = {m for buckets in choice.values() for m in buckets.values()}
    fillers: dict[str, Imputer] = {
        m: trained[m]
        if m in trained
        else (BlendImputer(m, fitted) if blend_parts(m) is not None else fitted[m])
        for m in used
    }
    imputed = _fill(series, choice, fillers)
    notes = _notes(evidence_decisions, default)
    evidence = {
        "default": default,
        "gap_lengths": {
            name: {
                str(k): int(v)
                for k, v in zip(
                    *np.unique(np.asarray(ls, dtype=np.int64), return_counts=True), strict=True
                )
            }
            for name, ls in zip(series.columns, lengths, strict=True)
        },
        "folds": folds,
        "selection_folds": len(selection),
        "confirmation_folds": len(confirmation),
        "validation_cells": int(sum(int(m.sum()) for m in masks)),
        "level": level,
        "min_stretches": MIN_STRETCHES,
        "decisions": evidence_decisions,
        "choice": choice,
        "validation": {m: gaps.table(m, series.columns, selection) for m in candidates},
        "models": runs,
        "budget": {
            "time_budget_s": None if epoch_budget is not None else time_budget_s,
            "epoch_budget": epoch_budget,
        },
        "notes": notes,
        "kalman": _kalman_models(series, fitted.get("kalman")),
        "seconds": time.perf_counter() - started,
    }
    return AutoResult(
        imputed=imputed,
        choice=choice,
        evidence=evidence,
        models={m: trained[m] for m in used & set(trained)},
    )


def _train_selection(
    factories: dict[str, Callable[[], Any]],
    fold_series: list[PreparedSeries],
    fold_ids: list[int],
    gaps: _Gaps,
    truth: np.ndarray,
    masks: list[np.ndarray],
    epoch_budget: int | None,
    max_epochs: int,
    deadline: float | None,
    on_progress: Callable[[dict], Any] | None,
) -> Iterator[tuple[str, list[int], dict[str, Any]]]:
    """Train every model on each selection fold it is scored on; yield its best epochs and runs."""
    sessions = {
        name: [ModelImputer(name, factories[name]()) for _ in fold_ids] for name in factories
    }
    epochs = epoch_budget
    if epochs is None:
        # One probe epoch per model on the first fold measures its cost; then every model
        # gets the same number of epochs in what is left of the selection's share.
        cost = {}
        for name, (first, *_rest) in sessions.items():
            cost[name] = max(first.model.fit_epoch(fold_series[fold_ids[0]])["seconds"], 1e-3)
        left = (deadline or 0.0) - time.perf_counter()
        epochs = int(np.clip(left / (sum(cost.values()) * len(fold_ids)) + 1, 1, max_epochs))
    for name, imputers in sessions.items():
        info: dict[str, Any] = {"epochs_per_fold": epochs, "folds": []}
        best: list[int] = []
        for imputer, k in zip(imputers, fold_ids, strict=True):
            train, hidden = fold_series[k], masks[k]
            phase = name if k == fold_ids[0] else f"{name} (fold {k + 1})"

            def validation(
                im: Imputer, train: PreparedSeries = train, hidden: np.ndarray = hidden
            ) -> float:
                return im.validate(train, truth, hidden)["mae"]

            def report(im: Imputer, record: dict[str, Any], phase: str = phase) -> None:
                if on_progress is not None:
                    on_progress(
                        {
                            "phase": phase,
                            "epoch": record["epoch"],
                            "loss": record["loss"],
                            "validation_mae": record["validation_mae"],
                        }
                    )

            run = imputer.fit(train, Budget(epochs, deadline), validation, on_check=report)
            info["folds"].append(run)
            if run["status"] == "trained":
                best.append(run["best_epoch"])
                gaps.record(name, k, imputer.fill(train), truth)
        info["status"] = "trained" if best else "skipped"
        yield name, best, info


def _decide_all(
    series: PreparedSeries,
    default: str,
    gaps: _Gaps,
    candidates: list[str],
    selection: np.ndarray,
    level: float,
    margin: float,
) -> dict[str, Any]:
    """Selection per bucket (pooled over columns), then per column against the pooled winner."""
    in_selection = np.isin(gaps.fold, selection)
    pooled: dict[str, _Decision] = {}
    per_column: dict[str, dict[str, _Decision]] = {}
    for bucket, _, _ in BUCKETS:
        where = in_selection & (gaps.bucket == bucket)
        if not where.any():
            continue
        pooled[bucket] = _select(gaps, default, candidates, where, level, margin)
    # One column test per column: the level is shared among them (Bonferroni), else a
    # wide table would switch some column on luck alone.
    column_level = level / max(series.n_columns, 1)
    for j, name in enumerate(series.columns):
        for bucket, decision in pooled.items():
            if series.n_columns == 1:
                continue
            where = in_selection & (gaps.bucket == bucket) & (gaps.column == j)
            if where.any():
                # The incumbent is what the pool will use: its pick, confirmed or not, is settled later.
                per_column.setdefault(name, {})[bucket] = _select(
                    gaps,
                    decision.picked or decision.incumbent,
                    candidates,
                    where,
                    column_level,
                    margin,
                )
    return {"pooled": pooled, "per_column": per_column}


def _all_decisions(decisions: dict[str, Any]) -> list[_Decision]:
    return [
        *decisions["pooled"].values(),
        *[d for b in decisions["per_column"].values() for d in b.values()],
    ]


def _confirm_all(
    decisions: dict[str, Any],
    gaps: _Gaps,
    confirmation: np.ndarray,
    level: float,
    columns: list[str],
) -> None:
    in_confirmation = np.isin(gaps.fold, confirmation)
    for bucket, decision in decisions["pooled"].items():
        _confirm(gaps, decision, in_confirmation & (gaps.bucket == bucket), level)
    column_of = {name: j for j, name in enumerate(columns)}
    for name, buckets in decisions["per_column"].items():
        for bucket, decision in buckets.items():
            pooled = decisions["pooled"][bucket]
            if decision.incumbent != pooled.winner:
                # The pool's pick was not confirmed: this column's test was against a method
                # that is not used; it falls back to the pool's (confirmed) winner.
                decision.incumbent, decision.picked, decision.winner = (
                    pooled.winner,
                    None,
                    pooled.winner,
                )
                decision.verdict = f"the bucket's pick was not confirmed; kept {pooled.winner}"
                continue
            where = in_confirmation & (gaps.bucket == bucket) & (gaps.column == column_of[name])
            _confirm(gaps, decision, where, level / max(len(column_of), 1))


def _choices(
    series: PreparedSeries, decisions: dict[str, Any], default: str
) -> tuple[dict[str, dict[str, str]], dict[str, Any]]:
    """column -> bucket -> method for every bucket of real missing runs (edges included), and
    the evidence behind each. A bucket without held-out gaps borrows the nearest bucket's decision."""
    pooled, per_column = decisions["pooled"], decisions["per_column"]
    choice: dict[str, dict[str, str]] = {}
    evidence: dict[str, dict[str, Any]] = {}
    for j, name in enumerate(series.columns):
        choice[name], evidence[name] = {}, {}
        for _start, size in missing_runs(series.observed[:, j]):
            bucket = gap_bucket(size)
            if bucket in choice[name]:
                continue
            source = _nearest(bucket, list(pooled))
            if source is None:
                choice[name][bucket] = default
                evidence[name][bucket] = {
                    "winner": default,
                    "verdict": f"nothing could be held out; kept {default}",
                    "stretches": 0,
                    "candidates": [],
                    "confidence": None,
                }
                continue
            own = per_column.get(name, {}).get(source)
            # A column's own test is the record when it moved the column off the pool's method.
            decision = own if own is not None and own.winner != own.incumbent else pooled[source]
            # Seasonal carry-overs to thin buckets: against interpolation only (see
            # `_thin_pooled_seasonal`).
            thin = decision.stretches < MIN_STRETCHES and default == DEFAULT
            shorter = (
                _confirmed_seasonal_below(source, pooled, per_column.get(name, {}))
                if thin
                else None
            )
            if shorter is None and thin:
                pooled_test = decisions.get("thin_pooled", {}).get(name, {}).get(source)
                if pooled_test is not None and pooled_test.winner == "seasonal":
                    shorter = pooled_test, source
            if shorter is not None:
                # Too few stretches of this length, but the seasonal profile was confirmed on
                # shorter gaps of this column: its lead over interpolation only grows with the
                # gap (a longer gap misses more of the cycle), so it carries over.
                decision, source = shorter
            record = decision.to_json()
            if own is not None and decision is not own:
                record["column_test"] = own.verdict
            if source != bucket:
                record["borrowed_from"] = source
                record["verdict"] = f"{record['verdict']} (decided on gaps of {source} steps)"
            choice[name][bucket] = decision.winner
            evidence[name][bucket] = record
    return choice, evidence


def _rolling_switches(
    series: PreparedSeries,
    default: str,
    gaps: _Gaps,
    masks: list[np.ndarray],
    choice: dict[str, dict[str, str]],
    evidence: dict[str, dict[str, Any]],
    fitted: dict[str, Imputer],
    selection: np.ndarray,
    confirmation: np.ndarray,
    level: float,
) -> None:
    """Where a column's bucket kept the default on fewer than ROLLING_BELOW held-out
    stretches, test the baselines on rolling pseudo-gaps of the bucket's longest real gap
    (`models.imputation.rolling`), Holm-corrected at level / columns on at least
    MIN_STRETCHES blocks, and confirm the pick on the confirmation folds' stretches of
    this bucket (and shorter ones where it has too few), whose cells the pseudo-gaps never
    scored. Updates `choice` and `evidence` in place where a pick is confirmed."""
    from models.imputation.rolling import rolling_errors

    in_selection, in_confirmation = np.isin(gaps.fold, selection), np.isin(gaps.fold, confirmation)
    fresh = np.zeros_like(series.observed)
    for k in confirmation:
        fresh |= masks[int(k)]
    column_level = level / max(series.n_columns, 1)
    # `fitted` (the default first) fills the pseudo-gaps: the state-space parameters were
    # fitted once on the observed data (a pseudo-gap hides a few of the hundreds of cells its
    # 2-4 parameters rest on), not again for each of up to 64 fills. The fresh stretches that
    # confirm a pick were filled by a fit on their fold, which never saw them.
    others = [m for m in fitted if m != default]
    for j, name in enumerate(series.columns):
        # Interior gaps only: a column that starts late or ends early has no gap to mimic.
        interior = interior_gap_lengths(series.observed[:, j])
        # Shortest buckets first: a thin long bucket may carry over a shorter one's switch.
        for bucket in sorted(choice[name], key=BUCKET_NAMES.index):
            method = choice[name][bucket]
            in_column = (gaps.column == j) & (gaps.bucket == bucket)
            held_out = int((in_selection & in_column & gaps.scored(default)).sum())
            lengths = [size for size in interior if gap_bucket(size) == bucket]
            if method != default or held_out >= ROLLING_BELOW or not others or not lengths:
                continue
            length = max(lengths)
            rolling = rolling_errors(series, j, length, fitted, ~fresh[:, j])
            blocks = rolling.n_blocks()
            record: dict[str, Any] = {
                "length": length,
                "pseudo_gaps": len(rolling.starts),
                "blocks": blocks,
                "mae": {
                    m: rolling.overall_mae(m) for m in [default, *others] if len(rolling.starts)
                },
            }
            previous = evidence[name][bucket]
            previous["rolling"] = record
            if blocks < MIN_STRETCHES:
                record["verdict"] = (
                    f"{len(rolling.starts)} rolling pseudo-gaps of {length} steps in {blocks} "
                    f"block(s), {MIN_STRETCHES} needed"
                )
                shorter = (
                    _seasonal_switch_below(bucket, evidence[name]) if default == DEFAULT else None
                )
                if shorter is not None:
                    # As for thin held-out buckets: the seasonal profile's lead over
                    # interpolation only grows with the gap, so a confirmed switch on
                    # this column's shorter gaps carries over.
                    choice[name][bucket] = "seasonal"
                    evidence[name][bucket] = {
                        **evidence[name][shorter],
                        "borrowed_from": shorter,
                        "rolling": record,
                        "held_out_verdict": previous.get("verdict", ""),
                        "verdict": (
                            f"{evidence[name][shorter]['verdict']} (decided on gaps of {shorter} "
                            f"steps: too few stretches of {length} steps, {record['verdict']})"
                        ),
                    }
                    continue
                previous["verdict"] += f"; rolling check: {record['verdict']}"
                continue
            tests = {m: rolling.compare(m, default) for m in others}
            p_values = holm({m: t["p"] if t["difference"] < 0 else 1.0 for m, t in tests.items()})
            record["p_values"] = p_values
            significant = [m for m, p in p_values.items() if p <= column_level]
            if not significant:
                record["verdict"] = (
                    f"no method beat {default} on {len(rolling.starts)} rolling pseudo-gaps of "
                    f"{length} steps ({blocks} blocks)"
                )
                previous["verdict"] += f"; rolling check: {record['verdict']}"
                continue
            picked = min(significant, key=lambda m: (rolling.overall_mae(m), others.index(m)))
            where = _fresh_stretches(gaps, in_confirmation, j, bucket, picked)
            test = gaps.compare(picked, default, where)
            record["picked"], record["confirmation"] = picked, test
            if test["n"] < MIN_ROLLING_CONFIRMATION or test["difference"] >= 0:
                record["verdict"] = (
                    f"{picked} won on {len(rolling.starts)} rolling pseudo-gaps but not on "
                    f"{test['n']} fresh stretch(es)"
                )
                previous["verdict"] += f"; rolling check: {record['verdict']}"
                continue
            choice[name][bucket] = picked
            evidence[name][bucket] = {
                "incumbent": default,
                "candidates": others,
                "stretches": blocks,
                "confirmation_stretches": test["n"],
                "selection_mae": record["mae"],
                "p_values": p_values,
                "confirmation_p": test["p"],
                "winner": picked,
                "confidence": 1.0 - max(p_values[picked], test["p"]),
                "verdict": (
                    f"{picked} beat {default} on {len(rolling.starts)} rolling pseudo-gaps of {length} steps "
                    f"carved from the observed data ({blocks} independent blocks; {held_out} held-out "
                    f"stretch(es) had not decided it) and had the lower MAE on {test['n']} fresh "
                    "held-out stretch(es)"
                ),
                "evidence_kind": "rolling",
                "rolling": record,
                "held_out_verdict": previous.get("verdict", ""),
            }


def _blend_where_inconclusive(
    series: PreparedSeries,
    default: str,
    gaps: _Gaps,
    choice: dict[str, dict[str, str]],
    evidence: dict[str, dict[str, Any]],
    baselines: list[str],
    selection: np.ndarray,
    confirmation: np.ndarray,
    level: float,
) -> None:
    """Where a column's bucket kept the default on at least MIN_STRETCHES held-out stretches
    of the selection folds, fill it with an even blend of the default and a challenger that
    had the lower MAE there without passing the switch test, if the blend itself beats the
    default on those stretches (one-sided paired test, Holm over the challengers' blends at
    level / columns) and has the lower MAE again on the confirmation folds' fresh stretches
    (of the bucket, and shorter ones where it has too few). Thin buckets (and the rolling
    check's pseudo-gaps) are not blended. Updates `choice` and `evidence` in place."""
    others = [m for m in baselines if m != default]
    in_selection, in_confirmation = np.isin(gaps.fold, selection), np.isin(gaps.fold, confirmation)
    column_level = level / max(series.n_columns, 1)
    for j, name in enumerate(series.columns):
        for bucket in list(choice[name]):
            if choice[name][bucket] != default or not others:
                continue
            in_column = (gaps.column == j) & (gaps.bucket == bucket)
            where = in_selection & in_column
            held_out = int((where & gaps.scored(default)).sum())
            if held_out < MIN_STRETCHES:
                continue
            blends = {o: blend_name(default, o) for o in others}
            mae = {m: gaps.mae(m, where) for m in [default, *others, *blends.values()]}
            tests = {o: gaps.compare(blends[o], default, where) for o in others}
            p_values = holm({o: t["p"] if t["difference"] < 0 else 1.0 for o, t in tests.items()})
            leads = [o for o in others if mae[o] < mae[default] and p_values[o] <= column_level]
            if not leads:
                continue
            challenger = min(leads, key=lambda o: (mae[blends[o]], others.index(o)))
            blend = blends[challenger]
            fresh_where = _fresh_stretches(gaps, in_confirmation, j, bucket, blend)
            fresh = gaps.compare(blend, default, fresh_where)
            record = evidence[name][bucket]
            blend_mae = {m: mae[m] for m in (default, challenger, blend)}
            summary: dict[str, Any] = {
                "methods": {default: 1.0 - WEIGHT, challenger: WEIGHT},
                "challenger": challenger,
                "mae": blend_mae,
                "p": p_values[challenger],
                "fresh": fresh,
            }
            if fresh["n"] < MIN_ROLLING_CONFIRMATION or fresh["difference"] >= 0:
                record["blend"] = {**summary, "used": False}
                record["verdict"] += (
                    f"; not blended with {challenger}: the blend beat {default} on {held_out} "
                    f"held-out stretches but not on {fresh['n']} fresh stretch(es)"
                )
                continue
            choice[name][bucket] = blend
            evidence[name][bucket] = {
                **record,
                "winner": blend,
                "selection_mae": {**record.get("selection_mae", {}), **blend_mae},
                "confirmation_stretches": fresh["n"],
                "confidence": None,
                "blend": {**summary, "used": True},
                "unblended_verdict": record.get("verdict", ""),
                "verdict": (
                    f"blended: {default} {1.0 - WEIGHT:g} + {challenger} {WEIGHT:g}, because "
                    f"{challenger} led on {held_out} held-out stretches without significance (MAE "
                    f"{mae[challenger]:.4g} vs {mae[default]:.4g}); the blend (MAE {mae[blend]:.4g}) "
                    f"beat {default} there (p {p_values[challenger]:.2g}) and again on {fresh['n']} "
                    "fresh stretch(es)"
                ),
            }


def _fresh_stretches(
    gaps: _Gaps, in_confirmation: np.ndarray, column: int, bucket: str, method: str
) -> np.ndarray:
    """The confirmation folds' stretches of a column's bucket, or of it and its shorter
    buckets where the bucket alone holds fewer than MIN_ROLLING_CONFIRMATION that `method`
    scored (a short series holds few long gaps)."""
    where = in_confirmation & (gaps.column == column) & (gaps.bucket == bucket)
    if int((where & gaps.scored(method)).sum()) >= MIN_ROLLING_CONFIRMATION:
        return where
    up_to = BUCKET_NAMES[: BUCKET_NAMES.index(bucket) + 1]
    return in_confirmation & (gaps.column == column) & np.isin(gaps.bucket, up_to)


def _seasonal_switch_below(bucket: str, evidence: dict[str, dict[str, Any]]) -> str | None:
    """The longest shorter bucket of a column that switched to the seasonal profile."""
    for shorter in reversed(BUCKET_NAMES[: BUCKET_NAMES.index(bucket)]):
        record = evidence.get(shorter)
        if (
            record is not None
            and record.get("winner") == "seasonal"
            and record.get("incumbent") != "seasonal"
        ):
            return shorter
    return None


def _thin_pooled_seasonal(
    series: PreparedSeries,
    default: str,
    gaps: _Gaps,
    decisions: dict[str, Any],
    candidates: list[str],
    selection: np.ndarray,
    confirmation: np.ndarray,
    level: float,
) -> dict[str, dict[str, _Decision]]:
    """column -> thin bucket -> the seasonal profile tested on this column's stretches of this
    bucket and every shorter one together (selection, then confirmation folds). Its lead over
    interpolation grows with the gap, so a win over shorter gaps pooled carries to the thin bucket."""
    if "seasonal" not in candidates or default != DEFAULT:
        # The carry-over rests on the profile's lead over *interpolation* growing with the
        # gap; the state-space smoother's seasonal adjustment shares that lead.
        return {}
    in_selection, in_confirmation = np.isin(gaps.fold, selection), np.isin(gaps.fold, confirmation)
    column_level = level / max(series.n_columns, 1)
    out: dict[str, dict[str, _Decision]] = {}
    for bucket, pooled in decisions["pooled"].items():
        if pooled.stretches >= MIN_STRETCHES or pooled.winner != default:
            continue
        up_to = np.isin(gaps.bucket, BUCKET_NAMES[: BUCKET_NAMES.index(bucket) + 1])
        for j, name in enumerate(series.columns):
            where = up_to & (gaps.column == j)
            decision = _select(gaps, default, ["seasonal"], in_selection & where, column_level, 0.0)
            _confirm(gaps, decision, in_confirmation & where, column_level)
            if decision.winner == "seasonal":
                decision.verdict = (
                    f"seasonal beat {default} on this column's gaps of {bucket} steps and shorter, "
                    "pooled, and on fresh folds"
                )
            out.setdefault(name, {})[bucket] = decision
    return out


def _confirmed_seasonal_below(
    bucket: str, pooled: dict[str, _Decision], own: dict[str, _Decision]
) -> tuple[_Decision, str] | None:
    """The longest shorter bucket where this column switched to the seasonal profile, confirmed."""
    for shorter in reversed(BUCKET_NAMES[: BUCKET_NAMES.index(bucket)]):
        decision = (
            own.get(shorter)
            if shorter in own and own[shorter].winner != own[shorter].incumbent
            else pooled.get(shorter)
        )
        if (
            decision is not None
            and decision.winner == "seasonal"
            and decision.incumbent != "seasonal"
        ):
            return decision, shorter
    return None


def _kalman_models(series: PreparedSeries, kalman: Imputer | None) -> dict[str, Any]:
    """Per column, the state-space model `kalman` chose (empty where it was no candidate)."""
    describe = getattr(kalman, "describe", None)
    return {} if describe is None else {series.columns[int(j)]: m for j, m in describe().items()}


def _fill(
    series: PreparedSeries, choice: dict[str, dict[str, str]], fillers: dict[str, Imputer]
) -> np.ndarray:
    imputed = series.values.copy()
    predictions = {m: imputer.fill(series) for m, imputer in fillers.items()}
    for j, name in enumerate(series.columns):
        for start, size in missing_runs(series.observed[:, j]):
            method = choice[name][gap_bucket(size)]
            imputed[start : start + size, j] = predictions[method][start : start + size, j]
    return np.where(series.observed, series.values, imputed)


def _notes(decisions: dict[str, dict[str, Any]], default: str) -> list[str]:
    thin = sorted(
        {
            f"{c}/{b}"
            for c, bs in decisions.items()
            for b, d in bs.items()
            if d["verdict"].startswith("thin")
        }
    )
    if not thin:
        return []
    return [
        f"Evidence is thin for {', '.join(thin)}: too few held-out stretches to show that any method beats "
        f"{DESCRIPTIONS.get(default, default)}, so it was kept."
    ]


def _nearest(bucket: str, available: list[str]) -> str | None:
    if not available:
        return None
    index = BUCKET_NAMES.index(bucket)
    return min(available, key=lambda b: (abs(BUCKET_NAMES.index(b) - index), BUCKET_NAMES.index(b)))
