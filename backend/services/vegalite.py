"""Vega-Lite specs: schema validation, binding to a stored dataset, server-side rendering."""

from __future__ import annotations

import copy
import re
import threading
from typing import Any

from backend.errors import InvalidInputError
from models.data2vis.validate import VEGA_LITE_SCHEMA_URL, xml_safe
from models.data2vis.validate import schema_errors as vega_lite_schema_errors

VL_VERSION = "6.4"
# How many rows a chart reads from its dataset (client and server alike).
ROW_LIMIT = 100_000
_DATA_URL = re.compile(r"^/api/v1/datasets/(?P<id>[A-Za-z0-9_-]+)/rows(\?.*)?$")
_render_lock = threading.Lock()


def schema_errors(spec: Any) -> list[str]:
    """Human-readable schema violations, most specific first (empty when valid)."""
    if not isinstance(spec, dict):
        return ["The spec must be a JSON object."]
    # One compiled Vega-Lite schema per process, shared with the recommender.
    return vega_lite_schema_errors(spec)


def data_url(dataset_id: str) -> dict[str, Any]:
    """The `data` block that binds a spec to a stored dataset (clients send their bearer token)."""
    return {
        "url": f"/api/v1/datasets/{dataset_id}/rows?limit={ROW_LIMIT}",
        "format": {"type": "json", "property": "items"},
    }


def bind_to_dataset(spec: dict[str, Any], dataset_id: str) -> dict[str, Any]:
    bound = {k: v for k, v in spec.items() if k not in ("data", "datasets")}
    return {"$schema": VEGA_LITE_SCHEMA_URL, "data": data_url(dataset_id), **{k: v for k, v in bound.items() if k != "$schema"}}


def bound_dataset_id(spec: dict[str, Any]) -> str | None:
    match = _DATA_URL.match(str((spec.get("data") or {}).get("url", "")))
    return match.group("id") if match else None


def fields_used(spec: dict[str, Any]) -> set[str]:
    """Field names the top-level encoding reads."""
    used: set[str] = set()
    for channel in (spec.get("encoding") or {}).values():
        for definition in channel if isinstance(channel, list) else [channel]:
            if isinstance(definition, dict) and isinstance(definition.get("field"), str):
                used.add(definition["field"])
    return used


def validate(spec: Any, columns: list[str] | None = None) -> None:
    """Raise InvalidInputError naming what is wrong: not Vega-Lite, or fields the dataset lacks."""
    problems = schema_errors(spec)
    if problems:
        raise InvalidInputError("The spec is not valid Vega-Lite.", errors={"spec": problems})
    if columns is not None and not spec.get("transform"):
        unknown = sorted(fields_used(spec) - set(columns))
        if unknown:
            raise InvalidInputError(
                "The spec uses fields the dataset does not have.",
                errors={"spec": [f"unknown field '{name}'" for name in unknown]},
            )


def with_values(spec: dict[str, Any], records: list[dict[str, Any]]) -> dict[str, Any]:
    """A copy of the spec with its data inlined, ready for rendering."""
    inlined = copy.deepcopy(spec)
    inlined["data"] = {"values": records}
    return inlined


def render(spec: dict[str, Any], fmt: str, *, scale: float = 2.0) -> bytes:
    """PNG or SVG bytes. External URLs are refused: the data must be inlined first."""
    import vl_convert

    # Control characters in any string (a stray \x1a in uploaded data) make vl-convert abort
    # the whole process, not raise; replace them in spec and data alike.
    spec = xml_safe(spec)

    # vl-convert's engine is not re-entrant across threads; keep renders one at a time per process.
    with _render_lock:
        try:
            if fmt == "svg":
                return vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION, allowed_base_urls=[]).encode()
            return vl_convert.vegalite_to_png(spec, vl_version=VL_VERSION, scale=scale, allowed_base_urls=[])
        except ValueError as exc:
            raise InvalidInputError(f"The chart cannot be rendered: {str(exc).splitlines()[0][:300]}") from exc
