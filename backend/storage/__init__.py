"""Storage: document collections and a blob store behind one interface, two back ends.

`open_store(config)` picks MongoDB (GridFS) when `MONGO_URI` is set, else the embedded
store (SQLite in WAL mode + a content-addressed blob folder) under `DATA_DIR`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backend.storage.base import BlobInfo, BlobNotFound, BlobStore, Collection, DuplicateKey, Store

if TYPE_CHECKING:  # backend.config is only a type here: importing it would make a cycle
    from backend.config import Config

__all__ = [
    "BlobInfo",
    "BlobNotFound",
    "BlobStore",
    "Collection",
    "DuplicateKey",
    "Store",
    "open_store",
]


def open_store(config: Config) -> Store:
    """The store the config asks for."""
    if config.mongo_uri:
        from backend.storage.mongo import MongoStore

        return MongoStore.from_uri(config.mongo_uri)
    from backend.storage.sqlite import SqliteStore

    return SqliteStore(config.data_dir)
