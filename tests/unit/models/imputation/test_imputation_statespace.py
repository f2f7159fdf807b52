"""kalman: a state-space model per column, fitted by maximum likelihood, filled by the smoother."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd

from models.imputation import make_imputer
from models.imputation.auto import auto_impute
from models.imputation.baselines import BASELINES, seasonal_profile, time_weighted
from models.imputation.data import PreparedSeries, missing_runs, prepare_series
from models.imputation.evaluate import gap_bucket, hide_gaps, hide_random_points, score
from models.imputation.imputer import Budget, imputer_from_bytes
from models.imputation.statespace import (
    UNTESTED_SHARE,
    ColumnData,
    ColumnFit,
    KalmanImputer,
    blend_runs,
    choose_weights,
    nested_simple,
    shrunk_share,
    smooth_column,
)


def _hidden(truth: np.ndarray, hidden: np.ndarray) -> PreparedSeries:
    return PreparedSeries.from_arrays(np.where(hidden, np.nan, truth))


def _mae(filled: np.ndarray, truth: np.ndarray, hidden: np.ndarray) -> float:
    return score(filled, truth, hidden)["mae"]


def _level_plus_noise(n: int = 400, seed: int = 0) -> np.ndarray:
    # A slowly wandering level seen through noise twice its step size (the Nile's shape).
    rng = np.random.default_rng(seed)
    return (np.cumsum(rng.normal(0, 0.5, n)) + rng.normal(0, 2.0, n))[:, None]


def test_a_noisy_level_is_smoothed_instead_of_copying_the_neighbours_noise():
    truth = _level_plus_noise()
    hidden = hide_random_points(np.ones_like(truth, bool), 0.1, seed=0)
    series = _hidden(truth, hidden)
    imputer = make_imputer("kalman")
    imputer.fit(series, Budget(0))
    filled = imputer.fill(series)
    assert np.array_equal(filled[series.observed], series.values[series.observed])
    assert np.isfinite(filled).all()
    assert imputer.describe()["0"]["model"] == "local_level"
    linear = BASELINES["linear"](series.values, series.observed)
    # The smoother alone was 0.80x; the blend its pseudo-gaps chose keeps most of the gain.
    assert _mae(filled, truth, hidden) < 0.9 * _mae(linear, truth, hidden)


def _ar1(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = np.zeros(n)
    for t in range(1, n):
        values[t] = 0.7 * values[t - 1] + rng.normal()
    return (10 + values)[:, None]


def _monthly_cycle(seed: int) -> tuple[PreparedSeries, np.ndarray, np.ndarray]:
    dates = pd.date_range("1990-01-01", periods=240, freq="MS")
    rng = np.random.default_rng(seed)
    truth = 10 + 8 * np.sin(2 * np.pi * dates.month.to_numpy() / 12) + rng.normal(0, 1.0, 240)
    hidden = hide_gaps(np.ones((240, 1), bool), 6, seed=seed, rate=0.1)[:, 0]
    frame = pd.DataFrame({"date": dates, "v": np.where(hidden, np.nan, truth)})
    return prepare_series(frame, "date", ["v"]), truth, hidden


def test_the_fill_blends_the_smoother_with_the_simple_method_its_model_nests_per_gap_length():
    # Raw fits blend with time interpolation; seasonally adjusted fits with the seasonal
    # profile; each missing run by the share chosen for its gap bucket (module doc).
    truth = _ar1(600, seed=1)
    raw = _hidden(truth, hide_gaps(np.ones_like(truth, bool), 12, seed=1, rate=0.1))
    seasonal, _, _ = _monthly_cycle(seed=2)
    for series, simple in (
        (raw, time_weighted(raw.values[:, 0], raw.observed[:, 0], raw.positions)),
        (
            seasonal,
            seasonal_profile(
                seasonal.values, seasonal.observed, seasonal.positions, 12, seasonal.step_seconds
            )[:, 0],
        ),
    ):
        imputer = KalmanImputer()
        imputer.fit(series)
        fit = imputer.fits[0]
        assert fit is not None and (fit.seasonal or fit.spec != "white_noise")
        assert fit.seasonal is (series is seasonal)
        assert fit.weights and all(0.0 <= w <= 1.0 for w in fit.weights.values())
        known = series.observed[:, 0]
        values = np.where(known, series.values[:, 0], 0.0)
        shape = imputer._shapes(series, [0])[0][0] if fit.seasonal else None
        smoother = smooth_column(values, known, fit, shape)
        filled = imputer.fill(series)[:, 0]
        for start, size in missing_runs(known):
            share = fit.weight(gap_bucket(size))
            run = slice(start, start + size)
            np.testing.assert_allclose(
                filled[run], share * smoother[run] + (1 - share) * simple[run]
            )


def _points_hidden(n: int, seed: int) -> np.ndarray:
    return ~hide_random_points(np.ones((n, 1), bool), 0.1, seed=seed)[:, 0]


def test_pseudo_gaps_take_the_simple_method_where_the_model_interpolates_worse():
    # A smooth curve filled by an AR(1) that forgot its dynamics (its smoother is the mean):
    # the line between the neighbours is far better, and the pseudo-gaps show it.
    steps = np.arange(200, dtype=np.float64)
    truth = 0.05 * steps + np.sin(steps / 15.0)
    known = _points_hidden(200, seed=3)
    forgetful = ColumnFit(
        "ar1", [0.0, 0.0, 1.0], float(truth[known].mean()), float(truth[known].std()), False, 0.0
    )
    values = np.where(known, truth, 0.0)
    column = ColumnData(values, known, steps, steps)
    assert choose_weights(column, forgetful, None) == {"1": 0.0, "2-4": 0.0}


def test_pseudo_gaps_keep_the_smoother_where_it_interpolates_better():
    # A noisy level: interpolation copies the neighbours' noise, the local level's smoother
    # averages it out, so the pseudo-gaps give the smoother most of the fill.
    truth = _level_plus_noise(400, seed=0)
    series = _hidden(truth, hide_random_points(np.ones_like(truth, bool), 0.1, seed=0))
    imputer = KalmanImputer()
    imputer.fit(series)
    assert imputer.fits[0].spec == "local_level"
    assert min(imputer.fits[0].weights.values()) >= 0.5
    # The evidence says how each share was measured: the share that won on the pseudo-gaps,
    # its lead in standard errors, and what fills after shrinking it.
    shares = imputer.describe()["0"]["shares"]
    assert set(shares) == set(imputer.fits[0].weights)
    for bucket, choice in shares.items():
        assert choice["share"] == imputer.fits[0].weights[bucket] <= choice["won"]
        assert choice["t"] > 1 and choice["blocks"] >= 5
        assert choice["pseudo_gaps"] >= choice["blocks"] and choice["length"] >= 1


def _pseudo_gaps(gains: np.ndarray) -> tuple[np.ndarray, int, np.ndarray, np.ndarray, np.ndarray]:
    """`shrunk_share`'s arguments for one single-step pseudo-gap per block: the simple method
    misses by 1, the smoother by 1 - gain (every share's error is linear in it, so the full
    share wins wherever the mean gain is positive)."""
    n = len(gains)
    return np.arange(n) * 2, 1, (1.0 - gains)[:, None], np.ones((n, 1)), np.zeros((n, 1))


def test_a_share_won_by_a_wide_margin_is_kept_and_one_won_by_noise_is_not():
    alternating = np.where(np.arange(20) % 2 == 0, 1.0, -1.0)
    # Every block gains about 0.5, or exactly 0.1: far more than the standard error.
    assert shrunk_share(*_pseudo_gaps(0.5 + 0.05 * alternating)).share > 0.99
    assert shrunk_share(*_pseudo_gaps(np.full(20, 0.1))).share == 1.0
    # A mean gain of 0.1 with a spread of 0.5 per block: t below 1, so the argmin's full
    # share is luck as far as 20 blocks can tell, and the simple method fills.
    assert shrunk_share(*_pseudo_gaps(0.1 + 0.5 * alternating)).share == 0.0
    # In between, the share shrinks by 1 - 1/t^2: t = 0.1 / (0.205 / sqrt(20)) = 2.18.
    assert 0.75 < shrunk_share(*_pseudo_gaps(0.1 + 0.2 * alternating)).share < 0.82


def test_a_gap_length_without_pseudo_gaps_is_filled_by_the_simple_method():
    # Two real gaps of 30 steps in 100: too few blocks of pseudo-gaps to measure a share, so
    # the smoother gets none there (leaving the simple method needs evidence); the 3-step
    # gap's share is measured.
    truth = _level_plus_noise(100, seed=8)[:, 0]
    known = np.ones(100, bool)
    known[[20, 21, 22]] = False
    known[40:70] = False
    fit = ColumnFit("local_level", [1.0, 0.1], float(truth.mean()), float(truth.std()), False, 0.0)
    steps = np.arange(100, dtype=np.float64)
    column = ColumnData(np.where(known, truth, 0.0), known, steps, steps)
    fit = replace(fit, weights=choose_weights(column, fit, None))
    assert "2-4" in fit.weights and "13-36" not in fit.weights
    assert fit.weight("13-36") == UNTESTED_SHARE == 0.0
    smoother = smooth_column(column.values, known, fit, None)
    simple = nested_simple(column, fit, None)
    filled = blend_runs(smoother, simple, known, fit)
    np.testing.assert_array_equal(filled[40:70], simple[40:70])
    assert not np.allclose(smoother[40:70], simple[40:70])


def test_a_mean_reverting_series_leans_to_its_mean_inside_long_gaps():
    truth = _ar1(600, seed=1)
    hidden = hide_gaps(np.ones_like(truth, bool), 12, seed=1, rate=0.1)
    series = _hidden(truth, hidden)
    filled = make_imputer("kalman").fill(series)
    linear = BASELINES["linear"](series.values, series.observed)
    assert _mae(filled, truth, hidden) < 0.9 * _mae(linear, truth, hidden)


def test_a_seasonal_series_is_smoothed_around_its_cycle():
    series, truth, hidden = _monthly_cycle(seed=2)
    imputer = KalmanImputer()
    imputer.fit(series)
    assert imputer.describe()["0"]["seasonal"] is True
    filled = imputer.fill(series)[:, 0]
    linear = BASELINES["linear"](series.values, series.observed)[:, 0]
    assert np.abs(filled - truth)[hidden].mean() < 0.5 * np.abs(linear - truth)[hidden].mean()


def test_a_fitted_imputer_round_trips_and_fills_the_same():
    truth = _level_plus_noise(200, seed=3)
    hidden = hide_random_points(np.ones_like(truth, bool), 0.1, seed=3)
    series = _hidden(truth, hidden)
    imputer = KalmanImputer()
    imputer.fit(series)
    loaded = imputer_from_bytes(imputer.to_bytes())
    assert isinstance(loaded, KalmanImputer) and loaded.fits == imputer.fits
    assert np.array_equal(loaded.fill(series), imputer.fill(series))
    # A model saved before the shares' evidence was kept still loads and fills the same.
    stored = json.loads(imputer.to_bytes())
    for fit in stored["fits"].values():
        del fit["share_evidence"]
    older = imputer_from_bytes(json.dumps(stored).encode())
    assert np.array_equal(older.fill(series), imputer.fill(series))


def test_held_out_fills_keep_the_model_but_refit_its_parameters():
    truth = _level_plus_noise(300, seed=4)
    series = _hidden(truth, hide_random_points(np.ones_like(truth, bool), 0.05, seed=4))
    fitted = KalmanImputer()
    fitted.fit(series)
    fold = series.with_observed(~hide_random_points(series.observed, 0.2, seed=5))
    held_out = fitted.for_held_out()
    assert held_out.fits is None and held_out.structure == fitted.fits
    # Same model, the fold's own parameters: the fill differs from the fixed-parameter one.
    assert not np.allclose(held_out.fill(fold), fitted.fill(fold))


def test_columns_it_cannot_model_fall_back_to_interpolation():
    values = np.array(
        [[5.0, 1.0], [5.0, np.nan], [np.nan, 3.0], [5.0, np.nan], [5.0, 5.0], [5.0, np.nan]]
    )
    series = PreparedSeries.from_arrays(values)
    filled = make_imputer("kalman").fill(series)
    time = BASELINES["time"](series.values, series.observed)
    # A constant column and one with too few values to fit: time-weighted interpolation.
    assert np.array_equal(filled, time)


def test_auto_keeps_the_smoother_where_it_is_clearly_better_and_says_which_model():
    # The smoother is auto's default on an evenly spaced series: here (a noisy level) no
    # candidate beats it on the held-out points, and the evidence names its model.
    truth = _level_plus_noise(1500, seed=6)
    hidden = hide_random_points(np.ones_like(truth, bool), 0.1, seed=6)
    series = _hidden(truth, hidden)
    result = auto_impute(series, models={}, seed=0)
    assert result.evidence["default"] == "kalman"
    assert set(result.choice["x0"].values()) == {"kalman"}
    for decision in result.evidence["decisions"]["x0"].values():
        assert decision["winner"] == "kalman"
        assert decision["selection_mae"]["kalman"] < decision["selection_mae"]["time"]
    assert result.evidence["kalman"]["x0"]["model"] == "local_level"
    linear = BASELINES["linear"](series.values, series.observed)
    assert _mae(result.imputed, truth, hidden) < 0.9 * _mae(linear, truth, hidden)


def test_its_models_include_the_mean_s_and_interpolation_s_and_reproduce_them():
    # White noise is filled with the mean, a random walk with the straight line: the
    # likelihood picks those structures where the data show nothing more.
    rng = np.random.default_rng(7)
    hidden = hide_random_points(np.ones((300, 1), bool), 0.1, seed=7)
    for truth, spec, method in (
        (rng.normal(5.0, 1.0, (300, 1)), "white_noise", "mean"),
        (np.cumsum(rng.normal(size=(300, 1)), axis=0), "random_walk", "linear"),
    ):
        series = _hidden(truth, hidden)
        imputer = KalmanImputer()
        imputer.fit(series)
        assert imputer.describe()["0"]["model"] == spec
        simple = BASELINES[method](series.values, series.observed)
        assert np.allclose(imputer.fill(series), simple, rtol=0, atol=1e-6)


def test_the_smoother_runs_with_one_blas_thread(monkeypatch):
    # Its matrices are 1-3 wide: a second BLAS thread only adds waiting (statespace.py).
    from threadpoolctl import threadpool_info

    from models.imputation import statespace

    seen: list[set[int]] = []
    fit_column = statespace.fit_column

    def spying(*args, **kwargs):
        seen.append({lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"})
        return fit_column(*args, **kwargs)

    monkeypatch.setattr(statespace, "fit_column", spying)
    truth = _level_plus_noise(120, seed=9)
    series = _hidden(truth, hide_random_points(np.ones_like(truth, bool), 0.1, seed=9))
    KalmanImputer().fill(series)
    assert seen and all(threads == {1} for threads in seen)
