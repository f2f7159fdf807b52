"""The allow-list every chart spec passes at save and again before each render.

Vega-Lite can fetch (data URLs, image marks, lookups), generate unbounded data (sequence,
graticule) and ask for any canvas size; vl-convert follows all of it inside the server. This
module refuses those constructs by where they sit in the spec, before anything renders it:
it names each offending JSON path and never rewrites the spec. What a static check cannot
see (a chart whose size comes from its data) is bounded by the render sandbox instead.
"""

from __future__ import annotations

import math
import re
from typing import Any

MAX_DIMENSION_PX = 4000  # width, height and view sizes; also paddings, spacings, offsets, fonts
MAX_STEP_PX = 400  # {"step": n}: pixels per category of a discrete axis
MAX_INLINE_VALUES = 1000  # rows of inline `values` in a (sub-)spec or lookup
MAX_INLINE_TEXT = 64_000  # characters of inline `values` given as CSV/JSON text
MAX_VIEWS = 64  # layer, concat and repeat children, summed over the whole spec
MAX_GENERATED = 10_000  # rows an impute `keyvals` sequence, `steps` or `maxbins` may ask for
MAX_DEPTH = 32  # nesting of JSON objects and arrays
MAX_NODES = 50_000  # JSON values in the spec, inline data included
MAX_SCALE = 4.0  # PNG render scale

Violations = dict[str, list[str]]

_SIZE_KEYS = frozenset(
    {"width", "height", "continuousWidth", "continuousHeight", "discreteWidth", "discreteHeight"}
)
_BOUNDED_SUFFIXES = ("padding", "spacing", "offset", "fontsize")
_GENERATORS = {
    "sequence": "generated data (sequence) is not allowed",
    "sphere": "generated data (sphere) is not allowed",
    "graticule": "generated data (graticule) is not allowed",
}
_COMPOSITION_KEYS = ("layer", "concat", "hconcat", "vconcat")
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def check(spec: Any, *, own_data_url: str | None = None, root: str = "spec") -> Violations:
    """Every allow-list violation in `spec`, as {JSON path: [messages]} (empty when allowed).

    own_data_url is the rows path of the chart's own dataset (no query): the one URL a
    spec may hold, and only as its top-level `data.url`. Paths start at `root`.
    """
    found: Violations = {}
    if not isinstance(spec, dict):
        return {root: ["the spec must be a JSON object"]}
    views = 0
    nodes = 0
    # Iterative, so a deeply nested spec costs a bounded stack and ends in a violation.
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(spec, ())]
    while stack:
        value, path = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            _add(found, root, f"the spec has more than {MAX_NODES} values")
            break
        if len(path) > MAX_DEPTH:
            _add(found, _render_path(root, path), f"nested deeper than {MAX_DEPTH} levels")
            continue
        if isinstance(value, list):
            stack.extend((item, (*path, i)) for i, item in enumerate(value))
            continue
        if not isinstance(value, dict):
            continue
        views += _children(value)
        for key, child in value.items():
            child_path = (*path, key)
            if key == "usermeta":
                continue  # free-form metadata: Vega-Lite never reads it
            problem = _key_problem(key, child, child_path, own_data_url)
            if problem:
                _add(found, _render_path(root, child_path), problem)
                continue
            if key == "data" and isinstance(child, dict):
                for data_key, message in _data_problems(child):
                    _add(found, _render_path(root, (*child_path, data_key)), message)
            stack.append((child, child_path))
    if views > MAX_VIEWS:
        _add(found, root, f"{views} layer/concat/repeat children; at most {MAX_VIEWS} are allowed")
    return found


def check_scale(scale: float) -> str | None:
    """None when a PNG render scale is allowed, else why not."""
    if not isinstance(scale, int | float) or not math.isfinite(scale) or not 0 < scale <= MAX_SCALE:
        return f"the render scale must be above 0 and at most {MAX_SCALE}"
    return None


def describe(found: Violations) -> str:
    """One sentence for a problem's `detail`: the first violation and how many others."""
    path, messages = next(iter(found.items()))
    more = sum(len(m) for m in found.values()) - 1
    return f"The spec is not allowed: {path}: {messages[0]}" + (
        f" (and {more} more)" if more else "."
    )


