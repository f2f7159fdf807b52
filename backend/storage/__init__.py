"""Storage: document collections and a blob store behind one interface, two back ends.

`open_store(config)` picks MongoDB (GridFS) when `MONGO_URI` is set, else the embedded
store (SQLite in WAL mode + a content-addressed blob folder) under `DATA_DIR`.
"""

from backend.storage.base import BlobInfo, BlobNotFound, BlobStore, Collection, DuplicateKey, Store

__all__ = [
    "BlobInfo",
    "BlobNotFound",
    "BlobStore",
    "Collection",
    "DuplicateKey",
    "Store",
    "open_store",
]


def open_store(config) -> Store:  # noqa: ANN001 - Config, imported lazily to avoid a cycle
    """The store the config asks for."""
    if config.mongo_uri:
        from backend.storage.mongo import MongoStore

        return MongoStore.from_uri(config.mongo_uri)
    from backend.storage.sqlite import SqliteStore

    return SqliteStore(config.data_dir)
