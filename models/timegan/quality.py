"""Measures that tell good synthetic sequences from bad, and a scorecard that places a model
between held-out real windows (the floor) and trivial fakes (`fakes.py`).

The paper's two scores (`metrics.py`) cannot tell real Stocks windows from the same windows
shuffled in time, so every evaluation adds, with names after TSGBench (Ang et al., VLDB 2024)
where it has one; all are distances to the reference real windows, lower is better:

- temporal (TSGBench's ACD, autocorrelation difference): per feature, the autocorrelation at
  lags 1..max_lag, centred on the set's mean as TSGBench does; mean |real - synthetic|. Computed
  on the values and on their step-to-step changes, and averaged: in windows of a trending series
  (Stocks) the values' autocorrelation is dominated by the spread of levels between windows
  (near 1 at every lag whatever the order inside a window); the changes show the dynamics.
- cross_feature: the correlation matrix of the features (all windows and steps pooled), mean
  |real - synthetic| over feature pairs; again on values and on changes, averaged. Shuffling
  steps keeps the same-step correlation of values but not that of the changes.
- marginal (TSGBench's marginal distribution difference, with a Wasserstein-1 distance instead
  of histogram bins): per feature, the distance between the real and synthetic value
  distributions on the [0, 1] scale of the real data; mean over features.
- classifier: a stronger post-hoc discriminator than the paper's `dim // 2`-unit GRU: gradient
  boosted trees on each window's values and step-to-step changes, |accuracy - 0.5| on a held-out
  20%, mean and spread over runs with different splits and seeds.
- forecast (train on synthetic, test on real): a ridge regression predicts every feature at the
  last step from the steps before it; mean absolute error on the reference real windows. The
  floor's value is train-on-real, so a candidate's ratio to it says what training on it costs.

Inputs are (windows, steps, features) arrays in the same units. Results are JSON-able.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.timegan import metrics
from models.timegan.errors import TimeGANInputError
from models.timegan.fakes import FAKE_NAMES, reference_fakes
from models.timegan.metrics import spread

# name -> (label, what it looks at); every measure is a distance to real data: lower is better.
MEASURES: dict[str, tuple[str, str]] = {
    "temporal": ("Temporal structure", "autocorrelation difference over lags (values and changes)"),
    "cross_feature": (
        "Cross-feature structure",
        "correlation-matrix difference (values and changes)",
    ),
    "marginal": ("Marginal distributions", "per-feature Wasserstein-1 distance, [0, 1] scale"),
    "classifier": (
        "Stronger classifier",
        "|accuracy - 0.5| of boosted trees on values and changes",
    ),
    "forecast": (
        "Forecast, train on candidate",
        "MAE on real windows of a last-step ridge forecaster",
    ),
    "discriminative": ("Discriminative (paper)", "|accuracy - 0.5| of the paper's post-hoc GRU"),
    "predictive": (
        "Predictive (paper)",
        "MAE on real of the paper's next-step GRU trained on candidate",
    ),
}
STRUCTURE_MEASURES = ("temporal", "cross_feature")
PAPER_MEASURES = ("discriminative", "predictive")
CANDIDATES = ("model", "heldout_real", *FAKE_NAMES)


def _changes(windows: np.ndarray) -> np.ndarray:
    return np.diff(windows, axis=1)


def _views(windows: np.ndarray) -> list[np.ndarray]:
    # Changes need at least 2 of them per window to have a lag-1 autocorrelation.
    return [windows, _changes(windows)] if windows.shape[1] >= 3 else [windows]


def default_max_lag(steps: int) -> int:
    return max(1, min(10, steps // 2))


def autocorrelation(windows: np.ndarray, max_lag: int) -> np.ndarray:
    """(max_lag, features): lag-k autocorrelation, k = 1..max_lag, centred on the set's mean."""
    windows = np.asarray(windows, dtype=np.float64)
    max_lag = min(max_lag, windows.shape[1] - 1)
    centred = windows - windows.mean(axis=(0, 1), keepdims=True)
    variance = (centred**2).mean(axis=(0, 1))
    lagged = np.stack(
        [(centred[:, k:] * centred[:, :-k]).mean(axis=(0, 1)) for k in range(1, max_lag + 1)]
    )
    # A constant feature has no autocorrelation to compare: 0 rather than 0/0.
    return np.divide(lagged, variance, out=np.zeros_like(lagged), where=variance > 1e-12)


