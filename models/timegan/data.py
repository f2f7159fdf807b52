"""Training data for TimeGAN: numeric columns, per-column min-max scaling, windows in time order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from models.timegan.errors import TimeGANInputError

# Added to the column span so a constant column scales to 0 instead of dividing by zero
# (the reference MinMaxScaler uses the same 1e-7).
_SPAN_EPSILON = 1e-7

SeriesLike: TypeAlias = pd.DataFrame | np.ndarray


@dataclass(frozen=True)
class MinMaxScaler:
    """Per-column min-max scaling to [0, 1], stored with the model and inverted on output."""

    minimum: np.ndarray
    maximum: np.ndarray
    columns: tuple[str, ...]

    @classmethod
    def fit(cls, values: np.ndarray, columns: Sequence[str]) -> MinMaxScaler:
        """Learn each column's range from a (rows, features) or (windows, steps, features) array."""
        flat = np.asarray(values, dtype=np.float64).reshape(-1, values.shape[-1])
        return cls(flat.min(axis=0), flat.max(axis=0), tuple(columns))

    @property
    def span(self) -> np.ndarray:
        return self.maximum - self.minimum

    def transform(self, values: np.ndarray) -> np.ndarray:
        return (np.asarray(values, dtype=np.float64) - self.minimum) / (self.span + _SPAN_EPSILON)

    def inverse_transform(self, scaled: np.ndarray) -> np.ndarray:
        return np.asarray(scaled, dtype=np.float64) * (self.span + _SPAN_EPSILON) + self.minimum

    def to_dict(self) -> dict[str, Any]:
        return {
            "minimum": self.minimum.tolist(),
            "maximum": self.maximum.tolist(),
            "columns": list(self.columns),
        }

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> MinMaxScaler:
        return cls(
            np.asarray(values["minimum"], dtype=np.float64),
            np.asarray(values["maximum"], dtype=np.float64),
            tuple(values["columns"]),
        )


def numeric_values(
    data: SeriesLike, columns: Sequence[str] | None = None
) -> tuple[np.ndarray, list[str]]:
    """The training columns of `data` as float64, checked for NaN.

    A DataFrame gives its numeric columns (or exactly `columns`); a 2-D array is a series
    (rows in time order, one column per feature); a 3-D array is already a set of windows.
    """
    if isinstance(data, pd.DataFrame):
        values, names = _frame_values(data, columns)
    else:
        values = np.asarray(data)
        if values.ndim == 1:
            values = values[:, None]
        if values.ndim not in (2, 3):
            raise TimeGANInputError(
                f"expected a table, a (rows, features) or a (windows, steps, features) array, "
                f"got {values.ndim} dimensions",
                code="bad_shape",
            )
        if not np.issubdtype(values.dtype, np.number) or np.issubdtype(
            values.dtype, np.complexfloating
        ):
            raise TimeGANInputError("the data has no numeric column", code="no_numeric_column")
        names = list(columns) if columns is not None else [f"x{i}" for i in range(values.shape[-1])]
        if len(names) != values.shape[-1]:
            raise TimeGANInputError(
                f"{len(names)} column names for {values.shape[-1]} features", code="bad_shape"
            )
        if values.shape[-1] == 0:
            raise TimeGANInputError("the data has no numeric column", code="no_numeric_column")
    values = values.astype(np.float64)
    _check_finite(values, names)
    return values, names


def _frame_values(
    frame: pd.DataFrame, columns: Sequence[str] | None
) -> tuple[np.ndarray, list[str]]:
    if columns is None:
        # Every numeric column that holds a value: an empty one (imputation leaves it as it
        # is) would otherwise refuse the table with "fill the gaps first" forever.
        names = [
            str(name)
            for name in frame.columns
            if pd.api.types.is_numeric_dtype(frame[name])
            and not pd.api.types.is_bool_dtype(frame[name])
            and frame[name].notna().any()
        ]
        if not names:
            raise TimeGANInputError(
                "the data has no numeric column with values to train on",
                code="no_numeric_column",
            )
        selected = frame[[name for name in frame.columns if str(name) in names]]
    else:
        missing = [name for name in columns if name not in frame.columns]
        if missing:
            raise TimeGANInputError(
                f"unknown column(s): {', '.join(map(str, missing))}",
                code="unknown_column",
                field=str(missing[0]),
            )
        not_numeric = [
            name
            for name in columns
            if not pd.api.types.is_numeric_dtype(frame[name])
            or pd.api.types.is_bool_dtype(frame[name])
        ]
        if not_numeric:
            raise TimeGANInputError(
                f"column(s) not numeric: {', '.join(map(str, not_numeric))}",
                code="no_numeric_column",
                field=str(not_numeric[0]),
            )
        if not columns:
            raise TimeGANInputError("no column selected", code="no_numeric_column")
        selected = frame[list(columns)]
        names = [str(name) for name in columns]
    return selected.to_numpy(dtype=np.float64, na_value=np.nan), names


