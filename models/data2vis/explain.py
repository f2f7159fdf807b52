"""One-line, human explanations of a spec ("mean price by year, line")."""

from __future__ import annotations

from models.data2vis.validate import unescape_field


def _describe(definition: dict) -> str:
    field = definition.get("field")
    name = unescape_field(field) if isinstance(field, str) else None
    aggregate = definition.get("aggregate")
    if aggregate == "count":
        return "count of records" if name is None else f"count of {name}"
    if name is None:
        return "?"
    if aggregate:
        return f"{aggregate} {name}"
    if definition.get("bin"):
        return f"binned {name}"
    unit = definition.get("timeUnit")
    if unit and unit != name.lower():
        return f"{name} ({unit})"
    return name


def explain(spec: dict) -> str:
    """Measure by dimension, extra channels, mark: e.g. 'mean price by year, colored by origin, line'."""
    encoding = spec.get("encoding", {})
    mark = spec.get("mark")
    mark_name = mark.get("type") if isinstance(mark, dict) else mark
    x, y = encoding.get("x"), encoding.get("y")
    parts: list[str] = []
    if x and y:
        x_is_measure = bool(x.get("aggregate")) and not y.get("aggregate")
        measure, dimension = (x, y) if x_is_measure else (y, x)
        if (
            not measure.get("aggregate")
            and not dimension.get("aggregate")
            and not measure.get("bin")
            and not dimension.get("bin")
        ):
            parts.append(f"{_describe(y)} vs {_describe(x)}")
        else:
            parts.append(f"{_describe(measure)} by {_describe(dimension)}")
    elif x or y:
        parts.append(f"distribution of {_describe(x or y)}")
    elif "theta" in encoding and "color" in encoding:
        return f"{_describe(encoding['theta'])} by {_describe(encoding['color'])}, {mark_name}"
    for channel in ("color", "size", "shape", "detail", "row", "column", "opacity"):
        if channel in encoding:
            verb = {"color": "colored", "size": "sized", "shape": "shaped", "detail": "split"}.get(
                channel, channel
            )
            parts.append(f"{verb} by {_describe(encoding[channel])}")
    parts.append(str(mark_name))
    return ", ".join(parts)


Intent = str  # "trend" | "relationship" | "distribution" | "comparison" | "composition"


def intent_of(spec: dict) -> Intent:
    """The question a chart answers, read from its encodings (used for Data2Vis beams)."""
    encoding = spec.get("encoding", {})
    mark = spec.get("mark")
    mark_name = mark.get("type") if isinstance(mark, dict) else mark
    positional = [encoding[c] for c in ("x", "y") if isinstance(encoding.get(c), dict)]
    if mark_name == "arc":
        return "composition"
    if any(d.get("type") == "temporal" or d.get("timeUnit") for d in positional):
        return "trend"
    if mark_name == "boxplot" or any(d.get("bin") for d in positional):
        return "distribution"
    raw_quantities = [
        d for d in positional if d.get("type") == "quantitative" and not d.get("aggregate")
    ]
    if len(raw_quantities) == 2:
        return "relationship"
    if len(positional) == 1 and not any(d.get("aggregate") for d in positional):
        return "distribution"
    if mark_name in ("bar", "area") and "color" in encoding:
        return "composition"
    return "comparison"
