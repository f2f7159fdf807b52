"""Imputation over HTTP: live epochs over SSE, cancel, resume, download, bad input."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from tests.api.job_payloads import assert_payloads_documented
from tests.conftest import wait_for

pytestmark = pytest.mark.parametrize("store", ["sqlite"], indirect=True)


def hourly_series(n: int = 400, seed: int = 0) -> tuple[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    hours = np.arange(n)
    frame = pd.DataFrame(
        {
            "time": pd.date_range("2024-01-01", periods=n, freq="h").strftime("%Y-%m-%d %H:%M:%S"),
            "temp": np.round(10 + 5 * np.sin(2 * np.pi * hours / 24) + rng.normal(0, 0.3, n), 2),
            "humidity": np.round(60 + 10 * np.cos(2 * np.pi * hours / 24) + rng.normal(0, 1, n), 1),
            "station": "north",
        }
    )
    for start in (30, 100, 230):
        frame.loc[start : start + 5, "temp"] = np.nan
    frame.loc[rng.choice(n, 20, replace=False), "humidity"] = np.nan
    return frame.to_csv(index=False), frame


def finished(session, job_id):
    job = session.get(f"/api/v1/jobs/{job_id}").get_json()
    return job if job["status"] not in ("queued", "running") else None


def download(session, dataset_id) -> pd.DataFrame:
    response = session.get(f"/api/v1/datasets/{dataset_id}/file")
    assert response.status_code == 200
    return pd.read_csv(io.BytesIO(response.data))


def assert_observed_cells_unchanged(
    original: pd.DataFrame, result: pd.DataFrame, columns: list[str]
) -> None:
    assert len(result) == len(original)
    assert list(result.columns[: len(original.columns)]) == list(original.columns)
    for column in original.columns:
        seen = original[column].notna()
        assert (
            result.loc[seen, column].astype(str) == original.loc[seen, column].astype(str)
        ).all(), column
    for column in columns:
        assert result[column].notna().all()
        assert (result[f"{column}_imputed"] == original[column].isna()).all()


def test_linear_baseline_fills_gaps_and_keeps_observed_cells(alice):
    text, original = hourly_series()
    dataset = alice.upload(text, "weather.csv").get_json()
    response = alice.post(
        f"/api/v1/datasets/{dataset['id']}/imputations", json={"method": "linear"}
    )
    assert response.status_code == 202 and response.headers["Location"].startswith("/api/v1/jobs/")
    job = wait_for(lambda: finished(alice, response.get_json()["id"]))
    assert job["status"] == "succeeded", job["error"]
    assert_payloads_documented(job)
    assert job["params"]["time_column"] == "time" and job["params"]["columns"] == [
        "temp",
        "humidity",
    ]
    result = download(alice, job["result"]["dataset_id"])
    assert_observed_cells_unchanged(original, result, ["temp", "humidity"])
    # Linear interpolation across the first temp gap: between the neighbours.
    lo, hi = sorted((original.loc[29, "temp"], original.loc[36, "temp"]))
    assert result.loc[30:35, "temp"].between(lo, hi).all()
    derived = alice.get(f"/api/v1/datasets/{job['result']['dataset_id']}").get_json()
    assert derived["lineage"] == {
        "source_dataset_id": dataset["id"],
        "job_id": job["id"],
        "kind": "imputation",
    }


def test_kalman_fills_gaps_through_the_api_and_keeps_observed_cells(alice):
    text, original = hourly_series()
    dataset = alice.upload(text, "weather.csv").get_json()
    response = alice.post(
        f"/api/v1/datasets/{dataset['id']}/imputations", json={"method": "kalman"}
    )
    assert response.status_code == 202
    job = wait_for(lambda: finished(alice, response.get_json()["id"]))
    assert job["status"] == "succeeded", job["error"]
    assert_payloads_documented(job)
    assert job["result"]["method"] == "kalman"
    result = download(alice, job["result"]["dataset_id"])
    assert_observed_cells_unchanged(original, result, ["temp", "humidity"])


def test_brits_live_epochs_cancel_resume_and_download(alice):
    text, original = hourly_series()
    dataset = alice.upload(text, "weather.csv").get_json()
    body = {"method": "brits", "epochs": 300, "hidden_size": 8, "window_size": 24, "batch_size": 8}
    job = alice.post(f"/api/v1/datasets/{dataset['id']}/imputations", json=body).get_json()

    stream = alice.get(f"/api/v1/jobs/{job['id']}/events", buffered=False)
    live_updates = []
    buffer = ""
    for chunk in stream.response:
        buffer += chunk.decode() if isinstance(chunk, bytes) else chunk
        while "\n\n" in buffer:
            block, buffer = buffer.split("\n\n", 1)
            data = [line[5:].strip() for line in block.splitlines() if line.startswith("data:")]
            if data and '"live"' in data[0]:
                live_updates.append(json.loads(data[0]))
        if len(live_updates) >= 3:
            break
    stream.close()
    steps = [u["progress"]["step"] for u in live_updates]
    assert steps == sorted(steps) and len(set(steps)) == 3
    live = live_updates[-1]["live"]
    assert set(live["columns"]) == {"temp", "humidity"} and len(live["index"]) == len(original)
    assert sum(live["columns"]["temp"]["imputed"]) == int(original["temp"].isna().sum())
    assert None not in live["columns"]["temp"]["values"]
    assert {"loss", "val_mae"} <= set(live_updates[-1]["metrics"][0])

    assert alice.post(f"/api/v1/jobs/{job['id']}/cancel").status_code == 202
    cancelled = wait_for(lambda: finished(alice, job["id"]))
    assert cancelled["status"] == "cancelled"
    done_before = cancelled["checkpoint"]["step"]

    assert alice.post(f"/api/v1/jobs/{job['id']}/resume", json={"epochs": 5}).status_code == 202
    resumed = wait_for(lambda: finished(alice, job["id"]), timeout_s=60)
    assert resumed["status"] == "succeeded", resumed["error"]
    assert_payloads_documented(resumed)  # BRITS: its live payload and validation score too
    assert resumed["checkpoint"]["step"] == done_before + 5
    assert [m["step"] for m in resumed["metrics"]] == list(range(1, done_before + 6))
    model = alice.get(f"/api/v1/models/{resumed['result']['model_id']}").get_json()
    assert model["kind"] == "brits" and model["metrics"]["epochs"] == done_before + 5
    assert_observed_cells_unchanged(
        original, download(alice, resumed["result"]["dataset_id"]), ["temp", "humidity"]
    )


def test_auto_records_its_choice_and_evidence(alice):
    text, original = hourly_series(seed=1)
    dataset = alice.upload(text, "weather.csv").get_json()
    # An epoch budget instead of seconds: the same choice under any load.
    job = alice.post(
        f"/api/v1/datasets/{dataset['id']}/imputations", json={"method": "auto", "epoch_budget": 1}
    ).get_json()
    done = wait_for(lambda: finished(alice, job["id"]), timeout_s=120)
    assert done["status"] == "succeeded", done["error"]
    assert_payloads_documented(done)
    choice, evidence = done["result"]["choice"], done["result"]["evidence"]
    assert set(choice) == {"temp", "humidity"}
    assert evidence["budget"] == {"time_budget_s": None, "epoch_budget": 1}
    # Per column and gap bucket: what was compared, on how many stretches, what won, how sure.
    for column, buckets in choice.items():
        for bucket, method in buckets.items():
            decision = evidence["decisions"][column][bucket]
            assert decision["winner"] == method and decision["verdict"]
            assert {"seasonal", "kalman", "brits", "naomi"} <= set(decision["candidates"]) | {
                decision["incumbent"]
            }
            assert decision["stretches"] >= 5
    # Six-hour gaps in a daily cycle: the default smoother fits the seasonally adjusted
    # values (or the seasonal profile beat it, with a test's confidence), and it is shown.
    assert evidence["default"] == "kalman"
    decision = evidence["decisions"]["temp"]["5-12"]
    if choice["temp"]["5-12"] == "kalman":
        assert evidence["kalman"]["temp"]["seasonal"]
        assert decision["selection_mae"]["kalman"] < decision["selection_mae"]["time"]
    else:
        assert choice["temp"]["5-12"] == "seasonal" and decision["confidence"] > 0.95
    assert_observed_cells_unchanged(
        original, download(alice, done["result"]["dataset_id"]), ["temp", "humidity"]
    )


@pytest.mark.parametrize(
    ("csv", "body", "code"),
    [
        ("a,b\nx,y\nz,\n", {}, "no_numeric_column"),
        ("when,v\nnot a date,1\n2024-01-01,\n", {"time_column": "when"}, "time_column_unparseable"),
        ("t,v\n1,1\n2,2\n3,3\n", {"time_column": "t"}, "nothing_missing"),
        ("t,v,w\n1,,1\n2,,\n3,,3\n", {"time_column": "t", "columns": ["v"]}, "everything_missing"),
        ("t,v\n1,1\n2,\n3,3\n4,4\n", {"time_column": "t", "method": "brits"}, "too_few_observed"),
        ("t,v\n1,1\n2,\n3,3\n", {"columns": ["nope"]}, "unknown_column"),
    ],
)
def test_bad_input_is_a_4xx_with_a_reason_and_starts_nothing(alice, csv, body, code):
    dataset = alice.upload(csv, "bad.csv").get_json()
    response = alice.post(f"/api/v1/datasets/{dataset['id']}/imputations", json=body)
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert problem["errors"]["code"] == [code] and problem["detail"]
    if code == "too_few_observed":
        assert "auto" in problem["detail"]
    assert alice.get("/api/v1/jobs").get_json()["total"] == 0


def test_unknown_method_and_other_users_dataset(alice, bob):
    text, _ = hourly_series()
    dataset = alice.upload(text, "weather.csv").get_json()
    assert (
        alice.post(
            f"/api/v1/datasets/{dataset['id']}/imputations", json={"method": "magic"}
        ).status_code
        == 422
    )
    assert bob.post(f"/api/v1/datasets/{dataset['id']}/imputations", json={}).status_code == 404


def test_local_times_across_a_daylight_saving_switch_upload_recommend_and_impute(alice):
    # Local times written with their UTC offset change it at the switch (-08:00 -> -07:00):
    # pandas refuses to parse such a column in one zone, which answered 500 on upload.
    times = pd.date_range("2021-03-13", periods=72, freq="h", tz="US/Pacific")
    values = np.round(10 + 5 * np.sin(2 * np.pi * np.arange(72) / 24), 3)
    frame = pd.DataFrame({"when": times.strftime("%Y-%m-%dT%H:%M:%S%z"), "load": values})
    frame.loc[[5, 30, 31, 50], "load"] = np.nan
    upload = alice.upload(frame.to_csv(index=False), "meter.csv")
    assert upload.status_code == 201, upload.get_json()
    dataset = upload.get_json()
    assert {c["name"]: c["type"] for c in dataset["columns"]}["when"] == "temporal"
    assert alice.get(f"/api/v1/datasets/{dataset['id']}/profile").status_code == 200
    recommended = alice.post(
        f"/api/v1/datasets/{dataset['id']}/recommendations", json={"k": 2, "beam_width": 2}
    )
    assert recommended.status_code == 200, recommended.get_json()
    response = alice.post(
        f"/api/v1/datasets/{dataset['id']}/imputations",
        json={"method": "kalman", "time_column": "when", "columns": ["load", "load"]},
    )
    assert response.status_code == 202, response.get_json()
    job = wait_for(lambda: finished(alice, response.get_json()["id"]))
    assert job["status"] == "succeeded", job["error"]
    assert job["params"]["columns"] == ["load"]  # named twice, filled once
    result = download(alice, job["result"]["dataset_id"])
    assert_observed_cells_unchanged(frame, result, ["load"])
