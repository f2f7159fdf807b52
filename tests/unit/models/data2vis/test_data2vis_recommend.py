"""recommend(): only valid, rendering specs over real columns, on awkward tables too; rules fill gaps."""

import math
import subprocess
import sys
import threading

import numpy as np
import pandas as pd
import pytest

from models.data2vis.fields import coerce_table, json_records
from models.data2vis.rank import chart_key
from models.data2vis.recommend import (
    Candidate,
    Recommender,
    diversified,
    get_recommender,
    recommend,
)
from models.data2vis.validate import render_error, schema_errors, unescape_field


def derived_fields(spec: dict) -> set[str]:
    """Fields a spec's transforms make (fold's key and value, calculate's output)."""
    out: set[str] = set()
    for step in spec.get("transform", []):
        if "fold" in step:
            out.update(step.get("as", ["key", "value"]))
        if "calculate" in step:
            out.add(step["as"])
    return out


def _assert_valid(items, table: pd.DataFrame, k: int) -> None:
    typed, _ = coerce_table(table)
    values = json_records(typed, max_rows=300)
    columns = {str(c) for c in table.columns}
    assert len(items) <= k
    assert len({chart_key(i.spec) for i in items}) == len(items), "duplicates returned"
    for item in items:
        assert "data" not in item.spec
        assert (
            item.source in ("model", "rules") and item.explanation and "\n" not in item.explanation
        )
        derived = derived_fields(item.spec)
        for definition in item.spec["encoding"].values():
            if "field" in definition:
                assert unescape_field(definition["field"]) in columns | derived, definition
        assert math.isfinite(item.score)
        assert schema_errors(item.spec) == []
        assert render_error(item.spec, values) is None
    scores = [i.score for i in items if i.source == "model"]
    assert scores == sorted(scores, reverse=True) or len({i.spec["mark"] for i in items}) > 1


def _awkward_tables() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(0)
    n = 40
    wide = pd.DataFrame({f"m{i}": rng.normal(size=n) for i in range(50)})
    for i in range(10):
        wide[f"c{i}"] = rng.choice(["a", "b", "c"], size=n)
    return {
        "nulls_quotes_unicode": pd.DataFrame(
            {
                "prix (€)": [1.5, None, 3.0, 2.2, None, 4.1],
                'say "hi"': ["it's", 'a "b"', None, "x", "it's", "y"],
                "a.b[0]": [1, 2, 3, 1, 2, 3],
                "日付": [
                    "2020-01-01",
                    "2020-02-01",
                    None,
                    "2020-04-01",
                    "2020-05-01",
                    "2020-06-01",
                ],
                "empty": [None] * 6,
            }
        ),
        "sixty_columns": wide,
        "one_column": pd.DataFrame({"value": rng.normal(size=30)}),
        "all_text": pd.DataFrame(
            {"name": [f"person {i}" for i in range(25)], "city": ["Oslo", "Lima"] * 12 + ["Oslo"]}
        ),
        # a \x1a in SVG text makes vl-convert abort the process (seen in the Ecdat/Mofa test data)
        "control_characters": pd.DataFrame(
            {"na\x1bme": ["a\x1ab", "c", "a\x1ab", "d"], "v": [1.0, 2.0, 3.0, 2.5]}
        ),
        # cubes (and squares) of such values overflow: the skew was NaN and so was a score
        "near_the_float_limits": pd.DataFrame(
            {
                "huge": rng.normal(size=n) * 1e300,
                "tiny": rng.normal(size=n) * 1e-300,
                "code": ["?"] * n,
            }
        ),
        "numbers_as_strings_and_booleans": pd.DataFrame(
            {
                "x": ["1", "2", "3", "4"],
                "ok": [True, False, True, None],
                "y": ["1.5", "2", "n/a", "3"],
            }
        ),
    }


@pytest.mark.parametrize("name", list(_awkward_tables()))
def test_recommend_returns_only_valid_rendering_specs_over_real_columns(name):
    table = _awkward_tables()[name]
    items = recommend(table, k=8, beam_width=5)
    assert items, f"no chart for {name}"
    _assert_valid(items, table, k=8)


def test_cars_gets_ten_distinct_charts_with_several_marks():
    from vega_datasets import data

    table = data.cars()
    items = recommend(table, k=10, beam_width=15)
    assert len(items) == 10
    marks = {
        i.spec["mark"]["type"] if isinstance(i.spec["mark"], dict) else i.spec["mark"]
        for i in items
    }
    assert len(marks) >= 3
    _assert_valid(items, table, k=10)


def test_tables_with_nothing_to_chart_get_an_explanation_not_an_exception():
    recommender = get_recommender()
    for table, reason in (
        (pd.DataFrame(), "no columns"),
        (pd.DataFrame({"a": []}), "no rows"),
        (pd.DataFrame({"a": [None, None]}), "no column has any values"),
    ):
        report = recommender.recommend_with_notes(table, k=5, beam_width=3)
        assert report.items == []
        assert any(reason in note for note in report.notes)


def _price_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "price": [1.0, 2.5, 3.0, 4.5, 2.0, 3.3, 2.8, 4.0],
            "weight": [10.0, 14.0, 15.0, 21.0, 12.0, 16.0, 15.5, 19.0],
            "kind": list("abababab"),
        }
    )