def _key_problem(
    key: str, value: Any, path: tuple[str | int, ...], own_data_url: str | None
) -> str | None:
    if key == "url":
        if path == ("data", "url") and own_data_url and _is_own_data_url(value, own_data_url):
            return None
        if "data" in path:
            return "data comes from the chart's own dataset only; URLs are not allowed"
        return "URLs are not allowed: the server never fetches images or files for a chart"
    if key == "href":
        return "links (href) are not allowed"
    if key == "datasets":
        return "named inline datasets are not allowed; the chart reads its own dataset"
    if key in _SIZE_KEYS:
        return _size_problem(value)
    if key == "step" and isinstance(value, int | float) and path[-2:-1] == ("view",):
        return _number_problem(value, MAX_STEP_PX)  # config.view.step
    if key in ("steps", "maxbins") and isinstance(value, int | float):
        return _number_problem(value, MAX_GENERATED)
    if key == "keyvals" and isinstance(value, dict):
        return _sequence_problem(value)
    lowered = key.lower()
    if lowered.endswith(_BOUNDED_SUFFIXES):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _number_problem(value, MAX_DIMENSION_PX)
        if lowered == "padding" and isinstance(value, dict):
            for side in value.values():
                if isinstance(side, int | float) and not isinstance(side, bool):
                    problem = _number_problem(side, MAX_DIMENSION_PX)
                    if problem:
                        return problem
    return None


def _data_problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    problems = [(key, message) for key, message in _GENERATORS.items() if key in data]
    values = data.get("values")
    if isinstance(values, list) and len(values) > MAX_INLINE_VALUES:
        problems.append(("values", f"{len(values)} inline values; at most {MAX_INLINE_VALUES}"))
    elif isinstance(values, str) and len(values) > MAX_INLINE_TEXT:
        problems.append(("values", f"inline text longer than {MAX_INLINE_TEXT} characters"))
    return problems


def _size_problem(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number_problem(value, MAX_DIMENSION_PX)
    if isinstance(value, dict) and isinstance(value.get("step"), int | float):
        return _number_problem(value["step"], MAX_STEP_PX, unit="px per step")
    return None


def _number_problem(value: float, limit: float, unit: str = "") -> str | None:
    if math.isfinite(value) and -limit <= value <= limit:
        return None
    return f"{value} is beyond the limit of {limit}{' ' + unit if unit else ''}"


def _sequence_problem(keyvals: dict[str, Any]) -> str | None:
    start, stop, step = keyvals.get("start", 0), keyvals.get("stop"), keyvals.get("step", 1)
    if not all(isinstance(v, int | float) and math.isfinite(v) for v in (start, stop, step)):
        return None  # not a sequence: the schema check names what is wrong
    if step == 0 or (stop - start) / step > MAX_GENERATED:
        return f"the sequence has more than {MAX_GENERATED} values"
    return None


def _children(view: dict[str, Any]) -> int:
    """How many views this object adds: its layer/concat entries, or its repeat's product."""
    count = sum(len(view[key]) for key in _COMPOSITION_KEYS if isinstance(view.get(key), list))
    repeat = view.get("repeat")
    if "spec" in view and isinstance(repeat, list):
        count += len(repeat)
    elif "spec" in view and isinstance(repeat, dict):
        product = 1
        for fields in repeat.values():
            product *= max(1, len(fields)) if isinstance(fields, list) else 1
        count += product
    return count


def _is_own_data_url(value: Any, own_data_url: str) -> bool:
    if not isinstance(value, str):
        return False
    path, _, query = value.partition("?")
    # Only the relative rows path of this very dataset, with a plain query (no second URL in it).
    return path == own_data_url and re.fullmatch(r"[A-Za-z0-9_=&]*", query) is not None


def _render_path(root: str, path: tuple[str | int, ...]) -> str:
    out = root
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENTIFIER.match(part):
            out += f".{part}"
        else:
            out += "[" + repr(part) + "]"
    return out


def _add(found: Violations, path: str, message: str) -> None:
    found.setdefault(path, []).append(message)
