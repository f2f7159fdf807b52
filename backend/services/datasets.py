"""Datasets: upload (stored before anything else), parse, type, list, read rows, delete."""

from __future__ import annotations

import io
import re
import threading
import unicodedata
from collections import OrderedDict
from pathlib import PurePath
from typing import Any, BinaryIO

import pandas as pd

from backend.clock import now_iso
from backend.errors import InvalidFileError, NotFoundError, PayloadTooLargeError
from backend.services.common import new_document, offset_of, page, require
from backend.services.projects import checked_project_id, project_filter
from backend.services.quotas import check_new_dataset
from backend.storage import BlobNotFound, Store
from backend.storage.base import is_unavailable
from backend.storage.sweep import finish_dataset_delete
from backend.tabular import tables

MEDIA_TYPES = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json": "application/json",
    "jsonl": "application/jsonl",
}
MAX_FILENAME_LENGTH = 255
# A JSON array is parsed whole (Python objects take ~10x the bytes); larger tables must come
# as JSON Lines or CSV, which are read in chunks. Keeps one upload from exhausting a worker.
MAX_JSON_ARRAY_BYTES = 50 * 1024 * 1024


def create_dataset(
    store: Store,
    owner_id: str,
    stream: BinaryIO,
    filename: str,
    *,
    lineage: dict[str, Any] | None = None,
    limits: tables.Limits | None = None,
    quotas: tuple[int, int] | None = None,
    project_id: str | None = None,
) -> dict[str, Any]:
    """Store the bytes, parse and type them, record the dataset; on any failure nothing stays behind.

    `limits` caps uploads (the API passes the configured ones); data the service made itself
    (an imputed table has a flag column per column) is trusted and read without them.
    `quotas` (datasets, bytes a user may hold: `quotas.Quotas`) count uploads and made data
    alike; the API and job code pass theirs, None (not limited) is for scripts and tests.
    """
    filename = _clean_filename(filename)
    if quotas is not None:  # a full quota refuses before a byte is stored
        check_new_dataset(store, owner_id, quotas)
    blob = store.blobs.put_stream(stream)
    try:
        if quotas is not None:
            check_new_dataset(store, owner_id, quotas, blob.size_bytes)
        with store.blobs.open(blob.id) as stored:
            options = tables.detect_options(stored, filename)
            if options.format == "json" and blob.size_bytes > MAX_JSON_ARRAY_BYTES:
                raise PayloadTooLargeError(
                    f"JSON arrays over {MAX_JSON_ARRAY_BYTES // 2**20} MB are not accepted; upload JSON Lines or CSV instead."
                )
            if limits is not None:
                tables.check_limits(stored, options, limits)
            summary = tables.summarize(stored, options, limits)
        dataset = new_document(
            owner_id,
            filename=filename,
            format=options.format,
            size_bytes=blob.size_bytes,
            sha256=blob.sha256,
            blob_id=blob.id,
            parse=options.to_dict(),
            n_rows=summary.n_rows,
            n_columns=len(summary.columns),
            columns=[
                {"name": c.name, "type": c.type, "missing": c.missing} for c in summary.columns
            ],
            lineage=lineage,
            recommendations=None,
            project_id=project_id,
        )
        store.datasets.insert(dataset)
    except BaseException as error:
        # A database that went away may have applied the insert before its answer was lost:
        # the blob then stays (the dataset may hold it); the sweep removes it if nothing does.
        if not is_unavailable(error):
            store.blobs.delete(blob.id)
        raise
    return dataset


def create_dataset_from_frame(
    store: Store,
    owner_id: str,
    frame: pd.DataFrame,
    filename: str,
    *,
    lineage: dict[str, Any] | None = None,
    max_bytes: int | None = None,
    quotas: tuple[int, int] | None = None,
    project_id: str | None = None,
) -> dict[str, Any]:
    """Store a frame made by a job (imputed or synthetic data) as a new CSV dataset.

    Text cells that a spreadsheet would run as a formula are neutralized (`csv_safe`): the file
    is offered as a download, and its text comes from uploads (column values, names).
    """
    data = csv_safe(frame).to_csv(index=False).encode("utf-8")
    if max_bytes is not None and len(data) > max_bytes:
        # Made data obeys the upload limit (MAX_UPLOAD_MB) like uploaded data: nothing is stored.
        raise PayloadTooLargeError(
            f"The table made would be {len(data) / 2**20:.1f} MB, over the {max_bytes / 2**20:g} MB a dataset "
            "may take (MAX_UPLOAD_MB); ask for fewer rows."
        )
    return create_dataset(
        store,
        owner_id,
        io.BytesIO(data),
        filename,
        lineage=lineage,
        quotas=quotas,
        project_id=project_id,
    )


