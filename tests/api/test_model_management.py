"""Model management on both stores: record, status rules, compare, artifacts, retrain (single
and batch) with lineage, fill with a trained imputer. Tiny BRITS settings (2 epochs)."""

from __future__ import annotations

import hashlib
import io

import pandas as pd

from tests.api.test_imputation import hourly_series
from tests.conftest import wait_for

TINY_BRITS = {"method": "brits", "epochs": 2, "hidden_size": 4, "window_size": 24, "batch_size": 8}


def finished(session, job_id):
    job = session.get(f"/api/v1/jobs/{job_id}").get_json()
    return job if job["status"] not in ("queued", "running") else None


def succeeded(session, job_id):
    job = wait_for(lambda: finished(session, job_id), timeout_s=120)
    assert job["status"] == "succeeded", job["error"]
    return job


def upload_series(session, seed, project_id=None, n=200):
    text, _ = hourly_series(n=n, seed=seed)
    data = {"file": (io.BytesIO(text.encode()), f"s{seed}.csv")}
    if project_id:
        data["project_id"] = project_id
    response = session.post("/api/v1/datasets", data=data, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def train_brits(session, dataset_id):
    response = session.post(f"/api/v1/datasets/{dataset_id}/imputations", json=TINY_BRITS)
    assert response.status_code == 202, response.get_json()
    job = succeeded(session, response.get_json()["id"])
    return session.get(f"/api/v1/models/{job['result']['model_id']}").get_json()


def toy_model(session):
    job = session.post("/api/v1/jobs", json={"kind": "toy_training", "params": {"epochs": 3}})
    done = succeeded(session, job.get_json()["id"])
    return session.get(f"/api/v1/models/{done['result']['model_id']}").get_json()


def number(model) -> int:
    return int(model["version"].rsplit("_", 1)[-1])


def test_record_status_compare_artifacts_and_isolation(alice, bob):
    project = alice.post("/api/v1/projects", json={"name": "p"}).get_json()
    dataset = upload_series(alice, 0, project["id"])
    first = train_brits(alice, dataset["id"])

    # The record: project, candidate, the data used, loss curves, artifact files, lineage.
    assert first["project_id"] == project["id"] and first["status"] == "candidate"
    assert first["data"]["dataset_id"] == dataset["id"]
    assert first["data"]["train"]["columns"] == ["temp", "humidity"]
    assert (
        first["data"]["train"]["rows"] == 200 and first["data"]["validation"]["held_out_cells"] > 0
    )
    assert len(first["history"]["loss"]) == 2 and len(first["history"]["val_mae"]) == 2
    job = alice.get(f"/api/v1/jobs/{first['job_id']}").get_json()
    # The job's imputed table is recorded as made with the model.
    assert first["lineage"] == {
        "retrained_from": None,
        "resumed_from": None,
        "produced": [{"type": "dataset", "id": job["result"]["dataset_id"]}],
    }
    assert job["project_id"] == project["id"]

    # Artifact download: the bytes match the recorded size and sha256.
    [weights] = first["artifact_files"]
    download = alice.get(f"/api/v1/models/{first['id']}/artifacts/weights")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert "attachment" in download.headers["Content-Disposition"]
    assert len(download.data) == weights["size"]
    assert hashlib.sha256(download.data).hexdigest() == weights["sha256"]
    assert alice.get(f"/api/v1/models/{first['id']}/artifacts/nope").status_code == 404
    assert bob.get(f"/api/v1/models/{first['id']}/artifacts/weights").status_code == 404

    # Status: one production model per project and kind; promoting another demotes the first.
    second = train_brits(alice, dataset["id"])
    assert number(second) == number(first) + 1
    path = lambda m: f"/api/v1/models/{m['id']}"  # noqa: E731
    assert (
        alice.patch(path(first), json={"status": "production"}).get_json()["status"] == "production"
    )
    assert alice.patch(path(second), json={"status": "production"}).status_code == 200
    assert alice.get(path(first)).get_json()["status"] == "candidate"
    assert alice.get(path(second)).get_json()["status"] == "production"
    bad = alice.patch(path(first), json={"status": "shipped"})
    assert bad.status_code == 422 and bad.headers["Content-Type"] == "application/problem+json"
    assert alice.get(path(first)).get_json()["status"] == "candidate"
    assert bob.patch(path(first), json={"status": "archived"}).status_code == 404
    # A production toy model (other kind, default project) leaves the BRITS one alone.
    toy = toy_model(alice)
    assert toy["project_id"] is None and toy["status"] == "candidate"
    assert alice.patch(path(toy), json={"status": "production"}).status_code == 200
    assert alice.get(path(second)).get_json()["status"] == "production"
    assert alice.patch(path(first), json={"status": "archived"}).get_json()["status"] == "archived"

    # Lists filter exactly and sort.
    def listed(query):
        return [m["id"] for m in alice.get(f"/api/v1/models?{query}").get_json()["items"]]

    assert listed("status=production&kind=brits") == [second["id"]]
    assert listed(f"project_id={project['id']}&sort=version") == [first["id"], second["id"]]
    assert listed(f"project_id={project['id']}&sort=-version") == [second["id"], first["id"]]
    assert listed("project_id=default") == [toy["id"]]
    assert listed(f"dataset_id={dataset['id']}&sort=created_at") == [first["id"], second["id"]]
    assert listed("status=archived") == [first["id"]]
    assert bob.get("/api/v1/models").get_json()["items"] == []
    assert alice.get("/api/v1/models?sort=size").status_code == 422
    assert alice.get("/api/v1/models/kinds").get_json()["kinds"] == ["brits", "toy"]

    # Compare: one kind, 2-5 of the caller's models.
    compared = alice.get(f"/api/v1/models/compare?ids={first['id']},{second['id']}")
    assert compared.status_code == 200
    body = compared.get_json()
    assert body["kind"] == "brits" and [m["id"] for m in body["models"]] == [
        first["id"],
        second["id"],
    ]
    assert body["models"][0]["history"]["loss"] == first["history"]["loss"]
    assert body["models"][1]["status"] == "production"
    mixed = alice.get(f"/api/v1/models/compare?ids={first['id']},{toy['id']}")
    assert mixed.status_code == 422 and "one kind" in mixed.get_json()["detail"]
    assert alice.get(f"/api/v1/models/compare?ids={first['id']}").status_code == 422
    assert bob.get(f"/api/v1/models/compare?ids={first['id']},{second['id']}").status_code == 404

    # A project's batch: every model of the project retrained on its own dataset.
    by_project = alice.post("/api/v1/models/retrain-batch", json={"project_id": project["id"]})
    assert by_project.status_code == 202
    items = by_project.get_json()["items"]
    assert sorted(i["model_id"] for i in items) == sorted([first["id"], second["id"]])
    assert all(i["dataset_id"] == dataset["id"] and i["job_id"] for i in items)
    for item in items:
        made = succeeded(alice, item["job_id"])["result"]["model_id"]
        record = alice.get(f"/api/v1/models/{made}").get_json()
        assert record["lineage"]["retrained_from"] == item["model_id"]
        assert record["project_id"] == project["id"] and record["status"] == "candidate"
    other = bob.post("/api/v1/projects", json={"name": "b"}).get_json()
    assert (
        alice.post("/api/v1/models/retrain-batch", json={"project_id": other["id"]}).status_code
        == 404
    )

    # A toy model has no dataset-bound training request: it cannot be retrained or fill.
    assert alice.post(f"{path(toy)}/retrain", json={"dataset_id": dataset["id"]}).status_code == 422
    assert alice.post(f"{path(toy)}/fill", json={"dataset_id": dataset["id"]}).status_code == 422


def test_retrain_single_and_batch_and_fill(alice, bob):
    project = alice.post("/api/v1/projects", json={"name": "p"}).get_json()
    source = upload_series(alice, 0, project["id"])
    model = train_brits(alice, source["id"])
    new_data = [upload_series(alice, seed) for seed in (1, 2, 3)]

    # Retrain on new data (a dataset outside the project): version n+1, same configuration,
    # lineage back to the model, in the model's project.
    response = alice.post(
        f"/api/v1/models/{model['id']}/retrain", json={"dataset_id": new_data[0]["id"]}
    )
    assert response.status_code == 202
    job = response.get_json()
    assert job["retrained_from"] == model["id"] and job["project_id"] == project["id"]
    done = succeeded(alice, job["id"])
    retrained = alice.get(f"/api/v1/models/{done['result']['model_id']}").get_json()
    assert number(retrained) == number(model) + 1
    assert retrained["lineage"]["retrained_from"] == model["id"]
    assert retrained["dataset_id"] == new_data[0]["id"] and retrained["project_id"] == project["id"]
    assert retrained["params"]["hidden_size"] == model["params"]["hidden_size"]
    assert retrained["metrics"]["epochs"] == TINY_BRITS["epochs"]
    # Someone else's model or dataset: 404, and no job starts.
    before = alice.get("/api/v1/jobs").get_json()["total"]
    assert (
        bob.post(
            f"/api/v1/models/{model['id']}/retrain", json={"dataset_id": new_data[0]["id"]}
        ).status_code
        == 404
    )
    theirs = bob.upload(hourly_series(n=200)[0]).get_json()
    assert (
        alice.post(
            f"/api/v1/models/{model['id']}/retrain", json={"dataset_id": theirs["id"]}
        ).status_code
        == 404
    )
    assert alice.get("/api/v1/jobs").get_json()["total"] == before

    # Batch: 3 datasets, 3 jobs, 3 new versions, each retrained from the model.
    batch = alice.post(
        "/api/v1/models/retrain-batch",
        json={"model_id": model["id"], "dataset_ids": [d["id"] for d in new_data]},
    )
    assert batch.status_code == 202, batch.get_json()
    items = batch.get_json()["items"]
    assert [i["dataset_id"] for i in items] == [d["id"] for d in new_data]
    assert all(i["job_id"] and i["error"] is None for i in items)
    for item in items:
        succeeded(alice, item["job_id"])
    status = alice.get(f"/api/v1/models/retrain-batch/{batch.get_json()['id']}").get_json()
    assert [i["job_status"] for i in status["items"]] == ["succeeded"] * 3
    made = [alice.get(f"/api/v1/models/{i['result_model_id']}").get_json() for i in status["items"]]
    assert len({m["id"] for m in made}) == 3
    assert all(m["lineage"]["retrained_from"] == model["id"] for m in made)
    assert [m["dataset_id"] for m in made] == [d["id"] for d in new_data]
    assert bob.get(f"/api/v1/models/retrain-batch/{status['id']}").status_code == 404

    # Past the user's job limit (3 here), items are refused one by one with a 429, not the batch.
    blockers = [
        alice.post(
            "/api/v1/jobs",
            json={"kind": "toy_training", "params": {"epochs": 1000, "epoch_s": 0.05}},
        ).get_json()
        for _ in range(2)
    ]
    crowded = alice.post(
        "/api/v1/models/retrain-batch",
        json={"model_id": model["id"], "dataset_ids": [new_data[0]["id"], new_data[1]["id"]]},
    ).get_json()
    assert crowded["items"][0]["job_id"] and crowded["items"][0]["error"] is None
    assert crowded["items"][1]["job_id"] is None and crowded["items"][1]["error"]["status"] == 429
    started = [crowded["items"][0]["job_id"], *(b["id"] for b in blockers)]
    for job_id in started:
        alice.post(f"/api/v1/jobs/{job_id}/cancel")
    wait_for(lambda: all(finished(alice, j) for j in started), timeout_s=60)
    neither = alice.post("/api/v1/models/retrain-batch", json={"model_id": model["id"]})
    assert neither.status_code == 422

    # Fill another dataset with the trained model: no training, an imputed dataset.
    text, _ = hourly_series(n=120, seed=9)
    original = pd.read_csv(io.StringIO(text))  # as uploaded, parsed the way the result is
    target = alice.upload(text, "fill-me.csv").get_json()
    fill = alice.post(f"/api/v1/models/{model['id']}/fill", json={"dataset_id": target["id"]})
    assert fill.status_code == 202, fill.get_json()
    filled_job = succeeded(alice, fill.get_json()["id"])
    assert filled_job["result"]["used_model_id"] == model["id"]
    assert "model_id" not in filled_job["result"]  # nothing new registered
    assert not any(m.get("phase") == "train" for m in filled_job["metrics"])
    result = pd.read_csv(
        io.BytesIO(alice.get(f"/api/v1/datasets/{filled_job['result']['dataset_id']}/file").data)
    )
    assert result["temp"].notna().all() and result["humidity"].notna().all()
    seen = original["temp"].notna()
    assert (result.loc[seen, "temp"] == original.loc[seen, "temp"]).all()
    record = alice.get(f"/api/v1/models/{model['id']}").get_json()
    assert {"type": "dataset", "id": filled_job["result"]["dataset_id"]} in record["lineage"][
        "produced"
    ]
    # A dataset without the model's columns is a 422 and starts nothing.
    wrong = alice.upload("time,pressure\n2024-01-01,1\n2024-01-02,\n2024-01-03,3\n").get_json()
    refused = alice.post(f"/api/v1/models/{model['id']}/fill", json={"dataset_id": wrong["id"]})
    assert refused.status_code == 422, refused.get_json()


def test_datasets_made_at_once_are_all_noted_on_the_model(store):
    from concurrent.futures import ThreadPoolExecutor

    from backend.services import models

    blob = store.blobs.put_bytes(b"weights")
    model = models.register_model(
        store,
        "u1",
        kind="toy",
        params={},
        dataset_id=None,
        metrics={},
        artifacts={"weights": blob.id},
    )
    assert model["artifact_files"] == [{"name": "weights", "size": 7, "sha256": blob.sha256}]
    made = [f"d{i}" for i in range(8)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda d: models.record_produced(store, "u1", model["id"], d), made))
    record = models.model_record(store, "u1", model["id"])
    # Only datasets that exist are shown; all eight were noted.
    assert record["lineage"]["produced"] == []
    stored = store.models.get(model["id"], "u1")["lineage"]["produced"]
    assert sorted(p["id"] for p in stored) == made
    assert models.model_record(store, "u1", model["id"])["status"] == "candidate"
    assert store.models.get(model["id"], "u2") is None


