"""Per-column statistics of a table (the dataset profile): plain pandas, no storage, no Flask.

What is computed on what:
- `count` and `missing` are exact, over every row.
- Every other statistic (distinct values, quantiles, histograms, top values, text lengths) is
  computed on a uniform random sample of at most `sample_rows` rows (seeded, so the same table
  always gives the same profile); `sampled` says whether that sample is smaller than the table.
- Time columns are read whole when their values share one format (pandas parses them in one
  vectorized pass), because gaps in a time axis are only visible with every timestamp; a time
  column in mixed formats is parsed on the sample, whose gaps are then those of the sample.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from models.timeparse import parse_datetimes

SAMPLE_ROWS = 50_000
HISTOGRAM_BINS = 20
TOP_VALUES = 10
# A string column is free text, not categories, when its values are long or nearly all distinct.
TEXT_MEDIAN_CHARS = 40
TEXT_DISTINCT_SHARE = 0.9
TEXT_MIN_COUNT = 20
# At least this share of the non-missing values must parse for a column to count as time.
TIME_PARSE_SHARE = 0.9
_BOOLEAN_WORDS = frozenset({"true", "false"})
KINDS = ("number", "category", "time", "text", "boolean")


def profile_frame(
    frame: pd.DataFrame,
    vega_types: dict[str, str],
    *,
    sample_rows: int | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """`{rows, profiled_rows, sampled, columns}` for `frame`; `vega_types` are the upload's types."""
    sample_rows = SAMPLE_ROWS if sample_rows is None else sample_rows
    rows = len(frame)
    sampled = rows > sample_rows
    sample = frame.sample(n=sample_rows, random_state=seed).sort_index() if sampled else frame
    columns = [
        profile_column(
            str(name), frame[name], sample[name], vega_types.get(str(name), ""), sampled=sampled
        )
        for name in frame.columns
    ]
    return {"rows": rows, "profiled_rows": len(sample), "sampled": sampled, "columns": columns}


def profile_column(
    name: str, full: pd.Series, sample: pd.Series, vega_type: str, *, sampled: bool = False
) -> dict[str, Any]:
    """One column's profile: kind, counts, and the statistics of its kind."""
    missing = int(full.isna().sum())
    values = _hashable(sample.dropna())
    column: dict[str, Any] = {
        "name": name,
        "count": len(full) - missing,
        "missing": missing,
        "distinct": int(values.nunique()),
    }
    if _is_boolean(values):
        return {
            **column,
            "kind": "boolean",
            "category": _top_values(values.astype(str).str.lower()),
        }
    if vega_type == "temporal":
        times = _time_stats(full.dropna() if sampled else None, values)
        if times is not None:
            return {**column, "kind": "time", "time": times}
    if pd.api.types.is_numeric_dtype(values):
        return {**column, "kind": "number", "number": _number_stats(values)}
    text = values.astype(str)
    if _is_free_text(text):
        lengths = text.str.len()
        return {
            **column,
            "kind": "text",
            "text": {
                "min_length": int(lengths.min()),
                "max_length": int(lengths.max()),
                "mean_length": float(lengths.mean()),
            },
        }
    return {**column, "kind": "category", "category": _top_values(text)}


def _hashable(values: pd.Series) -> pd.Series:
    """Nested JSON values (lists, objects) as text, so they can be counted and compared."""
    if values.dtype != object:
        return values
    return values.map(lambda v: str(v) if isinstance(v, list | dict) else v)


