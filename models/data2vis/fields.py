"""Column typing shared by corpus building and inference: kinds (num/str/dt) and Vega-Lite types."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from models.timeparse import parse_datetimes

FieldKind = Literal["num", "str", "dt"]
KINDS: tuple[FieldKind, ...] = ("num", "str", "dt")

# Which Vega-Lite encoding types make sense for each kind of column. A number with few
# distinct values (cylinders, year) is legitimately ordinal or nominal too.
ALLOWED_VL_TYPES: dict[FieldKind, frozenset[str]] = {
    "num": frozenset({"quantitative", "ordinal", "nominal"}),
    "str": frozenset({"nominal", "ordinal"}),
    "dt": frozenset({"temporal", "ordinal", "nominal"}),
}

MAX_DATE_CHARS = 64  # longer text is never taken for a date
_MIN_PARSED_SHARE = 0.9  # a text column is numeric/temporal when 90% of its non-null values parse


@dataclass(frozen=True)
class ColumnInfo:
    """What the recommender knows about one column."""

    name: str
    kind: FieldKind
    cardinality: int
    missing: int
    n_rows: int

    @property
    def usable(self) -> bool:
        """A column with no values at all cannot be charted."""
        return self.missing < self.n_rows


def _as_numeric(values: pd.Series) -> pd.Series | None:
    if pd.api.types.is_bool_dtype(values):
        return None  # booleans are categories, not magnitudes
    if pd.api.types.is_numeric_dtype(values):
        return pd.to_numeric(values, errors="coerce").astype(float)
    present = values.dropna()
    if present.empty or present.map(lambda v: isinstance(v, bool)).any():
        return None
    converted = pd.to_numeric(present.astype(str).str.strip(), errors="coerce")
    if converted.notna().mean() < _MIN_PARSED_SHARE:
        return None
    out = pd.to_numeric(values.astype("string").str.strip(), errors="coerce").astype(float)
    return out.where(np.isfinite(out))


def _as_datetime(values: pd.Series) -> pd.Series | None:
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    present = values.dropna()
    if present.empty or not all(isinstance(v, str) for v in present.head(50)):
        return None
    text = present.astype(str).str.strip()
    # No date is longer than this; parsing long text is slow (quadratic in pandas' mixed
    # format guessing) and a column of such cells is text anyway.
    if (text.str.len() > MAX_DATE_CHARS).mean() > 1 - _MIN_PARSED_SHARE:
        return None
    text = text[text.str.len() <= MAX_DATE_CHARS]
    # Plain numbers and very short codes ("A1", "12") parse as dates far too easily.
    if text.str.fullmatch(r"[+-]?\d+(\.\d+)?").mean() > 0.5 or text.str.len().median() < 6:
        return None
    if not text.str.contains(r"\d").all():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = parse_datetimes(text, errors="coerce", format="mixed")
    if parsed.notna().mean() < _MIN_PARSED_SHARE:
        return None
    everything = values.astype("string").str.strip()
    everything = everything.where(everything.str.len() <= MAX_DATE_CHARS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return parse_datetimes(everything, errors="coerce", format="mixed")


def coerce_column(values: pd.Series) -> tuple[FieldKind, pd.Series]:
    """Infer a column's kind and return it converted (float, datetime or text)."""
    numeric = _as_numeric(values)
    if numeric is not None and numeric.notna().any():
        return "num", numeric
    dates = _as_datetime(values)
    if dates is not None:
        return "dt", dates
    text = values.map(lambda v: None if _is_missing(v) else str(v))
    return "str", text


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def coerce_table(table: pd.DataFrame) -> tuple[pd.DataFrame, list[ColumnInfo]]:
    """Typed copy of a table (columns renamed to strings) and one ColumnInfo per column."""
    columns: dict[str, pd.Series] = {}
    infos: list[ColumnInfo] = []
    seen: set[str] = set()
    for position, raw_name in enumerate(table.columns):
        name = str(raw_name)
        if name in seen:  # duplicate headers cannot be told apart in a spec; keep the first
            continue
        seen.add(name)
        kind, values = coerce_column(table.iloc[:, position])
        columns[name] = values.reset_index(drop=True)
        infos.append(
            ColumnInfo(
                name=name,
                kind=kind,
                cardinality=int(values.nunique(dropna=True)),
                missing=int(values.isna().sum()),
                n_rows=len(values),
            )
        )
    return pd.DataFrame(columns), infos


def json_records(table: pd.DataFrame, max_rows: int | None = None) -> list[dict]:
    """Rows as JSON-safe dicts (NaN -> None, dates -> ISO strings), for inline Vega-Lite data."""
    frame = (
        table
        if max_rows is None or len(table) <= max_rows
        else table.sample(n=max_rows, random_state=0).sort_index()
    )
    records: list[dict] = []
    for row in frame.itertuples(index=False, name=None):
        record: dict[str, object] = {}
        for name, value in zip(frame.columns, row, strict=True):
            if _is_missing(value):
                record[name] = None
            elif isinstance(value, pd.Timestamp):
                record[name] = value.isoformat()
            elif isinstance(value, np.generic):
                record[name] = value.item()
            else:
                record[name] = value
        records.append(record)
    return records