# A cell a spreadsheet reads as a formula (or DDE) starts with one of these (OWASP, "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def neutralize_cell(value: Any) -> Any:
    """A text cell that starts like a formula gets a leading "'" (shown as text, never run).

    Only text: numbers in numeric columns are written by pandas as numbers, and a text cell that
    is a plain signed number ("-3.5", "+1e3") is a number to a spreadsheet too, so both stay.
    """
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with formula-like text cells and column names neutralized (a copy if any changed)."""
    text_columns = [
        c
        for c in frame.columns
        if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])
    ]
    names = [neutralize_cell(str(c)) if isinstance(c, str) else c for c in frame.columns]
    if not text_columns and names == list(frame.columns):
        return frame
    safe = frame.copy()
    for column in text_columns:
        safe[column] = safe[column].map(neutralize_cell)
    safe.columns = names
    return safe


def download_name(dataset: dict[str, Any]) -> str:
    """The name offered in Content-Disposition; cleaned again, for records stored before uploads were."""
    try:
        return _clean_filename(dataset.get("filename"))
    except InvalidFileError:
        return f"dataset-{dataset['id']}.{dataset.get('format') or 'csv'}"


def _clean_filename(filename: str | None) -> str:
    """The last path segment, without control or format characters (NUL, CR/LF, bidi overrides).

    The name is only shown and offered as the download name: blobs are stored by content hash,
    so it never becomes a path. Still, "../x", "a\\b" or a NUL must not come back as they came.
    """
    text = "".join(ch for ch in filename or "" if not unicodedata.category(ch).startswith("C"))
    name = PurePath(text.replace("\\", "/")).name.strip()
    if name in ("", ".", ".."):
        raise InvalidFileError(
            "The upload has no file name; send it as multipart field 'file' with a filename."
        )
    return name[:MAX_FILENAME_LENGTH]


def list_datasets(
    store: Store,
    owner_id: str,
    *,
    page_number: int = 1,
    page_size: int = 20,
    q: str | None = None,
    project_id: str | None = None,
) -> dict[str, Any]:
    """`project_id`: one project's datasets (`default`: those in no project)."""
    items, total = store.datasets.find(
        owner_id,
        # A dataset being deleted is gone for its owner already.
        {"deleting": None, **project_filter(project_id)},
        contains=("filename", q) if q else None,
        offset=offset_of(page_number, page_size),
        limit=page_size,
        fields=LISTED_FIELDS,
    )
    return page(items, total, page_number, page_size)


# What a list shows of each dataset (the API's DatasetSchema): read by the store, so a list
# never decodes the rest (stored recommendations are most of a dataset's document).
LISTED_FIELDS = (
    "filename",
    "format",
    "size_bytes",
    "sha256",
    "n_rows",
    "n_columns",
    "columns",
    "lineage",
    "created_at",
    "project_id",
)


def get_dataset(store: Store, owner_id: str, dataset_id: str) -> dict[str, Any]:
    dataset = store.datasets.get(dataset_id, owner_id)
    return require(None if dataset and dataset.get("deleting") else dataset, "dataset", dataset_id)


def delete_dataset(store: Store, owner_id: str, dataset_id: str) -> None:
    """Delete the dataset, the charts saved for it, its cached rows and its file.

    Crash-safe: the `deleting` mark is the commit point (the dataset is gone for every read
    from then on); a crash after it leaves the rest to a repeated DELETE or the sweep
    (backend/storage/sweep.py). Deleting a dataset already marked finishes the job.
    """
    dataset = require(
        store.datasets.update(dataset_id, owner_id, {"deleting": now_iso()}), "dataset", dataset_id
    )
    _frames.drop(dataset["blob_id"])
    finish_dataset_delete(store, dataset)


def move_dataset(
    store: Store, owner_id: str, dataset_id: str, project_id: str | None
) -> dict[str, Any]:
    """Put the dataset in the caller's project `project_id` (None: the default project)."""
    get_dataset(store, owner_id, dataset_id)
    checked = checked_project_id(store, owner_id, project_id)
    moved = store.datasets.update(dataset_id, owner_id, {"project_id": checked})
    return require(moved, "dataset", dataset_id)


def open_file(store: Store, owner_id: str, dataset_id: str) -> tuple[BinaryIO, dict[str, Any]]:
    dataset = get_dataset(store, owner_id, dataset_id)
    try:
        return store.blobs.open(dataset["blob_id"]), dataset
    except BlobNotFound as exc:
        raise NotFoundError(
            f"The file of dataset '{dataset_id}' is missing from the blob store."
        ) from exc


def media_type(dataset: dict[str, Any]) -> str:
    return MEDIA_TYPES.get(dataset["format"], "application/octet-stream")


class _FrameCache:
    """Parsed frames by blob id (blobs never change), bounded by their memory use."""

    def __init__(self, max_bytes: int = 512 * 1024 * 1024) -> None:
        self._max_bytes = max_bytes
        self._frames: OrderedDict[str, tuple[pd.DataFrame, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> pd.DataFrame | None:
        with self._lock:
            hit = self._frames.get(key)
            if hit is None:
                return None
            self._frames.move_to_end(key)
            return hit[0]

    def drop(self, key: str) -> None:
        with self._lock:
            self._frames.pop(key, None)

    def put(self, key: str, frame: pd.DataFrame) -> None:
        size = int(frame.memory_usage(deep=False).sum())
        with self._lock:
            self._frames[key] = (frame, size)
            while (
                sum(s for _, s in self._frames.values()) > self._max_bytes and len(self._frames) > 1
            ):
                self._frames.popitem(last=False)


_frames = _FrameCache()


def load_frame(store: Store, dataset: dict[str, Any]) -> pd.DataFrame:
    """The dataset as a DataFrame (shared and cached: callers must not modify it)."""
    key = dataset["blob_id"]
    frame = _frames.get(key)
    if frame is None:
        options = tables.ParseOptions(**dataset["parse"])
        with store.blobs.open(dataset["blob_id"]) as stream:
            frame = tables.read_frame(stream, options)
        frame.columns = [str(c) for c in frame.columns]
        _frames.put(key, frame)
    return frame


def get_rows(
    store: Store, owner_id: str, dataset_id: str, *, offset: int = 0, limit: int = 100
) -> dict[str, Any]:
    dataset = get_dataset(store, owner_id, dataset_id)
    frame = load_frame(store, dataset)
    window = frame.iloc[offset : offset + limit]
    return {
        "items": tables.frame_to_records(window),
        "total": int(len(frame)),
        "offset": offset,
        "limit": limit,
    }
