"""Table profiles: what is a time axis, a panel, a code, a category."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.data2vis.fields import coerce_table
from models.data2vis.profile import profile_table
from tests.unit.models.data2vis.tables import firm_panel, passengers, quarterly_macro


def _profile(table: pd.DataFrame):
    typed, infos = coerce_table(table)
    return profile_table(typed, infos)


def test_iso_dates_are_the_time_axis_as_they_are():
    table = pd.DataFrame(
        {"date": pd.date_range("2020-01-01", periods=30).astype(str), "v": np.arange(30.0)}
    )
    profile = _profile(table)
    assert profile.time is not None and profile.time.columns == ("date",)
    assert profile.time.transform == () and profile.time.encoding()["type"] == "temporal"
    assert profile.is_time_series


def test_a_year_of_integers_becomes_a_date_not_a_quantity():
    table = pd.DataFrame({"Year": range(1950, 1990), "births": np.arange(40.0) * 3})
    profile = _profile(table)
    assert profile.time is not None and profile.time.time_unit == "year"
    (step,) = profile.time.transform
    assert step == {"calculate": 'datetime(datum["Year"], 0, 1)', "as": "Year"}
    assert profile.column("Year").role == "time"


def test_year_and_quarter_make_one_quarterly_axis():
    profile = _profile(quarterly_macro())
    assert profile.time.columns == ("year", "quarter")
    assert profile.time.time_unit == "yearquarter"
    assert 'datum["quarter"]' in profile.time.transform[0]["calculate"]
    assert profile.time_unique and profile.is_time_series
    assert {c.name for c in profile.measures} == {"realgdp", "realcons", "infl", "unemp"}


def test_year_and_month_names_make_a_monthly_axis():
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    table = pd.DataFrame(
        {"year": np.repeat([2000, 2001], 12), "month": months * 2, "rain": np.arange(24.0)}
    )
    profile = _profile(table)
    assert profile.time.columns == ("year", "month") and profile.time.time_unit == "yearmonth"
    assert profile.time.values.dt.month.tolist() == list(range(1, 13)) * 2
    assert "indexof(" in profile.time.transform[0]["calculate"]


def test_quarters_written_q1_to_q4_and_the_axis_draws_them():
    import re

    import vl_convert

    table = pd.DataFrame(
        {
            "Year": np.repeat([2010, 2011], 4),
            "Qtr": ["Q1", "Q2", "Q3", "Q4"] * 2,
            "sales": np.arange(8.0),
        }
    )
    time = _profile(table).time
    assert time.columns == ("Year", "Qtr") and time.time_unit == "yearquarter"
    spec = {
        "data": {"values": table.to_dict(orient="records")},
        "transform": list(time.transform),
        "mark": "line",
        "encoding": {"x": time.encoding(), "y": {"field": "sales", "type": "quantitative"}},
    }
    labels = re.findall(r">(\d{4} Q\d)<", vl_convert.vegalite_to_svg(spec))
    assert labels[:3] == ["2010 Q1", "2010 Q2", "2010 Q3"]


def test_epoch_seconds_become_dates():
    table = pd.DataFrame(
        {"timestamp": 1_600_000_000 + 3600 * np.arange(50), "load": np.arange(50.0)}
    )
    profile = _profile(table)
    assert profile.time is not None
    assert profile.time.transform[0]["calculate"] == 'toDate(datum["timestamp"] * 1000)'
    assert profile.time.values.dt.year.iloc[0] == 2020


def test_a_panel_has_one_series_per_firm():
    profile = _profile(firm_panel())
    assert profile.series is not None and profile.series.name == "firm"
    assert profile.series_color is profile.series
    assert profile.is_time_series and not profile.time_unique


def test_many_series_are_colored_by_the_group_that_contains_them():
    rng = np.random.default_rng(0)
    rows = [
        {"country": f"c{i}", "continent": f"k{i % 4}", "year": y, "life": rng.normal(60, 5)}
        for i in range(30)
        for y in range(1990, 2000)
    ]
    profile = _profile(pd.DataFrame(rows))
    assert profile.series.name == "country"
    assert profile.series_color.name == "continent"


def test_codes_and_counters_are_not_measures():
    table = pd.DataFrame(
        {
            "row": range(100),
            "species": np.repeat(["a", "b", "c", "d"], 25),
            "species_id": np.repeat([1, 2, 3, 4], 25),
            "size": np.tile([1, 2, 3, 4, 5], 20),
            "weight": np.linspace(1, 9, 100) ** 2,
        }
    )
    profile = _profile(table)
    assert profile.redundant == {"species_id": "species"}
    assert profile.column("row").role == "id"
    assert profile.column("size").role == "category"
    assert [c.name for c in profile.measures] == ["weight"]


def test_a_measure_that_restates_another_is_dropped():
    rng = np.random.default_rng(4)
    popul = rng.gamma(1.0, 50.0, 200) + 1
    table = pd.DataFrame(
        {"popul": popul, "logpopul": np.log(popul), "age": rng.normal(45, 12, 200)}
    )
    profile = _profile(table)
    assert profile.redundant == {"logpopul": "popul"}
    assert [c.name for c in profile.measures] == ["popul", "age"]


def test_a_size_measured_again_restates_it_a_related_quantity_does_not():
    rng = np.random.default_rng(5)
    carat = rng.gamma(2.0, 0.4, 500)
    length = 6.5 * carat ** (1 / 3) + rng.normal(0, 0.15, 500)  # rho 0.992
    price = 4000 * carat**1.5 * rng.lognormal(0, 0.35, 500)  # rho 0.94
    table = pd.DataFrame({"carat": carat, "length": length, "price": price})
    profile = _profile(table)
    assert profile.redundant == {"length": "carat"}
    assert [c.name for c in profile.measures] == ["carat", "price"]


def test_trending_series_are_not_restatements_of_each_other():
    profile = _profile(quarterly_macro())
    assert "realcons" in {c.name for c in profile.measures} and not profile.redundant


def test_every_year_column_is_a_time_never_a_measure():
    rng = np.random.default_rng(6)
    table = pd.DataFrame(
        {
            "survey": rng.choice([1996, 2000, 2004, 2008], 300),  # no name hint, unordered
            "born": rng.integers(1930, 1990, 300),
            "income": rng.gamma(2, 20, 300),
        }
    )
    profile = _profile(table)
    assert profile.time is not None and profile.time.columns == ("survey",)
    assert profile.column("born").role == "time"
    assert [c.name for c in profile.measures] == ["income"]


def test_a_column_kept_for_a_redundant_one_takes_its_place_and_a_0_1_outcome_stays_a_rate():
    profile = _profile(passengers())
    assert profile.redundant == {"survived": "alive"}
    # survived led the table; alive, which says the same in words, now leads it.
    assert [c.name for c in profile.columns] == ["alive", "sex", "age", "fare", "class"]
    assert [c.name for c in profile.rates] == ["survived"]
