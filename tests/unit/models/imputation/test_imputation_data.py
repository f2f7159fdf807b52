"""prepare_series: parsing, sorting, duplicates, irregular steps and the input errors users see."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.imputation.data import (
    PreparedSeries,
    StandardScaler,
    merge_windows,
    missing_runs,
    prepare_series,
    take_windows,
    window_starts,
)
from models.imputation.errors import ImputationInputError


def test_parses_sorts_and_averages_duplicate_times():
    df = pd.DataFrame(
        {
            "when": [
                "2024-01-01 02:00",
                "2024-01-01 00:00",
                "2024-01-01 01:00",
                "2024-01-01 01:00",
                "2024-01-01 03:00",
            ],
            "temp": [3.0, 1.0, 2.0, 4.0, np.nan],
            "label": ["a", "b", "c", "d", "e"],
        }
    )
    series = prepare_series(df, "when")
    assert series.columns == ["temp"]  # the text column is not a value column
    assert series.duplicates_merged == 1
    np.testing.assert_array_equal(series.values[:, 0][:3], [1.0, 3.0, 3.0])  # 01:00 -> mean(2, 4)
    assert np.isnan(series.values[3, 0]) and not series.observed[3, 0]
    np.testing.assert_array_equal(series.positions, [0, 1, 2, 3])
    assert series.step == pd.Timedelta(hours=1)


def test_irregular_steps_keep_real_distances():
    df = pd.DataFrame(
        {
            "t": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-05", "2024-01-06"]),
            "v": [1, None, 3, 4],
        }
    )
    series = prepare_series(df, "t")
    np.testing.assert_array_equal(series.positions, [0, 1, 4, 5])
    assert series.irregular
    assert any("irregular" in note for note in series.notes)


def test_to_frame_flags_filled_cells_and_keeps_time():
    df = pd.DataFrame(
        {"t": pd.date_range("2024-01-01", periods=4, freq="D"), "v": [1.0, None, 3.0, 4.0]}
    )
    series = prepare_series(df, "t")
    frame = series.to_frame(np.array([[1.0], [2.0], [3.0], [4.0]]))
    assert list(frame.columns) == ["t", "v", "v_imputed"]
    assert frame["v_imputed"].tolist() == [False, True, False, False]


@pytest.mark.parametrize(
    ("frame", "time_column", "columns", "code"),
    [
        (
            pd.DataFrame({"t": ["2024-01-01"] * 3, "name": ["a", "b", "c"]}),
            "t",
            None,
            "no_numeric_column",
        ),
        (
            pd.DataFrame({"t": ["2024-01-01", "yesterday-ish", "x"], "v": [1, None, 2]}),
            "t",
            None,
            "time_column_unparseable",
        ),
        (pd.DataFrame({"v": [1.0, 2.0, 3.0]}), None, None, "nothing_missing"),
        (
            pd.DataFrame({"v": [1.0, None, 3.0], "w": [None, None, None]}),
            None,
            ["v", "w"],
            "everything_missing",
        ),
        (pd.DataFrame({"v": [1.0, None, None]}), None, None, "too_few_observed"),
        (pd.DataFrame({"v": [1.0, None]}), None, ["nope"], "unknown_column"),
        (pd.DataFrame({"v": [1.0, None]}), "when", None, "unknown_column"),
    ],
)
def test_bad_input_raises_a_coded_value_error(frame, time_column, columns, code):
    with pytest.raises(ImputationInputError) as info:
        prepare_series(frame, time_column, columns)
    assert info.value.code == code
    assert isinstance(info.value, ValueError)
    assert str(info.value)  # a reason a person can read


def test_an_empty_column_is_left_out_of_every_numeric_column_but_not_when_named():
    frame = pd.DataFrame({"v": [1.0, None, 3.0], "w": [np.nan] * 3})  # as read from a CSV
    series = prepare_series(frame)
    assert series.columns == ["v"]
    assert any("['w']" in note and "no value" in note for note in series.notes)
    with pytest.raises(ImputationInputError) as info:  # asked for by name: an error
        prepare_series(frame, None, ["v", "w"])
    assert info.value.code == "everything_missing"
    with pytest.raises(ImputationInputError) as info:  # nothing left to fill
        prepare_series(frame[["w"]])
    assert info.value.code == "everything_missing"


def test_scaler_is_fitted_on_observed_values_only():
    values = np.array([[1.0], [3.0], [1000.0]])
    observed = np.array([[True], [True], [False]])
    scaler = StandardScaler.fit(values, observed)
    assert scaler.mean[0] == 2.0 and scaler.std[0] == 1.0
    restored = StandardScaler.from_dict(scaler.to_dict())
    assert np.array_equal(restored.mean, scaler.mean) and np.array_equal(restored.std, scaler.std)


@pytest.mark.parametrize("length", [5, 64, 1000, 1001])
def test_windows_cover_every_step_and_merge_back(length):
    series = np.arange(length, dtype=float)[:, None]
    starts = window_starts(length, 64, 32, offset=7)
    windows = take_windows(series, starts, 64)
    covered = np.zeros(length, bool)
    for s in starts:
        covered[s : s + windows.shape[1]] = True
    assert covered.all()
    np.testing.assert_allclose(merge_windows(windows, starts, length), series)


def test_missing_runs_and_from_arrays():
    series = PreparedSeries.from_arrays(np.array([np.nan, 1, np.nan, np.nan, 2, np.nan]))
    assert missing_runs(series.observed[:, 0]) == [(0, 1), (2, 2), (5, 1)]


def test_zone_aware_and_mixed_offset_times_share_one_axis():
    import pandas as pd

    from models.imputation.data import prepare_series

    frame = pd.DataFrame(
        {
            "t": [
                "2021-01-01T05:00:00Z",
                "2021-01-01T07:00:00+01:00",
                "2021-01-01T07:00:00Z",
                "2021-01-01T08:00:00Z",
            ],
            "v": [1.0, None, 3.0, 4.0],
        }
    )
    series = prepare_series(frame, "t")
    # 07:00+01:00 is 06:00 UTC: one hour after the first row, an hourly series.
    assert list(series.positions) == [0.0, 1.0, 2.0, 3.0]
    assert series.observed[:, 0].tolist() == [True, False, True, True]


def test_monthly_rows_are_on_a_grid_though_months_differ_in_seconds():
    values = np.r_[np.nan, np.arange(23.0)]
    for times, on_grid in (
        (pd.date_range("2020-01-01", periods=24, freq="MS"), True),
        (pd.date_range("2020-01-01", periods=24, freq="QS"), True),
        (
            pd.date_range("2020-01-01", periods=24, freq="h")
            .delete([5, 9])
            .append(pd.DatetimeIndex(["2020-01-03", "2020-01-04"])),
            False,
        ),
    ):
        series = prepare_series(pd.DataFrame({"t": times, "v": values}), "t", ["v"])
        assert series.on_grid is on_grid
        # Users are told about uneven steps only where rows really skip time.
        assert any("irregular" in note for note in series.notes) is not on_grid


def test_trading_days_are_a_grid_of_rows_and_missing_days_are_not():
    # A market's calendar: weekdays only, a few holidays missing. One row is one step,
    # though a weekend is three days; daily rows with weekend rows, or many weekdays
    # missing, or weekly dates on Mondays are not that.
    weekdays = pd.bdate_range("2021-01-04", periods=300)
    rng = np.random.default_rng(0)
    random_days = pd.date_range("2021-01-01", periods=420).delete(
        rng.choice(np.arange(1, 419), 120, replace=False)
    )
    values = np.r_[np.nan, np.arange(299.0)]
    holidays = [10, 50, 120, 200, 250]
    for times, on_grid, told in (
        (weekdays, True, False),  # pandas' own business-day frequency
        (weekdays.delete(holidays), True, True),
        (weekdays.delete(holidays) + pd.Timedelta(hours=16), True, True),  # closing time
        (weekdays[::3], False, False),
        (random_days[:300], False, False),
        (weekdays.delete(np.arange(0, 300, 4)), False, False),  # a quarter of them missing
    ):
        times = times[: len(values)]
        series = prepare_series(pd.DataFrame({"t": times, "v": values[: len(times)]}), "t", ["v"])
        assert series.on_grid is on_grid, times[:8]
        assert any("trading days" in note for note in series.notes) is told
