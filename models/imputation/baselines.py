"""Baselines: mean, LOCF, linear, time-weighted interpolation and a seasonal profile.

Every function takes `values` (T,) or (T, C), a same-shaped boolean `observed` and optional
`positions` (T,) in units of the typical step, and returns a filled copy whose observed
cells are the input cells, bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from models.imputation.data import PreparedSeries

Baseline = Callable[..., np.ndarray]


def _as_2d(values: np.ndarray, observed: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    array = np.asarray(values, dtype=np.float64)
    flat = array.ndim == 1
    if flat:
        array = array[:, None]
    mask = np.asarray(observed, bool).reshape(array.shape)
    return array, mask, flat


def _finish(values: np.ndarray, observed: np.ndarray, filled: np.ndarray, flat: bool) -> np.ndarray:
    out = np.where(observed, values, filled)  # observed cells come back untouched
    return out[:, 0] if flat else out


def mean_fill(
    values: np.ndarray, observed: np.ndarray, positions: np.ndarray | None = None
) -> np.ndarray:
    """Fill each column with the mean of its observed values."""
    array, mask, flat = _as_2d(values, observed)
    counts = np.maximum(mask.sum(axis=0), 1)
    means = np.where(mask, array, 0.0).sum(axis=0) / counts
    return _finish(array, mask, np.broadcast_to(means, array.shape), flat)


def locf(
    values: np.ndarray, observed: np.ndarray, positions: np.ndarray | None = None
) -> np.ndarray:
    """Last observation carried forward; a leading gap takes the first observation."""
    array, mask, flat = _as_2d(values, observed)
    steps = np.arange(len(array))[:, None]
    last = np.maximum.accumulate(np.where(mask, steps, -1), axis=0)
    first = np.argmax(mask, axis=0)
    source = np.where(last < 0, first[None, :], last)
    filled = np.take_along_axis(array, source, axis=0)
    return _finish(array, mask, filled, flat)


def _interpolate(array: np.ndarray, mask: np.ndarray, axis_points: np.ndarray) -> np.ndarray:
    filled = np.empty_like(array)
    for j in range(array.shape[1]):
        known = mask[:, j]
        if not known.any():
            filled[:, j] = np.nan
            continue
        # np.interp holds the end values flat beyond the first/last observation.
        filled[:, j] = np.interp(axis_points, axis_points[known], array[known, j])
    return filled


def linear(
    values: np.ndarray, observed: np.ndarray, positions: np.ndarray | None = None
) -> np.ndarray:
    """Straight lines between neighbouring observations, step by step (ignores real time)."""
    array, mask, flat = _as_2d(values, observed)
    filled = _interpolate(array, mask, np.arange(len(array), dtype=np.float64))
    return _finish(array, mask, filled, flat)


def time_weighted(
    values: np.ndarray, observed: np.ndarray, positions: np.ndarray | None = None
) -> np.ndarray:
    """Linear interpolation along real time: a gap twice as long weighs twice as much."""
    array, mask, flat = _as_2d(values, observed)
    axis_points = (
        np.arange(len(array), dtype=np.float64)
        if positions is None
        else np.asarray(positions, float)
    )
    filled = _interpolate(array, mask, axis_points)
    return _finish(array, mask, filled, flat)


# Calendar periods (in steps) for common steps (in seconds): day and week for hourly data,
# week and year for daily data, year for monthly data, and so on.
_CALENDAR: tuple[tuple[float, tuple[int, ...]], ...] = (
    (60.0, (60, 1440)),
    (300.0, (12, 288)),
    (900.0, (4, 96, 672)),
    (1800.0, (48, 336)),
    (3600.0, (24, 168)),
    (86400.0, (7, 365)),
    (7 * 86400.0, (52,)),
    (30.44 * 86400.0, (12,)),
    (91.31 * 86400.0, (4,)),
)


def _calendar_step(step_seconds: float | None) -> tuple[float, tuple[int, ...]] | None:
    """The calendar step (seconds) that `step_seconds` is, and its periods; None if unusual."""
    for seconds, periods in _CALENDAR:
        if step_seconds and abs(step_seconds - seconds) <= 0.1 * seconds:
            return seconds, periods
    return None


def calendar_positions(positions: np.ndarray, step_seconds: float | None) -> np.ndarray:
    """Positions in calendar steps: month k is step k although the typical step is 31 days.

    `positions` are in units of the typical (median) step; months of 28-31 days have a
    median of 31, so month 240 would sit at 235.6 and a phase taken from it would slip
    by one month every five years. Rescaled to the mean calendar step (30.44 days), every
    month lands within a few hours of its index.
    """
    calendar = _calendar_step(step_seconds)
    if calendar is None or step_seconds is None:
        return positions
    return positions * (step_seconds / calendar[0])


# Without a calendar step every common period is tried on a series that gives no reason to
# expect any of them, so a short noisy series clears 0.3 at one of them by chance (55 yearly
# values: 0.33 at lag 7, about 2 standard errors of an autocorrelation over 42 pairs). There a
# period must also stand this many standard errors (1 / sqrt(pairs)) above zero. On 200
# white-noise, random-walk and MA(2) series of 55 values a period was found in 12-18% without
# it, 3-6% with it; 48-60 values of a 12-step cycle twice the noise's size are still found in
# 90-94% of 50 draws (all without it).
UNKNOWN_STEP_Z = 2.5


def _candidate_periods(length: int, step_seconds: float | None) -> list[int]:
    calendar: tuple[int, ...] = (4, 7, 12, 24, 52, 60, 96, 168, 365, 1440)
    if step_seconds:
        found = _calendar_step(step_seconds)
        if found is None:
            return []  # an unusual step: no calendar period to trust
        calendar = found[1]
    # At least three cycles, so one odd cycle cannot make a profile.
    return [p for p in calendar if 3 * p <= length]


def _moving_average(series: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average; the ends average over the points that exist."""
    kernel = np.ones(width)
    return np.convolve(series, kernel, mode="same") / np.convolve(
        np.ones_like(series), kernel, mode="same"
    )


