from __future__ import annotations

import json

import numpy as np
import pytest

from models.timegan import TimeGANInputError, metrics

pytestmark = pytest.mark.slow  # trains tiny TensorFlow models for real


def _sines(n: int, rng: np.random.Generator, features: int = 2, steps: int = 12) -> np.ndarray:
    # the paper's Sines data, shifted off [0, 1] to check the metrics scale it themselves
    freq = rng.uniform(0, 0.1, (n, 1, features))
    phase = rng.uniform(0, 0.1, (n, 1, features))
    return 50 + 10 * np.sin(freq * np.arange(steps)[None, :, None] + phase)


@pytest.fixture(scope="module")
def real_pair():
    rng = np.random.default_rng(0)
    return _sines(200, rng), _sines(200, rng)


def test_discriminative_score_tells_noise_from_data_but_not_data_from_data(real_pair):
    real, more_real = real_pair
    noise = np.random.default_rng(1).uniform(40, 60, real.shape)
    same = metrics.discriminative_score(real, more_real, iterations=150, seed=0)
    different = metrics.discriminative_score(real, noise, iterations=150, seed=0)
    assert 0.0 <= same <= 0.15
    assert different >= 0.35


def test_predictive_score_works_for_a_single_feature(real_pair):
    real, more_real = real_pair
    noise = np.random.default_rng(2).uniform(40, 60, real[..., :1].shape)
    from_real = metrics.predictive_score(real[..., :1], more_real[..., :1], iterations=150, seed=0)
    from_noise = metrics.predictive_score(real[..., :1], noise, iterations=150, seed=0)
    assert 0.0 <= from_real < from_noise


def test_scores_can_use_the_data_in_its_own_units_as_the_reference_does_for_sines():
    # Values inside [0, 1] spanning half of it (as the reference's Sines): scaled to the
    # real range the same predictor errors come out twice as large.
    rng = np.random.default_rng(3)
    real = 0.5 + 0.5 * rng.random((50, 6, 2))
    synthetic = 0.5 + 0.5 * rng.random((50, 6, 2))
    as_given = metrics.scaled_pair(real, synthetic, scale=False)
    scaled = metrics.scaled_pair(real, synthetic)
    assert np.allclose(as_given[0], real) and np.allclose(as_given[1], synthetic)
    assert np.isclose(scaled[0].min(), 0.0) and np.isclose(scaled[0].max(), 1.0)
    assert np.allclose(
        np.abs(np.diff(scaled[0], axis=1)), 2 * np.abs(np.diff(real, axis=1)), atol=0.05
    )
    score = metrics.predictive_score(real, synthetic, iterations=20, seed=0, scale=False)
    assert 0.0 <= score <= 0.5


def test_feature_distributions_compare_matching_and_shifted_data(real_pair):
    real, more_real = real_pair
    report = metrics.feature_distributions(real, more_real + np.array([0.0, 5.0]), ["a", "b"])
    assert [f["feature"] for f in report] == ["a", "b"]
    assert report[0]["ks_statistic"] < 0.15 < report[1]["ks_statistic"]
    assert abs(sum(report[0]["real"]["histogram"]) - 1.0) < 1e-9
    assert report[0]["real"]["quantiles"][0] == pytest.approx(real[..., 0].min())


def test_ks_statistic_matches_known_values():
    assert metrics.ks_statistic(np.arange(10), np.arange(10)) == 0.0
    assert metrics.ks_statistic(np.arange(10), np.arange(10) + 100) == 1.0
    assert metrics.ks_statistic([1, 2, 3, 4], [3, 4, 5, 6]) == pytest.approx(0.5)


def test_projections_give_two_d_points_for_both_sets(real_pair):
    real, more_real = real_pair
    result = metrics.projection_coordinates(real, more_real, max_windows=60, seed=0)
    json.dumps(result)
    for method in ("pca", "tsne"):
        assert len(result[method]["real"]) == len(result[method]["synthetic"]) == 60
        assert all(len(point) == 2 for point in result[method]["real"])
    assert 0.0 < sum(result["pca"]["explained_variance_ratio"]) <= 1.0 + 1e-9


def test_mismatched_shapes_are_refused(real_pair):
    real, _ = real_pair
    with pytest.raises(TimeGANInputError):
        metrics.discriminative_score(real, real[..., :1])
