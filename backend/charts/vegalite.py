"""Vega-Lite specs: allow-list and schema validation, binding to a stored dataset, rendering."""

from __future__ import annotations

import copy
import re
from typing import Any

from backend.charts import policy, sandbox
from backend.errors import InvalidInputError, RendererUnavailableError, UnrenderableChartError
from models.data2vis.validate import VEGA_LITE_SCHEMA_URL, escape_field, unescape_field
from models.data2vis.validate import schema_errors as vega_lite_schema_errors

VL_VERSION = sandbox.VL_VERSION
# How many rows a chart reads from its dataset (client and server alike).
ROW_LIMIT = 100_000
_DATA_URL = re.compile(r"^/api/v1/datasets/(?P<id>[A-Za-z0-9_-]+)/rows(\?.*)?$")
# Keys whose string values (or lists of them) Vega-Lite reads as field names.
_FIELD_LIST_KEYS = ("groupby", "fold", "repeat", "row", "column", "layer")


def schema_errors(spec: Any) -> list[str]:
    """Human-readable schema violations, most specific first (empty when valid)."""
    if not isinstance(spec, dict):
        return ["The spec must be a JSON object."]
    # One compiled Vega-Lite schema per process, shared with the recommender.
    return vega_lite_schema_errors(spec)


def rows_path(dataset_id: str) -> str:
    return f"/api/v1/datasets/{dataset_id}/rows"


def data_url(dataset_id: str) -> dict[str, Any]:
    """The `data` block that binds a spec to a stored dataset (clients send their bearer token)."""
    return {
        "url": f"{rows_path(dataset_id)}?limit={ROW_LIMIT}",
        "format": {"type": "json", "property": "items"},
    }


def bind_to_dataset(spec: dict[str, Any], dataset_id: str) -> dict[str, Any]:
    bound = {k: v for k, v in spec.items() if k not in ("data", "datasets")}
    return {
        "$schema": VEGA_LITE_SCHEMA_URL,
        "data": data_url(dataset_id),
        **{k: v for k, v in bound.items() if k != "$schema"},
    }


def bound_dataset_id(spec: dict[str, Any]) -> str | None:
    match = _DATA_URL.match(str((spec.get("data") or {}).get("url", "")))
    return match.group("id") if match else None


def fields_used(spec: dict[str, Any]) -> set[str]:
    """Field names the top-level encoding reads (as written: escaped where the spec escapes)."""
    used: set[str] = set()
    for channel in (spec.get("encoding") or {}).values():
        for definition in channel if isinstance(channel, list) else [channel]:
            if isinstance(definition, dict) and isinstance(definition.get("field"), str):
                used.add(definition["field"])
    return used


def escape_fields(spec: dict[str, Any], columns: list[str]) -> dict[str, Any]:
    """The spec with every field name that is a real column escaped for Vega-Lite.

    Vega-Lite reads `a.b` as field b inside field a and `a[0]` as an index, so a chart over a
    flat column named `a.b [x]` draws nothing; `a\\.b \\[x\\]` is that column. Only exact
    column names change, so a field the client already escaped stays as it is.
    """
    special = {name for name in columns if escape_field(name) != name}
    if not special:
        return spec

    def walk(value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                if k == "field" and isinstance(v, str) and v in special:
                    out[k] = escape_field(v)
                elif k == "usermeta" or k == "data":
                    out[k] = v  # no field names in either; inline values keep their real keys
                else:
                    out[k] = walk(v, k)
            return out
        if isinstance(value, list):
            if key in _FIELD_LIST_KEYS:
                return [
                    escape_field(v) if isinstance(v, str) and v in special else walk(v)
                    for v in value
                ]
            return [walk(v) for v in value]
        return value

    return walk(spec)


def check_policy(spec: Any, dataset_id: str | None) -> None:
    """Raise InvalidInputError naming each JSON path the chart allow-list refuses."""
    found = policy.check(spec, own_data_url=rows_path(dataset_id) if dataset_id else None)
    if found:
        raise InvalidInputError(policy.describe(found), errors=found)


def validate(spec: Any, columns: list[str] | None = None, *, dataset_id: str | None = None) -> None:
    """Raise InvalidInputError naming what is wrong: not allowed, not Vega-Lite, unknown fields.

    dataset_id is the chart's own dataset (default: the one its data URL names).
    """
    # The allow-list first: it is cheap and bounded, the schema check is neither on a huge spec.
    check_policy(spec, dataset_id or (bound_dataset_id(spec) if isinstance(spec, dict) else None))
    problems = schema_errors(spec)
    if problems:
        raise InvalidInputError("The spec is not valid Vega-Lite.", errors={"spec": problems})
    if columns is not None and not spec.get("transform"):
        unknown = sorted(
            name
            for name in fields_used(spec)
            if name not in columns and unescape_field(name) not in columns  # escaped names too
        )
        if unknown:
            raise InvalidInputError(
                "The spec uses fields the dataset does not have.",
                errors={"spec": [f"unknown field '{name}'" for name in unknown]},
            )


def prepare(spec: Any, dataset_id: str, columns: list[str]) -> dict[str, Any]:
    """A client's spec as stored: bound to its dataset, allow-listed, fields escaped, valid."""
    if not isinstance(spec, dict):
        raise InvalidInputError(
            "The spec is not valid Vega-Lite.", errors={"spec": ["The spec must be a JSON object."]}
        )
    bound = bind_to_dataset(spec, dataset_id)
    check_policy(bound, dataset_id)  # before anything walks the spec recursively
    bound = escape_fields(bound, columns)
    validate(bound, columns, dataset_id=dataset_id)
    return bound


def with_values(spec: dict[str, Any], records: list[dict[str, Any]]) -> dict[str, Any]:
    """A copy of the spec with its data inlined, ready for rendering."""
    inlined = copy.deepcopy(spec)
    inlined["data"] = {"values": records}
    return inlined


def render(spec: dict[str, Any], fmt: str, *, scale: float = 2.0) -> bytes:
    """PNG or SVG bytes, drawn in the render sandbox; the data must be inlined first.

    The caller checks the stored spec against the allow-list first (check_policy): the
    inlined rows are the dataset's own and may exceed the inline-values cap.
    """
    try:
        return sandbox.render(spec, fmt, scale=scale)
    except sandbox.RenderError as error:
        raise UnrenderableChartError(f"The chart cannot be rendered: {error}") from error
    except sandbox.RendererUnavailable as error:
        raise RendererUnavailableError(str(error), retry_after_s=error.retry_after_s) from error
