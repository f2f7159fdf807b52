"""Baselines on hand-made series: each result is worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from models.imputation.baselines import (
    BASELINES,
    detect_period,
    linear,
    locf,
    mean_fill,
    seasonal_profile,
    time_weighted,
)

NAN = np.nan


def _case():
    values = np.array([NAN, 2.0, NAN, NAN, 8.0, NAN])
    return values, ~np.isnan(values)


def test_mean_fill():
    values, observed = _case()
    np.testing.assert_array_equal(mean_fill(values, observed), [5, 2, 5, 5, 8, 5])


def test_locf_carries_forward_and_backfills_a_leading_gap():
    values, observed = _case()
    np.testing.assert_array_equal(locf(values, observed), [2, 2, 2, 2, 8, 8])


def test_linear_interpolates_by_step_and_holds_the_ends():
    values, observed = _case()
    np.testing.assert_array_equal(linear(values, observed), [2, 2, 4, 6, 8, 8])


def test_time_weighted_uses_real_distances():
    values = np.array([0.0, NAN, 10.0])
    observed = ~np.isnan(values)
    # The missing step sits 1 unit after the first and 9 before the last observation.
    np.testing.assert_allclose(
        time_weighted(values, observed, np.array([0.0, 1.0, 10.0])), [0, 1, 10]
    )
    np.testing.assert_allclose(linear(values, observed, np.array([0.0, 1.0, 10.0])), [0, 5, 10])


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_observed_cells_are_returned_bit_identical(name):
    rng = np.random.default_rng(0)
    values = rng.normal(size=(200, 3)) * 1e3 + 0.1
    observed = rng.random((200, 3)) > 0.3
    out = BASELINES[name](np.where(observed, values, NAN), observed)
    assert np.array_equal(out[observed], values[observed])
    assert np.isfinite(out).all()


def test_detect_period_finds_the_daily_cycle_of_hourly_data():
    rng = np.random.default_rng(1)
    steps = np.arange(24 * 30)
    values = 10 * np.sin(2 * np.pi * steps / 24) + 0.05 * steps + rng.normal(0, 1, len(steps))
    assert detect_period(values, np.ones(len(values), bool)) == 24


def test_a_short_series_without_a_calendar_step_gets_no_cycle_by_chance():
    # 55 values and no time column: every common period is tried, so noise clears the
    # autocorrelation floor at one of them now and then unless the period is significant.
    found = sum(
        detect_period(np.random.default_rng(seed).normal(size=(55, 1)), np.ones((55, 1), bool))
        is not None
        for seed in range(200)
    )
    assert found <= 12  # 6 of 200 with the significance floor; 24 without it
    # A real 12-step cycle twice the noise's size is still found in so few values.
    steps = np.arange(60)
    cycles = [
        np.sin(2 * np.pi * steps / 12) + np.random.default_rng(seed).normal(0, 0.5, 60)
        for seed in range(20)
    ]
    assert sum(detect_period(c[:, None], np.ones((60, 1), bool)) == 12 for c in cycles) >= 17


def test_detect_period_finds_nothing_in_a_random_walk():
    values = np.cumsum(np.random.default_rng(2).normal(size=600))
    assert detect_period(values, np.ones(600, bool)) is None


def test_seasonal_profile_recovers_the_shape_inside_a_long_gap():
    steps = np.arange(24 * 20)
    truth = 5 * np.sin(2 * np.pi * steps / 24) + 20
    observed = np.ones(len(steps), bool)
    observed[100:130] = False
    values = np.where(observed, truth, NAN)
    seasonal = seasonal_profile(values, observed)
    lin = linear(values, observed)
    gap = ~observed
    assert np.abs(seasonal[gap] - truth[gap]).max() < 0.5  # amplitude 5
    assert np.abs(lin[gap] - truth[gap]).mean() > 2.0  # a straight line cannot follow the day


def test_seasonal_profile_of_monthly_dates_keeps_the_calendar_phase():
    """Months of 28-31 days have a median step of 31 days; the profile's phase is the month of
    the year, not a count of 31-day steps (which slips a month every five years)."""
    import pandas as pd

    from models.imputation.baselines import impute_baseline
    from models.imputation.data import prepare_series

    dates = pd.date_range("1920-01-01", periods=240, freq="MS")
    truth = 50 + 12 * np.sin(2 * np.pi * dates.month.to_numpy() / 12)
    values = truth.copy()
    values[180:204] = NAN  # two years missing, near the end where a slip would be largest
    series = prepare_series(pd.DataFrame({"date": dates, "t": values}), "date", ["t"])
    assert series.step_seconds == 31 * 86400
    filled = impute_baseline("seasonal", series)[:, 0]
    # Amplitude 12: a slipped phase (month 180 at step 177) is off by more than the amplitude.
    assert np.abs(filled[180:204] - truth[180:204]).max() < 2.0


def test_seasonal_profile_follows_a_cycle_that_grows_with_the_level():
    # Air-traffic-like: the yearly swing is 20% of a level that quadruples. An additive
    # profile averages small early swings with large late ones and undershoots late gaps.
    steps = np.arange(144)
    level = 100 * 4 ** (steps / 143)
    truth = level * (1 + 0.2 * np.sin(2 * np.pi * steps / 12))
    observed = np.ones(144, bool)
    observed[120:132] = False  # a year missing where the swing is largest
    values = np.where(observed, truth, NAN)
    filled = seasonal_profile(values, observed, period=12)
    gap = ~observed
    swing = 0.2 * level[gap]  # 64-77 in the gap
    # As a ratio to the level: mean error 6.4 (an additive profile: 24.4, up to 37).
    assert np.abs(filled[gap] - truth[gap]).mean() < 0.15 * swing.min()
    assert np.abs(filled[gap] - truth[gap]).max() < 0.25 * swing.min()
