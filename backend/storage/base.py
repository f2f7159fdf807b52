"""The storage contract both back ends honour (tests/unit/storage runs one suite against both).

Documents are plain JSON-able dicts with string `id`, `owner_id` and ISO-8601 UTC
`created_at`. Every owner-facing read takes `owner_id`: a document of another owner is
indistinguishable from a missing one. Methods ending in `_any` are for system code
(auth, the job runner) that must look across owners; HTTP-facing services never use them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

# A filter maps a top-level field to a value (equality) or a list/tuple (one of).
Where = Mapping[str, Any]


class DuplicateKey(Exception):
    """An insert clashed with a unique key (for example a taken username)."""


class BlobNotFound(Exception):
    """No blob with that id."""


def is_unavailable(error: BaseException) -> bool:
    """True when `error` means the database cannot be reached right now (down, restarting,
    unreachable, or the embedded store's lock held past its timeout): a retry later can work,
    so the API answers 503 with Retry-After instead of 500."""
    import sqlite3

    from pymongo.errors import ConnectionFailure, WriteConcernError

    if isinstance(error, ConnectionFailure | WriteConcernError):
        return True
    return isinstance(error, sqlite3.OperationalError) and any(
        word in str(error) for word in ("locked", "busy", "unable to open")
    )


@dataclass(frozen=True)
class BlobInfo:
    id: str
    size_bytes: int
    sha256: str


@dataclass(frozen=True)
class StoredBlob:
    """A blob as the store holds it, for the sweep (backend/storage/sweep.py).

    `touched_at` (epoch seconds) is the last time a reference was added (the embedded store
    counts references) or when it was written (GridFS); the sweep leaves younger blobs alone,
    since an upload in flight has written its blob but not yet its document. `refs` is the
    count the store keeps, None where it keeps none (GridFS: one file per reference; a file
    in the embedded store's folder that its count table does not know).
    """

    id: str
    touched_at: float
    refs: int | None


class Collection(Protocol):
    name: str

    def insert(self, doc: dict[str, Any]) -> dict[str, Any]: ...

    def get(self, doc_id: str, owner_id: str) -> dict[str, Any] | None: ...

    def get_any(self, doc_id: str) -> dict[str, Any] | None: ...

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
        """The owner's documents matching `where`, newest first, and the total count.

        `fields`: return only `id` and these fields (None where a document lacks one), read
        out by the database: a list endpoint then never decodes what it does not show (a
        dataset's stored recommendations are most of its document).
        """
        ...

    def find_any(
        self,
        where: Where | None = None,
        *,
        limit: int | None = None,
        fields: Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Documents of every owner matching `where`, newest first; `fields` as in `find`."""
        ...

    def count_any(self, where: Where | None = None) -> int: ...

    def count_and_sum(
        self, owner_id: str, field: str, where: Where | None = None
    ) -> tuple[int, int]:
        """How many of the owner's documents match `where`, and the sum of their integer
        `field` (missing or null counts 0), computed by the database: a usage total (quotas)
        without reading every document into the process."""
        ...

    def update(
        self, doc_id: str, owner_id: str, changes: Mapping[str, Any]
    ) -> dict[str, Any] | None: ...

    def update_if(
        self, doc_id: str, expected: Where, changes: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """Compare-and-set: apply `changes` only if every `expected` field matches; the new doc or None."""
        ...

    def delete(self, doc_id: str, owner_id: str) -> dict[str, Any] | None:
        """Remove and return the owner's document, or None."""
        ...

    def delete_any(self, doc_id: str) -> None: ...


class BlobStore(Protocol):
    def put_stream(self, stream: BinaryIO) -> BlobInfo: ...

    def put_bytes(self, data: bytes) -> BlobInfo: ...

    def open(self, blob_id: str) -> BinaryIO:
        """A readable binary file object; raises BlobNotFound."""
        ...

    def read(self, blob_id: str) -> bytes: ...

    def delete(self, blob_id: str) -> None:
        """Drop one reference; the bytes go when nothing refers to them. Missing ids are ignored."""
        ...

    def exists(self, blob_id: str) -> bool: ...

    def inventory(self) -> Iterator[StoredBlob]:
        """Every blob the store holds, complete or cut off half-way by a crash."""
        ...

    def reconcile(self, blob_id: str, references: int, touched_before: float) -> bool:
        """Make the blob's reference count `references` (what the documents hold), unless a
        reference was added at or after `touched_before`; at 0 its bytes go. True if it changed."""
        ...


class Store(Protocol):
    # Read-only members: a back end holds its own collection types (MongoCollection, ...),
    # which a settable protocol attribute would have to match exactly.
    @property
    def users(self) -> Collection: ...
    @property
    def tokens(self) -> Collection: ...
    @property
    def datasets(self) -> Collection: ...
    @property
    def charts(self) -> Collection: ...
    @property
    def jobs(self) -> Collection: ...
    @property
    def models(self) -> Collection: ...
    @property
    def login_failures(self) -> Collection: ...
    @property
    def reports(self) -> Collection: ...
    @property
    def profiles(self) -> Collection: ...
    @property
    def projects(self) -> Collection: ...
    @property
    def retrain_batches(self) -> Collection: ...
    @property
    def blobs(self) -> BlobStore: ...

    def ping(self) -> None:
        """Raise if the store cannot be reached."""
        ...

    def close(self) -> None: ...


# login_failures: recent failed sign-ins, owner_id = a hashed throttle key (backend/services/throttle.py).
COLLECTIONS: Sequence[str] = (
    "users",
    "tokens",
    "datasets",
    "charts",
    "jobs",
    "models",
    "login_failures",
    # Data summary reports, and dataset profiles (id = the dataset's id; derived, recomputable).
    "reports",
    "profiles",
    # Named groups of a user's datasets, jobs and models; batches of retraining jobs.
    "projects",
    "retrain_batches",
)
# Unique secondary keys per collection (besides id).
UNIQUE_KEYS: Mapping[str, str] = {"users": "username"}
# Secondary indexes besides (owner_id, created_at desc, id desc), which every collection has:
# the lookups the services and the sweep make by a field other than the owner.
INDEXES: Mapping[str, Sequence[tuple[str, ...]]] = {
    "jobs": (("status",), ("owner_id", "status"), ("owner_id", "project_id")),
    "charts": (("owner_id", "dataset_id"),),
    "models": (("owner_id", "kind"), ("owner_id", "project_id"), ("owner_id", "dataset_id")),
    # No datasets index by project: SQLite would pick it over the partial index of live
    # datasets for the upload history's count; a project's datasets filter that index's rows.
    "projects": (("owner_id", "name"),),
    # A report's public link is looked up by its token, without an owner.
    "reports": (("owner_id", "dataset_id"), ("share_token",)),
}
# A document with this field set is on its way out (a delete in progress, see sweep.py): the
# owner's lists filter on `field: None`, and each back end indexes that list so the filter
# costs nothing (SQLite: a partial index; MongoDB: the field inside the owner's index).
LIVE_UNLESS: Mapping[str, str] = {"datasets": "deleting"}


def iter_chunks(stream: BinaryIO, chunk_bytes: int = 1 << 20) -> Iterator[bytes]:
    while True:
        chunk = stream.read(chunk_bytes)
        if not chunk:
            return
        yield chunk