def test_model_beams_join_the_pool_and_rank_with_the_statistics(monkeypatch):
    table = _price_table()
    recommender = get_recommender()
    strip = {  # a chart no statistic proposes: dots of price by kind, colored by weight
        "mark": "point",
        "encoding": {
            "x": {"field": "price", "type": "quantitative"},
            "y": {"field": "kind", "type": "nominal"},
            "color": {"field": "weight", "type": "quantitative"},
        },
    }
    monkeypatch.setattr(recommender, "_model_specs", lambda *args: [(strip, -0.1)])
    report = recommender.recommend_with_notes(table, k=30, beam_width=3)
    sources = [i.source for i in report.items]
    assert sources.count("model") == 1
    model_item = report.items[sources.index("model")]
    assert model_item.explanation == "kind vs price, colored by weight, point"
    # Ranked with the rest, not first by birth: the strongest statistic leads.
    assert sources[0] == "rules" and report.items[0].intent == "relationship"
    _assert_valid(report.items, table, k=30)
    without = Recommender(None).recommend_with_notes(table, k=30)
    assert len(without.items) == len(report.items) - 1


def test_a_beam_that_matches_a_chosen_chart_is_not_a_duplicate(monkeypatch):
    table = _price_table()
    recommender = get_recommender()
    scatter = {
        "mark": "point",
        "encoding": {
            "x": {"field": "weight", "type": "quantitative"},
            "y": {"field": "price", "type": "quantitative"},
        },
    }
    baseline = Recommender(None).recommend_with_notes(table, k=30).items
    monkeypatch.setattr(recommender, "_model_specs", lambda *args: [(scatter, -0.1)])
    with_beam = recommender.recommend_with_notes(table, k=30, beam_width=3).items
    assert [i.spec for i in with_beam] == [i.spec for i in baseline]
    assert all(i.source == "rules" for i in with_beam)


def test_without_weights_rules_alone_still_answer():
    table = pd.DataFrame({"a": [1.0, 2.0, 5.0], "b": ["x", "y", "x"]})
    report = Recommender(None, load_error="FileNotFoundError").recommend_with_notes(table, k=4)
    assert report.items and all(i.source == "rules" for i in report.items)
    assert any("rule-based charts only" in note for note in report.notes)


def test_recommender_is_loaded_once_across_threads():
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(get_recommender())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r is seen[0] for r in seen) and seen[0].model is not None


def test_importing_the_family_loads_no_torch():
    code = "import sys, models.data2vis as d; d.MODEL_VERSION; assert 'torch' not in sys.modules, 'torch loaded'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_wide_tables_are_split_into_column_subsets_the_model_can_read():
    from models.data2vis.corpus import MAX_RECORD_FIELDS
    from models.data2vis.recommend import select_views

    rng = np.random.default_rng(1)
    table = pd.DataFrame({f"c{i}": rng.normal(size=20) for i in range(60)})
    _, infos = coerce_table(table)
    views, notes = select_views(infos)
    assert len(views) >= 2
    assert all(len(v.columns) <= MAX_RECORD_FIELDS for v in views)
    names = [c.name for v in views for c in v.columns]
    assert len(names) == len(set(names)), "a column fed twice"
    assert notes and "60 columns" in notes[0]


def test_representative_records_come_from_the_whole_table_not_the_first_row():
    from models.data2vis.recommend import representative_rows, select_views

    table = pd.DataFrame(
        {"a": [None, 1.0, 50.0, 2.0, 3.0, 100.0], "b": ["x", None, "y", "y", "x", "z"]}
    )
    typed, infos = coerce_table(table)
    view = select_views(infos)[0][0]
    rows = representative_rows(typed, view, n_rows=2)
    assert len(rows) == 2 and rows[0] != rows[1]
    assert all(
        row["a"] is not None and not pd.isna(row["a"]) and row["b"] is not None for row in rows
    )
    assert rows[0]["a"] in (2.0, 3.0)  # nearest the median (ranks 0.4 and 0.6), not the first row


def test_a_beam_counting_equally_common_values_is_left_out(monkeypatch):
    table = pd.DataFrame(
        {"year": [2001, 2002, 2003, 2004] * 3, "v": np.arange(12.0), "k": list("aabbccddeeff")}
    )
    recommender = get_recommender()
    flat = {  # every year has 3 rows: a row of equal bars
        "mark": "bar",
        "encoding": {
            "x": {"field": "year", "type": "ordinal"},
            "y": {"aggregate": "count", "type": "quantitative"},
        },
    }
    monkeypatch.setattr(recommender, "_model_specs", lambda *args: [(flat, -0.1)])
    items = recommender.recommend_with_notes(table, k=30, beam_width=3).items
    assert not any(i.source == "model" for i in items)


def test_escaped_field_names_keep_their_real_name_as_title():
    table = pd.DataFrame(
        {"a.b": [1.0, 2.5, 3.0, 4.5, 2.0, 3.3], "it's": [2.0, 1.0, 4.0, 3.0, 5.0, 4.5]}
    )
    for item in Recommender(None).recommend_with_notes(table, k=10).items:
        for definition in item.spec["encoding"].values():
            if definition.get("field") in ("a\\.b", "it\\'s"):
                assert definition["title"] == unescape_field(definition["field"])


def test_a_second_chart_of_the_same_axes_waits_behind_a_chart_of_other_columns():
    def chart(mark: str, x: dict, y: dict, score: float, intent: str) -> Candidate:
        return Candidate({"mark": mark, "encoding": {"x": x, "y": y}}, score, "rules", "", intent)

    group = {"field": "cut", "type": "nominal"}
    price = {"field": "price", "type": "quantitative"}
    box = chart("boxplot", group, price, 0.70, "distribution")
    mean_bar = chart("bar", group, {**price, "aggregate": "mean"}, 0.69, "comparison")
    scatter = chart(
        "point",
        {"field": "depth", "type": "quantitative"},
        {"field": "table", "type": "quantitative"},
        0.66,
        "relationship",
    )
    assert diversified([box, mean_bar, scatter]) == [box, scatter, mean_bar]
