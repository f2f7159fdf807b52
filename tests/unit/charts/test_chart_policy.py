"""The chart allow-list: what it refuses, the JSON path it names, and what it lets through."""

from __future__ import annotations

import pytest

from backend.charts import policy

OWN = "/api/v1/datasets/ds1/rows"
BOUND = {"url": f"{OWN}?limit=100000", "format": {"type": "json", "property": "items"}}
BAR = {
    "data": BOUND,
    "mark": "bar",
    "encoding": {
        "x": {"field": "city", "type": "nominal"},
        "y": {"field": "price", "type": "quantitative"},
    },
}
IMAGE_URL = "http://127.0.0.1:9/img.png"


def paths(spec: dict) -> set[str]:
    return set(policy.check(spec, own_data_url=OWN))


def test_an_ordinary_bound_chart_and_its_small_inline_layers_pass():
    assert policy.check(BAR, own_data_url=OWN) == {}
    layered = {
        "data": BOUND,
        "width": 4000,
        "height": {"step": 40},
        "config": {"view": {"continuousWidth": 800}},
        "layer": [
            {"mark": "bar", "encoding": BAR["encoding"]},
            {
                "data": {"values": [{"y": i} for i in range(1000)]},
                "mark": "rule",
                "encoding": {"y": {"field": "y"}},
            },
        ],
        "usermeta": {"url": "ignored: Vega-Lite never reads usermeta"},
    }
    assert policy.check(layered, own_data_url=OWN) == {}


@pytest.mark.parametrize(
    ("spec", "path"),
    [
        ({**BAR, "mark": "image", "encoding": {"url": {"value": IMAGE_URL}}}, "spec.encoding.url"),
        ({**BAR, "mark": "image", "encoding": {"url": {"field": "link"}}}, "spec.encoding.url"),
        ({**BAR, "mark": {"type": "image", "url": "file:///etc/hostname"}}, "spec.mark.url"),
        ({**BAR, "encoding": {**BAR["encoding"], "href": {"field": "link"}}}, "spec.encoding.href"),
        ({**BAR, "mark": {"type": "bar", "href": "https://example.com"}}, "spec.mark.href"),
        ({**BAR, "config": {"mark": {"href": "https://example.com"}}}, "spec.config.mark.href"),
        ({**BAR, "data": {"url": "http://127.0.0.1:9/data.csv"}}, "spec.data.url"),
        ({**BAR, "data": {"url": "file:///etc/passwd"}}, "spec.data.url"),
        ({**BAR, "data": {"url": "/api/v1/datasets/someone-else/rows?limit=10"}}, "spec.data.url"),
        ({**BAR, "data": {"url": f"{OWN}?next=http://127.0.0.1:9/"}}, "spec.data.url"),
        ({**BAR, "datasets": {"d": [{"a": 1}]}}, "spec.datasets"),
        (
            {
                **BAR,
                "transform": [
                    {"lookup": "city", "from": {"data": {"url": IMAGE_URL}, "key": "city"}}
                ],
            },
            "spec.transform[0].from.data.url",
        ),
        (
            {
                "data": BOUND,
                "layer": [
                    {
                        "data": {"sequence": {"start": 0, "stop": 40_000_000, "as": "v"}},
                        "mark": "point",
                    }
                ],
            },
            "spec.layer[0].data.sequence",
        ),
        (
            {"data": BOUND, "hconcat": [BAR, {"data": {"sphere": True}, "mark": "geoshape"}]},
            "spec.hconcat[1].data.sphere",
        ),
        (
            {"data": BOUND, "vconcat": [{"data": {"graticule": True}, "mark": "geoshape"}]},
            "spec.vconcat[0].data.graticule",
        ),
        (
            {**BAR, "layer": [{"data": {"values": [{}] * 1001}, "mark": "point"}]},
            "spec.layer[0].data.values",
        ),
        (
            {**BAR, "layer": [{"data": {"values": "a\n" + "1\n" * 40_000}, "mark": "point"}]},
            "spec.layer[0].data.values",
        ),
        ({**BAR, "width": 200_000}, "spec.width"),
        ({**BAR, "height": 200_000}, "spec.height"),
        ({**BAR, "width": {"step": 5000}}, "spec.width"),
        (
            {**BAR, "config": {"view": {"continuousHeight": 100_000}}},
            "spec.config.view.continuousHeight",
        ),
        ({**BAR, "config": {"view": {"step": 10_000}}}, "spec.config.view.step"),
        ({**BAR, "padding": {"left": 1e9}}, "spec.padding"),
        ({**BAR, "config": {"axis": {"labelFontSize": 1e7}}}, "spec.config.axis.labelFontSize"),
        (
            {"data": BOUND, "facet": {"row": {"field": "city"}}, "spec": {**BAR, "width": 1e6}},
            "spec.spec.width",
        ),
        (
            {
                **BAR,
                "transform": [{"impute": "y", "key": "x", "keyvals": {"start": 0, "stop": 4e7}}],
            },
            "spec.transform[0].keyvals",
        ),
        (
            {**BAR, "encoding": {"x": {"field": "price", "bin": {"maxbins": 10**8}}}},
            "spec.encoding.x.bin.maxbins",
        ),
    ],
)
def test_refused_constructs_name_their_json_path(spec, path):
    found = policy.check(spec, own_data_url=OWN)
    assert path in found, found
    assert policy.describe(found).startswith(f"The spec is not allowed: {path}: ")


def test_too_many_views_and_deep_or_huge_specs_are_refused_without_recursion():
    assert "spec" in paths({"data": BOUND, "hconcat": [BAR] * (policy.MAX_VIEWS + 1)})
    assert "spec" in paths(
        {"data": BOUND, "repeat": {"row": ["a"] * 10, "column": ["b"] * 10}, "spec": BAR}
    )
    deep: dict = {"mark": "bar"}
    for _ in range(10_000):  # far deeper than Python's recursion limit
        deep = {"layer": [deep]}
    assert any("nested deeper" in m for ms in policy.check(deep).values() for m in ms)
    assert "spec" in paths(
        {**BAR, "params": [{"name": "p", "value": list(range(policy.MAX_NODES))}]}
    )


def test_without_an_own_dataset_no_url_passes_and_non_objects_are_refused():
    assert "spec.data.url" in policy.check(BAR)
    assert policy.check(["not", "a", "spec"]) == {"spec": ["the spec must be a JSON object"]}


def test_render_scale_is_bounded():
    assert policy.check_scale(2.0) is None
    for bad in (0, -1, policy.MAX_SCALE * 2, float("nan"), float("inf")):
        assert policy.check_scale(bad)
