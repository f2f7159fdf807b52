"""BRITS and NAOMI with tiny configs: accuracy against mean fill, persistence, exact resume."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from models.imputation import get_config, get_imputer
from models.imputation.baselines import mean_fill
from models.imputation.data import PreparedSeries
from models.imputation.evaluate import hide_gaps, score

pytestmark = pytest.mark.slow

TINY = {
    "brits": {
        "window": 48,
        "hidden_size": 16,
        "batch_size": 8,
        "learning_rate": 1e-2,
        "device": "cpu",
    },
    "naomi": {
        "window": 48,
        "hidden_size": 16,
        "decoder_size": 16,
        "batch_size": 8,
        "learning_rate": 1e-2,
        "device": "cpu",
    },
}


def _model(name, **overrides):
    config = get_config(name)(**{**TINY[name], **overrides})
    return get_imputer(name)(config)


@pytest.fixture(scope="module")
def seasonal_case():
    rng = np.random.default_rng(0)
    steps = np.arange(24 * 25)
    truth = np.stack(
        [10 * np.sin(2 * np.pi * steps / 24), 5 * np.cos(2 * np.pi * steps / 24) + 3], axis=1
    ) + rng.normal(0, 0.3, (len(steps), 2))
    hidden = hide_gaps(np.ones_like(truth, bool), 6, seed=0, rate=0.1)
    train = PreparedSeries.from_arrays(np.where(hidden, np.nan, truth))
    return truth, hidden, train


@pytest.mark.parametrize("name", ["brits", "naomi"])
def test_model_beats_mean_fill_and_keeps_observed_values(name, seasonal_case):
    truth, hidden, train = seasonal_case
    model = _model(name).fit(train, epochs=8)
    out = model.impute(train.values, train.observed)
    assert np.array_equal(out[train.observed], train.values[train.observed])
    assert np.isfinite(out).all()
    model_mae = score(out, truth, hidden)["mae"]
    mean_mae = score(mean_fill(train.values, train.observed), truth, hidden)["mae"]
    assert model_mae < 0.6 * mean_mae


@pytest.mark.parametrize("name", ["brits", "naomi"])
def test_round_trip_gives_identical_outputs_and_resumes_exactly(name, seasonal_case):
    _, _, train = seasonal_case
    model = _model(name).fit(train, epochs=2)
    blob = model.to_bytes()
    restored = get_imputer(name).from_bytes(blob)
    assert restored.epoch == 2
    assert restored.optimizer.state  # Adam moments came back, not a fresh optimizer
    np.testing.assert_array_equal(
        restored.impute(train.values, train.observed), model.impute(train.values, train.observed)
    )
    # One more epoch on each: same weights, same optimizer moments, same random masks.
    model.fit_epoch(train)
    restored.fit_epoch(train)
    assert restored.epoch == 3
    np.testing.assert_array_equal(
        restored.impute(train.values, train.observed), model.impute(train.values, train.observed)
    )


@pytest.mark.parametrize("name", ["brits", "naomi"])
def test_optimizer_state_persists_across_epochs(name, seasonal_case):
    _, _, train = seasonal_case
    model = _model(name)
    model.fit_epoch(train)
    optimizer = model.optimizer
    steps_after_one = max(int(s["step"]) for s in optimizer.state.values())
    model.fit_epoch(train)
    assert model.optimizer is optimizer
    assert max(int(s["step"]) for s in optimizer.state.values()) > steps_after_one


@pytest.mark.parametrize("name", ["brits", "naomi"])
@pytest.mark.parametrize("length", [30, 2000])
def test_any_length_and_several_columns(name, length):
    rng = np.random.default_rng(1)
    values = rng.normal(size=(length, 3))
    values[rng.random((length, 3)) < 0.2] = np.nan
    values[5:25, 1] = np.nan  # a gap longer than a few steps
    series = PreparedSeries.from_arrays(values)
    model = _model(name).fit(series, epochs=1)
    out = model.impute(series.values, series.observed)
    assert out.shape == values.shape and np.isfinite(out).all()
    assert np.array_equal(out[series.observed], values[series.observed])


def test_brits_imputes_with_the_weight_average_and_trains_as_without_it(seasonal_case):
    _, _, train = seasonal_case
    averaged = _model("brits", ema_decay=0.9).fit(train, epochs=2)
    last = _model("brits", ema_decay=0.0).fit(train, epochs=2)
    assert last.averaged is None
    # The average only reads the weights: both runs took the same optimizer steps.
    for ours, theirs in zip(averaged.network.parameters(), last.network.parameters(), strict=True):
        assert torch.equal(ours, theirs)
    assert int(averaged.averaged.n_averaged) > 1
    filled_avg = averaged.impute(train.values, train.observed)
    filled_last = last.impute(train.values, train.observed)
    assert not np.allclose(filled_avg[~train.observed], filled_last[~train.observed])
    # Loading the average into the trained network reproduces what the model imputes.
    last.network.load_state_dict(averaged.averaged.module.state_dict())
    np.testing.assert_allclose(last.impute(train.values, train.observed), filled_avg, rtol=1e-6)


def test_brits_uses_real_time_distances():
    rng = np.random.default_rng(2)
    values = rng.normal(size=(100, 1))
    values[rng.random((100, 1)) < 0.2] = np.nan
    series = PreparedSeries.from_arrays(values)
    model = _model("brits").fit(series, epochs=1)
    regular = model.impute(series.values, series.observed)
    stretched = model.impute(series.values, series.observed, positions=np.arange(100) * 5.0)
    assert not np.allclose(regular[~series.observed], stretched[~series.observed])


def test_artifact_of_the_wrong_kind_is_refused(seasonal_case):
    _, _, train = seasonal_case
    blob = _model("brits").fit(train, epochs=1).to_bytes()
    with pytest.raises(ValueError, match="brits"):
        get_imputer("naomi").from_bytes(blob)
