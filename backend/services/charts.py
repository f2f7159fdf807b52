"""Saved charts: a Vega-Lite spec bound to one of the owner's datasets."""

from __future__ import annotations

from typing import Any

from backend.charts import vegalite
from backend.clock import now_iso
from backend.services import datasets
from backend.services.common import find_page, new_document, require
from backend.storage import Store
from backend.tabular import tables
from models.data2vis.validate import unescape_field


def create_chart(store: Store, owner_id: str, body: dict[str, Any]) -> dict[str, Any]:
    dataset = datasets.get_dataset(store, owner_id, body["dataset_id"])
    spec = vegalite.prepare(body["spec"], dataset["id"], [c["name"] for c in dataset["columns"]])
    chart = new_document(
        owner_id,
        dataset_id=dataset["id"],
        title=body.get("title") or _default_title(spec, dataset),
        spec=spec,
        updated_at=now_iso(),
    )
    return store.charts.insert(chart)


def _default_title(spec: dict[str, Any], dataset: dict[str, Any]) -> str:
    mark = spec.get("mark")
    mark_type = mark.get("type") if isinstance(mark, dict) else mark
    fields = ", ".join(sorted(unescape_field(f) for f in vegalite.fields_used(spec))) or "chart"
    return f"{fields} ({mark_type or 'chart'}) - {dataset['filename']}"[:200]


def list_charts(
    store: Store,
    owner_id: str,
    *,
    dataset_id: str | None = None,
    page_number: int = 1,
    page_size: int = 20,
) -> dict[str, Any]:
    where = {"dataset_id": dataset_id} if dataset_id else None
    return find_page(store.charts, owner_id, where, page_number, page_size)


def get_chart(store: Store, owner_id: str, chart_id: str) -> dict[str, Any]:
    return require(store.charts.get(chart_id, owner_id), "chart", chart_id)


def update_chart(
    store: Store, owner_id: str, chart_id: str, changes: dict[str, Any]
) -> dict[str, Any]:
    chart = get_chart(store, owner_id, chart_id)
    updates: dict[str, Any] = {"updated_at": now_iso()}
    if "title" in changes:
        updates["title"] = changes["title"]
    if "spec" in changes:
        dataset = datasets.get_dataset(store, owner_id, chart["dataset_id"])
        columns = [c["name"] for c in dataset["columns"]]
        updates["spec"] = vegalite.prepare(changes["spec"], dataset["id"], columns)
    return require(store.charts.update(chart_id, owner_id, updates), "chart", chart_id)


def delete_chart(store: Store, owner_id: str, chart_id: str) -> None:
    require(store.charts.delete(chart_id, owner_id), "chart", chart_id)


def render_chart(store: Store, owner_id: str, chart_id: str, fmt: str) -> bytes:
    """The chart as PNG or SVG, its data read from the owner's stored dataset.

    The allow-list is checked again: a spec stored before it existed (or written to the store
    by other means) must not reach the renderer unchecked.
    """
    chart = get_chart(store, owner_id, chart_id)
    vegalite.check_policy(chart["spec"], chart["dataset_id"])
    dataset = datasets.get_dataset(store, owner_id, chart["dataset_id"])
    return vegalite.render(inlined_spec(chart, dataset, chart_records(store, dataset)), fmt)


def chart_records(store: Store, dataset: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows a chart of `dataset` draws (the first ROW_LIMIT, as the client reads them)."""
    frame = datasets.load_frame(store, dataset).head(vegalite.ROW_LIMIT)
    return tables.frame_to_records(frame)


def inlined_spec(
    chart: dict[str, Any], dataset: dict[str, Any], records: list[dict[str, Any]]
) -> dict[str, Any]:
    """The stored spec, allow-listed again, with `records` (from chart_records) as its data."""
    vegalite.check_policy(chart["spec"], chart["dataset_id"])
    # Charts saved before field names were escaped on save draw their real columns too.
    spec = vegalite.escape_fields(chart["spec"], [c["name"] for c in dataset["columns"]])
    return vegalite.with_values(spec, records)
