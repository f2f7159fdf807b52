"""TimeGAN over HTTP with tiny settings: train as a job, sample reproducibly, evaluate, bad input."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from tests.api.job_payloads import assert_payloads_documented
from tests.conftest import wait_for

pytestmark = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

TINY = {"seq_len": 6, "hidden_size": 4, "num_layers": 1, "batch_size": 16, "iterations": 8}


def sines(n: int = 160) -> str:
    t = np.arange(n)
    return pd.DataFrame({"t": t, "a": np.sin(t / 5) * 10 + 50, "b": np.cos(t / 7) * 3}).to_csv(
        index=False
    )


def finished(session, job_id):
    job = session.get(f"/api/v1/jobs/{job_id}").get_json()
    return job if job["status"] not in ("queued", "running") else None


def test_train_sample_and_evaluate(alice, bob):
    dataset = alice.upload(sines(), "sines.csv").get_json()
    response = alice.post(
        f"/api/v1/datasets/{dataset['id']}/synthesizers", json={**TINY, "columns": ["a", "b"]}
    )
    assert response.status_code == 202, response.get_json()
    job = wait_for(lambda: finished(alice, response.get_json()["id"]), timeout_s=180)
    assert job["status"] == "succeeded", job["error"]
    assert_payloads_documented(job)
    assert {m["phase"] for m in job["metrics"]} == {"embedding", "supervised", "joint"}
    assert job["progress"]["step"] == job["progress"]["total"] == 3 * TINY["iterations"]
    model = alice.get(f"/api/v1/models/{job['result']['model_id']}").get_json()
    assert model["kind"] == "timegan" and model["params"]["columns"] == ["a", "b"]

    first = alice.post(f"/api/v1/models/{model['id']}/samples", json={"n": 5, "seed": 7})
    assert first.status_code == 201, first.get_json()
    sample = first.get_json()
    assert sample["n_rows"] == 5 * TINY["seq_len"] and [c["name"] for c in sample["columns"]] == [
        "sequence_id",
        "step",
        "a",
        "b",
    ]
    again = alice.post(f"/api/v1/models/{model['id']}/samples", json={"n": 5, "seed": 7}).get_json()
    frames = [
        pd.read_csv(io.BytesIO(alice.get(f"/api/v1/datasets/{d['id']}/file").data))
        for d in (sample, again)
    ]
    pd.testing.assert_frame_equal(frames[0], frames[1])
    # Original units: the min-max scaler is inverted, so values sit in the data's range.
    assert frames[0]["a"].between(39, 61).all() and frames[0]["b"].between(-3.5, 3.5).all()

    # Someone else's model is not found; bad settings are a 422 and start nothing.
    assert bob.post(f"/api/v1/models/{model['id']}/evaluations", json={}).status_code == 404
    for bad in (
        {"classifier_runs": 0},
        {"classifier_runs": 11},
        {"max_windows": 5},
        {"surprise": 1},
    ):
        answer = alice.post(f"/api/v1/models/{model['id']}/evaluations", json=bad)
        assert answer.status_code == 422 and answer.content_type == "application/problem+json", bad
    assert alice.get("/api/v1/jobs").get_json()["total"] == 1  # the training job only
    assert alice.get(f"/api/v1/models/{model['id']}").get_json()["evaluations"] == []

    started = alice.post(
        f"/api/v1/models/{model['id']}/evaluations",
        json={
            "metric_runs": 1,
            "iterations": 10,
            "max_windows": 40,
            "tsne": True,
            "classifier_runs": 2,
        },
    )
    assert started.status_code == 202
    evaluation = wait_for(lambda: finished(alice, started.get_json()["id"]), timeout_s=180)
    assert evaluation["status"] == "succeeded", evaluation["error"]
    assert_payloads_documented(evaluation)
    result = evaluation["result"]
    assert 0 <= result["discriminative_score"]["mean"] <= 0.5
    assert result["predictive_score"]["mean"] >= 0
    assert len(result["pca"]["real"]) == len(result["pca"]["synthetic"]) == 40
    assert len(result["tsne"]["synthetic"]) == 40
    assert [d["feature"] for d in result["distributions"]] == ["a", "b"]
    # The scorecard: every measure for the model, the held-out real floor and each trivial fake.
    card = result["scorecard"]
    assert card["candidates"] == [
        "model",
        "heldout_real",
        "time_shuffled",
        "feature_bootstrap",
        "ar1",
    ]
    measures = [m["name"] for m in card["measures"]]
    assert set(measures) == {
        "temporal",
        "cross_feature",
        "marginal",
        "classifier",
        "forecast",
        "discriminative",
        "predictive",
    }
    for candidate in card["candidates"]:
        assert all(card["scores"][candidate][m]["mean"] >= 0 for m in measures)
    assert len(card["scores"]["model"]["classifier"]["runs"]) == 2
    assert set(card["verdict"]["temporal"]["beats"]) == {
        "time_shuffled",
        "feature_bootstrap",
        "ar1",
    }
    assert [f["feature"] for f in card["autocorrelation"]["features"]] == ["a", "b"]
    # ... and kept on the model's registry record, where later versions can be compared with it.
    stored = alice.get(f"/api/v1/models/{model['id']}").get_json()["evaluations"]
    assert len(stored) == 1 and stored[0]["job_id"] == evaluation["id"]
    assert stored[0]["scores"] == card["scores"] and stored[0]["verdict"] == card["verdict"]
    assert stored[0]["params"]["classifier_runs"] == 2

    # Train further: past the planned phases, resume adds joint-phase steps and a new model version.
    assert alice.post(f"/api/v1/jobs/{job['id']}/resume", json={"epochs": 10}).status_code == 202
    resumed = wait_for(lambda: finished(alice, job["id"]), timeout_s=180)
    assert resumed["status"] == "succeeded", resumed["error"]
    assert resumed["progress"]["step"] == 3 * TINY["iterations"] + 10
    assert resumed["metrics"][-1]["phase"] == "joint"
    again = alice.get(f"/api/v1/models/{resumed['result']['model_id']}").get_json()
    assert (
        again["version"].endswith("_2") and again["metrics"]["steps"] == 3 * TINY["iterations"] + 10
    )
    assert again["evaluations"] == []  # a new version starts without evaluations


@pytest.mark.parametrize(
    ("csv", "body", "needle"),
    [
        ("a,b\nx,y\n", {}, "numeric"),
        ("a\n1\n2\n3\n", {"seq_len": 24}, "rows"),
        ("a,b\n1,2\n,3\n4,5\n5,6\n6,7\n", {"seq_len": 2}, "imputation"),
    ],
)
def test_bad_input_is_a_4xx_with_a_reason(alice, csv, body, needle):
    dataset = alice.upload(csv, "bad.csv").get_json()
    response = alice.post(f"/api/v1/datasets/{dataset['id']}/synthesizers", json=body)
    assert response.status_code == 422, response.get_json()
    assert needle in response.get_json()["detail"].lower()
    assert alice.get("/api/v1/jobs").get_json()["total"] == 0


def test_absurd_sizes_and_wrong_models_are_rejected(alice):
    dataset = alice.upload(sines(), "sines.csv").get_json()
    for absurd in (
        {"hidden_size": 10**6},
        {"seq_len": 1},
        {"iterations": 0},
        {"module": "transformer"},
    ):
        assert (
            alice.post(f"/api/v1/datasets/{dataset['id']}/synthesizers", json=absurd).status_code
            == 422
        )
    assert alice.post("/api/v1/models/nope/samples", json={"n": 3}).status_code == 404
