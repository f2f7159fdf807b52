"""Recommendations answer the first questions about a table, in words about its data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.data2vis.fields import coerce_table
from models.data2vis.readable import spec_problems
from models.data2vis.recommend import Recommender, chart_signature
from tests.unit.models.data2vis.tables import (
    cars_like,
    firm_panel,
    passengers,
    quarterly_macro,
    restaurant_bills,
    states,
)


def _recommend(table: pd.DataFrame, k: int = 10):
    # Rules only: these tests are about the statistics; the model's part is tested elsewhere.
    return Recommender(None).recommend_with_notes(table, k=k).items


def _mark(spec: dict) -> str:
    mark = spec["mark"]
    return mark["type"] if isinstance(mark, dict) else mark


@pytest.mark.parametrize(
    "make", [quarterly_macro, firm_panel, cars_like, restaurant_bills, states, passengers]
)
def test_every_chart_is_readable_distinct_and_explained_with_numbers(make):
    table = make()
    typed, _ = coerce_table(table)
    items = _recommend(table)
    assert len(items) == 10
    assert len({chart_signature(i.spec) for i in items}) == 10
    for item in items:
        assert spec_problems(item.spec, typed) == [], (item.explanation, item.spec)
        assert item.intent in ("trend", "relationship", "distribution", "comparison", "composition")
    assert sum(any(ch.isdigit() for ch in i.explanation) for i in items) >= 7
    assert len({i.intent for i in items}) >= 3


def test_a_time_series_gets_its_measures_over_time_first():
    items = _recommend(quarterly_macro())
    first = items[:3]
    assert all(i.intent == "trend" and _mark(i.spec) == "line" for i in first)
    for item in first:
        x = item.spec["encoding"]["x"]
        assert x["type"] == "temporal" and x["timeUnit"] == "yearquarter"
        assert item.spec["transform"][0]["as"] == "year"
    assert any("rises over year, quarter" in i.explanation for i in first)
    assert not any(
        i.spec["encoding"].get("x", {}).get("field") == "year" and i.intent != "trend"
        for i in items
    )


def test_a_panel_gets_one_colored_line_per_firm():
    items = _recommend(firm_panel())
    lines = [i for i in items if i.intent == "trend" and _mark(i.spec) == "line"]
    assert lines and lines[0] is items[0]
    assert all(i.spec["encoding"]["color"]["field"] == "firm" for i in lines)
    assert "one line per firm" in lines[0].explanation


def test_the_strongest_pair_is_a_scatter_that_says_how_they_move():
    items = _recommend(cars_like())
    scatters = [i for i in items if i.intent == "relationship" and _mark(i.spec) == "point"]
    assert scatters and items.index(scatters[0]) < 3
    fields = {scatters[0].spec["encoding"][c]["field"] for c in ("x", "y")}
    assert fields == {"Horsepower", "Miles_per_Gallon"}
    assert "fall together: r = -0." in scatters[0].explanation
    color = scatters[0].spec["encoding"]["color"]["field"]
    assert color in ("Origin", "Cylinders") and f"{color} separates them" in scatters[0].explanation


def test_groups_are_compared_sorted_and_shown_as_distributions():
    items = _recommend(restaurant_bills(), k=15)
    bars = [
        i
        for i in items
        if i.intent == "comparison"
        and any(d.get("aggregate") in ("mean", "sum") for d in i.spec["encoding"].values())
    ]
    assert bars, [i.explanation for i in items]
    day_bar = next(i for i in bars if "by day" in i.explanation)
    assert day_bar.spec["encoding"]["x"]["sort"] == ["Thur", "Fri", "Sat", "Sun"]  # calendar order
    assert "(Sun)" in day_bar.explanation  # the highest group is named
    other_bars = [i for i in bars if "by day" not in i.explanation]
    assert other_bars and all(i.spec["encoding"]["x"]["sort"] == "-y" for i in other_bars)
    assert any(_mark(i.spec) == "boxplot" for i in items)
    assert any(i.intent == "distribution" and _mark(i.spec) == "bar" for i in items)  # a histogram


def test_measures_share_an_axis_only_when_the_whole_table_is_on_one_scale():
    from models.data2vis.insights import comparable_measures
    from models.data2vis.profile import profile_table

    def measures(table):
        typed, infos = coerce_table(table)
        return [c.name for c in comparable_measures(profile_table(typed, infos).measures)]

    rng = np.random.default_rng(5)
    prices = pd.DataFrame(
        {s: 1 + rng.normal(0, 0.1, 60).cumsum() / 10 for s in ("AAA", "BBB", "CCC")}
    )
    assert measures(prices) == ["AAA", "BBB", "CCC"]
    trials = pd.DataFrame({f"trial_{i}": rng.normal(10 * i, 1, 60) for i in (1, 2, 3)})
    assert measures(trials) == ["trial_1", "trial_2", "trial_3"]  # named alike
    assert measures(quarterly_macro()) == []  # GDP, inflation, unemployment: different things


def test_dated_things_are_not_a_time_series_and_designed_tables_get_no_flat_counts():
    rng = np.random.default_rng(7)
    released = pd.Timestamp("1990-01-01") + pd.to_timedelta(
        np.sort(rng.uniform(0, 9000, 300)), unit="D"
    )
    films = pd.DataFrame(
        {
            "Released": released.strftime("%Y-%m-%d"),
            "Gross": rng.lognormal(17, 1, 300),
            "IMDB": rng.normal(6.3, 1, 300),
            "Genre": rng.choice(["Drama", "Comedy", "Action"], 300),
        }
    )
    typed, infos = coerce_table(films)
    from models.data2vis.profile import profile_table

    assert not profile_table(typed, infos).is_time_series  # irregular dates: rows are films
    design = pd.DataFrame(
        [
            {"year": y, "age": a, "sex": s, "people": 1000 + 10 * a + y - 1900}
            for y in range(1900, 2000, 10)
            for a in range(0, 90, 10)
            for s in (1, 2)
        ]
    )
    items = _recommend(design)
    # Every (year, age, sex) once: counts per value are all equal and say nothing; people
    # repeat over years, so per-category values are means, never sums across years.
    counted_by_category = [
        i
        for i in items
        if any(d.get("aggregate") == "count" for d in i.spec["encoding"].values())
        and not any(d.get("bin") for d in i.spec["encoding"].values())
    ]
    assert counted_by_category == []
    assert not any(
        d.get("aggregate") == "sum"
        for i in items
        if i.intent != "trend"
        for d in i.spec["encoding"].values()
        if isinstance(d, dict)
    )


def test_a_table_of_places_gets_its_map_outline():
    rng = np.random.default_rng(8)
    airports = pd.DataFrame(
        {
            "name": [f"Airport {i}" for i in range(200)],
            "state": rng.choice(["CA", "TX", "NY", "FL"], 200),
            "latitude": rng.uniform(25, 48, 200),
            "longitude": rng.uniform(-124, -70, 200),
        }
    )
    items = _recommend(airports)
    where = items[0]
    assert where.spec["encoding"]["x"]["field"] == "longitude"
    assert where.spec["encoding"]["y"]["field"] == "latitude"
    assert where.spec["encoding"]["color"]["field"] == "state"
    assert where.explanation.startswith("where the 200 records lie: latitude 25")


def test_a_table_naming_each_row_gets_a_sorted_bar_per_row():
    items = _recommend(states())
    bars = [i for i in items if i.spec["encoding"].get("y", {}).get("field") == "abbrev"]
    assert bars and items.index(bars[0]) < 3, [i.explanation for i in items]
    first = bars[0].spec["encoding"]
    assert first["x"] == {"field": "total", "type": "quantitative"}  # each row's own value
    assert first["y"]["sort"] == "-x"
    assert bars[0].explanation.startswith("total by abbrev: from ")
    # One value per state is no group: no boxplot or mean by abbrev.
    assert not any(
        "abbrev" in (i.spec["encoding"].get("x", {}).get("field"), "") and i not in bars
        for i in items
    )


def test_a_yes_no_outcome_is_shown_as_its_rate_by_the_groups_that_split_it():
    items = _recommend(passengers())
    shares = [i for i in items if i.explanation.startswith("share of survived by ")]
    assert shares and items.index(shares[0]) < 3, [i.explanation for i in items]
    assert shares[0].explanation.startswith("share of survived by sex: ")
    y = shares[0].spec["encoding"]["y"]
    assert (y["field"], y["aggregate"]) == ("survived", "mean")
    # alive restates survived: no rate of survived by alive, no stacked count of one by the other.
    assert not any("by alive" in i.explanation for i in shares)
    assert not any(
        {d.get("field") for d in i.spec["encoding"].values() if isinstance(d, dict)}
        >= {"alive", "survived"}
        for i in items
    )


def _cycle_bars(table: pd.DataFrame) -> list:
    return [
        i
        for i in _recommend(table, k=12)
        if i.spec["encoding"].get("x", {}).get("timeUnit") in ("month", "day", "hours")
    ]


def test_a_series_finer_than_its_cycle_gets_its_mean_per_month_weekday_or_hour():
    days = pd.date_range("2012-01-01", "2015-12-31", freq="D")
    rng = np.random.default_rng(10)
    weather = pd.DataFrame(
        {
            "date": days,
            "temp_max": 15 - 10 * np.cos(2 * np.pi * (days.day_of_year.to_numpy() - 15) / 365.25),
            "riders": np.where(days.day_of_week < 5, 1500, 1000) + rng.normal(0, 20, len(days)),
        }
    )
    bars = {i.spec["encoding"]["x"]["timeUnit"]: i for i in _cycle_bars(weather)}
    assert set(bars) == {"month", "day"}
    month = bars["month"]
    assert month.spec["encoding"]["y"] == {
        "field": "temp_max",
        "type": "quantitative",
        "aggregate": "mean",
    }
    assert "lowest" in month.explanation and "(Jan)" in month.explanation
    assert "(Jul)" in month.explanation and "explains" in month.explanation
    assert "riders by day of the week: lowest" in bars["day"].explanation
    assert "(Sat)" in bars["day"].explanation or "(Sun)" in bars["day"].explanation
    hours = pd.date_range("2020-01-01", periods=24 * 20, freq="h")
    load = pd.DataFrame({"time": hours, "load": 50 + 20 * np.sin(2 * np.pi * hours.hour / 24)})
    [hourly] = _cycle_bars(load)
    assert hourly.spec["encoding"]["x"]["timeUnit"] == "hours"
    assert "highest 70 (6h)" in hourly.explanation


def test_no_cycle_chart_without_a_cycle_or_the_span_to_see_it():
    rng = np.random.default_rng(9)
    days = pd.date_range("2020-01-01", periods=300, freq="D")  # under two years: no months
    noise = pd.DataFrame({"date": days, "value": rng.normal(0, 1, 300).cumsum()})
    assert _cycle_bars(noise) == []
    assert _cycle_bars(quarterly_macro()) == []  # year + quarter: no cycle within the rows


def test_local_times_with_their_offset_are_bucketed_by_the_clock_without_a_warning():
    import warnings

    rng = np.random.default_rng(11)
    # Local times across a daylight-saving switch, written with their UTC offsets.
    times = pd.date_range("2021-03-01", periods=400, freq="7h", tz="America/Los_Angeles")
    table = pd.DataFrame(
        {
            "when": [t.isoformat() for t in times],
            "kind": rng.choice(["a", "b", "c"], 400),
            "v": rng.normal(0, 1, 400),
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Converting to PeriodArray ... drop timezone"
        items = _recommend(table, k=6)
    assert any(i.intent == "trend" for i in items)


def test_groups_of_one_or_two_rows_explain_nothing_real_groups_do():
    from models.data2vis.insights import between_groups

    rng = np.random.default_rng(12)
    noise = rng.normal(0, 1, 40)
    # Every row its own group, or 25 groups for 40 rows: the means are the rows' own noise.
    assert between_groups(noise, np.arange(40)) == 0.0
    assert between_groups(noise, np.arange(40) % 25) == 0.0
    shifted = noise + np.repeat([0.0, 5.0], 20)
    assert between_groups(shifted, np.repeat([0, 1], 20)) > 0.8
    assert between_groups(noise, np.repeat([0, 1], 20)) < 0.1


def test_a_complete_grid_of_one_value_per_cell_is_drawn_as_its_heatmap():
    rng = np.random.default_rng(13)
    col, row = np.meshgrid(np.arange(1, 11), np.arange(1, 21))
    field = pd.DataFrame(
        {
            "col": col.ravel(),
            "row": row.ravel(),
            "yield": 5 + 0.3 * row.ravel() + rng.normal(0, 0.5, col.size),
        }
    )
    heatmaps = [i for i in _recommend(field) if _mark(i.spec) == "rect"]
    assert heatmaps, "no heatmap of the field"
    encoding = heatmaps[0].spec["encoding"]
    assert {encoding["x"]["field"], encoding["y"]["field"]} == {"row", "col"}
    assert encoding["color"]["field"] == "yield"
    assert heatmaps[0].explanation.startswith("yield on the grid of row and col: row explains")


def test_no_stacked_count_of_a_category_by_one_it_determines():
    rng = np.random.default_rng(14)
    who = rng.choice(["man", "woman", "child"], size=300, p=[0.5, 0.35, 0.15])
    table = pd.DataFrame(
        {
            "fare": rng.gamma(2.0, 15.0, 300),
            "who": who,
            "adult_male": np.where(who == "man", "yes", "no"),  # who says it already
            "deck": rng.choice(list("ABCDEFG"), size=300),
        }
    )
    stacked = [
        {
            i.spec["encoding"][c]["field"]
            for c in ("x", "y", "color")
            if "field" in i.spec["encoding"].get(c, {})
        }
        for i in _recommend(table, k=20)
        if i.spec["encoding"].get("color", {}).get("field")
        and any(d.get("aggregate") == "count" for d in i.spec["encoding"].values())
    ]
    assert {"who", "adult_male"} not in stacked
