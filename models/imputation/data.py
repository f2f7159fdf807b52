"""Turn a table into a clean (time x column) series, plus masks, scalers and windows."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models.imputation.errors import (
    EverythingMissingError,
    NoNumericColumnError,
    NothingMissingError,
    TimeColumnParseError,
    TooFewObservedError,
    UnknownColumnError,
)

# Below this many observed points per column even a linear interpolation is guesswork.
MIN_OBSERVED_BASELINE = 2
# The learned models need enough observed steps to fill a few training windows.
MIN_OBSERVED_MODEL = 48


@dataclass(frozen=True)
class PreparedSeries:
    """A numeric series on a sorted time axis; NaN marks a missing cell."""

    columns: list[str]
    values: np.ndarray  # (T, C) float64, NaN where missing
    observed: np.ndarray  # (T, C) bool
    # Time of each step in units of the typical step (0, 1, 2, ... for a regular series);
    # time-weighted methods use these real distances.
    positions: np.ndarray  # (T,) float64
    times: pd.Index | None = None  # parsed time column after sorting and merging, if any
    time_column: str | None = None
    step: pd.Timedelta | float | None = None
    duplicates_merged: int = 0
    rows_without_time: int = 0
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_arrays(
        cls,
        values: np.ndarray,
        observed: np.ndarray | None = None,
        positions: np.ndarray | None = None,
        columns: list[str] | None = None,
    ) -> PreparedSeries:
        """Wrap a (T,) or (T, C) array; `observed` defaults to the non-NaN cells."""
        array = np.asarray(values, dtype=np.float64)
        if array.ndim == 1:
            array = array[:, None]
        mask = (
            ~np.isnan(array)
            if observed is None
            else np.asarray(observed, bool).reshape(array.shape)
        )
        array = np.where(mask, array, np.nan)
        pos = (
            np.arange(len(array), dtype=np.float64)
            if positions is None
            else np.asarray(positions, float)
        )
        names = columns or [f"x{i}" for i in range(array.shape[1])]
        return cls(columns=list(names), values=array, observed=mask, positions=pos)

    @property
    def length(self) -> int:
        return int(self.values.shape[0])

    @property
    def n_columns(self) -> int:
        return int(self.values.shape[1])

    @property
    def step_seconds(self) -> float | None:
        """The typical step in seconds when the time column holds dates, else None."""
        return self.step.total_seconds() if isinstance(self.step, pd.Timedelta) else None

    @property
    def irregular(self) -> bool:
        return bool(len(self.positions) > 1 and not np.allclose(np.diff(self.positions), 1.0))

    @property
    def on_grid(self) -> bool:
        """Rows are equally spaced: in time, in calendar units (months and quarters differ
        in days, so monthly data is `irregular` in seconds yet one row per step), or in
        trading days (`trading_days`)."""
        return not self.irregular or calendar_regular(self.times) or trading_days(self.times)

    def with_observed(self, observed: np.ndarray) -> PreparedSeries:
        """The same series with fewer observed cells (for held-out evaluation)."""
        mask = np.asarray(observed, bool) & self.observed
        return PreparedSeries(
            columns=self.columns,
            values=np.where(mask, self.values, np.nan),
            observed=mask,
            positions=self.positions,
            times=self.times,
            time_column=self.time_column,
            step=self.step,
            duplicates_merged=self.duplicates_merged,
            rows_without_time=self.rows_without_time,
            notes=self.notes,
        )

    def to_frame(self, filled: np.ndarray, flag_suffix: str = "_imputed") -> pd.DataFrame:
        """The imputed table: time column, filled columns and one flag column per filled column."""
        out: dict[str, object] = {}
        if self.time_column is not None and self.times is not None:
            out[self.time_column] = np.asarray(self.times)
        for j, name in enumerate(self.columns):
            out[name] = filled[:, j]
        for j, name in enumerate(self.columns):
            out[f"{name}{flag_suffix}"] = ~self.observed[:, j]
        return pd.DataFrame(out)


def calendar_regular(times: object) -> bool:
    """Dates one calendar unit apart (months, quarters, years: equal steps, unequal days)."""
    if not isinstance(times, pd.DatetimeIndex) or len(times) < 3:
        return False
    with pd.option_context("future.infer_freq_returns_offset", True):
        return pd.infer_freq(times) is not None


# Trading days: a market's daily rows skip weekends and a few holidays a year (NYSE: about
# 9 of 261 weekdays, 96.5% kept). Below 90% of the span's weekdays the rows are missing days,
# not a trading calendar.
TRADING_DAYS_KEPT = 0.9


def trading_days(times: object) -> bool:
    """Daily dates on weekdays only, covering most weekdays of their span: a market's calendar,
    where one row is one step (a weekend is no longer than a night between two weekdays: the
    market was closed), though in seconds the rows are irregular."""
    if not isinstance(times, pd.DatetimeIndex) or len(times) < 10:
        return False
    local = times.tz_localize(None) if times.tz is not None else times
    if len(np.unique(local - local.normalize())) > 1:  # daily rows: one time of day
        return False
    days = local.to_numpy().astype("datetime64[D]")
    if not np.is_busday(days).all():
        return False
    weekdays = int(np.busday_count(days[0], days[-1])) + 1
    return len(days) >= TRADING_DAYS_KEPT * weekdays


def _numeric_columns(
    df: pd.DataFrame, time_column: str | None, columns: list[str] | None
) -> list[str]:
    if columns:
        unknown = [c for c in columns if c not in df.columns]
        if unknown:
            raise UnknownColumnError(
                f"Column(s) {unknown} are not in the table; available: {list(df.columns)}.",
                column=unknown[0],
            )
        for name in columns:
            if name == time_column:
                raise UnknownColumnError(
                    f"Column {name!r} is the time column; pick value columns.", column=name
                )
            parsed = pd.to_numeric(df[name], errors="coerce")
            if parsed.notna().sum() == 0 and df[name].notna().sum() > 0:
                raise NoNumericColumnError(
                    f"Column {name!r} holds no numbers (e.g. {df[name].dropna().iloc[0]!r}).",
                    column=name,
                )
        return list(dict.fromkeys(columns))  # a column named twice is filled once
    numeric = [
        c
        for c in df.columns
        if c != time_column
        and pd.api.types.is_numeric_dtype(df[c])
        and not pd.api.types.is_bool_dtype(df[c])
    ]
    if not numeric:
        raise NoNumericColumnError(
            "The table has no numeric column to impute"
            + (f" besides the time column {time_column!r}." if time_column else ".")
        )
    return numeric


def _parse_time(raw: pd.Series, name: str) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(raw):
        return _naive_utc(raw)
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        return raw.astype(float)  # a numeric time axis (year, seconds, step number) is kept as is
    text = raw.astype("string")
    # utc=True: zone-aware and mixed-offset times ("...Z", "+01:00") land on one axis;
    # naive times are read as UTC, which keeps their wall-clock values.
    parsed = _naive_utc(pd.to_datetime(text, errors="coerce", format="mixed", utc=True))
    bad = parsed.isna() & text.notna() & (text.str.strip() != "")
    if bad.any():
        examples = list(text[bad].head(3))
        raise TimeColumnParseError(
            f"Time column {name!r} has {int(bad.sum())} value(s) that are not dates or times, "
            f"e.g. {examples}. Fix them or choose another time column.",
            column=name,
        )
    return parsed


def prepare_series(
    df: pd.DataFrame,
    time_column: str | None = None,
    columns: list[str] | None = None,
    *,
    require_missing: bool = True,
    min_observed: int = MIN_OBSERVED_BASELINE,
) -> PreparedSeries:
    """Parse, sort and merge duplicate times; raise `ImputationInputError` subclasses on bad input."""
    if time_column is not None and time_column not in df.columns:
        raise UnknownColumnError(
            f"Time column {time_column!r} is not in the table; available: {list(df.columns)}.",
            column=time_column,
        )
    names = _numeric_columns(df, time_column, columns)
    table = pd.DataFrame({c: pd.to_numeric(df[c], errors="coerce").astype(float) for c in names})
    table = table.replace([np.inf, -np.inf], np.nan)
    notes: list[str] = []
    empty = [c for c in names if table[c].isna().all()]
    if columns is None and 0 < len(empty) < len(names):
        # Every numeric column by default: one without a single value has nothing to learn
        # from, and should not stop the others (asked for by name, it is an error below).
        names = [c for c in names if c not in empty]
        table = table[names]
        notes.append(f"Column(s) {empty} have no value at all and were left as they are.")
    times = None
    step: pd.Timedelta | float | None = None
    duplicates = 0
    without_time = 0
    if time_column is None:
        positions = np.arange(len(table), dtype=np.float64)
    else:
        parsed = _parse_time(df[time_column], time_column)
        keep = parsed.notna().to_numpy()
        without_time = int((~keep).sum())
        if without_time:
            notes.append(f"{without_time} row(s) without a time were dropped.")
        table = table[keep]
        parsed = parsed[keep]
        if len(table) == 0:
            raise TimeColumnParseError(f"Time column {time_column!r} is empty.", column=time_column)
        table.index = pd.Index(parsed.to_numpy(), name=time_column)
        # Duplicated times: average the observed values (NaN-skipping mean), one row per time.
        duplicates = int(table.index.duplicated().sum())
        table = (
            table.groupby(level=0, sort=True).mean()
            if duplicates
            else table.sort_index(kind="stable")
        )
        if duplicates:
            notes.append(f"{duplicates} row(s) with a repeated time were averaged.")
        times = table.index
        raw = np.asarray(times)
        if np.issubdtype(raw.dtype, np.datetime64):
            seconds = (raw - raw[0]).astype("timedelta64[ns]").astype(np.int64) / 1e9
        else:
            seconds = raw.astype(float) - float(raw[0])
        diffs = np.diff(seconds)
        typical = float(np.median(diffs)) if len(diffs) else 1.0
        typical = typical if typical > 0 else 1.0
        positions = seconds / typical
        step = pd.Timedelta(seconds=typical) if np.issubdtype(raw.dtype, np.datetime64) else typical
        if len(diffs) and not np.allclose(diffs, typical) and not calendar_regular(times):
            notes.append(
                "Rows are trading days (weekdays only): models step one row at a time; "
                "time-weighted methods use the calendar distances."
                if trading_days(times)
                else "Time steps are irregular; time-weighted methods use the real distances."
            )
    values = table.to_numpy(dtype=np.float64)
    observed = ~np.isnan(values)
    for j, name in enumerate(names):
        count = int(observed[:, j].sum())
        if count == 0:
            raise EverythingMissingError(
                f"Column {name!r} has no observed value to learn from.", column=name
            )
        if count < min_observed:
            raise TooFewObservedError(
                f"Column {name!r} has only {count} observed value(s); this method needs at least "
                f"{min_observed}. Try a baseline (linear, locf) or 'auto'.",
                column=name,
            )
    if require_missing and observed.all():
        raise NothingMissingError(f"Nothing is missing in {names}; there is nothing to impute.")
    return PreparedSeries(
        columns=names,
        values=values,
        observed=observed,
        positions=positions.astype(np.float64),
        times=times,
        time_column=time_column,
        step=step,
        duplicates_merged=duplicates,
        rows_without_time=without_time,
        notes=notes,
    )


def require_observed(series: PreparedSeries, minimum: int, method: str) -> None:
    """Raise `TooFewObservedError` when a column has fewer observed points than `method` needs."""
    counts = series.observed.sum(axis=0)
    for name, count in zip(series.columns, counts, strict=True):
        if count < minimum:
            raise TooFewObservedError(
                f"Column {name!r} has {int(count)} observed value(s); {method} needs at least "
                f"{minimum}. Use a baseline (linear, seasonal) or 'auto'.",
                column=name,
            )


@dataclass(frozen=True)
class StandardScaler:
    """Per-column mean and spread, fitted on observed values only."""

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, values: np.ndarray, observed: np.ndarray) -> StandardScaler:
        masked = np.where(observed, values, np.nan)
        mean = np.nanmean(masked, axis=0)
        std = np.nanstd(masked, axis=0)
        std = np.where(np.isfinite(std) & (std > 1e-12), std, 1.0)  # a constant column stays finite
        return cls(mean=np.nan_to_num(mean), std=std)

    def transform(self, values: np.ndarray) -> np.ndarray:
        return (values - self.mean) / self.std

    def inverse(self, scaled: np.ndarray) -> np.ndarray:
        return scaled * self.std + self.mean

    def to_dict(self) -> dict[str, list[float]]:
        return {"mean": [float(v) for v in self.mean], "std": [float(v) for v in self.std]}

    @classmethod
    def from_dict(cls, data: dict[str, list[float]]) -> StandardScaler:
        return cls(mean=np.asarray(data["mean"], float), std=np.asarray(data["std"], float))


def window_starts(length: int, window: int, stride: int, offset: int = 0) -> np.ndarray:
    """Start indices of windows of `window` steps covering all of [0, length)."""
    if length <= window:
        return np.zeros(1, dtype=np.int64)
    offset = int(offset) % max(stride, 1)
    starts = set(range(offset, length - window + 1, stride))
    starts.update({0, length - window})
    return np.array(sorted(starts), dtype=np.int64)


def training_stride(length: int, window: int, min_windows: int = 64) -> int:
    """Window stride for training: `window` on long series, less on short ones (see training_starts)."""
    window = min(window, length)
    span = length - window
    return window if span // window + 1 >= min_windows else max(1, span // max(min_windows - 1, 1))


def training_starts(
    length: int, window: int, rng: np.random.Generator, min_windows: int = 64
) -> np.ndarray:
    """Shuffled window starts for one epoch: a random offset, and overlap on short series.

    A long series gives non-overlapping windows (every step once per epoch); a short one
    (a few hundred steps) overlaps them so an epoch still holds about `min_windows`
    windows, else a 120-row table would give the optimizer one step per epoch.
    """
    window = min(window, length)
    stride = training_stride(length, window, min_windows)
    starts = window_starts(length, window, stride, offset=int(rng.integers(stride)))
    return rng.permutation(starts)


def take_windows(array: np.ndarray, starts: np.ndarray, window: int) -> np.ndarray:
    """Stack windows along a new first axis: (T, ...) -> (N, window, ...)."""
    index = starts[:, None] + np.arange(min(window, len(array)))[None, :]
    return array[index]


def merge_windows(windows: np.ndarray, starts: np.ndarray, length: int) -> np.ndarray:
    """Average overlapping window outputs, trusting each window most at its centre."""
    width = windows.shape[1]
    steps = np.arange(width)
    # Triangular weights: the ends of a window see only one side of a gap.
    weight = np.minimum(steps + 1, width - steps).astype(np.float64)
    total = np.zeros((length,) + windows.shape[2:])
    norm = np.zeros(length)
    for k, start in enumerate(starts):
        total[start : start + width] += windows[k] * weight.reshape(
            (-1,) + (1,) * (windows.ndim - 2)
        )
        norm[start : start + width] += weight
    return total / norm.reshape((-1,) + (1,) * (windows.ndim - 2))


def missing_runs(observed_column: np.ndarray) -> list[tuple[int, int]]:
    """(start, length) of each maximal run of missing cells in one column."""
    missing = ~np.asarray(observed_column, bool)
    if not missing.any():
        return []
    padded = np.concatenate([[False], missing, [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(s), int(e - s)) for s, e in zip(edges[::2], edges[1::2], strict=True)]


def interior_gap_lengths(observed_column: np.ndarray) -> list[int]:
    """Lengths of the missing runs with observed cells on both sides, in one column.

    Leading and trailing runs are left out: they are where a column starts late or ends
    early, not gaps anyone fills from both sides.
    """
    length = len(observed_column)
    return [
        size for start, size in missing_runs(observed_column) if start > 0 and start + size < length
    ]


def _naive_utc(times: pd.Series) -> pd.Series:
    return times.dt.tz_convert("UTC").dt.tz_localize(None) if times.dt.tz is not None else times


def parse_time_column(df: pd.DataFrame, name: str) -> pd.Series:
    """The time column parsed exactly as `prepare_series` parses it (to map rows onto its steps)."""
    return _parse_time(df[name], name)