def test_records_from_before_model_management_read_complete(store):
    from backend.services import models
    from backend.services.common import new_document

    # A model and its job as stored before projects, statuses, lineage and histories existed.
    job = new_document(
        "u1",
        kind="toy_training",
        params={},
        metrics=[
            {"step": 1, "phase": "train", "loss": 2.0},
            {"step": 2, "phase": "train", "loss": 1.5},
        ],
    )
    store.jobs.insert(job)
    blob = store.blobs.put_bytes(b"abc")
    legacy = new_document(
        "u1",
        kind="toy",
        params={},
        dataset_id=None,
        job_id=job["id"],
        metrics={},
        artifacts={"weights": blob.id},
        version="toy_abcdef0_1",
    )
    store.models.insert(legacy)
    record = models.model_record(store, "u1", legacy["id"])
    assert record["status"] == "candidate" and record["project_id"] is None
    assert record["history"] == {"loss": [2.0, 1.5]}
    assert record["artifact_files"] == [{"name": "weights", "size": 3, "sha256": blob.sha256}]
    assert record["lineage"] == {"retrained_from": None, "resumed_from": None, "produced": []}
    # Filled in once: the record keeps them, so a later read hashes nothing again.
    stored = store.models.get(legacy["id"], "u1")
    assert stored["artifact_files"] == record["artifact_files"]
    assert stored["history"] == record["history"]
    [listed] = models.list_models(store, "u1")["items"]
    assert listed["status"] == "candidate" and listed["project_id"] is None
    # ... and a status filter finds it as a candidate.
    assert [m["id"] for m in models.list_models(store, "u1", status="candidate")["items"]] == [
        legacy["id"]
    ]
    # Promoting it works like for any model.
    assert models.set_status(store, "u1", legacy["id"], "production")["status"] == "production"