def autocorrelation_difference(
    real: np.ndarray, synthetic: np.ndarray, max_lag: int | None = None
) -> float:
    """Temporal structure: mean |ACF real - ACF synthetic|, averaged over values and changes."""
    lag = max_lag or default_max_lag(np.shape(real)[1])
    return float(
        np.mean(
            [
                np.abs(autocorrelation(r, lag) - autocorrelation(s, lag)).mean()
                for r, s in zip(_views(real), _views(synthetic), strict=True)
            ]
        )
    )


def correlation_matrix(windows: np.ndarray) -> np.ndarray:
    """(features, features) correlation with windows and steps pooled; 0 for a constant feature."""
    flat = np.asarray(windows, dtype=np.float64).reshape(-1, windows.shape[-1])
    centred = flat - flat.mean(axis=0)
    scale = np.sqrt((centred**2).sum(axis=0))
    outer = np.outer(scale, scale)
    return np.divide(
        centred.T @ centred, outer, out=np.zeros((flat.shape[1],) * 2), where=outer > 1e-12
    )


def correlation_difference(real: np.ndarray, synthetic: np.ndarray) -> float | None:
    """Cross-feature structure: mean |corr real - corr synthetic| over pairs; None for one feature."""
    n_features = np.shape(real)[-1]
    if n_features < 2:
        return None
    upper = np.triu_indices(n_features, 1)
    return float(
        np.mean(
            [
                np.abs(correlation_matrix(r)[upper] - correlation_matrix(s)[upper]).mean()
                for r, s in zip(_views(real), _views(synthetic), strict=True)
            ]
        )
    )


def marginal_difference(real: np.ndarray, synthetic: np.ndarray) -> float:
    """Mean over features of the Wasserstein-1 distance between real and synthetic values."""
    from scipy.stats import wasserstein_distance

    n_features = np.shape(real)[-1]
    return float(
        np.mean(
            [
                wasserstein_distance(real[..., d].reshape(-1), synthetic[..., d].reshape(-1))
                for d in range(n_features)
            ]
        )
    )


def _window_features(windows: np.ndarray) -> np.ndarray:
    return np.concatenate(
        [windows.reshape(len(windows), -1), _changes(windows).reshape(len(windows), -1)], axis=1
    )


