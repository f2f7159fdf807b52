"""Reading uploaded files as tables: format and encoding detection, chunked parsing, column typing.

Everything works from a binary file object (a blob), so the same code reads from the
blob folder and from GridFS, and large files are parsed in chunks rather than whole.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import PurePath
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from backend.errors import InvalidFileError, UnsupportedMediaError

FORMATS = ("csv", "tsv", "json", "jsonl")
_EXTENSIONS = {
    ".csv": "delimited",
    ".tsv": "delimited",
    ".tab": "delimited",
    ".txt": "delimited",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
}
_SNIFF_BYTES = 64 * 1024
_CHUNK_ROWS = 50_000
# Tried in order; cp1252 rejects a few byte values, so truly undecodable text still fails.
_ENCODINGS = ("utf-8-sig", "utf-16", "cp1252")


@dataclass(frozen=True)
class ParseOptions:
    format: str
    encoding: str
    delimiter: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ColumnSummary:
    name: str
    type: str
    missing: int
    dtype: str


@dataclass
class TableSummary:
    options: ParseOptions
    n_rows: int
    columns: list[ColumnSummary] = field(default_factory=list)


def detect_options(stream: BinaryIO, filename: str) -> ParseOptions:
    """Decide format, encoding and delimiter from the content, checked against the extension."""
    ext = PurePath(filename or "").suffix.lower()
    if ext and ext not in _EXTENSIONS:
        raise UnsupportedMediaError(
            f"'{ext}' files are not supported; upload CSV, TSV, JSON (array of records) or JSON Lines."
        )
    head = stream.read(_SNIFF_BYTES)
    stream.seek(0)
    if not head.strip():
        raise InvalidFileError("The file is empty.")
    encoding = _detect_encoding(stream, head)
    text = head.decode(encoding, errors="ignore").lstrip("\ufeff").lstrip()
    if text.startswith(("[", "{")):
        family = "json"
        fmt = "json" if text.startswith("[") else "jsonl"
        delimiter = None
        if fmt == "jsonl" and ext not in (".jsonl", ".ndjson") and not _looks_like_json_lines(text):
            raise InvalidFileError("The JSON is not tabular: it is one object; expected an array of records or JSON Lines.")
    else:
        family = "delimited"
        delimiter = _detect_delimiter(text)
        fmt = "tsv" if delimiter == "\t" else "csv"
    expected = _EXTENSIONS.get(ext)
    if expected and expected != family:
        found = "JSON" if family == "json" else "delimited text (CSV/TSV)"
        raise InvalidFileError(f"The file is named '{filename}' but its content is {found}; rename it or upload the right file.")
    return ParseOptions(format=fmt, encoding=encoding, delimiter=delimiter)


def _looks_like_json_lines(text: str) -> bool:
    """Several lines, the first a whole JSON object (a pretty-printed object is not JSON Lines)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return False
    try:
        return isinstance(json.loads(lines[0]), dict)
    except json.JSONDecodeError:
        return False


def _detect_encoding(stream: BinaryIO, head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates: tuple[str, ...] = ("utf-16",)
    else:
        if b"\x00" in head or _control_ratio(head) > 0.05:
            raise InvalidFileError("The file looks binary, not text; upload CSV, TSV or JSON.")
        candidates = tuple(e for e in _ENCODINGS if e != "utf-16")
    for encoding in candidates:
        if _decodes(stream, encoding):
            return encoding
    raise InvalidFileError("The file is not text in UTF-8, UTF-16 or Windows-1252; save it as UTF-8 and try again.")


def _control_ratio(head: bytes) -> float:
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    return controls / max(len(head), 1)


def _decodes(stream: BinaryIO, encoding: str) -> bool:
    """Whether the whole stream decodes, checked incrementally so memory stays flat."""
    decoder = codecs.getincrementaldecoder(encoding)()
    stream.seek(0)
    try:
        while chunk := stream.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)