def _check_finite(values: np.ndarray, names: Sequence[str]) -> None:
    flat = values.reshape(-1, values.shape[-1])
    bad = ~np.isfinite(flat)
    if bad.any():
        counts = bad.sum(axis=0)
        described = ", ".join(
            f"{name} ({int(n)})" for name, n in zip(names, counts, strict=True) if n
        )
        raise TimeGANInputError(
            f"missing or infinite values in training column(s): {described}; "
            "fill the gaps first (e.g. run an imputation on this dataset) and train on the result",
            code="missing_values",
            field=next(name for name, n in zip(names, counts, strict=True) if n),
        )


def cut_windows(values: np.ndarray, seq_len: int) -> np.ndarray:
    """Every window of `seq_len` consecutive rows, stride 1, rows kept in their given time order.

    The reference loader reversed the rows first (its files are already oldest-first), which
    made every window run backwards in time; here window i is rows i .. i + seq_len - 1.
    """
    if values.ndim != 2:
        raise TimeGANInputError("windows are cut from a (rows, features) series", code="bad_shape")
    n_rows = values.shape[0]
    if n_rows < seq_len:
        raise TimeGANInputError(
            f"the series has {n_rows} rows, fewer than one window of seq_len={seq_len}; "
            "use more rows or a shorter seq_len",
            code="too_few_rows",
            field="seq_len",
        )
    windows = np.lib.stride_tricks.sliding_window_view(values, seq_len, axis=0)
    # sliding_window_view puts the window axis last: (windows, features, steps) -> (windows, steps, features)
    return np.ascontiguousarray(windows.transpose(0, 2, 1))


def real_windows(
    data: SeriesLike, seq_len: int, columns: Sequence[str] | None = None
) -> tuple[np.ndarray, list[str]]:
    """Windows of the data in original units and time order (for evaluation against samples)."""
    values, names = numeric_values(data, columns)
    if values.ndim == 3:
        if values.shape[1] != seq_len:
            raise TimeGANInputError(
                f"windows have {values.shape[1]} steps, expected seq_len={seq_len}",
                code="bad_shape",
                field="seq_len",
            )
        return values, names
    return cut_windows(values, seq_len), names


@dataclass(frozen=True)
class TrainingWindows:
    """Scaled, shuffled training windows and the scaler that maps them back."""

    windows: np.ndarray  # (n_windows, seq_len, features), float32 in [0, 1]
    scaler: MinMaxScaler


def training_windows(
    data: SeriesLike,
    seq_len: int,
    *,
    columns: Sequence[str] | None = None,
    seed: int = 0,
    scaler: MinMaxScaler | None = None,
) -> TrainingWindows:
    """Check, scale (fitting a scaler unless one is given, e.g. on resume), window and shuffle."""
    windows, names = real_windows(data, seq_len, columns)
    if scaler is None:
        scaler = MinMaxScaler.fit(windows, names)
    elif tuple(names) != scaler.columns and columns is not None:
        raise TimeGANInputError(
            f"columns {names} differ from the model's {list(scaler.columns)}",
            code="column_mismatch",
        )
    elif windows.shape[-1] != len(scaler.columns):
        raise TimeGANInputError(
            f"the data has {windows.shape[-1]} features, the model {len(scaler.columns)}",
            code="column_mismatch",
        )
    scaled = scaler.transform(windows).astype(np.float32)
    # Shuffle once so windows are close to i.i.d., as the reference does; seeded for reproducibility.
    order = np.random.default_rng(seed).permutation(len(scaled))
    return TrainingWindows(scaled[order], scaler)


def samples_to_frame(samples: np.ndarray, columns: Sequence[str]) -> pd.DataFrame:
    """Synthetic sequences in long format: `sequence_id`, `step`, then one column per feature."""
    samples = np.asarray(samples)
    if samples.ndim != 3 or samples.shape[-1] != len(columns):
        raise TimeGANInputError(
            f"expected (sequences, steps, {len(columns)}) samples, got {samples.shape}",
            code="bad_shape",
        )
    n_sequences, n_steps, _ = samples.shape
    frame = pd.DataFrame(samples.reshape(n_sequences * n_steps, -1), columns=list(columns))
    frame.insert(0, "step", np.tile(np.arange(n_steps), n_sequences))
    frame.insert(0, "sequence_id", np.repeat(np.arange(n_sequences), n_steps))
    return frame
