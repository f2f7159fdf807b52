"""Rule-based candidates (CompassQL / Voyager spirit): column kinds -> sensible marks and encodings.

Used to fill the list when the model yields fewer than k valid charts, and alone when the
model is unavailable. Each rule carries a prior quality in (0, 1) used for ranking.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations

import pandas as pd

from models.data2vis.fields import ColumnInfo
from models.data2vis.validate import escape_field

MAX_CATEGORIES_ON_AXIS = 50  # more distinct values than this make an unreadable axis
MAX_CATEGORIES_IN_COLOR = 10
MAX_PAIR_COLUMNS = 8  # pairs are formed among the most chartable columns only


@dataclass(frozen=True)
class RuleCandidate:
    spec: dict
    quality: float


def _role(column: ColumnInfo) -> str:
    """Q (measure), O (few-valued number), N (category), T (time), or X (not chartable as is)."""
    if not column.usable:
        return "X"
    if column.kind == "dt":
        return "T"
    if column.kind == "num":
        return "O" if column.cardinality <= 12 and column.cardinality < column.n_rows else "Q"
    return "N" if column.cardinality <= MAX_CATEGORIES_ON_AXIS else "X"


def column_priority(column: ColumnInfo) -> float:
    """Higher for columns worth charting first: few missing values, informative cardinality."""
    if not column.usable:
        return -1.0
    present = 1.0 - column.missing / max(column.n_rows, 1)
    role = _role(column)
    if role == "X":
        return 0.1 * present  # e.g. free text or ids: chartable only as counts of top values
    if column.cardinality <= 1:
        return 0.2 * present
    if column.kind == "num" and column.cardinality == column.n_rows and column.n_rows > 20:
        # a strictly unique integer column is usually a row id
        return 0.5 * present
    return present


def _field(column: ColumnInfo, vl_type: str, **extra: object) -> dict:
    return {"field": escape_field(column.name), "type": vl_type, **extra}


def _count() -> dict:
    return {"aggregate": "count", "type": "quantitative"}


def _time_unit(column: ColumnInfo, table: pd.DataFrame | None) -> str:
    if table is None or column.name not in table:
        return "year"
    values = table[column.name].dropna()
    if values.empty:
        return "year"
    span_days = (values.max() - values.min()).days
    return "year" if span_days > 3 * 365 else "yearmonth" if span_days > 90 else "yearmonthdate"


def _category(column: ColumnInfo) -> dict:
    return _field(column, "ordinal" if column.kind == "num" else "nominal")


def _single(column: ColumnInfo, table: pd.DataFrame | None) -> Iterator[RuleCandidate]:
    role = _role(column)
    if role == "Q":
        yield RuleCandidate(
            {
                "mark": "bar",
                "encoding": {"x": _field(column, "quantitative", bin=True), "y": _count()},
            },
            0.62,
        )
        yield RuleCandidate(
            {"mark": "tick", "encoding": {"x": _field(column, "quantitative")}}, 0.40
        )
        yield RuleCandidate(
            {
                "mark": "area",
                "encoding": {"x": _field(column, "quantitative", bin=True), "y": _count()},
            },
            0.35,
        )
    elif role in ("O", "N"):
        axis = "y" if column.cardinality > 12 else "x"
        other = "x" if axis == "y" else "y"
        yield RuleCandidate(
            {
                "mark": "bar",
                "encoding": {axis: {**_category(column), "sort": f"-{other}"}, other: _count()},
            },
            0.58,
        )
        if column.cardinality <= 6:
            yield RuleCandidate(
                {"mark": "arc", "encoding": {"theta": _count(), "color": _category(column)}}, 0.30
            )
        yield RuleCandidate(
            {"mark": "point", "encoding": {axis: _category(column), other: _count()}}, 0.32
        )
    elif role == "T":
        unit = _time_unit(column, table)
        yield RuleCandidate(
            {
                "mark": "line",
                "encoding": {"x": _field(column, "temporal", timeUnit=unit), "y": _count()},
            },
            0.55,
        )
        yield RuleCandidate(
            {
                "mark": "bar",
                "encoding": {"x": _field(column, "ordinal", timeUnit="year"), "y": _count()},
            },
            0.40,
        )
    elif column.usable and column.kind == "str":
        # Free text or ids: only the counts of values can be shown; keep the axis sorted.
        yield RuleCandidate(
            {
                "mark": "bar",
                "encoding": {"y": {**_field(column, "nominal"), "sort": "-x"}, "x": _count()},
            },
            0.20,
        )


def _pair(a: ColumnInfo, b: ColumnInfo, table: pd.DataFrame | None) -> Iterator[RuleCandidate]:
    roles = {_role(a): a, _role(b): b}
    ra, rb = _role(a), _role(b)
    if ra == rb == "Q":
        yield RuleCandidate(
            {
                "mark": "point",
                "encoding": {"x": _field(a, "quantitative"), "y": _field(b, "quantitative")},
            },
            0.72,
        )
        yield RuleCandidate(
            {
                "mark": "rect",
                "encoding": {
                    "x": _field(a, "quantitative", bin=True),
                    "y": _field(b, "quantitative", bin=True),
                    "color": _count(),
                },
            },
            0.45,
        )
    elif {ra, rb} == {"Q", "T"}:
        q, t = roles["Q"], roles["T"]
        unit = _time_unit(t, table)
        yield RuleCandidate(
            {
                "mark": "line",
                "encoding": {
                    "x": _field(t, "temporal", timeUnit=unit),
                    "y": _field(q, "quantitative", aggregate="mean"),
                },
            },
            0.80,
        )
        yield RuleCandidate(
            {
                "mark": "area",
                "encoding": {
                    "x": _field(t, "temporal", timeUnit=unit),
                    "y": _field(q, "quantitative", aggregate="sum"),
                },
            },
            0.50,
        )
    elif "Q" in roles and ({ra, rb} & {"N", "O"}):
        q = roles["Q"]
        c = a if a is not q else b
        axis, other = ("y", "x") if c.cardinality > 12 else ("x", "y")
        yield RuleCandidate(
            {
                "mark": "bar",
                "encoding": {
                    axis: _category(c),
                    other: _field(q, "quantitative", aggregate="mean"),
                },
            },
            0.70,
        )
        yield RuleCandidate(
            {"mark": "boxplot", "encoding": {axis: _category(c), other: _field(q, "quantitative")}},
            0.55,
        )
        yield RuleCandidate(
            {"mark": "tick", "encoding": {axis: _category(c), other: _field(q, "quantitative")}},
            0.45,
        )
    elif ra in ("N", "O") and rb in ("N", "O"):
        yield RuleCandidate(
            {"mark": "rect", "encoding": {"x": _category(a), "y": _category(b), "color": _count()}},
            0.50,
        )
        small = b if b.cardinality <= a.cardinality else a
        big = a if small is b else b
        if small.cardinality <= MAX_CATEGORIES_IN_COLOR:
            yield RuleCandidate(
                {
                    "mark": "bar",
                    "encoding": {"x": _category(big), "y": _count(), "color": _category(small)},
                },
                0.52,
            )
    elif {ra, rb} <= {"T", "N", "O"} and "T" in (ra, rb):
        t = roles["T"]
        c = a if a is not t else b
        if c.cardinality <= MAX_CATEGORIES_IN_COLOR:
            unit = _time_unit(t, table)
            yield RuleCandidate(
                {
                    "mark": "line",
                    "encoding": {
                        "x": _field(t, "temporal", timeUnit=unit),
                        "y": _count(),
                        "color": _category(c),
                    },
                },
                0.55,
            )


def _triple(q1: ColumnInfo, q2: ColumnInfo, c: ColumnInfo) -> Iterator[RuleCandidate]:
    if (
        _role(q1) == _role(q2) == "Q"
        and _role(c) in ("N", "O")
        and c.cardinality <= MAX_CATEGORIES_IN_COLOR
    ):
        yield RuleCandidate(
            {
                "mark": "point",
                "encoding": {
                    "x": _field(q1, "quantitative"),
                    "y": _field(q2, "quantitative"),
                    "color": _category(c),
                },
            },
            0.68,
        )


def rule_candidates(
    columns: Sequence[ColumnInfo], table: pd.DataFrame | None = None
) -> list[RuleCandidate]:
    """Candidates for the most chartable columns, best first (ties keep column priority order)."""
    ranked = sorted((c for c in columns if c.usable), key=column_priority, reverse=True)
    out: list[RuleCandidate] = []
    for column in ranked:
        out.extend(_single(column, table))
    top = ranked[:MAX_PAIR_COLUMNS]
    for a, b in combinations(top, 2):
        out.extend(_pair(a, b, table))
    quantities = [c for c in top if _role(c) == "Q"][:3]
    categories = [c for c in top if _role(c) in ("N", "O")][:2]
    for q1, q2 in combinations(quantities, 2):
        for c in categories:
            out.extend(_triple(q1, q2, c))
    # Stable sort: equal quality keeps the order of column priority.
    return sorted(out, key=lambda c: c.quality, reverse=True)
