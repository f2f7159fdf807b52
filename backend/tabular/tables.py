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

from backend.errors import AppError, InvalidFileError, TableLimitError, UnsupportedMediaError
from models.timeparse import parse_datetimes

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
# csv.Sniffer's quote regexes are super-linear (64 KiB of ',"' took 27 s, 4 KiB 0.1 s), so it
# only ever sees the first few KiB; the delimiter shows in the first lines anyway.
_SNIFF_SAMPLE_CHARS = 4 * 1024
# Date parsing (dateutil) is quadratic in string length, and no date is this long.
_MAX_DATE_CHARS = 64
# Deeper JSON values would overflow the stack in repr/json encoding later (rows, previews).
MAX_JSON_DEPTH = 32
_SCAN_BYTES = 1 << 20
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


@dataclass(frozen=True)
class Limits:
    """Caps on an uploaded table, checked before and while it is parsed (413 beyond them).

    Each names its setting (backend/config.py) so the refusal can say what to change.
    """

    max_columns: int = 1000
    max_header_bytes: int = 64 * 1024
    max_line_bytes: int = 4 * 1024 * 1024
    max_cell_chars: int = 1024 * 1024


def _refuse(what: str, found: int, unit: str, maximum: int, setting: str) -> TableLimitError:
    """The 413 for one cap: `what` is the subject and verb, e.g. "The header line has"."""
    return TableLimitError(
        f"{what} {found:,} {unit}; the limit is {maximum:,} ({setting}).",
        setting=setting,
        maximum=maximum,
        found=found,
    )


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
            raise InvalidFileError(
                "The JSON is not tabular: it is one object; expected an array of records or JSON Lines."
            )
    else:
        family = "delimited"
        delimiter = _detect_delimiter(text)
        fmt = "tsv" if delimiter == "\t" else "csv"
    expected = _EXTENSIONS.get(ext)
    if expected and expected != family:
        found = "JSON" if family == "json" else "delimited text (CSV/TSV)"
        raise InvalidFileError(
            f"The file is named '{filename}' but its content is {found}; rename it or upload the right file."
        )
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
    raise InvalidFileError(
        "The file is not text in UTF-8, UTF-16 or Windows-1252; save it as UTF-8 and try again."
    )


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
    lines = [line for line in text[:_SNIFF_SAMPLE_CHARS].splitlines()[:50] if line.strip()]
    sample = "\n".join(lines[:-1] if len(lines) > 1 else lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        first = lines[0] if lines else ""
        return "\t" if first.count("\t") > first.count(",") else ","


def check_limits(stream: BinaryIO, options: ParseOptions, limits: Limits) -> None:
    """Refuse a delimited or JSON Lines file whose header or lines are beyond the caps.

    A linear scan of the raw bytes (numpy, ~1 ms per MB) before pandas parses anything, so a
    150 MB single line or a header of a million columns costs one scan instead of a parse that
    never ends. A JSON array is one value, often on one line: its records are checked as parsed.
    """
    if options.format == "json":
        return
    header = _scan_lines(stream, options, limits)
    if header is not None:
        n_columns = _count_fields(header, options.delimiter or ",")
        if n_columns > limits.max_columns:
            raise _refuse(
                "The header has", n_columns, "columns", limits.max_columns, "MAX_UPLOAD_COLUMNS"
            )


def _scan_lines(stream: BinaryIO, options: ParseOptions, limits: Limits) -> str | None:
    """Check every line's length, and for CSV/TSV the header's; the header line (first non-blank) as text.

    JSON Lines has no header: its field names are checked as records are parsed.
    """
    stream.seek(0)
    dtype: np.dtype[Any]
    width, dtype, codec = 1, np.dtype(np.uint8), options.encoding
    if options.encoding == "utf-16":  # chosen only with a BOM, which gives the byte order
        little = stream.read(2) == codecs.BOM_UTF16_LE
        width, dtype, codec = (
            2,
            np.dtype("<u2" if little else ">u2"),
            "utf-16-le" if little else "utf-16-be",
        )
        stream.seek(0)
    header: tuple[int, int] | None = None
    find_header = options.format in ("csv", "tsv")
    line_start = offset = lf_seen = cr_seen = 0
    carry = b""
    try:
        while True:
            chunk = stream.read(_SCAN_BYTES)
            data = carry + chunk
            usable = len(data) - len(data) % width
            carry = data[usable:]
            units = np.frombuffer(data[:usable], dtype=dtype)
            is_lf, is_cr = units == 10, units == 13
            # CR, LF and CRLF all end lines (pandas reads old Mac files too); CRLF adds a blank line.
            ends = np.flatnonzero(is_lf | is_cr) * width + offset
            if not chunk:
                ends = np.append(ends, offset + usable)  # the last line, with or without a newline
            if ends.size:
                starts = np.concatenate(([line_start], ends[:-1] + width))
                lengths = ends - starts
                if find_header and header is None:
                    filled = np.flatnonzero(lengths > 0)
                    if filled.size:
                        first = int(filled[0])
                        header = (int(starts[first]), int(lengths[first]))
                        if header[1] > limits.max_header_bytes:
                            raise _refuse(
                                "The header line has",
                                header[1],
                                "bytes",
                                limits.max_header_bytes,
                                "MAX_UPLOAD_HEADER_BYTES",
                            )
                over = np.flatnonzero(lengths > limits.max_line_bytes)
                if over.size:
                    at = int(over[0])
                    before = (ends[:at] - offset) // width
                    lf = lf_seen + int(np.count_nonzero(is_lf[before])) if at else lf_seen
                    cr = cr_seen + int(np.count_nonzero(is_cr[before])) if at else cr_seen
                    line = max(lf, cr) + 1
                    raise _refuse(
                        f"Line {line:,} has",
                        int(lengths[at]),
                        "bytes",
                        limits.max_line_bytes,
                        "MAX_UPLOAD_LINE_BYTES",
                    )
                line_start = int(ends[-1]) + width
            lf_seen += int(np.count_nonzero(is_lf))
            cr_seen += int(np.count_nonzero(is_cr))
            offset += usable
            if not chunk:
                break
        if header is None:
            return None
        stream.seek(header[0])
        raw = stream.read(header[1])
        return raw.decode(codec, errors="replace").lstrip("\ufeff")
    finally:
        stream.seek(0)


def _count_fields(line: str, delimiter: str) -> int:
    try:
        return max((len(row) for row in csv.reader([line], delimiter=delimiter)), default=0)
    except csv.Error:  # an unclosed quote: count the delimiters instead
        return line.count(delimiter) + 1


def iter_frames(
    stream: BinaryIO,
    options: ParseOptions,
    chunk_rows: int = _CHUNK_ROWS,
    limits: Limits | None = None,
) -> Iterator[pd.DataFrame]:
    """The table in chunks of rows; raises InvalidFileError with the parser's reason.

    With `limits` (uploads), the columns and cells of each chunk are checked against the caps;
    files the service wrote itself (imputed, synthetic) are read without them.
    """
    stream.seek(0)
    check = _RecordCheck(limits)
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
                for frame in reader:
                    if limits is not None:
                        _check_frame(frame, limits)
                    yield frame
        elif options.format == "jsonl":
            text = io.TextIOWrapper(stream, encoding=options.encoding)
            batch: list[dict[str, Any]] = []
            for number, line in enumerate(text, start=1):
                if not line.strip():
                    continue
                batch.append(check(json.loads(line), number))
                if len(batch) >= chunk_rows:
                    yield _frame(batch)
                    batch = []
            text.detach()
            if batch:
                yield _frame(batch)
        else:
            records = json.load(io.TextIOWrapper(stream, encoding=options.encoding))
            if not isinstance(records, list):
                raise InvalidFileError(
                    "The JSON is not tabular: expected an array of records (objects)."
                )
            for start in range(0, len(records), chunk_rows):
                part = records[start : start + chunk_rows]
                yield _frame([check(r, start + i + 1) for i, r in enumerate(part)])
    except AppError:
        raise
    except RecursionError as exc:
        raise InvalidFileError(
            f"The JSON is nested too deeply; the limit is {MAX_JSON_DEPTH} levels."
        ) from exc
    except json.JSONDecodeError as exc:
        raise InvalidFileError(
            f"The JSON is malformed: {exc.msg} (line {exc.lineno}, column {exc.colno})."
        ) from exc
    except pd.errors.ParserError as exc:
        raise InvalidFileError(f"The rows do not line up: {_first_line(exc)}") from exc
    except ValueError as exc:
        if "integer string conversion" in str(exc):  # json: a number of more than 4,300 digits
            raise InvalidFileError("The JSON has a number with more than 4,300 digits.") from exc
        raise InvalidFileError(f"The file cannot be parsed as a table: {_first_line(exc)}") from exc
    except (pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InvalidFileError(f"The file cannot be parsed as a table: {_first_line(exc)}") from exc


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _record(value: Any, number: int) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidFileError(
            f"The JSON is not tabular: record {number} is a {type(value).__name__}, not an object."
        )
    return value


def _check_frame(frame: pd.DataFrame, limits: Limits) -> None:
    if len(frame.columns) > limits.max_columns:
        raise _refuse(
            "The table has", len(frame.columns), "columns", limits.max_columns, "MAX_UPLOAD_COLUMNS"
        )
    for name in frame.columns:
        column = frame[name]
        if column.dtype == object or pd.api.types.is_string_dtype(column):
            try:
                longest = column.str.len().max()
            except AttributeError:  # an object column without strings (integers beyond int64)
                continue
            if pd.notna(longest) and longest > limits.max_cell_chars:
                raise _refuse(
                    f"A cell of column '{str(name)[:80]}' has",
                    int(longest),
                    "characters",
                    limits.max_cell_chars,
                    "MAX_UPLOAD_CELL_CHARS",
                )


class _RecordCheck:
    """JSON records checked against the caps before json_normalize turns them into columns.

    One pass over each record's values (iterative, so depth cannot overflow the stack): the
    flattened field names json_normalize would make (a.b), their count and total length,
    string lengths and nesting depth.
    """

    def __init__(self, limits: Limits | None) -> None:
        self.limits = limits
        self.names: set[str] = set()
        self.name_chars = 0

    def __call__(self, value: Any, number: int) -> dict[str, Any]:
        record = _record(value, number)
        if self.limits is not None:
            self._check(record, number, self.limits)
        return record

    def _check(self, record: dict[str, Any], number: int, limits: Limits) -> None:
        stack: list[tuple[Any, str | None, int]] = [(record, "", 1)]
        while stack:
            value, prefix, depth = stack.pop()
            if depth > MAX_JSON_DEPTH:
                raise InvalidFileError(
                    f"Record {number} is nested more than {MAX_JSON_DEPTH} levels deep."
                )
            items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
            for key, item in items:
                name = None if prefix is None else f"{prefix}{key}"
                if name is not None and isinstance(item, dict) and item:
                    stack.append((item, name + ".", depth + 1))  # flattened into name.key columns
                    continue
                if name is not None and name not in self.names:
                    self._add_name(name, limits)
                if isinstance(item, str):
                    if len(item) > limits.max_cell_chars:
                        raise _refuse(
                            f"A value of record {number} has",
                            len(item),
                            "characters",
                            limits.max_cell_chars,
                            "MAX_UPLOAD_CELL_CHARS",
                        )
                elif isinstance(item, dict | list) and item:
                    stack.append((item, None, depth + 1))

    def _add_name(self, name: str, limits: Limits) -> None:
        self.names.add(name)
        self.name_chars += len(name)
        if len(self.names) > limits.max_columns:
            raise _refuse(
                "The records have",
                len(self.names),
                "distinct fields (columns)",
                limits.max_columns,
                "MAX_UPLOAD_COLUMNS",
            )
        if self.name_chars > limits.max_header_bytes:
            raise _refuse(
                "The field names have",
                self.name_chars,
                "characters in all",
                limits.max_header_bytes,
                "MAX_UPLOAD_HEADER_BYTES",
            )


def _frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    # Nested objects become dotted columns (a.b); lists stay as text-like values.
    return pd.json_normalize(records)


def summarize(
    stream: BinaryIO, options: ParseOptions, limits: Limits | None = None
) -> TableSummary:
    """Row count, per-column Vega-Lite type and missing count, parsing chunk by chunk."""
    n_rows = 0
    missing: dict[str, int] = {}
    order: list[str] = []
    sample: pd.DataFrame | None = None
    numeric: dict[str, bool] = {}
    for frame in iter_frames(stream, options, limits=limits):
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
        raise InvalidFileError(
            "The file has a header but no data rows." if order else "The file has no columns."
        )
    _check_column_names(order)
    columns = []
    for name in order:
        series = (
            sample[name]
            if sample is not None and name in sample.columns
            else pd.Series([], dtype=float)
        )
        vl_type = infer_vega_type(name, series, all_numeric=numeric[name])
        columns.append(
            ColumnSummary(
                name=str(name), type=vl_type, missing=missing[name], dtype=str(series.dtype)
            )
        )
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
    if (
        all_numeric
        and pd.api.types.is_numeric_dtype(sample)
        and not pd.api.types.is_bool_dtype(sample)
    ):
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
    sample = text.head(200)
    # Linear in the data: long strings are never dates, and dateutil is quadratic in their length
    # (one 1 MB cell took 16 s), so they count as "not a date" without being parsed.
    head = sample[sample.str.len() <= _MAX_DATE_CHARS]
    if len(head) < 0.9 * len(sample):
        return False
    # Plain numbers parse as dates too easily; demand separators or a date-like name.
    if not head.str.contains(r"[-/:T ]|[A-Za-z]{3}", regex=True).mean() >= 0.9 and not any(
        word in lowered_name for word in _TEMPORAL_NAMES
    ):
        return False
    parsed = parse_datetimes(head, errors="coerce", format="mixed")
    return bool(parsed.notna().sum() >= 0.9 * len(sample))


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
