"""auto: measures real gaps, validates on held-out gaps like them, picks a sensible method."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from models.imputation import METHODS, get_imputer
from models.imputation.auto import (
    _confirm,
    _Decision,
    _Gaps,
    _thin_pooled_seasonal,
    auto_impute,
    bucket_of,
    holm,
)
from models.imputation.baselines import BASELINES, impute_baseline
from models.imputation.data import PreparedSeries, prepare_series
from models.imputation.errors import UnknownMethodError
from models.imputation.evaluate import hide_gaps, hide_random_points, score

DATA = Path(__file__).parent / "data"


def _daily_series(days=30, seed=0):
    rng = np.random.default_rng(seed)
    steps = np.arange(24 * days)
    return 8 * np.sin(2 * np.pi * steps / 24) + 0.02 * steps + rng.normal(0, 0.4, len(steps))


def test_auto_picks_a_seasonal_method_for_day_long_gaps_in_hourly_data():
    truth = _daily_series()[:, None]
    hidden = hide_gaps(np.ones_like(truth, bool), 24, seed=0, rate=0.1)
    series = PreparedSeries.from_arrays(np.where(hidden, np.nan, truth))
    result = auto_impute(series, models={}, seed=0)
    # The seasonal profile, or the state-space smoother fitted to the seasonally adjusted
    # values (here it also models the noise around the cycle): both follow the daily shape.
    assert result.choice in ({"x0": {"13-36": "seasonal"}}, {"x0": {"13-36": "kalman"}})
    assert result.evidence["gap_lengths"]["x0"] == {"24": int(hidden.sum() // 24)}
    assert np.array_equal(result.imputed[series.observed], series.values[series.observed])
    auto_mae = score(result.imputed, truth, hidden)["mae"]
    linear_mae = score(BASELINES["linear"](series.values, series.observed), truth, hidden)["mae"]
    assert auto_mae < 0.5 * linear_mae
    json.dumps(result.evidence)  # the job stores it as is


def test_on_a_random_walk_the_default_is_interpolation_s_model_and_nothing_switches():
    # The default is the state-space smoother; on a random walk the likelihood picks the
    # random walk, whose smoother is interpolation's straight line: nothing beats it.
    rng = np.random.default_rng(3)
    truth = np.cumsum(rng.normal(size=(800, 2)), axis=0)
    hidden = hide_random_points(np.ones_like(truth, bool), 0.1, seed=1)
    series = PreparedSeries.from_arrays(np.where(hidden, np.nan, truth))
    result = auto_impute(series, models={}, seed=0)
    assert result.evidence["default"] == "kalman"
    assert {m for buckets in result.choice.values() for m in buckets.values()} == {"kalman"}
    assert {c: m["model"] for c, m in result.evidence["kalman"].items()} == {
        "x0": "random_walk",
        "x1": "random_walk",
    }
    line = BASELINES["time"](series.values, series.observed, series.positions)
    assert np.allclose(result.imputed, line, rtol=0, atol=1e-6)
    decision = result.evidence["decisions"]["x0"]["1"]
    assert decision["stretches"] >= 5 and set(decision["candidates"]) == {
        "time",
        "seasonal",
        "locf",
        "mean",
    }
    assert decision["winner"] == "kalman" and decision["confidence"] is None


def test_an_uneven_time_axis_keeps_time_interpolation_as_the_default():
    # The smoother steps by row; where rows are not evenly spaced (in time or in calendar
    # units) time-weighted interpolation is the default; monthly dates are even, and so are
    # trading days (weekdays, a few holidays missing).
    rng = np.random.default_rng(4)
    values = np.cumsum(rng.normal(size=200))
    values[rng.choice(np.arange(5, 195), 20, replace=False)] = np.nan
    uneven = pd.Timestamp("2024-01-01") + pd.to_timedelta(
        np.cumsum(rng.integers(1, 5, size=200)), unit="h"
    )
    monthly = pd.date_range("1990-01-01", periods=200, freq="MS")
    trading = pd.bdate_range("2015-01-05", periods=203).delete([17, 90, 160])  # holidays
    for times, default in ((uneven, "time"), (monthly, "kalman"), (trading, "kalman")):
        series = prepare_series(pd.DataFrame({"t": times, "v": values}), "t", ["v"])
        assert auto_impute(series, models={}, seed=0).evidence["default"] == default


def test_nile_short_noisy_series_auto_is_not_worse_than_linear_and_picks_nothing_on_noise():
    # The case: the Nile's yearly flow (100 values, noisy), 10% of points and gaps
    # of 3, 6 and 10 hidden. Validation on a few held-out cells once picked mean or LOCF
    # on noise and lost to linear interpolation by up to 1.3x.
    frame = pd.read_csv(DATA / "nile.csv")
    full = prepare_series(frame, "year", ["volume"], require_missing=False)
    auto_total = linear_total = 0.0
    for seed in range(8):
        points = hide_random_points(full.observed, 0.1, seed)
        hidden = points | hide_gaps(full.observed & ~points, [3, 6, 10], seed=seed, rate=0.19)
        train = full.with_observed(~hidden)
        result = auto_impute(train, models={}, seed=seed)
        auto_mae = score(result.imputed, full.values, hidden)["mae"]
        linear_mae = score(BASELINES["linear"](train.values, train.observed), full.values, hidden)[
            "mae"
        ]
        auto_total, linear_total = auto_total + auto_mae, linear_total + linear_mae
        # Never a lone noise-level switch away from the default (the smoother, a local
        # level on the Nile): at most an even blend with a challenger whose lead was tested.
        assert {m.split("+")[0] for m in result.choice["volume"].values()} == {"kalman"}
        for decision in result.evidence["decisions"]["volume"].values():  # says why
            assert (
                decision["verdict"].startswith(("thin evidence", "no candidate", "blended"))
                or "kept kalman" in decision["verdict"]
            )
    # The local level's smoother shrinks the noisy neighbours toward their surroundings: per
    # seed 0.77-1.25x interpolation's MAE (seed 0 loses on its few hidden cells), 0.96x over
    # the 8 seeds.
    assert auto_total <= linear_total


def test_holm_adjusts_for_the_number_of_candidates():
    adjusted = holm({"a": 0.01, "b": 0.04, "c": 0.03})
    assert adjusted == pytest.approx({"a": 0.03, "c": 0.06, "b": 0.06})


def test_a_pick_that_fails_on_the_fresh_folds_is_not_used():
    # Fold 0 (selection): "lucky" is far better on 6 stretches; fold 1 (confirmation): it is worse.
    masks = [np.zeros((200, 1), bool), np.zeros((200, 1), bool)]
    for k, starts in enumerate([range(5, 180, 30), range(20, 190, 40)]):
        for start in starts:
            masks[k][start : start + 3, 0] = True
    gaps = _Gaps.of(masks)
    gaps.errors["time"] = np.full(len(gaps.slices), 3.0)
    gaps.errors["lucky"] = np.where(gaps.fold == 0, 1.0, 3.5) + 0.01 * np.arange(len(gaps.slices))
    decision = _Decision(
        "time", ["lucky"], stretches=6, winner="time", picked="lucky", p_values={"lucky": 0.001}
    )
    _confirm(gaps, decision, gaps.fold == 1, level=0.05)
    assert decision.winner == "time" and "not on fresh folds" in decision.verdict


@pytest.mark.parametrize(("seasonal_per_cell", "winner"), [(2.0, "seasonal"), (3.5, "time")])
def test_a_thin_long_bucket_takes_the_seasonal_profile_only_if_it_wins_on_its_gaps_and_shorter_ones_pooled(
    seasonal_per_cell, winner
):
    # One 10-step held-out stretch (too few to test) and 3-step ones in every fold: the
    # seasonal profile is tested on both buckets pooled, selection folds then fresh folds.
    from types import SimpleNamespace

    masks = [np.zeros((400, 1), bool) for _ in range(5)]
    for k, hidden in enumerate(masks):
        for start in range(10 + 7 * k, 380, 40):
            hidden[start : start + 3, 0] = True
    masks[0][385:395, 0] = True
    gaps = _Gaps.of(masks)
    noise = 0.05 * np.sin(np.arange(len(gaps.slices)))  # stretches differ a little, as real ones do
    gaps.errors["time"] = gaps.cells * (3.0 + noise)
    gaps.errors["seasonal"] = gaps.cells * (seasonal_per_cell - noise)
    thin = _Decision("time", ["seasonal"], stretches=1, winner="time")
    decisions = {
        "pooled": {
            "2-4": _Decision("time", ["seasonal"], stretches=27, winner="time"),
            "5-12": thin,
        }
    }
    series = SimpleNamespace(columns=["x"], n_columns=1)
    args = (gaps, decisions, ["time", "seasonal"], np.arange(3), np.arange(3, 5), 0.05)
    out = _thin_pooled_seasonal(series, "time", *args)
    assert set(out["x"]) == {"5-12"}  # only the thin bucket borrows
    assert out["x"]["5-12"].winner == winner
    # The carry-over rests on the profile's lead over interpolation: not over the smoother.
    assert _thin_pooled_seasonal(series, "kalman", *args) == {}


def test_an_epoch_budget_makes_auto_repeatable():
    truth, series = _random_walk_with_gaps(300, 2, 5)
    runs = [
        auto_impute(
            series,
            models={"oracle": lambda: _FixedModel(truth)},
            epoch_budget=3,
            seed=0,
            time_budget_s=0.0,
        )
        for _ in range(2)
    ]
    assert runs[0].choice == runs[1].choice
    np.testing.assert_array_equal(runs[0].imputed, runs[1].imputed)
    model_run = runs[0].evidence["models"]["oracle"]
    assert [f["epochs"] for f in model_run["folds"]] == [3, 3]  # the budget, not the (zero) seconds
    assert runs[0].evidence["budget"] == {"time_budget_s": None, "epoch_budget": 3}


def test_auto_trains_models_within_the_budget_and_records_them():
    from models.imputation.brits import BRITS, BRITSConfig

    truth = _daily_series(days=10)[:, None]
    hidden = hide_gaps(np.ones_like(truth, bool), 5, seed=0, rate=0.1)
    series = PreparedSeries.from_arrays(np.where(hidden, np.nan, truth))
    factory = {
        "brits": lambda: BRITS(BRITSConfig(window=48, hidden_size=8, batch_size=8, device="cpu"))
    }
    result = auto_impute(series, models=factory, time_budget_s=3.0, max_epochs=5)
    run = result.evidence["models"]["brits"]
    assert run["status"] == "trained" and all(1 <= f["epochs"] <= 5 for f in run["folds"])
    assert "brits" in result.evidence["validation"]
    assert "brits" in result.evidence["decisions"]["x0"]["5-12"]["candidates"]
    assert np.isfinite(result.imputed).all()


@pytest.mark.parametrize(
    ("length", "bucket"), [(1, "1"), (3, "2-4"), (5, "5-12"), (24, "13-36"), (50, "37+")]
)
def test_gap_buckets(length, bucket):
    assert bucket_of(length) == bucket


def test_registry_is_lazy_and_rejects_unknown_methods():
    code = "import sys, models.imputation as m; print('torch' in sys.modules, m.METHODS)"
    root = Path(__file__).resolve().parents[4]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    ).stdout
    assert out.startswith("False")
    assert {"brits", "naomi", "auto", "linear", "seasonal"} <= set(METHODS)
    assert get_imputer("brits").__name__ == "BRITS"
    with pytest.raises(UnknownMethodError):
        get_imputer("magic")


class _FixedModel:
    """A stand-in for BRITS/NAOMI: fills gaps with the truth, or with linear interpolation
    of what it is given (truth=None), plus zero-mean noise of a set size."""

    def __init__(self, truth: np.ndarray | None, error: float = 0.0, seed: int = 0) -> None:
        self.truth, self.error, self.seed, self.epoch = truth, error, seed, 0

    def fit_epoch(self, data):
        self.epoch += 1
        return {"loss": 0.0, "seconds": 0.0}

    def impute(self, values, observed, positions=None):
        base = BASELINES["linear"](values, observed) if self.truth is None else self.truth
        noise = (
            np.random.default_rng(self.seed).normal(0, self.error, base.shape)
            if self.error
            else 0.0
        )
        return np.where(observed, values, base + noise)

    def to_bytes(self) -> bytes:
        return pickle.dumps(self)

    @classmethod
    def from_bytes(cls, blob: bytes):
        return pickle.loads(blob)


def _random_walk_with_gaps(rows: int, columns: int, gap: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    truth = np.cumsum(rng.normal(size=(rows, columns)), axis=0)
    hidden = hide_gaps(np.ones_like(truth, bool), gap, seed=seed, rate=0.1)
    return truth, PreparedSeries.from_arrays(np.where(hidden, np.nan, truth))


def test_a_model_that_is_clearly_better_replaces_the_baseline():
    truth, series = _random_walk_with_gaps(600, 2, 12)
    oracle = {"oracle": lambda: _FixedModel(truth)}
    result = auto_impute(series, models=oracle, seed=0, max_epochs=2)
    assert {m for buckets in result.choice.values() for m in buckets.values()} == {"oracle"}
    assert np.allclose(result.imputed, truth)
    decision = result.evidence["decisions"]["x0"]["5-12"]
    assert decision["winner"] == "oracle" and decision["confidence"] > 0.95
    assert decision["confirmation_stretches"] >= 3
    assert result.evidence["models"]["oracle"]["confirmation"]["status"] == "trained"


def test_a_model_that_wins_only_by_noise_rarely_replaces_the_baseline():
    # Interpolation plus a little zero-mean noise is worse in expectation, yet on a few
    # held-out gaps it is often ahead by chance: picked on raw validation MAE it would
    # win about half the time. A one-sided test at 99% may let a rare one through.
    truth, series = _random_walk_with_gaps(240, 3, 5, seed=2)
    linear = BASELINES["linear"](series.values, series.observed)
    error = 0.3 * float(np.abs(linear - truth)[~series.observed].mean())
    picked = 0
    for seed in range(20):
        noisy = {"noisy": lambda s=seed: _FixedModel(None, error=error, seed=s)}
        # The baselines only (no state-space fits, 20 runs): the question is the model's.
        result = auto_impute(
            series,
            models=noisy,
            seed=seed,
            max_epochs=2,
            switch_margin=0.0,
            baselines=("time", "seasonal", "locf", "mean"),
        )
        picked += any(m == "noisy" for buckets in result.choice.values() for m in buckets.values())
    assert picked <= 2


def test_short_series_get_one_baseline_per_bucket_not_per_column_noise():
    # 120 rows with 50-step gaps: the folds can only hide the same few stretches, which
    # must not count as independent evidence for a per-column switch.
    truth, series = _random_walk_with_gaps(120, 8, 50, seed=1)
    result = auto_impute(series, models={}, seed=0)
    chosen = {m for buckets in result.choice.values() for m in buckets.values()}
    assert chosen == {"kalman"}  # the default: no column moved off it
    assert result.evidence["folds"] == 5


def test_a_model_is_not_chosen_on_a_handful_of_held_out_stretches():
    # 4 columns of 123 rows with one 50-step gap each: every fold hides the same 4 stretches.
    # Even a perfect model cannot show it is better there, so interpolation stays.
    truth, series = _random_walk_with_gaps(123, 4, 50, seed=3)
    oracle = {"oracle": lambda: _FixedModel(truth)}
    result = auto_impute(series, models=oracle, seed=0, max_epochs=2)
    assert "oracle" not in {m for buckets in result.choice.values() for m in buckets.values()}


class _Timed(_FixedModel):
    """A stand-in whose epochs report a set cost (no real time passes)."""

    def __init__(self, truth, epoch_s: float) -> None:
        super().__init__(truth)
        self.epoch_s = epoch_s

    def fit_epoch(self, data):
        self.epoch += 1
        return {"loss": 0.0, "seconds": self.epoch_s}


def test_a_time_budget_gives_a_slow_model_as_many_epochs_as_a_fast_one():
    # NAOMI's epochs cost several times BRITS's; an even split of seconds left it a few
    # epochs per fold. The budget is split so both train the same number of epochs.
    truth, series = _random_walk_with_gaps(300, 2, 5)
    models = {"fast": lambda: _Timed(truth, 0.01), "slow": lambda: _Timed(truth, 0.08)}
    result = auto_impute(series, models=models, time_budget_s=3.0, max_epochs=1000, seed=0)
    runs = result.evidence["models"]
    assert runs["fast"]["epochs_per_fold"] == runs["slow"]["epochs_per_fold"] >= 5
    assert [f["epochs"] for f in runs["slow"]["folds"]] == [runs["slow"]["epochs_per_fold"]] * 2


def _monthly_seasonal_with_one_gap(
    seed: int, length: int = 24
) -> tuple[np.ndarray, PreparedSeries]:
    rng = np.random.default_rng(seed)
    dates = pd.date_range("1990-01-01", periods=240, freq="MS")
    truth = 10 + 8 * np.sin(2 * np.pi * dates.month.to_numpy() / 12) + rng.normal(0, 1.0, 240)
    values = truth.copy()
    start = int(rng.integers(30, 190))
    values[start : start + length] = np.nan
    return truth, prepare_series(pd.DataFrame({"date": dates, "v": values}), "date", ["v"])


@pytest.mark.parametrize("seed", [1, 3])
def test_a_strongly_seasonal_series_with_one_long_gap_gets_the_seasonal_profile_on_rolling_evidence(
    seed,
):
    # 20 years of monthly values, one 24-step gap: the held-out folds have room for only
    # 3-4 stretches of 24 steps (5 needed), but every observed 24-step stretch can be
    # hidden in turn; the seasonal profile wins there, then again on the fresh stretches.
    # Without the smoother among the candidates, interpolation is the default the profile
    # must beat (with it, the smoother fits the seasonally adjusted values: see below).
    truth, series = _monthly_seasonal_with_one_gap(seed)
    result = auto_impute(
        series, models={}, seed=seed, baselines=("time", "seasonal", "locf", "mean")
    )
    assert result.evidence["default"] == "time"
    assert result.choice == {"v": {"13-36": "seasonal"}}
    decision = result.evidence["decisions"]["v"]["13-36"]
    assert decision["evidence_kind"] == "rolling"
    assert decision["rolling"]["pseudo_gaps"] >= 30 and decision["stretches"] >= 5
    assert decision["confirmation_stretches"] >= 2 and decision["confidence"] > 0.9
    assert "rolling pseudo-gaps of 24 steps" in decision["verdict"]
    assert decision["held_out_verdict"].startswith("thin evidence")
    gap = ~series.observed[:, 0]
    auto_error = np.abs(result.imputed[gap, 0] - truth[gap]).mean()
    line = BASELINES["time"](series.values, series.observed, series.positions)
    assert auto_error < 0.5 * np.abs(line[gap, 0] - truth[gap]).mean()
    assert np.array_equal(result.imputed[series.observed], series.values[series.observed])
    json.dumps(result.evidence)
    # The default smoother, fitted to the seasonally adjusted values, follows the cycle too.
    result = auto_impute(series, models={}, seed=seed)
    assert result.evidence["kalman"]["v"]["seasonal"]
    assert result.choice in ({"v": {"13-36": "kalman"}}, {"v": {"13-36": "seasonal"}})
    auto_error = np.abs(result.imputed[gap, 0] - truth[gap]).mean()
    assert auto_error < 0.5 * np.abs(line[gap, 0] - truth[gap]).mean()


@pytest.mark.parametrize(("length", "seed"), [(10, 0), (10, 3), (24, 1), (24, 5)])
def test_the_nile_with_one_long_gap_keeps_the_default_and_says_why(length, seed):
    # 100 noisy yearly values, no calendar cycle: the rolling check finds no method that
    # beats the default smoother (or too few blocks to test), so nothing switches on noise.
    frame = pd.read_csv(DATA / "nile.csv")
    full = prepare_series(frame, "year", ["volume"], require_missing=False)
    hidden = hide_gaps(full.observed, length, seed=seed, rate=0.01, min_gaps=1)
    result = auto_impute(full.with_observed(~hidden), models={}, seed=seed)
    bucket = bucket_of(length)
    assert result.choice == {"volume": {bucket: "kalman"}}
    decision = result.evidence["decisions"]["volume"][bucket]
    assert decision["verdict"].startswith("thin evidence")
    assert "rolling check" in decision["verdict"] and "rolling" in decision


@pytest.mark.parametrize("kind", ["random walk", "AR(1) 0.8"])
def test_short_series_with_one_long_gap_and_no_cycle_keep_the_default(kind):
    # 60-250 monthly values, one gap of 5, 10 or 24 steps: the default smoother takes the
    # random walk's straight line or the AR(1)'s pull toward the mean. The rolling check must
    # not switch on what its pseudo-gaps happen to show (0 of 60 series each with seeds
    # 1000-1059 when interpolation was the default; a weak yearly cycle in noise switched in
    # 36 of 60, to 0.86x the MAE of interpolation). An even blend of the default and a
    # challenger is no switch. On one gap per series the smoother is 0.60-1.27x time
    # interpolation's MAE (AR(1)), 0.97-1.46x (random walk: ARIMA(1,1,0) won the AIC on 2 of
    # 15): over the 15 series 1.03x and 1.05x, what its estimation noise costs.
    switched, auto_total, line_total = [], 0.0, 0.0
    for rep in range(15):
        rng = np.random.default_rng(1000 + rep)
        size, length = int(rng.integers(60, 250)), int(rng.choice([5, 10, 24]))
        shocks = rng.normal(size=size)
        values = np.cumsum(shocks) if kind == "random walk" else shocks.copy()
        if kind != "random walk":
            for t in range(1, size):
                values[t] = 0.8 * values[t - 1] + shocks[t]
        start = int(rng.integers(5, size - length - 5))
        truth = values.copy()
        values[start : start + length] = np.nan
        dates = pd.date_range("1990-01-01", periods=size, freq="MS")
        series = prepare_series(pd.DataFrame({"d": dates, "v": values}), "d", ["v"])
        result = auto_impute(series, models={}, seed=rep)
        switched += [m for m in result.choice["v"].values() if m.split("+")[0] != "kalman"]
        gap = slice(start, start + length)
        auto_total += float(np.abs(result.imputed[gap, 0] - truth[gap]).mean())
        line = BASELINES["time"](series.values, series.observed, series.positions)
        line_total += float(np.abs(line[gap, 0] - truth[gap]).mean())
    assert switched == []
    assert auto_total <= 1.06 * line_total


def _weak_cycle_with_points_hidden(seed: int) -> tuple[np.ndarray, np.ndarray, PreparedSeries]:
    rng = np.random.default_rng(seed)
    dates = pd.date_range("1990-01-01", periods=240, freq="MS")
    truth = 10 + 0.6 * np.sin(2 * np.pi * dates.month.to_numpy() / 12) + rng.normal(0, 1.0, 240)
    hidden = hide_random_points(np.ones((240, 1), bool), 0.1, seed=seed)[:, 0]
    frame = pd.DataFrame({"d": dates, "v": np.where(hidden, np.nan, truth)})
    return truth, hidden, prepare_series(frame, "d", ["v"])


@pytest.mark.parametrize("seed", [4, 9])
def test_a_lead_without_significance_is_filled_with_an_even_blend_and_says_so(seed):
    # A weak yearly cycle (0.6 sd) in noise, 10% of points hidden: the mean leads
    # interpolation on the held-out points but does not pass the switch test; the even blend
    # of the two beats interpolation there and on the fresh folds, so it fills the points.
    truth, hidden, series = _weak_cycle_with_points_hidden(seed)
    # The state-space smoother (an AR(1) around the mean) is the better fill here and would
    # earn a switch of its own; without it the blend is what is left to test.
    simple = ("time", "seasonal", "locf", "mean")
    result = auto_impute(series, models={}, seed=seed, baselines=simple)
    assert result.choice["v"]["1"] == "time+mean"
    decision = result.evidence["decisions"]["v"]["1"]
    assert decision["winner"] == "time+mean" and decision["confidence"] is None
    assert decision["blend"]["used"] and decision["blend"]["methods"] == {"time": 0.5, "mean": 0.5}
    assert "kept" in decision["unblended_verdict"]  # no switch was earned (and confirmed)
    mae = decision["selection_mae"]
    assert mae["mean"] < mae["time"] and mae["time+mean"] < mae["time"]
    assert decision["verdict"].startswith("blended: time 0.5 + mean 0.5, because mean led on")
    assert decision["confirmation_stretches"] >= 2
    # The gaps hold the average of the two fills; observed cells are untouched.
    args = (series.values, series.observed, series.positions)
    even = 0.5 * BASELINES["time"](*args) + 0.5 * BASELINES["mean"](*args)
    single = hidden & (np.convolve(hidden, [1, 1, 1], "same") == 1)  # 1-step gaps
    assert np.allclose(result.imputed[single, 0], even[single, 0])
    assert np.array_equal(result.imputed[series.observed], series.values[series.observed])
    auto_mae = np.abs(result.imputed[hidden, 0] - truth[hidden]).mean()
    line = BASELINES["linear"](*args)
    assert auto_mae < np.abs(line[hidden, 0] - truth[hidden]).mean()
    json.dumps(result.evidence)


def test_a_blend_returns_observed_cells_and_the_average_of_its_two_fills():
    from models.imputation.blend import BlendImputer, blend_parts

    _truth, series = _monthly_seasonal_with_one_gap(1)
    hidden = ~series.observed
    filled = BlendImputer("time+seasonal").fill(series)
    assert np.array_equal(filled[series.observed], series.values[series.observed])
    time_fill, seasonal = (impute_baseline(m, series) for m in ("time", "seasonal"))
    assert np.allclose(filled[hidden], 0.5 * time_fill[hidden] + 0.5 * seasonal[hidden])
    assert not np.allclose(time_fill[hidden], seasonal[hidden])  # a real blend
    assert blend_parts("time+seasonal") == ("time", "seasonal") and blend_parts("time") is None
    with pytest.raises(ValueError):
        BlendImputer("time")