def _detect_delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    sample = "\n".join(lines[:-1] if len(lines) > 1 else lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        first = lines[0] if lines else ""
        return "\t" if first.count("\t") > first.count(",") else ","


def iter_frames(stream: BinaryIO, options: ParseOptions, chunk_rows: int = _CHUNK_ROWS) -> Iterator[pd.DataFrame]:
    """The table in chunks of rows; raises InvalidFileError with the parser's reason."""
    stream.seek(0)
    try:
        if options.format in ("csv", "tsv"):
            reader = pd.read_csv(
                stream,
                sep=options.delimiter or ",",
                encoding=options.encoding,
                chunksize=chunk_rows,
                skipinitialspace=False,
                on_bad_lines="error",
                low_memory=False,
            )
            with reader:
                yield from reader
        elif options.format == "jsonl":
            text = io.TextIOWrapper(stream, encoding=options.encoding)
            batch: list[dict[str, Any]] = []
            for number, line in enumerate(text, start=1):
                if not line.strip():
                    continue
                batch.append(_record(json.loads(line), number))
                if len(batch) >= chunk_rows:
                    yield _frame(batch)
                    batch = []
            text.detach()
            if batch:
                yield _frame(batch)
        else:
            records = json.load(io.TextIOWrapper(stream, encoding=options.encoding))
            if not isinstance(records, list):
                raise InvalidFileError("The JSON is not tabular: expected an array of records (objects).")
            for start in range(0, len(records), chunk_rows):
                part = records[start : start + chunk_rows]
                yield _frame([_record(r, start + i + 1) for i, r in enumerate(part)])
    except InvalidFileError:
        raise
    except json.JSONDecodeError as exc:
        raise InvalidFileError(f"The JSON is malformed: {exc.msg} (line {exc.lineno}, column {exc.colno}).") from exc
    except pd.errors.ParserError as exc:
        raise InvalidFileError(f"The rows do not line up: {_first_line(exc)}") from exc
    except (pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidFileError(f"The file cannot be parsed as a table: {_first_line(exc)}") from exc


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _record(value: Any, number: int) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidFileError(f"The JSON is not tabular: record {number} is a {type(value).__name__}, not an object.")
    return value


def _frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    # Nested objects become dotted columns (a.b); lists stay as text-like values.
    return pd.json_normalize(records)


def summarize(stream: BinaryIO, options: ParseOptions) -> TableSummary:
    """Row count, per-column Vega-Lite type and missing count, parsing chunk by chunk."""
    n_rows = 0
    missing: dict[str, int] = {}
    order: list[str] = []
    sample: pd.DataFrame | None = None
    numeric: dict[str, bool] = {}
    for frame in iter_frames(stream, options):
        for name in frame.columns:
            if name not in missing:
                order.append(name)
                missing[name] = n_rows  # rows before the column appeared (JSON) were missing
                numeric[name] = True
        n_rows += len(frame)
        for name in order:
            if name not in frame.columns:
                missing[name] += len(frame)
                continue
            column = frame[name]
            missing[name] += int(column.isna().sum())
            if not (pd.api.types.is_numeric_dtype(column) or column.isna().all()):
                numeric[name] = False
        if sample is None:
            sample = frame.head(1000)
    if n_rows == 0 or not order:
        raise InvalidFileError("The file has a header but no data rows." if order else "The file has no columns.")
    _check_column_names(order)
    columns = []
    for name in order:
        series = sample[name] if sample is not None and name in sample.columns else pd.Series([], dtype=float)
        vl_type = infer_vega_type(name, series, all_numeric=numeric[name])
        columns.append(ColumnSummary(name=str(name), type=vl_type, missing=missing[name], dtype=str(series.dtype)))
    return TableSummary(options=options, n_rows=n_rows, columns=columns)


def _check_column_names(names: list[Any]) -> None:
    seen: set[str] = set()
    for name in names:
        text = str(name)
        if text in seen:
            raise InvalidFileError(f"The column name '{text}' appears twice.")
        seen.add(text)


_TEMPORAL_NAMES = ("date", "time", "year", "month", "day", "timestamp")


def infer_vega_type(name: Any, sample: pd.Series, *, all_numeric: bool) -> str:
    """quantitative, temporal, ordinal or nominal, from a sample of values and the column name."""
    values = sample.dropna()
    lowered = str(name).lower()
    if all_numeric and pd.api.types.is_numeric_dtype(sample) and not pd.api.types.is_bool_dtype(sample):
        if len(values) and _is_integral(values):
            if any(word in lowered for word in ("year",)) and values.between(1000, 2200).all():
                return "temporal"
            if values.nunique() <= 7 and len(values) >= 30:
                return "ordinal"
        return "quantitative"
    if pd.api.types.is_bool_dtype(sample) or len(values) == 0:
        return "nominal"
    text = values.astype(str)
    if _looks_temporal(text, lowered):
        return "temporal"
    return "nominal"


def _is_integral(values: pd.Series) -> bool:
    arr = values.to_numpy(dtype=float, na_value=np.nan)
    return bool(np.all(np.isfinite(arr)) and np.all(np.mod(arr, 1) == 0))


def _looks_temporal(text: pd.Series, lowered_name: str) -> bool:
    head = text.head(200)
    # Plain numbers parse as dates too easily; demand separators or a date-like name.
    if not head.str.contains(r"[-/:T ]|[A-Za-z]{3}", regex=True).mean() >= 0.9 and not any(
        word in lowered_name for word in _TEMPORAL_NAMES
    ):
        return False
    parsed = pd.to_datetime(head, errors="coerce", format="mixed")
    return bool(parsed.notna().mean() >= 0.9)


def read_frame(stream: BinaryIO, options: ParseOptions) -> pd.DataFrame:
    """The whole table as one frame."""
    frames = list(iter_frames(stream, options))
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def frame_to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-safe records: NaN/NaT -> None, numpy scalars -> Python, timestamps -> ISO strings."""
    records = []
    columns = [str(c) for c in frame.columns]
    for row in frame.itertuples(index=False, name=None):
        records.append({c: _json_value(v) for c, v in zip(columns, row, strict=True)})
    return records


def json_safe(value: Any) -> Any:
    """Any nested structure made JSON- and BSON-safe (NaN/inf -> None, numpy -> Python)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return _json_value(value)


def _json_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if value is pd.NaT or (not isinstance(value, list | dict | str) and pd.isna(value)):
        return None
    return value
