"""Checks every candidate spec must pass: parses, Vega-Lite schema, real columns and types, renders."""

from __future__ import annotations

import copy
import importlib.resources
import json
import re
import threading
from functools import lru_cache
from typing import Any, cast

from models.data2vis.fields import ALLOWED_VL_TYPES, ColumnInfo
from models.data2vis.xml_text import xml_safe

VEGA_LITE_SCHEMA_URL = "https://vega.github.io/schema/vega-lite/v6.json"
NUMERIC_AGGREGATES = frozenset(
    {"mean", "sum", "median", "min", "max", "average", "stdev", "variance"}
)
POSITION_CHANNELS = ("x", "y", "theta")  # theta positions an arc (pie) mark

# A quote ends Vega's access-path strings ("Access path missing closing quote"); a double
# quote is fine and must stay bare (escaping it breaks the generated expressions).
_SPECIAL_IN_FIELD = re.compile(r"([\\.\[\]'])")
_ESCAPED_IN_FIELD = re.compile(r"\\(.)")


def escape_field(name: str) -> str:
    """Vega-Lite reads `a.b` as a nested path, `a[0]` as an index and `'` as a quote; escape them."""
    return _SPECIAL_IN_FIELD.sub(r"\\\1", name)


def unescape_field(field: str) -> str:
    return _ESCAPED_IN_FIELD.sub(r"\1", field)


def parse_spec(text: str) -> dict | None:
    """The decoded text as a JSON object, or None (the paper's 'language syntax' check)."""
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


@lru_cache(maxsize=1)
def _schema_validator() -> Any:
    import jsonschema

    resource = (
        importlib.resources.files("altair") / "vegalite" / "v6" / "schema" / "vega-lite-schema.json"
    )
    schema = json.loads(resource.read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


def schema_errors(spec: dict) -> list[str]:
    """Vega-Lite JSON-schema violations (empty when valid); a data stub is added when missing."""
    checked = spec if "data" in spec else {**spec, "data": {"values": []}}
    errors = sorted(_schema_validator().iter_errors(checked), key=lambda e: list(e.path))
    return [_deepest_message(e) for e in errors[:5]]


def _deepest_message(error: Any) -> str:
    """anyOf errors are vague at the root ('not valid under any of the given schemas'); report the deepest cause."""
    while error.context:
        error = max(error.context, key=lambda e: len(list(e.absolute_path)))
    return f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message[:160]}"


def field_errors(spec: dict, columns: dict[str, ColumnInfo]) -> list[str]:
    """Problems with the fields a spec uses, judged against the dataset's real columns and kinds."""
    problems: list[str] = []
    encoding = spec.get("encoding")
    if not isinstance(encoding, dict) or not any(ch in encoding for ch in POSITION_CHANNELS):
        return ["no x, y or theta encoding"]
    used_fields = 0
    for channel, definition in encoding.items():
        if not isinstance(definition, dict):
            problems.append(f"{channel}: not an object")
            continue
        aggregate = definition.get("aggregate")
        field = definition.get("field")
        if field is None:
            if aggregate != "count":
                problems.append(f"{channel}: no field")
            continue
        if not isinstance(field, str):
            problems.append(f"{channel}: field is not a string")
            continue
        column = columns.get(unescape_field(field))
        if column is None:
            problems.append(f"{channel}: phantom field {field!r}")
            continue
        if not column.usable:
            problems.append(f"{channel}: column {column.name!r} has no values")
            continue
        used_fields += 1
        vl_type = definition.get("type")
        if vl_type not in ALLOWED_VL_TYPES[column.kind]:
            problems.append(f"{channel}: {column.name!r} ({column.kind}) cannot be {vl_type}")
        if (
            aggregate is not None
            and aggregate != "count"
            and (aggregate not in NUMERIC_AGGREGATES or column.kind != "num")
        ):
            problems.append(f"{channel}: cannot take {aggregate} of {column.name!r}")
        if definition.get("bin") and (column.kind != "num" or vl_type != "quantitative"):
            problems.append(f"{channel}: cannot bin {column.name!r}")
        if definition.get("timeUnit") and column.kind != "dt":
            problems.append(f"{channel}: {column.name!r} is not a date")
    if used_fields == 0:
        problems.append("no encoding uses a column")
    fields = [
        d.get("field")
        for d in encoding.values()
        if isinstance(d, dict) and isinstance(d.get("field"), str)
    ]
    if len(fields) != len(set(fields)):
        # CompassQL's default too: one column on two channels ("count by sex, split by sex") adds nothing
        problems.append("a column is used on two channels")
    mark = spec.get("mark")
    mark_type = mark.get("type") if isinstance(mark, dict) else mark
    positional_fields = [
        ch
        for ch in POSITION_CHANNELS
        if isinstance(encoding.get(ch), dict) and "field" in encoding[ch]
    ]
    if not positional_fields and not (mark_type == "arc" and "color" in encoding):
        # e.g. a single stacked bar of counts split by `detail`: valid JSON, no information
        problems.append("no x or y encodes a column")
    return problems


def with_data(spec: dict, values: list[dict]) -> dict:
    """The spec with inline data and the schema URL, ready to render."""
    bound = copy.deepcopy(spec)
    bound["$schema"] = VEGA_LITE_SCHEMA_URL
    bound["data"] = {"values": values}
    return bound


_render_lock = threading.Lock()


def render_error(spec: dict, values: list[dict]) -> str | None:
    """None when vl-convert compiles the spec and runs it to a scenegraph with the data inlined.

    The scenegraph is everything a renderer draws (dataflow, scales, marks, axes); only the
    SVG text serialization is skipped, which halves the cost of the check.
    """
    try:
        # One render (and the first import) at a time per process: concurrent in-process calls
        # into vl-convert were seen to deadlock the test process (three threads waiting inside
        # it, one on the import lock). The API renders in its sandbox processes instead.
        with _render_lock:
            import vl_convert

            scenegraph = vl_convert.vegalite_to_scenegraph(
                cast(dict[str, Any], xml_safe(with_data(spec, values))), allowed_base_urls=[]
            )
    except (
        Exception
    ) as error:  # vl-convert raises plain ValueError/RuntimeError with the JS message
        return str(error).splitlines()[0][:200] if str(error) else type(error).__name__
    return (
        None
        if isinstance(scenegraph, dict) and scenegraph.get("scenegraph")
        else "renderer returned no scenegraph"
    )
