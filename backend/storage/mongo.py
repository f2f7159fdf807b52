"""The MongoDB store: one collection per document kind, GridFS for every file.

The contract suite and the API tests run against a real MongoDB-wire server (SecantusDB,
started by the test session; `make run-mongo` runs one locally); production uses MongoDB.

Durability and crash safety:
- What users stored (blobs, datasets, charts, accounts, models) is acknowledged only once
  journaled (write concern `j: true`, `JOURNALED`): MongoDB promises that a journaled write
  survives a crash of the server, and nothing less. Job progress, heartbeats and tokens, the
  frequent writes, use the server's default (a journaled write costs ~3x: 7.8 vs 2.9 ms an
  insert on SecantusDB on the 2-core machine).
- A blob is one GridFS file. GridFS writes its chunks first and its file entry last, so a
  write cut off (by a crash of either side) leaves chunks without an entry: invisible, listed
  by `inventory()` and removed by the sweep (backend/storage/sweep.py).
- Indexes: (owner_id, created_at desc, _id desc) on every collection, unique `username` on
  users, and `INDEXES` (job status, charts by dataset, ...), created at startup; creating an
  index that exists is a no-op.
- A lost server raises pymongo's ConnectionFailure (or a subclass) from the call that needed
  it; `base.is_unavailable` tells the API to answer 503, and the client reconnects by itself.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, BinaryIO, overload

import gridfs
import pymongo
from bson import ObjectId
from bson.errors import InvalidId
from pymongo import IndexModel, ReturnDocument, WriteConcern
from pymongo.errors import DuplicateKeyError

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
)

# Every client the app (and the tests) open. A lost server fails a request within
# serverSelectionTimeoutMS (then 503) instead of holding its thread. No automatic retry of
# writes: a write cut off by a crash of the server may have been applied, and its retry
# against the restarted server then fails with E11000 (SecantusDB keeps no record of retried
# writes across a restart; tests/crash saw it) where a 503 that the client repeats is right.
# A standalone MongoDB (docker compose) does not retry writes either.
CLIENT_OPTIONS: dict[str, Any] = {
    "tz_aware": True,
    "serverSelectionTimeoutMS": 3000,
    "connectTimeoutMS": 3000,
    "retryWrites": False,
}
JOURNALED = WriteConcern(w=1, j=True)
JOURNALED_COLLECTIONS = frozenset(
    {"users", "datasets", "charts", "models", "reports", "projects", "retrain_batches"}
)


def _query(where: Where | None) -> dict[str, Any]:
    query: dict[str, Any] = {}
    for field, value in (where or {}).items():
        key = "_id" if field == "id" else field
        query[key] = (
            {"$in": list(value)} if isinstance(value, list | tuple | set | frozenset) else value
        )
    return query


@overload
def _out(doc: Mapping[str, Any]) -> dict[str, Any]: ...
@overload
def _out(doc: Mapping[str, Any] | None) -> dict[str, Any] | None: ...
def _out(doc: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if doc is None:
        return None
    out = {k: v for k, v in doc.items() if k != "_id"}
    out["id"] = doc["_id"]
    return out


_NEWEST_FIRST = [("created_at", pymongo.DESCENDING), ("_id", pymongo.DESCENDING)]


class MongoCollection:
    def __init__(self, name: str, collection: Any) -> None:
        self.name = name
        self._c = collection

    def create_indexes(self) -> None:
        """This collection's indexes, in one command (existing ones are left as they are)."""
        indexes = [IndexModel([("owner_id", pymongo.ASCENDING), *_NEWEST_FIRST])]
        unique = UNIQUE_KEYS.get(self.name)
        if unique:
            indexes.append(IndexModel([(unique, pymongo.ASCENDING)], unique=True))
        indexes += [
            IndexModel([(field, pymongo.ASCENDING) for field in fields])
            for fields in INDEXES.get(self.name, ())
        ]
        hidden = LIVE_UNLESS.get(self.name)
        if hidden:
            indexes.append(
                IndexModel(
                    [("owner_id", pymongo.ASCENDING), (hidden, pymongo.ASCENDING), *_NEWEST_FIRST]
                )
            )
        self._c.create_indexes(indexes)

    def insert(self, doc: dict[str, Any]) -> dict[str, Any]:
        stored = {k: v for k, v in doc.items() if k != "id"}
        stored["_id"] = doc["id"]
        try:
            self._c.insert_one(stored)
        except DuplicateKeyError as exc:
            raise DuplicateKey(str(exc)) from exc
        return doc

    def get(self, doc_id: str, owner_id: str) -> dict[str, Any] | None:
        return _out(self._c.find_one({"_id": doc_id, "owner_id": owner_id}))

    def get_any(self, doc_id: str) -> dict[str, Any] | None:
        return _out(self._c.find_one({"_id": doc_id}))

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
        query = _query({"owner_id": owner_id, **(where or {})})
        if contains:
            field, needle = contains
            query[field] = {"$regex": re.escape(needle), "$options": "i"}
        total = self._c.count_documents(query)
        return self._read(query, offset, limit, fields), total

    def find_any(
        self,
        where: Where | None = None,
        *,
        limit: int | None = None,
        fields: Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:
        return self._read(_query(where), 0, limit, fields)

    def _read(
        self, query: dict[str, Any], offset: int, limit: int | None, fields: Sequence[str] | None
    ) -> list[dict[str, Any]]:
        projection = None if fields is None else {f: 1 for f in fields if f != "id"}
        cursor = self._c.find(query, projection).sort(_NEWEST_FIRST).skip(offset)
        if limit is not None:
            cursor = cursor.limit(limit)
        docs = [_out(d) for d in cursor]
        if fields is None:
            return docs
        # As on SQLite: `id` and every field named, None where a document lacks it.
        names = ["id", *(f for f in fields if f != "id")]
        return [{name: d.get(name) for name in names} for d in docs]

    def count_any(self, where: Where | None = None) -> int:
        return self._c.count_documents(_query(where))

    def count_and_sum(
        self, owner_id: str, field: str, where: Where | None = None
    ) -> tuple[int, int]:
        groups = list(
            self._c.aggregate(
                [
                    {"$match": _query({"owner_id": owner_id, **(where or {})})},
                    # $sum skips missing, null and non-numeric values.
                    {"$group": {"_id": None, "count": {"$sum": 1}, "total": {"$sum": f"${field}"}}},
                ]
            )
        )
        return (groups[0]["count"], int(groups[0]["total"])) if groups else (0, 0)

    def update(
        self, doc_id: str, owner_id: str, changes: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        return self.update_if(doc_id, {"owner_id": owner_id}, changes)

    def update_if(
        self, doc_id: str, expected: Where, changes: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        doc = self._c.find_one_and_update(
            _query({"id": doc_id, **expected}),
            {"$set": dict(changes)},
            return_document=ReturnDocument.AFTER,
        )
        return _out(doc)

    def delete(self, doc_id: str, owner_id: str) -> dict[str, Any] | None:
        return _out(self._c.find_one_and_delete({"_id": doc_id, "owner_id": owner_id}))

    def delete_any(self, doc_id: str) -> None:
        self._c.delete_one({"_id": doc_id})


class _HashingReader:
    """Wraps a stream so GridFS can read it while we hash and count the bytes."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        chunk = self._stream.read(n)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


class GridFSBlobStore:
    """Every blob is its own GridFS file (id = its ObjectId as a string)."""

    def __init__(self, db: Any) -> None:
        self._fs = gridfs.GridFS(db, collection="blobs")
        self._files = db["blobs.files"]
        self._chunks = db["blobs.chunks"]

    @staticmethod
    def _oid(blob_id: str) -> ObjectId:
        try:
            return ObjectId(blob_id)
        except (InvalidId, TypeError) as exc:
            raise BlobNotFound(blob_id) from exc

    def put_stream(self, stream: BinaryIO) -> BlobInfo:
        reader = _HashingReader(stream)
        # GridFS reads one chunk at a time and writes the file entry last, so a failure
        # mid-way leaves no visible blob behind.
        oid = self._fs.put(reader)
        sha = reader.digest.hexdigest()
        return BlobInfo(id=str(oid), size_bytes=reader.size, sha256=sha)

    def put_bytes(self, data: bytes) -> BlobInfo:
        return self.put_stream(io.BytesIO(data))

    def open(self, blob_id: str) -> BinaryIO:
        try:
            return self._fs.get(self._oid(blob_id))
        except gridfs.errors.NoFile as exc:
            raise BlobNotFound(blob_id) from exc

    def read(self, blob_id: str) -> bytes:
        return self.open(blob_id).read()

    def exists(self, blob_id: str) -> bool:
        try:
            return self._fs.exists(self._oid(blob_id))
        except BlobNotFound:
            return False

    def delete(self, blob_id: str) -> None:
        try:
            self._fs.delete(self._oid(blob_id))
        except BlobNotFound:
            return

    def inventory(self) -> Iterator[StoredBlob]:
        # A blob's ObjectId carries the time its write began (the same for its chunks).
        seen = set()
        for entry in self._files.find({}, {"_id": 1}):
            seen.add(entry["_id"])
            yield StoredBlob(str(entry["_id"]), entry["_id"].generation_time.timestamp(), None)
        for files_id in self._chunks.distinct("files_id"):
            if files_id not in seen:  # chunks whose write never reached its file entry
                yield StoredBlob(str(files_id), files_id.generation_time.timestamp(), None)

    def reconcile(self, blob_id: str, references: int, touched_before: float) -> bool:
        oid = self._oid(blob_id)
        if references > 0 or oid.generation_time.timestamp() >= touched_before:
            return False
        self._fs.delete(oid)  # the file entry and every chunk, also chunks without an entry
        return True


class MongoStore:
    """The store on database `db`; `client`, when given, is closed with the store."""

    # One attribute per name in COLLECTIONS, set in __init__; declared for the Store protocol.
    users: MongoCollection
    tokens: MongoCollection
    datasets: MongoCollection
    charts: MongoCollection
    jobs: MongoCollection
    models: MongoCollection
    login_failures: MongoCollection
    reports: MongoCollection
    profiles: MongoCollection
    projects: MongoCollection
    retrain_batches: MongoCollection

    def __init__(self, db: Any, client: Any = None) -> None:
        self._db = db
        self._client = client
        self.database_name: str = db.name
        for name in COLLECTIONS:
            concern = JOURNALED if name in JOURNALED_COLLECTIONS else None
            collection = MongoCollection(name, db.get_collection(name, write_concern=concern))
            collection.create_indexes()
            setattr(self, name, collection)
        self.blobs = GridFSBlobStore(db.with_options(write_concern=JOURNALED))

    @classmethod
    def from_uri(cls, uri: str) -> MongoStore:
        return cls.from_client(pymongo.MongoClient(uri, **CLIENT_OPTIONS))

    @classmethod
    def from_client(cls, client: Any) -> MongoStore:
        """The store on the URI's database (default `insight`) of a client made with
        CLIENT_OPTIONS; the web app's comes from Flask-PyMongo, app-less processes' from
        `from_uri`, so both behave alike."""
        return cls(client.get_default_database(default="insight"), client)

    def ping(self) -> None:
        self._db.command("ping")

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