def classifier_score(
    real: np.ndarray, synthetic: np.ndarray, *, seed: int = 0, max_iter: int = 100
) -> float:
    """|accuracy - 0.5| of boosted trees telling real from synthetic windows, on a held-out 20%."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import train_test_split

    n = min(len(real), len(synthetic))
    rng = np.random.default_rng(seed)
    # Equal numbers of each, so 0.5 accuracy is chance whatever the sizes given.
    real = real[rng.permutation(len(real))[:n]]
    synthetic = synthetic[rng.permutation(len(synthetic))[:n]]
    x = _window_features(np.concatenate([real, synthetic]))
    y = np.concatenate([np.ones(n), np.zeros(n)])
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.2, random_state=seed, stratify=y
    )
    classifier = HistGradientBoostingClassifier(
        max_iter=max_iter, early_stopping=False, random_state=seed
    )
    accuracy = float((classifier.fit(x_train, y_train).predict(x_test) == y_test).mean())
    return abs(accuracy - 0.5)


def forecast_error(train: np.ndarray, test: np.ndarray) -> float:
    """MAE on `test` of a ridge regression fit on `train`: every feature's last step from the steps before."""
    from sklearn.linear_model import Ridge

    def pairs(windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return windows[:, :-1].reshape(len(windows), -1), windows[:, -1]

    x_train, y_train = pairs(train)
    x_test, y_test = pairs(test)
    predictions = Ridge(alpha=1.0).fit(x_train, y_train).predict(x_test)
    return float(np.mean(np.abs(predictions - y_test)))


@dataclass(frozen=True)
class MeasureSettings:
    """How hard the trained measures try: runs and training steps of each post-hoc model."""

    classifier_runs: int = 3
    classifier_iterations: int = 100
    # The paper's two scores: 0 runs leaves them out. The reference trains the discriminator
    # 2,000 steps and the predictor 5,000 (`predictive_iterations`; default: `paper_iterations`).
    paper_runs: int = 0
    paper_iterations: int = 1_000
    predictive_iterations: int | None = None


def measure_all(
    reference: np.ndarray,
    candidate: np.ndarray,
    settings: MeasureSettings = MeasureSettings(),
    *,
    seed: int = 0,
    max_lag: int | None = None,
) -> dict[str, dict[str, Any] | None]:
    """Every measure of one candidate set against the reference real windows (both already scaled)."""
    cross = correlation_difference(reference, candidate)
    scores: dict[str, dict[str, Any] | None] = {
        "temporal": spread([autocorrelation_difference(reference, candidate, max_lag)]),
        "cross_feature": None if cross is None else spread([cross]),
        "marginal": spread([marginal_difference(reference, candidate)]),
        "classifier": spread(
            [
                classifier_score(
                    reference, candidate, seed=seed + run, max_iter=settings.classifier_iterations
                )
                for run in range(settings.classifier_runs)
            ]
        ),
        "forecast": spread([forecast_error(candidate, reference)]),
    }
    runs = range(settings.paper_runs)
    if settings.paper_runs:
        scores["discriminative"] = spread(
            [
                metrics.discriminative_score(
                    reference,
                    candidate,
                    iterations=settings.paper_iterations,
                    seed=seed + run,
                    scale=False,
                )
                for run in runs
            ]
        )
        scores["predictive"] = spread(
            [
                metrics.predictive_score(
                    reference,
                    candidate,
                    iterations=settings.predictive_iterations or settings.paper_iterations,
                    seed=seed + run,
                    scale=False,
                )
                for run in runs
            ]
        )
    return scores


def split_real(windows: np.ndarray, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Real windows in two random halves: the reference every candidate is compared with, and the
    held-out half that is the floor and that the fakes are made from.

    Overlapping windows of one series land in both halves, so the floor is an optimistic one.
    """
    windows = np.asarray(windows, dtype=np.float64)
    if len(windows) < 4:
        raise TimeGANInputError("need at least 4 real windows to hold some out", code="bad_shape")
    order = np.random.default_rng(seed).permutation(len(windows))
    half = len(windows) // 2
    return windows[order[:half]], windows[order[half:]]


def reference_scores(
    reference: np.ndarray,
    heldout: np.ndarray,
    n: int,
    settings: MeasureSettings = MeasureSettings(),
    *,
    seed: int = 0,
    scale: bool = True,
    on_candidate: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Every measure for the floor (n held-out real windows) and each fake (n windows made from
    the held-out ones)."""
    reference, heldout = metrics.checked_pair(reference, heldout)
    candidates = {"heldout_real": heldout[:n], **reference_fakes(heldout, n, seed=seed)}
    scaled_reference = metrics.scaled_pair(reference, reference, scale)[0]
    max_lag = default_max_lag(reference.shape[1])
    scores = {}
    for name, windows in candidates.items():
        if on_candidate is not None:
            on_candidate(name)
        scaled = metrics.scaled_pair(reference, windows, scale)[1]
        scores[name] = measure_all(scaled_reference, scaled, settings, seed=seed, max_lag=max_lag)
    return scores


def scorecard(
    reference: np.ndarray,
    heldout: np.ndarray,
    synthetic: np.ndarray,
    settings: MeasureSettings = MeasureSettings(),
    *,
    seed: int = 0,
    scale: bool = True,
    columns: Sequence[str] | None = None,
    on_candidate: Callable[[str], None] | None = None,
    references: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Every measure for the model, the floor (held-out real) and each fake, and the verdict.

    The model's synthetic windows are cut to the held-out count, so all candidates are sets of
    the same size (a measure's sampling noise depends on it). A measure is flagged when the
    model does not beat (score strictly lower than) every fake on it. `references` are
    `reference_scores` computed before with the same windows, seed, size and settings (a
    benchmark re-scoring models reuses them); by default they are computed here.
    """
    reference, synthetic = metrics.checked_pair(reference, synthetic)
    n = min(len(heldout), len(synthetic))
    max_lag = default_max_lag(reference.shape[1])
    if on_candidate is not None:
        on_candidate("model")
    scaled_reference, scaled_model = metrics.scaled_pair(reference, synthetic[:n], scale)
    scores = {
        "model": measure_all(scaled_reference, scaled_model, settings, seed=seed, max_lag=max_lag)
    }
    if references is None:
        references = reference_scores(
            reference, heldout, n, settings, seed=seed, scale=scale, on_candidate=on_candidate
        )
    scores.update({name: references[name] for name in ("heldout_real", *FAKE_NAMES)})
    measured = [m for m in MEASURES if scores["model"].get(m) is not None]
    return {
        "n_windows": {"reference": len(reference), "per_candidate": n},
        "scaled_by_real_range": scale,
        "measures": [
            {
                "name": m,
                "label": MEASURES[m][0],
                "description": MEASURES[m][1],
                "structure": m in STRUCTURE_MEASURES,
            }
            for m in measured
        ],
        "candidates": list(scores),
        "scores": scores,
        "verdict": verdict(scores, measured),
        "autocorrelation": autocorrelation_profiles(
            scaled_reference, scaled_model, max_lag, columns
        ),
    }


def verdict(scores: dict[str, Any], measures: Sequence[str]) -> dict[str, Any]:
    """Per measure: which fakes the model beats (strictly lower mean), and a flag if not all.

    A fake without that measure (a benchmark can leave the paper's scores out of the reference
    points) is left out of `beats`; with no fake measured there is nothing to flag.
    """
    result = {}
    for measure in measures:
        model = scores["model"][measure]["mean"]
        measured = {fake: scores[fake][measure] for fake in FAKE_NAMES if scores[fake].get(measure)}
        beats = {fake: model < score["mean"] for fake, score in measured.items()}
        floor = scores["heldout_real"].get(measure)
        result[measure] = {
            "beats": beats,
            "flagged": not all(beats.values()),
            "floor": floor["mean"] if floor else None,
        }
    return result


def autocorrelation_profiles(
    real: np.ndarray, synthetic: np.ndarray, max_lag: int, columns: Sequence[str] | None = None
) -> dict[str, Any]:
    """Per feature, the values' autocorrelation at lags 0..max_lag for real and synthetic (for a plot)."""
    names = list(columns) if columns is not None else [f"x{i}" for i in range(real.shape[-1])]
    real_acf, synth_acf = autocorrelation(real, max_lag), autocorrelation(synthetic, max_lag)
    ones = np.ones((1, real.shape[-1]))
    return {
        "lags": list(range(real_acf.shape[0] + 1)),
        "features": [
            {
                "feature": str(name),
                "real": [float(v) for v in r],
                "synthetic": [float(v) for v in s],
            }
            for name, r, s in zip(
                names, np.vstack([ones, real_acf]).T, np.vstack([ones, synth_acf]).T, strict=True
            )
        ],
    }
