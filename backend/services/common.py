"""Small helpers every service shares: ids, new documents, pages, the 404 rule."""

from __future__ import annotations

import uuid
from typing import Any

from backend.clock import now_iso
from backend.errors import NotFoundError
from backend.storage.base import Collection, Where


def new_id() -> str:
    return uuid.uuid4().hex


def new_document(owner_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": new_id(), "owner_id": owner_id, "created_at": now_iso(), **fields}


def require(doc: dict[str, Any] | None, kind: str, doc_id: str) -> dict[str, Any]:
    """The document, or a 404 that reads the same whether it is missing or someone else's."""
    if doc is None:
        raise NotFoundError(f"No {kind} with id '{doc_id}'.")
    return doc


def page(
    items: list[dict[str, Any]], total: int, page_number: int, page_size: int
) -> dict[str, Any]:
    return {"items": items, "total": total, "page": page_number, "page_size": page_size}


def offset_of(page_number: int, page_size: int) -> int:
    return (page_number - 1) * page_size


def find_page(
    collection: Collection,
    owner_id: str,
    where: Where | None,
    page_number: int,
    page_size: int,
) -> dict[str, Any]:
    """One page of the owner's documents matching `where`, newest first."""
    items, total = collection.find(
        owner_id, where, offset=offset_of(page_number, page_size), limit=page_size
    )
    return page(items, total, page_number, page_size)
