"""The storage contract both back ends honour (tests/storage runs one suite against both).

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


@dataclass(frozen=True)
class BlobInfo:
    id: str
    size_bytes: int
    sha256: str


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
    ) -> tuple[list[dict[str, Any]], int]:
        """The owner's documents matching `where`, newest first, and the total count."""
        ...

    def find_any(self, where: Where | None = None, *, limit: int | None = None) -> list[dict[str, Any]]: ...

    def count_any(self, where: Where | None = None) -> int: ...

    def update(self, doc_id: str, owner_id: str, changes: Mapping[str, Any]) -> dict[str, Any] | None: ...

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


class Store(Protocol):
    users: Collection
    tokens: Collection
    datasets: Collection
    charts: Collection
    jobs: Collection
    models: Collection
    blobs: BlobStore

    def ping(self) -> None:
        """Raise if the store cannot be reached."""
        ...

    def close(self) -> None: ...


COLLECTIONS: Sequence[str] = ("users", "tokens", "datasets", "charts", "jobs", "models")
# Unique secondary keys per collection (besides id).
UNIQUE_KEYS: Mapping[str, str] = {"users": "username"}


def iter_chunks(stream: BinaryIO, chunk_bytes: int = 1 << 20) -> Iterator[bytes]:
    while True:
        chunk = stream.read(chunk_bytes)
        if not chunk:
            return
        yield chunk
