"""Trivial "synthetic" windows made from real ones: the reference points a model must beat.

Each fake keeps some of the real data's structure and destroys the rest, so a measure that
cannot tell a fake from real data is blind to what the fake destroys:

- time-shuffled: each window's steps (whole rows) in a random order. Marginals and the
  correlation between features at the same step are kept; the order in time is gone.
- feature bootstrap: each feature of a fake window comes from a different random real window.
  Every feature's own path (marginals, autocorrelation) is kept; how features move together is gone.
- AR(1): per feature, x[t+1] - mu = phi (x[t] - mu) + noise, fit by least squares on consecutive
  steps of the real windows, started from a random real first step. A one-step memory per
  feature, Gaussian noise, no link between features.

All take and return (windows, steps, features) arrays in the same units.
"""

from __future__ import annotations

import numpy as np

FAKE_NAMES = ("time_shuffled", "feature_bootstrap", "ar1")


def time_shuffled(windows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Every window's rows in their own random order (one permutation per window)."""
    windows = np.asarray(windows, dtype=np.float64)
    order = np.argsort(rng.random(windows.shape[:2]), axis=1)
    return np.take_along_axis(windows, order[..., None], axis=1)


def feature_bootstrap(windows: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """n windows whose features each come from an independently drawn real window."""
    windows = np.asarray(windows, dtype=np.float64)
    picks = rng.integers(len(windows), size=(n, windows.shape[2]))
    return np.stack([windows[picks[:, d], :, d] for d in range(windows.shape[2])], axis=-1)


def fit_ar1(windows: np.ndarray) -> dict[str, np.ndarray]:
    """Per feature: mean, lag-1 coefficient and residual std from all consecutive step pairs."""
    windows = np.asarray(windows, dtype=np.float64)
    mu = windows.mean(axis=(0, 1))
    before = (windows[:, :-1] - mu).reshape(-1, windows.shape[2])
    after = (windows[:, 1:] - mu).reshape(-1, windows.shape[2])
    denominator = (before**2).sum(axis=0)
    phi = np.divide(
        (before * after).sum(axis=0), denominator, out=np.zeros_like(mu), where=denominator > 0
    )
    residual = after - phi * before
    return {"mu": mu, "phi": phi, "sigma": residual.std(axis=0), "first_steps": windows[:, 0, :]}


def ar1(windows: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """n windows simulated from a per-feature AR(1) fit to `windows`."""
    fit = fit_ar1(windows)
    steps, features = np.asarray(windows).shape[1:]
    # Each feature starts from its own randomly drawn real first step: levels vary as real ones do.
    starts = fit["first_steps"][
        rng.integers(len(fit["first_steps"]), size=(n, features)), np.arange(features)
    ]
    out = np.empty((n, steps, features))
    out[:, 0] = starts
    noise = rng.standard_normal((n, steps, features)) * fit["sigma"]
    for t in range(1, steps):
        out[:, t] = fit["mu"] + fit["phi"] * (out[:, t - 1] - fit["mu"]) + noise[:, t]
    return out


def reference_fakes(windows: np.ndarray, n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """The three fakes, n windows each, built from `windows` (held-out real data)."""
    rng = np.random.default_rng(seed)
    windows = np.asarray(windows, dtype=np.float64)
    picked = rng.choice(len(windows), size=n, replace=n > len(windows))
    shuffled = time_shuffled(windows[picked], rng)
    return {
        "time_shuffled": shuffled,
        "feature_bootstrap": feature_bootstrap(windows, n, rng),
        "ar1": ar1(windows, n, rng),
    }