def _autocorrelation(series: np.ndarray, lag: int) -> float:
    a, b = series[:-lag], series[lag:]
    a = a - a.mean()
    b = b - b.mean()
    denom = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / denom) if denom > 0 else 0.0


def detect_period(
    values: np.ndarray,
    observed: np.ndarray,
    positions: np.ndarray | None = None,
    step_seconds: float | None = None,
) -> int | None:
    """The seasonal period in steps (e.g. 24 for hourly data), or None if there is none.

    Tries the calendar periods of the step (any common period when the step is unknown)
    that fit three times into the series, and keeps the one whose autocorrelation of the
    detrended series is highest, if that is clearly positive.
    """
    array, mask, _ = _as_2d(values, observed)
    axis_points = seasonal_axis(len(array), positions, step_seconds)
    return detect_period_on_axis(array, mask, axis_points, step_seconds)


def detect_period_on_axis(
    array: np.ndarray, mask: np.ndarray, axis_points: np.ndarray, step_seconds: float | None
) -> int | None:
    """`detect_period` on (T, C) arrays whose positions are calendar steps already."""
    grid = (
        np.arange(int(np.floor(axis_points[-1])) + 1, dtype=np.float64)
        if len(axis_points)
        else axis_points
    )
    calendar_known = _calendar_step(step_seconds) is not None
    best, best_score = None, 0.3  # below this the "profile" is mostly noise
    for j in range(array.shape[1]):
        known = mask[:, j]
        if known.sum() < 8:
            continue
        regular = np.interp(grid, axis_points[known], array[known, j])
        for period in _candidate_periods(len(grid), step_seconds):
            # Remove the slow trend with a moving average one period wide, so a trending
            # series (stocks) does not look periodic at every lag.
            trend = _moving_average(regular, period)
            detrended = (regular - trend)[period // 2 : len(regular) - period // 2]
            if len(detrended) <= period + 2:
                continue
            score = _autocorrelation(detrended, period)
            if not calendar_known and score <= UNKNOWN_STEP_Z / np.sqrt(len(detrended) - period):
                continue
            if score > best_score:
                best, best_score = period, score
    return best


def _phase_profile(
    deviation: np.ndarray, phase: np.ndarray, known: np.ndarray, period: int, empty: float
) -> np.ndarray:
    """Mean of the observed `deviation` (one per known cell) at each phase (`empty` where a
    phase has none); a long (yearly) profile is smoothed over about two weeks."""
    sums = np.bincount(phase[known], weights=deviation, minlength=period)
    counts = np.bincount(phase[known], minlength=period)
    profile = np.where(counts > 0, sums / np.maximum(counts, 1), empty)
    width = period // 24  # a yearly profile from a few years is noisy: smooth over ~2 weeks
    if width > 1:
        wrapped = np.concatenate([profile[-width:], profile, profile[:width]])
        profile = _moving_average(wrapped, 2 * width + 1)[width:-width]
    return profile


@dataclass(frozen=True)
class SeasonalShape:
    """One column's seasonal component on every step: a fixed swing added to the level, or a
    ratio the level is multiplied by (a cycle whose swing grows with the series)."""

    ratio: bool
    component: np.ndarray  # (T,)

    def remove(self, values: np.ndarray) -> np.ndarray:
        return values / self.component if self.ratio else values - self.component

    def restore(self, adjusted: np.ndarray) -> np.ndarray:
        return adjusted * self.component if self.ratio else adjusted + self.component

    def fill(self, values: np.ndarray, known: np.ndarray, axis_points: np.ndarray) -> np.ndarray:
        """The seasonal profile's estimate at every step: the adjusted values interpolated
        along `axis_points` and the shape put back (`seasonal_profile`, one column)."""
        adjusted = self.remove(values)
        return self.restore(np.interp(axis_points, axis_points[known], adjusted[known]))


def seasonal_axis(
    length: int, positions: np.ndarray | None, step_seconds: float | None
) -> np.ndarray:
    """Positions in calendar steps (the step index when there are none)."""
    if positions is None:
        return np.arange(length, dtype=np.float64)
    return calendar_positions(np.asarray(positions, float), step_seconds)


def seasonal_shapes(
    array: np.ndarray, mask: np.ndarray, axis_points: np.ndarray, period: int
) -> list[SeasonalShape | None]:
    """Per column of (T, C) `array`, its seasonal shape (None for a column with no values).

    The profile is the mean observed deviation from a moving-average level at each phase
    (e.g. hour of day), so it is the shape within a period, not the level. Where every
    observed value and the level are positive, the profile is also fitted as a ratio to the
    level and kept instead when its mean absolute misfit on the observed cells is lower.
    """
    phase = np.rint(axis_points).astype(np.int64) % period
    shapes: list[SeasonalShape | None] = []
    for j in range(array.shape[1]):
        known = mask[:, j]
        if not known.any():
            shapes.append(None)
            continue
        level = np.interp(axis_points, axis_points[known], array[known, j])
        smooth = _moving_average(level, period)
        values_j = array[known, j]
        additive = _phase_profile(values_j - smooth[known], phase, known, period, 0.0)
        shape = SeasonalShape(False, additive[phase])
        if (smooth > 0).all() and (values_j > 0).all():
            misfit = np.abs(values_j - smooth[known] - additive[phase[known]]).mean()
            ratio = _phase_profile(values_j / smooth[known], phase, known, period, 1.0)
            if np.abs(values_j - smooth[known] * ratio[phase[known]]).mean() < misfit:
                shape = SeasonalShape(True, ratio[phase])
        shapes.append(shape)
    return shapes


def seasonal_profile(
    values: np.ndarray,
    observed: np.ndarray,
    positions: np.ndarray | None = None,
    period: int | None = None,
    step_seconds: float | None = None,
) -> np.ndarray:
    """Seasonal profile plus an interpolated level.

    The seasonal shape (`seasonal_shapes`) is taken out of the observed values, the
    remainder is interpolated along time across the gap and the shape put back, so the fill
    meets both neighbours and follows the daily (yearly, ...) shape in between.
    """
    array, mask, flat = _as_2d(values, observed)
    axis_points = seasonal_axis(len(array), positions, step_seconds)
    period = period or detect_period_on_axis(array, mask, axis_points, step_seconds)
    if period is None:
        return time_weighted(values, observed, positions)
    filled = np.full_like(array, np.nan)
    for j, shape in enumerate(seasonal_shapes(array, mask, axis_points, period)):
        if shape is None:
            continue
        filled[:, j] = shape.fill(array[:, j], mask[:, j], axis_points)
    return _finish(array, mask, filled, flat)


def impute_baseline(name: str, series: PreparedSeries) -> np.ndarray:
    """Run one baseline on a prepared series (the seasonal one knows the time step)."""
    if name == "seasonal":
        return seasonal_profile(
            series.values, series.observed, series.positions, step_seconds=series.step_seconds
        )
    return BASELINES[name](series.values, series.observed, series.positions)


BASELINES: dict[str, Baseline] = {
    "mean": mean_fill,
    "locf": locf,
    "linear": linear,
    "time": time_weighted,
    "seasonal": seasonal_profile,
}
