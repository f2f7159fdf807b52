"""Ranking: how well a chart's mark suits its encodings (CompassQL-style effectiveness), chart identity.

The model's beam probabilities say what the corpus would contain; they do not say which
chart is most useful (the corpus has as many stacked `detail` histograms as scatter plots).
Model candidates are ordered by a tempered model probability times these priors.
"""

from __future__ import annotations

from models.data2vis.fields import ColumnInfo
from models.data2vis.validate import unescape_field

CHANNEL_PENALTY = {
    "detail": 0.75,
    "size": 0.9,
    "shape": 0.9,
    "color": 0.95,
    "opacity": 0.85,
    "row": 0.9,
    "column": 0.9,
}
SAME_MARK = {
    "circle": "point",
    "square": "point",
}  # same chart, different glyph: one of them is enough


def _role(definition: dict | None) -> str | None:
    if not definition:
        return None
    if definition.get("aggregate"):
        return "agg"
    if definition.get("bin"):
        return "bin"
    if definition.get("timeUnit") or definition.get("type") == "temporal":
        return "time"
    if definition.get("type") == "quantitative":
        return "Q"
    return "cat"


_MARK_FIT: dict[str, dict[frozenset, float]] = {
    "bar": {
        frozenset({"agg", "cat"}): 1.0,
        frozenset({"agg", "bin"}): 0.9,
        frozenset({"agg", "time"}): 0.85,
    },
    "line": {
        frozenset({"agg", "time"}): 1.0,
        frozenset({"Q", "time"}): 0.9,
        frozenset({"agg", "bin"}): 0.7,
    },
    "area": {
        frozenset({"agg", "time"}): 0.9,
        frozenset({"Q", "time"}): 0.8,
        frozenset({"agg", "bin"}): 0.7,
    },
    "point": {
        frozenset({"Q"}): 1.0,
        frozenset({"Q", "cat"}): 0.7,
        frozenset({"Q", "time"}): 0.7,
        frozenset({"agg", "cat"}): 0.6,
    },
    # A tick strip needs one discrete axis; two continuous ones make an unreadable smear of dashes.
    "tick": {frozenset({"Q", "cat"}): 0.85, frozenset({"Q"}): 0.3},
    "rect": {frozenset({"cat"}): 0.8, frozenset({"bin"}): 0.75, frozenset({"cat", "bin"}): 0.75},
    "boxplot": {frozenset({"Q", "cat"}): 0.85},
}


def _rows_per_group(definition: dict | None, columns: dict[str, ColumnInfo]) -> float | None:
    """Average rows per distinct value of a discrete positional field (None if not one)."""
    if (
        definition is None
        or _role(definition) != "cat"
        or not isinstance(definition.get("field"), str)
    ):
        return None
    column = columns.get(unescape_field(definition["field"]))
    if column is None or column.cardinality == 0:
        return None
    return (column.n_rows - column.missing) / column.cardinality


def effectiveness(spec: dict, columns: dict[str, ColumnInfo] | None = None) -> float:
    """Prior in (0, 1]: does the mark suit what x and y encode, and how cluttered is the rest.

    With the columns, also: an aggregate over groups of about one row summarizes nothing
    (a bar of "mean length by peak" where every peak is one row), and a strip of hundreds
    of rows per group overplots.
    """
    encoding = spec.get("encoding", {})
    mark = spec.get("mark")
    mark = mark.get("type") if isinstance(mark, dict) else mark
    mark = SAME_MARK.get(str(mark), str(mark))
    roles = frozenset(
        r for r in (_role(encoding.get("x")), _role(encoding.get("y"))) if r is not None
    )
    fit = _MARK_FIT.get(mark, {}).get(roles)
    if fit is None:
        if mark == "line" and roles == frozenset({"agg", "cat"}):
            ordinal = any(
                d.get("type") == "ordinal" for d in encoding.values() if isinstance(d, dict)
            )
            fit = 0.7 if ordinal else 0.4  # lines over unordered categories mislead
        else:
            fit = 0.5 if len(roles) == 2 else 0.4
    if columns:
        x, y = encoding.get("x"), encoding.get("y")
        for category, other in ((x, y), (y, x)):
            per_group = _rows_per_group(category, columns)
            if per_group is None or other is None:
                continue
            if _role(other) == "agg" and per_group < 2:
                fit *= 0.5 if other.get("aggregate") == "count" else 0.7
            elif _role(other) == "agg" and other.get("aggregate") != "count" and per_group < 10:
                # A bar of the mean of a handful of values hides them; a strip shows them
                # (Weissgerber et al. 2015, "Beyond bar and line graphs").
                fit *= 0.85
            elif _role(other) == "Q" and mark in ("tick", "point") and per_group > 200:
                fit *= 0.8
    for channel, definition in encoding.items():
        fit *= CHANNEL_PENALTY.get(channel, 1.0)
        if channel not in ("x", "y") and isinstance(definition, dict) and definition.get("bin"):
            fit *= 0.8  # a binned measure in a legend reads worse than on an axis
    return fit


def chart_key(spec: dict) -> tuple:
    """Identity for de-duplication: mark (point = circle = square) and what each channel encodes."""
    encoding = spec.get("encoding", {})

    def describe(d: dict) -> tuple:
        return (
            d.get("field"),
            d.get("type"),
            d.get("aggregate"),
            bool(d.get("bin")),
            d.get("timeUnit"),
        )

    parts = [
        (channel, describe(encoding[channel]))
        for channel in sorted(encoding)
        if channel not in ("x", "y")
    ]
    # A transposed chart (x and y swapped) shows the same thing: one identity for both.
    positions = tuple(
        sorted((describe(encoding[c]) for c in ("x", "y") if c in encoding), key=repr)
    )
    mark = spec.get("mark")
    mark = mark.get("type") if isinstance(mark, dict) else mark
    return (SAME_MARK.get(str(mark), str(mark)), positions, tuple(parts))
