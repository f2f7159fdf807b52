"""Dataset profiles (issue 18): the numbers on a known table, stored after the first request,
sampled past the sample size with exact counts, deleted with the dataset."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from backend.reports import profiling
from backend.services import profiles

NOTE = "a free-text remark that is far longer than any category label would be"
TABLE = (
    "day,temp,city,ok,note\n"
    f"2024-01-01,1,Paris,true,{NOTE} 1\n"
    f"2024-01-02,2,Paris,false,{NOTE} 2\n"
    f"2024-01-03,3,Rome,true,{NOTE} 3\n"
    f"2024-01-04,4,Paris,true,{NOTE} 4\n"
    f"2024-01-08,,Berlin,false,{NOTE} 5\n"
    f"2024-01-09,10,Rome,true,{NOTE} 6\n"
)


def profile_of(session, dataset):
    response = session.get(f"/api/v1/datasets/{dataset['id']}/profile")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_profile_numbers_on_a_known_table(alice):
    dataset = alice.upload(TABLE, "weather.csv").get_json()
    profile = profile_of(alice, dataset)
    assert profile["dataset_id"] == dataset["id"]
    assert (profile["rows"], profile["profiled_rows"], profile["sampled"]) == (6, 6, False)
    columns = {c["name"]: c for c in profile["columns"]}
    assert [c["name"] for c in profile["columns"]] == ["day", "temp", "city", "ok", "note"]
    assert {n: c["kind"] for n, c in columns.items()} == {
        "day": "time",
        "temp": "number",
        "city": "category",
        "ok": "boolean",
        "note": "text",
    }

    temp = columns["temp"]
    assert (temp["count"], temp["missing"], temp["distinct"]) == (5, 1, 5)
    stats = temp["number"]
    assert (stats["min"], stats["max"], stats["mean"]) == (1, 10, 4)
    assert math.isclose(stats["std"], math.sqrt(12.5))  # sample std of 1, 2, 3, 4, 10
    assert (stats["q25"], stats["q50"], stats["q75"]) == (2, 3, 4)
    # Five distinct values, five bins of width 1.8 over [1, 10].
    assert [b["count"] for b in stats["histogram"]] == [2, 2, 0, 0, 1]
    assert stats["histogram"][0]["start"] == 1 and stats["histogram"][-1]["end"] == 10

    assert columns["city"]["category"] == {
        "top": [
            {"value": "Paris", "count": 3},
            {"value": "Rome", "count": 2},
            {"value": "Berlin", "count": 1},
        ],
        "other_count": 0,
    }
    assert columns["ok"]["category"]["top"] == [
        {"value": "true", "count": 4},
        {"value": "false", "count": 2},
    ]
    assert columns["note"]["text"]["min_length"] == len(NOTE) + 2

    day = columns["day"]["time"]
    assert day["min"].startswith("2024-01-01") and day["max"].startswith("2024-01-09")
    # Daily steps with one jump of 4 days (Jan 5-7 are missing): no regular frequency.
    assert (day["gaps"], day["largest_gap"], day["largest_gap_s"]) == (1, "4 days", 4 * 86400)
    assert day["largest_gap_start"].startswith("2024-01-04") and day["frequency"] is None


def test_true_false_text_in_any_case_is_boolean(alice):
    dataset = alice.upload("flag,n\nTrue,1\nfalse,2\nTRUE,3\n,4\nFalse,5\n", "flags.csv").get_json()
    flag = profile_of(alice, dataset)["columns"][0]
    assert flag["kind"] == "boolean" and (flag["count"], flag["missing"]) == (4, 1)
    assert sorted((t["value"], t["count"]) for t in flag["category"]["top"]) == [
        ("false", 2),
        ("true", 2),
    ]
    # pandas' own string dtype too (what a frame made in code, or a future reader, holds).
    text = pd.DataFrame({"flag": pd.Series(["True", "false", None], dtype="str")})
    assert profiling.profile_frame(text, {})["columns"][0]["kind"] == "boolean"


def test_a_regular_series_has_its_frequency_and_no_gaps(alice):
    rows = "".join(f"2024-01-{d:02d} 00:00,{d}\n" for d in range(1, 29))
    dataset = alice.upload("when,value\n" + rows, "daily.csv").get_json()
    when = profile_of(alice, dataset)["columns"][0]
    assert when["kind"] == "time"
    assert (when["time"]["frequency"], when["time"]["gaps"], when["time"]["largest_gap"]) == (
        "D",
        0,
        None,
    )


def test_numbers_near_the_float_limits_get_a_histogram(alice):
    # numpy cannot split [-1e308, 1e308] (its width overflows): this answered 500.
    dataset = alice.upload("big,small\n1e308,5e-324\n-1e308,1e-323\n5e307,0\n", "limits.csv")
    columns = {c["name"]: c for c in profile_of(alice, dataset.get_json())["columns"]}
    for name in ("big", "small"):
        histogram = columns[name]["number"]["histogram"]
        assert sum(b["count"] for b in histogram) == 3, name
        assert all(math.isfinite(b["start"]) and math.isfinite(b["end"]) for b in histogram)
    assert columns["big"]["number"]["histogram"][0]["start"] == -1e308


def test_profile_is_stored_and_read_back(store, alice, monkeypatch):
    dataset = alice.upload(TABLE, "weather.csv").get_json()
    first = profile_of(alice, dataset)
    assert store.profiles.get_any(dataset["id"])["columns"] == first["columns"]

    def fail(*args, **kwargs):
        raise AssertionError("the stored profile should have been read")

    monkeypatch.setattr(profiles, "compute_profile", fail)
    assert profile_of(alice, dataset) == first


def test_large_tables_are_profiled_on_a_sample_with_exact_counts(alice, monkeypatch):
    monkeypatch.setattr(profiling, "SAMPLE_ROWS", 100)
    rows = "".join(
        f"2020-01-01 {h // 60:02d}:{h % 60:02d},{'' if h % 10 == 0 else h},{'ab'[h % 2]}\n"
        for h in range(300)
    )
    dataset = alice.upload("time,value,group\n" + rows, "minutes.csv").get_json()
    profile = profile_of(alice, dataset)
    assert (profile["rows"], profile["profiled_rows"], profile["sampled"]) == (300, 100, True)
    time, value, group = profile["columns"]
    # Counts are over every row; the rest over the sample.
    assert (value["count"], value["missing"]) == (270, 30)
    assert sum(b["count"] for b in value["number"]["histogram"]) <= 100
    assert sum(t["count"] for t in group["category"]["top"]) == 100
    # Time columns are read whole: a random sample would have shown gaps that are not there.
    assert (time["time"]["frequency"], time["time"]["gaps"]) == ("min", 0)
    assert time["time"]["max"].startswith("2020-01-01T04:59")


def test_profile_of_a_missing_or_other_users_dataset_is_404(alice, bob):
    dataset = alice.upload(TABLE, "weather.csv").get_json()
    for session, dataset_id in ((alice, "nope"), (bob, dataset["id"])):
        response = session.get(f"/api/v1/datasets/{dataset_id}/profile")
        assert response.status_code == 404
        assert response.content_type == "application/problem+json"


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(45, "45 s"), (90, "1 min 30 s"), (3600, "1 h"), (9000, "2 h 30 min"), (86400 * 3, "3 days")],
)
def test_durations_read_as_words(seconds, words):
    assert profiling.describe_duration(seconds) == words
