"""The embedded store: SQLite (WAL) documents plus a content-addressed blob folder.

Safe under many threads (a small pool of connections, each lent for one call) and several
processes (SQLite file locks; read-modify-write runs inside `BEGIN IMMEDIATE`; the first
openers of a new store take turns, see `_Connections.initialize`).

Crash safety: every commit is durable (WAL, `synchronous=FULL`). A blob is written to a temp
file, fsynced and renamed into place under the write lock together with its reference count,
so a crash mid-upload leaves no partial blob. What a crash can leave is extra: a blob whose
document was never written (or whose count is one too high), a file renamed in just before
the kill; `inventory()` lists them and the sweep (backend/storage/sweep.py) reconciles them.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from backend.storage.base import (
    COLLECTIONS,
    INDEXES,
    LIVE_UNLESS,
    UNIQUE_KEYS,
    BlobInfo,
    BlobNotFound,
    DuplicateKey,
    StoredBlob,
    Where,
    iter_chunks,
)

_FIXED_COLUMNS = {"id", "owner_id", "created_at"}
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class _Connections:
    """A few SQLite connections on one file, each lent for one read or one write transaction.

    Connections are not tied to threads: a server that runs every request on a new thread
    (werkzeug's, behind `python -m backend`) reuses the same few instead of opening one per
    thread that nobody closes (each holds the database and WAL files open: a descriptor leak
    that ended in "too many open files"). Up to `max_idle` wait for the next caller; more are
    opened when more threads need one at once, and closed when given back.
    """

    def __init__(self, path: Path, max_idle: int = 8) -> None:
        self.path = path
        self._max_idle = max_idle
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        # WAL is a property of the file, set once by `initialize`; these are per connection.
        # FULL: a committed upload survives a power cut, not only a process crash.
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for this call only (autocommit: each statement sees the latest commit)."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self._open()
        try:
            yield conn
        finally:
            self._give_back(conn)

    def _give_back(self, conn: sqlite3.Connection) -> None:
        with self._lock:
            keep = not self._closed and not conn.in_transaction and len(self._idle) < self._max_idle
            if keep:
                self._idle.append(conn)
        if not keep:
            conn.close()

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that holds the database write lock from the start."""
        with self.read() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")

    def initialize(self, create_schema: Callable[[sqlite3.Connection], None]) -> None:
        """Switch the file to WAL and create the schema, one opener at a time.

        Changing the journal mode needs an exclusive lock that SQLite's busy handler does not
        wait for, so several processes opening a new store at once (gunicorn's workers at
        first boot) failed now and then with "database is locked". An exclusive flock on a
        file beside the database serializes the openers; once WAL, the mode is kept in the file.
        """
        with open(self.path.with_name(self.path.name + ".init-lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            with self.read() as conn:
                if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    conn.execute("PRAGMA journal_mode=WAL")
            with self.write() as conn:
                create_schema(conn)

    def close(self) -> None:
        """Close the idle connections; one still lent out is closed when given back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


def _column(field: str) -> str:
    # Field names come from our code, never from a request; the check keeps it that way.
    if not _FIELD_NAME.fullmatch(field):
        raise ValueError(f"not a field name: {field!r}")
    return field if field in _FIXED_COLUMNS else f"json_extract(doc, '$.{field}')"


def _where_sql(where: Where | None) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for field, value in (where or {}).items():
        column = _column(field)
        if isinstance(value, list | tuple | set | frozenset):
            values = list(value)
            if not values:
                clauses.append("0")
                continue
            clauses.append(f"{column} IN ({','.join('?' * len(values))})")
            params.extend(_sql_value(v) for v in values)
        elif value is None:
            clauses.append(f"{column} IS NULL")
        else:
            clauses.append(f"{column} = ?")
            params.append(_sql_value(value))
    return " AND ".join(clauses) or "1", params


def _projection(fields: Sequence[str] | None) -> str:
    """The documents' JSON, or a JSON object of `id` and `fields` built by SQLite (`->` keeps
    objects, arrays and booleans as JSON; a missing field comes out null)."""
    if fields is None:
        return "doc"
    pairs = []
    for name in ["id", *(f for f in fields if f != "id")]:
        _column(name)  # the same check on the name as everywhere else
        pairs.append(
            f"'{name}', {name if name in _FIXED_COLUMNS else f'doc -> {_json_path(name)}'}"
        )
    return f"json_object({', '.join(pairs)})"


def _json_path(field: str) -> str:
    return f"'$.{field}'"


_DECODER = json.JSONDecoder()


def _decode(text: str) -> Any:
    """`json.loads(text)` for a stored document (or SQLite's projection of one), without
    `loads`' per-call work (argument checks, whitespace scans): about a third of decoding a
    list page of 20. Anything but a bare JSON document takes `json.loads` itself, so the
    result, or the error, is the same."""
    try:
        doc, end = _DECODER.raw_decode(text)
    except json.JSONDecodeError:
        return json.loads(text)
    return doc if end == len(text) else json.loads(text)


def _sql_value(value: Any) -> Any:
    # json_extract returns JSON true/false as 1/0.
    return int(value) if isinstance(value, bool) else value


class SqliteCollection:
    def __init__(self, name: str, connections: _Connections) -> None:
        self.name = name
        self._db = connections

    def create_schema(self, conn: sqlite3.Connection) -> None:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {self.name} ("
            "id TEXT PRIMARY KEY, owner_id TEXT, created_at TEXT NOT NULL, doc TEXT NOT NULL)"
        )
        conn.execute(
            f"CREATE INDEX IF NOT EXISTS {self.name}_owner_created "
            f"ON {self.name} (owner_id, created_at DESC, id DESC)"
        )
        unique = UNIQUE_KEYS.get(self.name)
        if unique:
            conn.execute(
                f"CREATE UNIQUE INDEX IF NOT EXISTS {self.name}_{unique} "
                f"ON {self.name} (json_extract(doc, '$.{unique}'))"
            )
        hidden = LIVE_UNLESS.get(self.name)
        if hidden:
            conn.execute(
                f"CREATE INDEX IF NOT EXISTS {self.name}_owner_created_live "
                f"ON {self.name} (owner_id, created_at DESC, id DESC) WHERE {_column(hidden)} IS NULL"
            )
        for fields in INDEXES.get(self.name, ()):
            conn.execute(
                f"CREATE INDEX IF NOT EXISTS {self.name}_{'_'.join(fields)} "
                f"ON {self.name} ({', '.join(_column(f) for f in fields)})"
            )

    def insert(self, doc: dict[str, Any]) -> dict[str, Any]:
        try:
            with self._db.write() as conn:
                conn.execute(
                    f"INSERT INTO {self.name} (id, owner_id, created_at, doc) VALUES (?, ?, ?, ?)",
                    (doc["id"], doc.get("owner_id"), doc["created_at"], json.dumps(doc)),
                )
        except sqlite3.IntegrityError as exc:
            raise DuplicateKey(str(exc)) from exc
        return doc

    def _one(self, sql: str, params: list[Any]) -> dict[str, Any] | None:
        with self._db.read() as conn:
            row = conn.execute(sql, params).fetchone()
        return _decode(row[0]) if row else None

    def get(self, doc_id: str, owner_id: str) -> dict[str, Any] | None:
        return self._one(
            f"SELECT doc FROM {self.name} WHERE id = ? AND owner_id = ?", [doc_id, owner_id]
        )

    def get_any(self, doc_id: str) -> dict[str, Any] | None:
        return self._one(f"SELECT doc FROM {self.name} WHERE id = ?", [doc_id])

    def find(
        self,
        owner_id: str,
        where: Where | None = None,
        *,
        contains: tuple[str, str] | None = None,
        offset: int = 0,
        limit: int | None = None,
        fields: Sequence[str] | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        sql_where, params = _where_sql({"owner_id": owner_id, **(where or {})})
        if contains:
            field, needle = contains
            sql_where += f" AND instr(lower({_column(field)}), lower(?)) > 0"
            params.append(needle)
        with self._db.read() as conn:
            total = conn.execute(
                f"SELECT count(*) FROM {self.name} WHERE {sql_where}", params
            ).fetchone()[0]
            rows = conn.execute(
                f"SELECT {_projection(fields)} FROM {self.name} WHERE {sql_where} "
                "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                [*params, -1 if limit is None else limit, offset],
            ).fetchall()
        return [_decode(r[0]) for r in rows], total

    def find_any(
        self,
        where: Where | None = None,
        *,
        limit: int | None = None,
        fields: Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:
        sql_where, params = _where_sql(where)
        with self._db.read() as conn:
            rows = conn.execute(
                f"SELECT {_projection(fields)} FROM {self.name} WHERE {sql_where} "
                "ORDER BY created_at DESC, id DESC LIMIT ?",
                [*params, -1 if limit is None else limit],
            ).fetchall()
        return [_decode(r[0]) for r in rows]

    def count_any(self, where: Where | None = None) -> int:
        sql_where, params = _where_sql(where)
        with self._db.read() as conn:
            return conn.execute(
                f"SELECT count(*) FROM {self.name} WHERE {sql_where}", params
            ).fetchone()[0]

    def count_and_sum(
        self, owner_id: str, field: str, where: Where | None = None
    ) -> tuple[int, int]:
        sql_where, params = _where_sql({"owner_id": owner_id, **(where or {})})
        with self._db.read() as conn:
            count, total = conn.execute(
                f"SELECT count(*), coalesce(sum({_column(field)}), 0) FROM {self.name} WHERE {sql_where}",
                params,
            ).fetchone()
        return count, int(total)

    def _update(
        self, sql_where: str, params: list[Any], changes: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        with self._db.write() as conn:
            row = conn.execute(
                f"SELECT id, doc FROM {self.name} WHERE {sql_where}", params
            ).fetchone()
            if row is None:
                return None
            doc = {**json.loads(row[1]), **changes}
            conn.execute(f"UPDATE {self.name} SET doc = ? WHERE id = ?", (json.dumps(doc), row[0]))
        return doc

    def update(
        self, doc_id: str, owner_id: str, changes: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        return self._update("id = ? AND owner_id = ?", [doc_id, owner_id], changes)

    def update_if(
        self, doc_id: str, expected: Where, changes: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        sql_where, params = _where_sql({"id": doc_id, **expected})
        return self._update(sql_where, params, changes)

    def delete(self, doc_id: str, owner_id: str) -> dict[str, Any] | None:
        with self._db.write() as conn:
            row = conn.execute(
                f"SELECT doc FROM {self.name} WHERE id = ? AND owner_id = ?", (doc_id, owner_id)
            ).fetchone()
            if row is None:
                return None
            conn.execute(f"DELETE FROM {self.name} WHERE id = ?", (doc_id,))
        return json.loads(row[0])

    def delete_any(self, doc_id: str) -> None:
        with self._db.write() as conn:
            conn.execute(f"DELETE FROM {self.name} WHERE id = ?", (doc_id,))


class FolderBlobStore:
    """Content-addressed blobs (`blobs/ab/abcdef...`, named by sha256) with reference counts.

    Two uploads of the same bytes share one file; deleting one keeps the other's.
    """

    def __init__(self, root: Path, connections: _Connections) -> None:
        self.root = root
        self._tmp = root / "tmp"
        self._tmp.mkdir(parents=True, exist_ok=True)
        self._db = connections

    def create_schema(self, conn: sqlite3.Connection) -> None:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS blob_refs (id TEXT PRIMARY KEY, size_bytes INTEGER NOT NULL, "
            "refs INTEGER NOT NULL, touched_at REAL NOT NULL DEFAULT 0)"
        )
        # Stores made before the sweep existed lack `touched_at` (0: old, as they are).
        if "touched_at" not in {row[1] for row in conn.execute("PRAGMA table_info(blob_refs)")}:
            conn.execute("ALTER TABLE blob_refs ADD COLUMN touched_at REAL NOT NULL DEFAULT 0")

    def remove_stale_temp_files(self) -> None:
        """Drop half-written uploads left by a crashed process (only files older than an hour)."""
        cutoff = time.time() - 3600
        for path in self._tmp.iterdir():
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()

    def _path(self, blob_id: str) -> Path:
        if len(blob_id) != 64 or any(c not in "0123456789abcdef" for c in blob_id):
            raise BlobNotFound(blob_id)
        return self.root / blob_id[:2] / blob_id

    def put_stream(self, stream: BinaryIO) -> BlobInfo:
        digest = hashlib.sha256()
        size = 0
        tmp = self._tmp / uuid.uuid4().hex
        try:
            with open(tmp, "wb") as out:
                for chunk in iter_chunks(stream):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            blob_id = digest.hexdigest()
            final = self._path(blob_id)
            final.parent.mkdir(exist_ok=True)
            # The rename and the reference count change together under the write lock,
            # so a concurrent delete of the same content cannot unlink what we just counted.
            with self._db.write() as conn:
                os.replace(tmp, final)
                conn.execute(
                    "INSERT INTO blob_refs (id, size_bytes, refs, touched_at) VALUES (?, ?, 1, ?) "
                    "ON CONFLICT(id) DO UPDATE SET refs = refs + 1, touched_at = excluded.touched_at",
                    (blob_id, size, time.time()),
                )
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        return BlobInfo(id=blob_id, size_bytes=size, sha256=blob_id)

    def put_bytes(self, data: bytes) -> BlobInfo:
        import io

        return self.put_stream(io.BytesIO(data))

    def open(self, blob_id: str) -> BinaryIO:
        try:
            return open(self._path(blob_id), "rb")
        except FileNotFoundError as exc:
            raise BlobNotFound(blob_id) from exc

    def read(self, blob_id: str) -> bytes:
        with self.open(blob_id) as f:
            return f.read()

    def exists(self, blob_id: str) -> bool:
        try:
            return self._path(blob_id).exists()
        except BlobNotFound:
            return False

    def delete(self, blob_id: str) -> None:
        try:
            path = self._path(blob_id)
        except BlobNotFound:
            return
        with self._db.write() as conn:
            row = conn.execute("SELECT refs FROM blob_refs WHERE id = ?", (blob_id,)).fetchone()
            if row is None:
                return
            if row[0] > 1:
                conn.execute("UPDATE blob_refs SET refs = refs - 1 WHERE id = ?", (blob_id,))
                return
            conn.execute("DELETE FROM blob_refs WHERE id = ?", (blob_id,))
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def inventory(self) -> Iterator[StoredBlob]:
        with self._db.read() as conn:
            rows = conn.execute("SELECT id, touched_at, refs FROM blob_refs").fetchall()
        counted = {blob_id for blob_id, _, _ in rows}
        yield from (StoredBlob(blob_id, touched_at, refs) for blob_id, touched_at, refs in rows)
        # Files without a row: renamed into place by a process killed before its commit.
        for folder in self.root.iterdir():
            if len(folder.name) != 2 or not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path.name not in counted:
                    with contextlib.suppress(FileNotFoundError):
                        yield StoredBlob(path.name, path.stat().st_mtime, None)

    def reconcile(self, blob_id: str, references: int, touched_before: float) -> bool:
        path = self._path(blob_id)
        with self._db.write() as conn:
            row = conn.execute(
                "SELECT refs, touched_at FROM blob_refs WHERE id = ?", (blob_id,)
            ).fetchone()
            if row is None:
                touched_at = path.stat().st_mtime if path.exists() else 0.0
                if references == 0 and path.exists() and touched_at < touched_before:
                    path.unlink()
                    return True
                if references > 0 and path.exists():
                    conn.execute(
                        "INSERT INTO blob_refs (id, size_bytes, refs, touched_at) VALUES (?, ?, ?, ?)",
                        (blob_id, path.stat().st_size, references, touched_at),
                    )
                    return True
                return False
            refs, touched_at = row
            if touched_at >= touched_before or refs == references:
                return False
            if references > 0:
                conn.execute("UPDATE blob_refs SET refs = ? WHERE id = ?", (references, blob_id))
                return True
            # Unlinked under the write lock, as in `delete`: a concurrent upload of the same
            # bytes waits for the lock and then writes its own file.
            conn.execute("DELETE FROM blob_refs WHERE id = ?", (blob_id,))
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            return True


class SqliteStore:
    """The embedded default store under `data_dir`."""

    # One attribute per name in COLLECTIONS, set in __init__; declared for the Store protocol.
    users: SqliteCollection
    tokens: SqliteCollection
    datasets: SqliteCollection
    charts: SqliteCollection
    jobs: SqliteCollection
    models: SqliteCollection
    login_failures: SqliteCollection
    reports: SqliteCollection
    profiles: SqliteCollection
    projects: SqliteCollection
    retrain_batches: SqliteCollection

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._db = _Connections(self.data_dir / "store.sqlite3")
        self._collections = {name: SqliteCollection(name, self._db) for name in COLLECTIONS}
        self.blobs = FolderBlobStore(self.data_dir / "blobs", self._db)
        self._db.initialize(self._create_schema)
        self.blobs.remove_stale_temp_files()
        for name, collection in self._collections.items():
            setattr(self, name, collection)

    def _create_schema(self, conn: sqlite3.Connection) -> None:
        for collection in self._collections.values():
            collection.create_schema(conn)
        self.blobs.create_schema(conn)

    def ping(self) -> None:
        with self._db.read() as conn:
            conn.execute("SELECT 1").fetchone()

    def close(self) -> None:
        self._db.close()
