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


def test_held_out_masks_are_disjoint_fresh_folds_shaped_like_the_real_gaps():
    from models.imputation.data import missing_runs
    from models.imputation.evaluate import held_out_masks

    rng = np.random.default_rng(0)
    observed = np.ones((2000, 2), bool)
    observed[rng.choice(2000, 100, replace=False), 0] = False  # single points
    for start in range(100, 1900, 300):
        observed[start : start + 24, 1] = False  # day-long gaps
    masks, lengths = held_out_masks(observed, seed=0, rate=0.1, folds=5, min_gaps=3)
    assert len(masks) == 5 and set(lengths[1]) == {24}
    total = np.zeros_like(observed, dtype=int)
    for hidden in masks:
        assert not (hidden & ~observed).any()  # only observed cells are hidden
        total += hidden
        runs = [size for _, size in missing_runs(~hidden[:, 1])]
        assert len(runs) >= 3 and set(runs) == {24}  # a rare long gap still gets 3 stretches a fold
    assert total.max() == 1  # every held-out cell belongs to one fold


def test_held_out_masks_spread_few_long_stretches_over_every_fold():
    # 240 monthly values with one 24-step gap have room for only 5-7 held-out stretches of
    # 24 steps; they used to filled the first folds (4, 3, 0, 0, 0), leaving `auto` no fresh
    # stretch to confirm a choice on. Dealt round by round, every fold gets one.
    from models.imputation.data import missing_runs
    from models.imputation.evaluate import held_out_masks

    observed = np.ones((240, 1), bool)
    observed[100:124, 0] = False
    for seed in range(3):
        masks, _ = held_out_masks(observed, seed=seed, rate=0.1, folds=5, min_gaps=4)
        counts = [len(missing_runs(~hidden[:, 0])) for hidden in masks]
        assert min(counts) >= 1, counts
        assert all(size == 24 for hidden in masks for _, size in missing_runs(~hidden[:, 0]))
