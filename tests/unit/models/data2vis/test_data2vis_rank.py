"""Ranking priors and chart identity."""

from models.data2vis.fields import ColumnInfo
from models.data2vis.rank import chart_key, effectiveness


def _q(name: str, **extra) -> dict:
    return {"field": name, "type": "quantitative", **extra}


def _n(name: str) -> dict:
    return {"field": name, "type": "nominal"}


def test_transposed_and_same_glyph_charts_share_one_identity():
    a = {"mark": "point", "encoding": {"x": _q("a"), "y": _q("b")}}
    b = {"mark": "circle", "encoding": {"x": _q("b"), "y": _q("a")}}
    c = {"mark": "bar", "encoding": {"x": _q("b"), "y": _q("a")}}
    assert chart_key(a) == chart_key(b) != chart_key(c)


def test_marks_that_suit_their_encodings_rank_higher():
    scatter = {"mark": "point", "encoding": {"x": _q("a"), "y": _q("b")}}
    smear = {"mark": "tick", "encoding": {"x": _q("a"), "y": _q("b")}}
    trend = {
        "mark": "line",
        "encoding": {
            "x": {"field": "t", "type": "temporal", "timeUnit": "year"},
            "y": _q("a", aggregate="mean"),
        },
    }
    nominal_line = {"mark": "line", "encoding": {"x": _n("c"), "y": _q("a", aggregate="mean")}}
    assert effectiveness(scatter) > effectiveness(smear)
    assert effectiveness(trend) > effectiveness(nominal_line)
    with_detail = {"mark": "point", "encoding": {"x": _q("a"), "y": _q("b"), "detail": _n("c")}}
    assert effectiveness(with_detail) < effectiveness(scatter)


def test_aggregating_one_row_groups_and_unreadable_axes_are_penalized():
    columns = {
        "peak": ColumnInfo("peak", "str", cardinality=46, missing=0, n_rows=46),
        "region": ColumnInfo("region", "str", cardinality=4, missing=0, n_rows=46),
        "length": ColumnInfo("length", "num", cardinality=40, missing=0, n_rows=46),
    }
    by_peak = {"mark": "bar", "encoding": {"x": _n("peak"), "y": _q("length", aggregate="mean")}}
    by_region = {"mark": "bar", "encoding": {"x": _n("region"), "y": _q("length", aggregate="sum")}}
    assert effectiveness(by_peak, columns) < effectiveness(by_region, columns)
