"""The quality measures tell good synthetic sequences from bad: on noisy sines with clear dynamics
and linked features, held-out real windows score best, time-shuffled ones worse, noise worst."""

from __future__ import annotations

import json

import numpy as np
import pytest

from models.timegan import TimeGANInputError, fakes, quality
from models.timegan.data import cut_windows


def _noisy_sines(rows: int, seed: int) -> np.ndarray:
    """Three features in original units: slow sines (periods 60-110 steps) with a shared component, plus noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(rows)[:, None]
    base = np.sin(2 * np.pi * t / np.array([60.0, 85.0, 110.0]) + np.array([0.0, 1.0, 2.0]))
    linked = base + 0.8 * base[:, [1, 2, 0]]  # each feature moves partly with the next one
    return 20 + 5 * linked + rng.normal(0, 0.5, linked.shape)


# One classifier run of 30 boosting iterations: enough for clear cases, quick to train.
FAST = quality.MeasureSettings(classifier_runs=1, classifier_iterations=30)


@pytest.fixture(scope="module")
def windows():
    real = cut_windows(_noisy_sines(800, seed=0), 12)
    reference, heldout = quality.split_real(real, seed=0)
    rng = np.random.default_rng(1)
    return {
        "reference": reference,
        "heldout_real": heldout,
        "time_shuffled": fakes.time_shuffled(heldout, rng),
        "noise": rng.uniform(real.min(axis=(0, 1)), real.max(axis=(0, 1)), heldout.shape),
    }


@pytest.mark.parametrize("measure", ["temporal", "cross_feature"])
def test_structure_measures_rank_real_before_time_shuffled_before_noise(windows, measure):
    score = {
        "temporal": quality.autocorrelation_difference,
        "cross_feature": quality.correlation_difference,
    }[measure]
    reference = quality.metrics.scaled_pair(windows["reference"], windows["reference"])[0]
    values = {
        name: score(reference, quality.metrics.scaled_pair(windows["reference"], windows[name])[1])
        for name in ("heldout_real", "time_shuffled", "noise")
    }
    assert values["heldout_real"] < values["time_shuffled"] < values["noise"], values
    # Clear gaps, not a photo finish: each step down at least doubles the distance.
    assert (
        2 * values["heldout_real"] < values["time_shuffled"]
        and 1.2 * values["time_shuffled"] < values["noise"]
    )


def test_stronger_classifier_separates_time_shuffled_windows_from_real(windows):
    floor = [
        quality.classifier_score(windows["reference"], windows["heldout_real"], seed=s)
        for s in range(2)
    ]
    shuffled = [
        quality.classifier_score(windows["reference"], windows["time_shuffled"], seed=s)
        for s in range(2)
    ]
    assert max(floor) < 0.12, floor
    assert min(shuffled) > 0.35, shuffled


def test_forecast_trained_on_shuffled_windows_does_worse_on_real_than_trained_on_real(windows):
    on_real = quality.forecast_error(windows["heldout_real"], windows["reference"])
    on_shuffled = quality.forecast_error(windows["time_shuffled"], windows["reference"])
    assert on_real * 1.5 < on_shuffled


def test_marginal_difference_sees_shifted_values_not_reordered_ones(windows):
    reference, heldout = windows["reference"], windows["heldout_real"]
    reordered = quality.marginal_difference(
        heldout, fakes.time_shuffled(heldout, np.random.default_rng(0))
    )
    assert reordered == pytest.approx(0.0, abs=1e-12)  # same values, other order
    # shifted by about one standard deviation: far beyond the two real halves' difference
    assert quality.marginal_difference(reference, heldout + 5.0) > 5 * quality.marginal_difference(
        reference, heldout
    )


def test_fakes_keep_what_they_claim_to_keep():
    rng = np.random.default_rng(0)
    windows = rng.normal(size=(30, 8, 3))
    shuffled = fakes.time_shuffled(windows, rng)
    # whole rows move together: each window holds the same rows, in another order
    for original, moved in zip(windows, shuffled, strict=True):
        assert sorted(map(tuple, original)) == sorted(map(tuple, moved))
    assert not np.allclose(shuffled, windows)
    boot = fakes.feature_bootstrap(windows, 50, rng)
    assert boot.shape == (50, 8, 3)
    # every feature path is some real window's path of that feature
    for d in range(3):
        assert all(any(np.array_equal(path, w[:, d]) for w in windows) for path in boot[..., d])


def test_ar1_fake_recovers_a_known_coefficient():
    rng = np.random.default_rng(0)
    series = np.zeros((5000, 2))
    for t in range(1, 5000):
        series[t] = np.array([0.9, -0.3]) * series[t - 1] + rng.normal(size=2)
    windows = cut_windows(series + np.array([10.0, -4.0]), 10)
    fit = fakes.fit_ar1(windows)
    assert fit["phi"] == pytest.approx([0.9, -0.3], abs=0.03)
    assert fit["mu"] == pytest.approx([10.0, -4.0], abs=0.3)
    simulated = fakes.ar1(windows, 2000, rng)
    assert fakes.fit_ar1(simulated)["phi"] == pytest.approx([0.9, -0.3], abs=0.05)


def test_scorecard_flags_a_model_that_loses_to_the_fakes_and_not_one_that_wins(windows):
    reference, heldout = windows["reference"], windows["heldout_real"]
    noise_card = quality.scorecard(reference, heldout, windows["noise"], FAST, seed=0)
    json.dumps(noise_card)
    assert noise_card["candidates"] == ["model", "heldout_real", *fakes.FAKE_NAMES]
    assert all(v["flagged"] for v in noise_card["verdict"].values())
    assert {m["name"] for m in noise_card["measures"]} == {
        "temporal",
        "cross_feature",
        "marginal",
        "classifier",
        "forecast",
    }

    # More real windows of the same process, drawn separately, as a model that learned it all.
    good = cut_windows(_noisy_sines(800, seed=5), 12)[::2][: len(heldout)]
    card = quality.scorecard(reference, heldout, good, FAST, seed=0)
    assert not card["verdict"]["cross_feature"]["flagged"]
    assert not card["verdict"]["classifier"]["flagged"]
    assert (
        card["verdict"]["temporal"]["beats"]["time_shuffled"]
        and card["verdict"]["temporal"]["beats"]["ar1"]
    )
    profile = card["autocorrelation"]
    assert profile["lags"][0] == 0 and len(profile["features"]) == 3
    assert profile["features"][0]["real"][0] == pytest.approx(1.0)


def test_one_feature_has_no_cross_feature_measure(windows):
    reference = windows["reference"][..., :1]
    card = quality.scorecard(
        reference,
        windows["heldout_real"][..., :1],
        windows["noise"][..., :1],
        quality.MeasureSettings(classifier_runs=1, classifier_iterations=10),
    )
    assert (
        "cross_feature" not in card["verdict"] and card["scores"]["model"]["cross_feature"] is None
    )


def test_too_few_real_windows_or_mismatched_shapes_are_refused(windows):
    with pytest.raises(TimeGANInputError):
        quality.split_real(windows["reference"][:3])
    with pytest.raises(TimeGANInputError):
        quality.scorecard(windows["reference"], windows["heldout_real"], windows["noise"][..., :2])


def test_a_measure_without_reference_points_is_shown_but_not_judged():
    model = {"mean": 0.2, "std": 0.0, "runs": [0.2]}
    scores = {
        "model": {"temporal": {"mean": 0.01, "std": 0.0, "runs": [0.01]}, "discriminative": model},
        "heldout_real": {"temporal": {"mean": 0.005, "std": 0.0, "runs": [0.005]}},
        **{
            fake: {"temporal": {"mean": 0.02, "std": 0.0, "runs": [0.02]}}
            for fake in fakes.FAKE_NAMES
        },
    }
    result = quality.verdict(scores, ["temporal", "discriminative"])
    assert result["temporal"] == {
        "beats": dict.fromkeys(fakes.FAKE_NAMES, True),
        "flagged": False,
        "floor": 0.005,
    }
    assert result["discriminative"] == {"beats": {}, "flagged": False, "floor": None}