def _is_boolean(values: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(values):
        return True
    text_like = values.dtype == object or pd.api.types.is_string_dtype(values)
    if not text_like or values.empty:
        return False
    return all(isinstance(v, bool) or str(v).lower() in _BOOLEAN_WORDS for v in values.unique())


def _is_free_text(text: pd.Series) -> bool:
    if text.empty:
        return False
    if text.str.len().median() >= TEXT_MEDIAN_CHARS:
        return True
    return len(text) >= TEXT_MIN_COUNT and text.nunique() >= TEXT_DISTINCT_SHARE * len(text)


def _top_values(text: pd.Series) -> dict[str, Any]:
    counts = text.value_counts()
    top = counts.head(TOP_VALUES)
    return {
        "top": [{"value": str(value), "count": int(n)} for value, n in top.items()],
        "other_count": int(counts.iloc[TOP_VALUES:].sum()),
    }


def _number_stats(values: pd.Series) -> dict[str, Any]:
    numbers = values.to_numpy(dtype=float)
    finite = numbers[np.isfinite(numbers)]
    if finite.size == 0:
        return {
            "min": None,
            "max": None,
            "mean": None,
            "std": None,
            "q25": None,
            "q50": None,
            "q75": None,
            "histogram": [],
        }
    q25, q50, q75 = np.quantile(finite, [0.25, 0.5, 0.75])
    bins = max(1, min(HISTOGRAM_BINS, len(np.unique(finite))))
    try:
        counts, edges = np.histogram(finite, bins=bins)
    except ValueError:
        # A range numpy cannot split (its width overflows near 1e308, or the bins would be
        # narrower than the spacing of floats near 1e-308): bin the values scaled to [-1, 1].
        scale = float(np.abs(finite).max())
        counts, edges = np.histogram(finite / scale, bins=bins)
        edges = edges * scale
    return {
        "min": _number(finite.min()),
        "max": _number(finite.max()),
        "mean": _number(finite.mean()),
        "std": _number(finite.std(ddof=1)) if finite.size > 1 else None,
        "q25": _number(q25),
        "q50": _number(q50),
        "q75": _number(q75),
        "histogram": [
            {"start": _number(edges[i]), "end": _number(edges[i + 1]), "count": int(counts[i])}
            for i in range(len(counts))
        ],
    }


def _number(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) or math.isinf(number) else number


def _time_stats(full: pd.Series | None, sample: pd.Series) -> dict[str, Any] | None:
    """Range, frequency and gaps of a time column, or None when its values are not times.

    `full` is every non-missing value of a sampled column (None when `sample` is the column).
    """
    parsed = _parse_times(sample if full is None else _hashable(full), mixed=False)
    if parsed is None:  # not one format: the slow mixed-format parse, on the sample only
        parsed = _parse_times(sample, mixed=True)
    if parsed is None:
        return None
    moments = pd.DatetimeIndex(parsed.dropna().unique()).sort_values().as_unit("ns")
    stats: dict[str, Any] = {
        "min": moments[0].isoformat(),
        "max": moments[-1].isoformat(),
        "frequency": _frequency(moments),
        "gaps": 0,
        "largest_gap": None,
        "largest_gap_s": None,
        "largest_gap_start": None,
    }
    if len(moments) < 3:
        return stats
    steps = np.diff(moments.asi8)  # nanoseconds between consecutive distinct times
    usual = float(np.median(steps))
    # A step half again as long as the usual one skips at least one expected time (a month of
    # 31 days next to 30-day months does not).
    long_steps = steps > 1.5 * usual
    stats["gaps"] = int(long_steps.sum())
    if stats["gaps"]:
        at = int(np.argmax(steps))
        seconds = float(steps[at]) / 1e9
        stats["largest_gap"] = describe_duration(seconds)
        stats["largest_gap_s"] = seconds
        stats["largest_gap_start"] = moments[at].isoformat()
    return stats


def _parse_times(values: pd.Series, *, mixed: bool) -> pd.Series | None:
    """Timestamps, or None when fewer than TIME_PARSE_SHARE of the values parse."""
    if values.empty:
        return None
    if pd.api.types.is_integer_dtype(values) or pd.api.types.is_float_dtype(values):
        # Vega-Lite reads integer years as time (the upload typed them temporal).
        whole = values.dropna()
        if not (whole % 1 == 0).all():
            return None
        parsed = pd.to_datetime(whole.astype("int64").astype(str), format="%Y", errors="coerce")
    else:
        text = values.astype(str)
        options: dict[str, Any] = {"errors": "coerce"}
        if mixed:
            options["format"] = "mixed"
        try:
            parsed = parse_datetimes(text, **options)
        except (ValueError, TypeError, OverflowError):
            return None
    if parsed.notna().sum() < TIME_PARSE_SHARE * len(values):
        return None
    return parsed


def _frequency(moments: pd.DatetimeIndex) -> str | None:
    if len(moments) < 3:
        return None
    try:
        with pd.option_context("future.infer_freq_returns_offset", True):
            offset = pd.infer_freq(moments)
    except (ValueError, TypeError):
        return None
    return None if offset is None else offset.freqstr


def describe_duration(seconds: float) -> str:
    """A duration in words a person reads at a glance: "3 days", "2 h 30 min", "45 s"."""
    if seconds >= 2 * 86400:
        days = seconds / 86400
        return f"{days:.0f} days" if abs(days - round(days)) < 0.05 else f"{days:.1f} days"
    if seconds >= 3600:
        hours, rest = divmod(round(seconds), 3600)
        minutes = rest // 60
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if seconds >= 60:
        minutes, rest = divmod(round(seconds), 60)
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    return f"{seconds:g} s"
