from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.timegan import MinMaxScaler, TimeGANInputError, real_windows, samples_to_frame
from models.timegan.data import cut_windows, training_windows


def test_scaling_maps_each_column_to_unit_range_and_back(series_frame):
    values = series_frame[["temperature", "load_kw"]].to_numpy()
    scaler = MinMaxScaler.fit(values, ["temperature", "load_kw"])
    scaled = scaler.transform(values)
    assert np.allclose(scaled.min(axis=0), 0.0, atol=1e-9)
    assert np.allclose(scaled.max(axis=0), 1.0, atol=1e-6)
    assert np.allclose(scaler.inverse_transform(scaled), values, rtol=1e-9, atol=1e-9)
    restored = MinMaxScaler.from_dict(scaler.to_dict())
    assert np.allclose(restored.inverse_transform(scaled), values)


def test_constant_column_scales_without_dividing_by_zero():
    values = np.column_stack([np.full(10, 3.0), np.arange(10.0)])
    scaler = MinMaxScaler.fit(values, ["flat", "ramp"])
    scaled = scaler.transform(values)
    assert np.isfinite(scaled).all()
    assert np.allclose(scaler.inverse_transform(scaled), values)


def test_windows_follow_the_rows_in_time_order():
    rows = np.column_stack([np.arange(30.0), 100 + np.arange(30.0)])
    windows = cut_windows(rows, 5)
    assert windows.shape == (26, 5, 2)
    # window i holds rows i..i+4, oldest first (the reference reversed them)
    assert np.array_equal(windows[0, :, 0], [0, 1, 2, 3, 4])
    assert np.array_equal(windows[25, :, 1], [125, 126, 127, 128, 129])
    assert (np.diff(windows[..., 0], axis=1) > 0).all()


def test_training_windows_are_scaled_and_shuffled_reproducibly(series_frame):
    first = training_windows(series_frame, 6, seed=1)
    again = training_windows(series_frame, 6, seed=1)
    other = training_windows(series_frame, 6, seed=2)
    assert first.windows.shape == (155, 6, 2)
    assert first.scaler.columns == ("temperature", "load_kw")
    assert first.windows.min() >= 0.0 and first.windows.max() <= 1.0
    assert np.array_equal(first.windows, again.windows)
    assert not np.array_equal(first.windows, other.windows)
    # shuffling reorders whole windows: each one still runs forward in time
    ordered, _ = real_windows(series_frame, 6)
    scaled = first.scaler.transform(ordered).astype(np.float32)
    assert {w.tobytes() for w in scaled} == {w.tobytes() for w in first.windows}


def test_fewer_rows_than_one_window_is_refused(series_frame):
    with pytest.raises(TimeGANInputError) as caught:
        training_windows(series_frame.head(5), 6)
    assert caught.value.code == "too_few_rows"
    assert "5 rows" in str(caught.value)


def test_table_without_numeric_column_is_refused():
    frame = pd.DataFrame({"city": ["a", "b", "c"], "flag": [True, False, True]})
    with pytest.raises(TimeGANInputError) as caught:
        training_windows(frame, 2)
    assert caught.value.code == "no_numeric_column"


def test_missing_values_point_to_imputation(series_frame):
    frame = series_frame.copy()
    frame.loc[10, "load_kw"] = np.nan
    with pytest.raises(TimeGANInputError) as caught:
        training_windows(frame, 6)
    assert caught.value.code == "missing_values"
    assert caught.value.field == "load_kw"
    assert "imput" in str(caught.value)


def test_an_empty_column_is_left_out_unless_asked_for(series_frame):
    # What imputation returns for a column without a single value: still empty.
    frame = series_frame.assign(broken=np.nan)
    assert training_windows(frame, 6).scaler.columns == ("temperature", "load_kw")
    with pytest.raises(TimeGANInputError) as caught:
        training_windows(frame, 6, columns=["temperature", "broken"])
    assert caught.value.code == "missing_values" and caught.value.field == "broken"
    with pytest.raises(TimeGANInputError) as nothing:
        training_windows(frame[["label", "broken"]], 6)
    assert nothing.value.code == "no_numeric_column"


def test_requested_columns_must_exist_and_be_numeric(series_frame):
    with pytest.raises(TimeGANInputError) as unknown:
        training_windows(series_frame, 6, columns=["pressure"])
    assert unknown.value.code == "unknown_column"
    with pytest.raises(TimeGANInputError) as not_numeric:
        training_windows(series_frame, 6, columns=["label"])
    assert not_numeric.value.code == "no_numeric_column"
    only_load = training_windows(series_frame, 6, columns=["load_kw"])
    assert only_load.windows.shape[-1] == 1


def test_samples_become_a_long_table_with_sequence_and_step():
    samples = np.arange(2 * 3 * 2, dtype=float).reshape(2, 3, 2)
    frame = samples_to_frame(samples, ["a", "b"])
    assert list(frame.columns) == ["sequence_id", "step", "a", "b"]
    assert frame["sequence_id"].tolist() == [0, 0, 0, 1, 1, 1]
    assert frame["step"].tolist() == [0, 1, 2, 0, 1, 2]
    assert frame.loc[4, "b"] == samples[1, 1, 1]
    with pytest.raises(TimeGANInputError):
        samples_to_frame(samples, ["only_one"])
