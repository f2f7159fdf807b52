"""The readability check every recommended chart passes: patterns that make a chart unreadable.

Each problem is a sentence naming the channel and why, e.g. "series are told apart only by
`detail`: every line has the same color". Checked against the real data (cardinalities,
duplicates, ranges), not the spec alone.
"""

from __future__ import annotations

import pandas as pd

from models.data2vis.fields import coerce_table
from models.data2vis.profile import MAX_AXIS_CATEGORIES, MAX_ROW_LABELS, epoch_scale, year_like
from models.data2vis.validate import unescape_field

MAX_COLOR_CATEGORIES = 20
MAX_SHAPE_CATEGORIES = 8
SERIES_MARKS = frozenset({"line", "area", "trail", "bar"})
SEPARATING_CHANNELS = ("color", "fill", "stroke", "shape", "strokeDash", "row", "column", "facet")
ONE_PIXEL = 1 / 400  # a data range this small against a zero-based axis is one pixel wide


def _mark(spec: dict) -> str:
    mark = spec.get("mark")
    return str(mark.get("type") if isinstance(mark, dict) else mark)


def _units(spec: dict) -> list[dict]:
    """The single-view specs inside a layered or concatenated one (encodings inherit)."""
    units = []
    parent = spec.get("encoding") or {}
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for child in spec.get(key) or []:
            if isinstance(child, dict):
                merged = {**child, "encoding": {**parent, **(child.get("encoding") or {})}}
                units.extend(_units(merged))
    if "mark" in spec:
        units.append(spec)
    return units


def _derived(spec: dict) -> set[str]:
    """Fields a spec's own transforms write (calculate, fold, ...): their values are not the table's."""
    out: set[str] = set()
    for step in spec.get("transform") or []:
        if not isinstance(step, dict):
            continue
        written = step.get("as")
        if isinstance(written, str):
            out.add(written)
        elif isinstance(written, list):
            out.update(w for w in written if isinstance(w, str))
        elif "fold" in step:
            out.update(("key", "value"))
    return out


def _column(
    definition: object, typed: pd.DataFrame, derived: frozenset[str] = frozenset()
) -> pd.Series | None:
    """The table column a channel reads, or None (no field, or a field a transform makes)."""
    if not isinstance(definition, dict) or not isinstance(definition.get("field"), str):
        return None
    name = unescape_field(definition["field"])
    if name in derived or definition["field"] in derived:
        return None
    return typed[name] if name in typed.columns else None


def _is_time_number(name: str, values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and (
        year_like(name, values) or epoch_scale(name, values) is not None
    )


def _unit_problems(spec: dict, typed: pd.DataFrame, derived: frozenset[str]) -> list[str]:
    problems: list[str] = []
    encoding = spec.get("encoding") or {}
    mark = _mark(spec)
    if (
        "detail" in encoding
        and mark in SERIES_MARKS
        and not any(ch in encoding for ch in SEPARATING_CHANNELS)
    ):
        problems.append("series are told apart only by detail: every series has the same color")
    x, y = encoding.get("x"), encoding.get("y")
    if (
        isinstance(x, dict)
        and isinstance(y, dict)
        and x.get("bin")
        and y.get("bin")
        and mark not in ("rect", "square")
    ):
        problems.append("binned fields on both axes outside a heatmap")
    for channel, limit in (
        ("color", MAX_COLOR_CATEGORIES),
        ("fill", MAX_COLOR_CATEGORIES),
        ("stroke", MAX_COLOR_CATEGORIES),
        ("shape", MAX_SHAPE_CATEGORIES),
    ):
        definition = encoding.get(channel)
        values = _column(definition, typed, derived)
        if (
            values is None
            or definition is None
            or definition.get("type") not in ("nominal", "ordinal")
        ):
            continue
        if definition.get("timeUnit"):
            continue
        if values.nunique() > limit:
            problems.append(
                f"{channel} has {values.nunique()} categories (at most {limit} can be told apart)"
            )
    for channel in ("x", "y"):
        definition = encoding.get(channel)
        values = _column(definition, typed, derived)
        if values is None or definition is None:
            continue
        name = unescape_field(definition["field"])
        vl_type = definition.get("type")
        scale = definition.get("scale")
        zero = scale.get("zero", True) if isinstance(scale, dict) else True
        aggregated = bool(definition.get("aggregate"))
        if (
            vl_type == "quantitative"
            and not definition.get("bin")
            and not aggregated
            and zero is not False
            and _is_time_number(name, values)
        ):
            problems.append(f"{channel}: {name} is a time, drawn as a quantity from zero")
        crowded = values.nunique() > (MAX_ROW_LABELS if channel == "y" else MAX_AXIS_CATEGORIES)
        if vl_type in ("nominal", "ordinal") and not definition.get("timeUnit") and crowded:
            problems.append(f"{channel}: {values.nunique()} labels do not fit on an axis")
        if not aggregated and not definition.get("bin"):
            present = values.dropna()
            if present.nunique() == 1 and channel == "x" and "y" in encoding:
                problems.append(f"{channel}: every mark sits on one value of {name}")
            elif (
                vl_type == "quantitative"
                and zero is not False
                and pd.api.types.is_numeric_dtype(present)
                and len(present)
            ):
                low, high = float(present.min()), float(present.max())
                extent = max(abs(low), abs(high), 0.0)
                if extent > 0 and 0 < high - low < ONE_PIXEL * extent and low * high > 0:
                    problems.append(
                        f"{channel}: all of {name} falls in one pixel of a zero-based axis"
                    )
    if mark in ("line", "area", "trail") and isinstance(x, dict) and isinstance(y, dict):
        problems.extend(_one_color_overlap(encoding, typed, mark, derived))
    return problems


def _one_color_overlap(
    encoding: dict, typed: pd.DataFrame, mark: str, derived: frozenset[str]
) -> list[str]:
    """Several rows per x (and color) joined into one zigzag line, or areas drawn over each other."""
    x, y = encoding["x"], encoding["y"]
    measure, position = (
        (x, y)
        if x.get("aggregate") or x.get("type") == "quantitative" and y.get("type") != "quantitative"
        else (y, x)
    )
    if measure.get("aggregate") or position.get("aggregate") or position.get("bin"):
        return []  # one value per position and series
    keys = [position] + [
        encoding[ch]
        for ch in (*SEPARATING_CHANNELS, "detail")
        if isinstance(encoding.get(ch), dict)
    ]
    columns = [_column(k, typed, derived) for k in keys]
    if any(c is None for c in columns):
        return []  # a derived field (fold, calculate) the check cannot see; trust the generator
    frame = pd.concat(columns, axis=1, ignore_index=True).dropna()
    if frame.empty or not frame.duplicated().any():
        return []
    if len(keys) == 1:
        return [
            f"{mark}: several values per {unescape_field(position['field'])} drawn as one {mark} of one color"
        ]
    return [f"{mark}: series overlap within one color (several rows per position and color)"]


def spec_problems(spec: dict, typed: pd.DataFrame) -> list[str]:
    """Readability problems of a spec over a typed table (fields.coerce_table); empty = readable."""
    problems: list[str] = []
    derived = frozenset(_derived(spec))
    for unit in _units(spec):
        problems.extend(_unit_problems(unit, typed, derived | _derived(unit)))
    return problems


def chart_problems(spec: dict, table: pd.DataFrame) -> list[str]:
    """Readability problems of a spec over a raw table; empty when the chart can be read."""
    typed, _ = coerce_table(table)
    return spec_problems(spec, typed)
