"""Masked evaluation: seeded masks, gap shapes, and the three scores."""

from __future__ import annotations

import numpy as np
import pytest

from models.imputation.data import missing_runs
from models.imputation.evaluate import hide_gaps, hide_random_points, score


def _observed():
    observed = np.ones((500, 2), bool)
    observed[40:60, 0] = False
    return observed


def test_random_points_are_seeded_and_only_hide_observed_cells():
    observed = _observed()
    first = hide_random_points(observed, 0.1, seed=3)
    assert np.array_equal(first, hide_random_points(observed, 0.1, seed=3))
    assert not np.array_equal(first, hide_random_points(observed, 0.1, seed=4))
    assert not (first & ~observed).any()
    assert first[:, 0].sum() == round(0.1 * observed[:, 0].sum())


@pytest.mark.parametrize("length", [5, 24, 50])
def test_gaps_have_the_asked_length_and_observed_neighbours(length):
    observed = _observed()
    hidden = hide_gaps(observed, length, seed=1, rate=0.1)
    assert np.array_equal(hidden, hide_gaps(observed, length, seed=1, rate=0.1))
    assert not (hidden & ~observed).any()
    for j in range(2):
        runs = missing_runs(~hidden[:, j])
        assert runs and all(size == length for _, size in runs)
        for start, size in runs:
            assert observed[start - 1, j] and observed[start + size, j]
            assert not hidden[start - 1, j] and not hidden[start + size, j]


def test_scores_only_count_hidden_cells():
    truth = np.array([1.0, 2.0, 4.0, 100.0])
    imputed = np.array([1.0, 3.0, 1.0, -100.0])
    hidden = np.array([False, True, True, False])
    result = score(imputed, truth, hidden)
    assert result["mae"] == pytest.approx(2.0)
    assert result["rmse"] == pytest.approx(np.sqrt(5.0))
    assert result["mre"] == pytest.approx(4.0 / 6.0)
    assert result["n"] == 2
