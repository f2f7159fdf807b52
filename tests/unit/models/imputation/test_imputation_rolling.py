"""Rolling pseudo-gaps: which stretches are carved, and the block test over them."""

from __future__ import annotations

import numpy as np

from models.imputation import make_imputer
from models.imputation.data import PreparedSeries
from models.imputation.rolling import (
    SPACING,
    RollingErrors,
    pseudo_gap_passes,
    pseudo_gap_starts,
    rolling_errors,
)


def test_pseudo_gaps_are_observed_stretches_with_observed_neighbours():
    observed = np.array([1, 1, 1, 1, 0, 1, 1, 1, 1, 1], bool)
    # Length 2: [s, s+1] observed, s-1 and s+2 observed.
    assert pseudo_gap_starts(observed, 2).tolist() == [1, 6, 7]
    # A cell that may not be scored (a confirmation cell) can still be a neighbour.
    scorable = np.array([1, 1, 1, 1, 1, 1, 1, 0, 1, 1], bool)
    assert pseudo_gap_starts(observed, 2, scorable).tolist() == [1]


def _errors(differences: np.ndarray, length: int = 4) -> RollingErrors:
    starts = np.arange(len(differences)) * (length + 1)  # one pseudo-gap per block
    return RollingErrors(
        length,
        starts,
        {"time": np.full(len(starts), 5.0), "other": 5.0 + differences},
    )


def test_the_block_test_finds_a_steady_lead_and_not_noise():
    rng = np.random.default_rng(0)
    assert _errors(-1.0 + 0.3 * rng.normal(size=12)).compare("other", "time")["p"] < 0.001
    assert _errors(0.3 * rng.normal(size=12)).compare("other", "time")["p"] > 0.05
    assert _errors(np.array([-1.0])).compare("other", "time")["p"] == 1.0  # one block: no test


def test_neighbouring_blocks_that_move_together_count_as_less_evidence():
    from scipy import stats

    noise = np.random.default_rng(1).normal(size=40)
    smooth = -0.25 + np.convolve(noise, np.ones(2) / np.sqrt(2), mode="same")  # lag-1 correlated
    rolling = _errors(smooth)
    naive = stats.ttest_1samp(rolling.block_differences("other", "time"), 0.0, alternative="less")
    assert rolling.compare("other", "time")["p"] > naive.pvalue  # the interval widens


def test_rolling_errors_score_every_method_on_every_pseudo_gap():
    steps = np.arange(120)
    values = np.sin(2 * np.pi * steps / 12) * 5 + 10
    series = PreparedSeries.from_arrays(values)
    rolling = rolling_errors(series, 0, 6, {m: make_imputer(m) for m in ("time", "mean")})
    assert len(rolling.starts) > 50 and rolling.n_blocks() >= 15
    for method in ("time", "mean"):
        assert np.isfinite(rolling.mae[method]).all()
    # Linear interpolation across half a cycle of a sine misses its hump.
    assert rolling.overall_mae("time") > 1.0


def test_every_pseudo_gap_is_filled_once_and_apart_from_the_others_in_its_fill():
    observed = np.ones(3000, bool)
    observed[::401] = False
    for length in (1, 6, 24, 33, 36, 50, 100):
        starts, passes = pseudo_gap_passes(observed, length)
        chosen = np.concatenate(passes)
        assert len(passes) <= 64
        assert sorted(chosen.tolist()) == list(range(len(starts))), length
        for one_fill in passes:
            assert (np.diff(starts[one_fill]) >= SPACING * (length + 1)).all(), length


def test_a_long_gap_length_scores_every_pseudo_gap():
    # 36 steps: the kept starts are every third step, which does not divide the spacing.
    steps = np.arange(1500)
    series = PreparedSeries.from_arrays(np.sin(2 * np.pi * steps / 50) * 5 + 10)
    rolling = rolling_errors(series, 0, 36, {m: make_imputer(m) for m in ("time", "mean")})
    assert len(rolling.starts) > 400
    assert np.isfinite(rolling.mae["time"]).all()
    assert rolling.compare("mean", "time")["n"] == rolling.n_blocks()
