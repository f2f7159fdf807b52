"""The readability check, pattern by pattern: each unreadable chart is caught, its fix passes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.data2vis.readable import chart_problems

RNG = np.random.default_rng(0)
N = 120
TABLE = pd.DataFrame(
    {
        "year": np.repeat(np.arange(2000, 2012), 10),
        "firm": np.tile([f"f{i}" for i in range(10)], 12),
        "sales": RNG.gamma(2, 10, N),
        "cost": RNG.gamma(2, 5, N),
        "region": np.tile(["north", "south", "east"], 40),
        "code": [f"k{i}" for i in range(N)],
        "many": [f"m{i % 25}" for i in range(N)],
        "stamp": 1_000_000_000 + np.arange(N),
        "flat": 5.0,
    }
)
Q = "quantitative"


def _spec(mark, **encoding):
    return {"mark": mark, "encoding": encoding}


def _f(field, vl_type=Q, **extra):
    return {"field": field, "type": vl_type, **extra}


CASES = {
    "series told apart by detail only": (
        _spec("line", x=_f("year", "ordinal"), y=_f("sales"), detail=_f("firm", "nominal")),
        _spec("line", x=_f("year", "ordinal"), y=_f("sales"), color=_f("firm", "nominal")),
    ),
    "lines of one color over each other": (
        _spec("line", x=_f("year", "ordinal"), y=_f("sales")),
        _spec("line", x=_f("year", "ordinal"), y=_f("sales", aggregate="mean")),
    ),
    "areas of one color within a color": (
        _spec("area", x=_f("year", "ordinal"), y=_f("sales"), color=_f("region", "nominal")),
        _spec(
            "area",
            x=_f("year", "ordinal"),
            y=_f("sales", aggregate="sum"),
            color=_f("region", "nominal"),
        ),
    ),
    "binned on both axes outside a heatmap": (
        _spec("bar", x=_f("sales", bin=True), y=_f("cost", bin=True)),
        _spec(
            "rect",
            x=_f("sales", bin=True),
            y=_f("cost", bin=True),
            color={"aggregate": "count", "type": Q},
        ),
    ),
    "too many colors": (
        _spec("point", x=_f("sales"), y=_f("cost"), color=_f("many", "nominal")),
        _spec("point", x=_f("sales"), y=_f("cost"), color=_f("firm", "nominal")),
    ),
    "too many shapes": (
        _spec("point", x=_f("sales"), y=_f("cost"), shape=_f("firm", "nominal")),
        _spec("point", x=_f("sales"), y=_f("cost"), shape=_f("region", "nominal")),
    ),
    "a year as a zero-based quantity": (
        _spec("point", x=_f("year"), y=_f("sales")),
        _spec("point", x=_f("year", scale={"zero": False}), y=_f("sales")),
    ),
    "epoch seconds as a zero-based quantity": (
        _spec("point", x=_f("stamp"), y=_f("sales")),
        _spec("point", x=_f("stamp", "temporal"), y=_f("sales")),
    ),
    "every mark on one x": (
        _spec("point", x=_f("flat"), y=_f("sales")),
        _spec("point", x=_f("cost"), y=_f("sales")),
    ),
    "more labels than an axis holds": (
        _spec("bar", y=_f("code", "nominal"), x={"aggregate": "count", "type": Q}),
        _spec("bar", y=_f("many", "nominal"), x={"aggregate": "count", "type": Q}),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_unreadable_pattern_is_caught_and_its_fix_passes(name):
    bad, good = CASES[name]
    assert chart_problems(bad, TABLE), f"{name}: not caught"
    assert chart_problems(good, TABLE) == [], f"{name}: the readable version was refused"


def test_marks_crowded_into_one_pixel_of_a_zero_based_axis():
    table = pd.DataFrame({"reading": 1e6 + np.arange(50) / 10, "other": np.arange(50.0)})
    crowded = _spec("point", x=_f("reading"), y=_f("other"))
    assert any("one pixel" in p for p in chart_problems(crowded, table))
    spread = _spec("point", x=_f("reading", scale={"zero": False}), y=_f("other"))
    assert chart_problems(spread, table) == []


def test_layers_are_checked_with_the_encoding_they_inherit():
    layered = {
        "encoding": {"x": _f("year", "ordinal"), "y": _f("sales")},
        "layer": [
            {"mark": "line", "encoding": {"detail": _f("firm", "nominal")}},
            {"mark": "point"},
        ],
    }
    assert any("detail" in p for p in chart_problems(layered, TABLE))
