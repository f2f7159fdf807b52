"""Projects: named groups of a user's datasets, jobs and models.

A resource with no `project_id` belongs to the user's default project, which is not stored:
lists filter it with `project_id=default`. Names are unique per user.
"""

from __future__ import annotations

from typing import Any

from backend.clock import now_iso
from backend.errors import ConflictError
from backend.services.common import new_document, page, require
from backend.storage import Store

# The `?project_id=` value that selects resources outside every project.
DEFAULT = "default"


def project_filter(project_id: str | None) -> dict[str, Any]:
    """The `where` a list adds for `?project_id=`: nothing when absent, `None` for the default."""
    if project_id is None:
        return {}
    return {"project_id": None if project_id == DEFAULT else project_id}


def _check_name_free(store: Store, owner_id: str, name: str, project_id: str | None) -> None:
    taken, _ = store.projects.find(owner_id, {"name": name}, limit=1)
    if taken and taken[0]["id"] != project_id:
        raise ConflictError(f"You already have a project named '{name}'.")


def _counted(store: Store, owner_id: str, project: dict[str, Any]) -> dict[str, Any]:
    where = {"project_id": project["id"]}
    counts = {
        "datasets": store.datasets.find(owner_id, {**where, "deleting": None}, limit=0)[1],
        "jobs": store.jobs.find(owner_id, where, limit=0)[1],
        "models": store.models.find(owner_id, where, limit=0)[1],
    }
    return {**project, "counts": counts}


def create_project(store: Store, owner_id: str, name: str, description: str = "") -> dict[str, Any]:
    _check_name_free(store, owner_id, name, None)
    project = new_document(owner_id, name=name, description=description, updated_at=now_iso())
    store.projects.insert(project)
    return _counted(store, owner_id, project)


def list_projects(
    store: Store, owner_id: str, *, page_number: int = 1, page_size: int = 100
) -> dict[str, Any]:
    items, total = store.projects.find(
        owner_id, offset=(page_number - 1) * page_size, limit=page_size
    )
    return page([_counted(store, owner_id, p) for p in items], total, page_number, page_size)


def require_project(store: Store, owner_id: str, project_id: str) -> dict[str, Any]:
    """The caller's project (404 for a missing one or someone else's)."""
    return require(store.projects.get(project_id, owner_id), "project", project_id)


def get_project(store: Store, owner_id: str, project_id: str) -> dict[str, Any]:
    return _counted(store, owner_id, require_project(store, owner_id, project_id))


def update_project(
    store: Store, owner_id: str, project_id: str, changes: dict[str, Any]
) -> dict[str, Any]:
    require_project(store, owner_id, project_id)
    if "name" in changes:
        _check_name_free(store, owner_id, changes["name"], project_id)
    updated = store.projects.update(project_id, owner_id, {**changes, "updated_at": now_iso()})
    return _counted(store, owner_id, require(updated, "project", project_id))


def delete_project(store: Store, owner_id: str, project_id: str) -> None:
    """Delete an empty project; one that still holds datasets, jobs or models is a 409."""
    counts = get_project(store, owner_id, project_id)["counts"]
    if any(counts.values()):
        held = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
        raise ConflictError(
            f"The project still holds {held}; move or delete them before deleting it."
        )
    store.projects.delete(project_id, owner_id)


def checked_project_id(store: Store, owner_id: str, project_id: str | None) -> str | None:
    """A project id a resource may be put in: None (the default project) or the caller's own."""
    if project_id is None:
        return None
    return require_project(store, owner_id, project_id)["id"]
