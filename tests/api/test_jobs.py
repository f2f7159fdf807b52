"""The job system end to end through the API, with the in-process pool."""

from __future__ import annotations

import re

import pytest

from backend.jobs.heartbeat import reap_stale_jobs
from tests.conftest import read_sse, wait_for


def start(session, **params):
    response = session.post("/api/v1/jobs", json={"kind": "toy_training", "params": params})
    assert response.status_code == 202, response.get_json()
    assert response.headers["Location"] == f"/api/v1/jobs/{response.get_json()['id']}"
    return response.get_json()


def job_of(session, job_id):
    return session.get(f"/api/v1/jobs/{job_id}").get_json()


def finished(session, job_id):
    job = job_of(session, job_id)
    return job if job["status"] in ("succeeded", "failed", "cancelled", "interrupted") else None


def test_n_epochs_give_n_ordered_progress_events_and_a_registered_model(alice):
    job = start(alice, epochs=6)
    events = read_sse(alice.get(f"/api/v1/jobs/{job['id']}/events", buffered=False))
    running = [data for name, data in events if name == "message" and data["status"] == "running"]
    claim, running = running[0], running[1:]
    assert claim["progress"] == {} and claim["metrics"] == []  # the claim: the job started
    assert [e["progress"]["step"] for e in running] == [1, 2, 3, 4, 5, 6]
    assert all(e["progress"]["total"] == 6 for e in running)
    losses = [e["metrics"][0]["loss"] for e in running]
    assert losses[-1] < losses[0]
    assert [e["seq"] for e in (d for _, d in events if "seq" in d)] == sorted(
        e["seq"] for _, e in events if "seq" in e
    )
    assert events[-1][0] == "end" and events[-1][1]["status"] == "succeeded"

    done = job_of(alice, job["id"])
    assert done["status"] == "succeeded" and [m["step"] for m in done["metrics"]] == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    model = alice.get(f"/api/v1/models/{done['result']['model_id']}").get_json()
    assert model["kind"] == "toy" and model["job_id"] == job["id"]
    assert re.fullmatch(r"toy_[0-9a-z]+_1", model["version"])
    assert model["metrics"]["loss"] == done["metrics"][-1]["loss"]
    assert set(model) >= {"params", "dataset_id", "artifacts", "created_at"}


@pytest.mark.timing
def test_cancel_mid_way_then_resume_from_the_checkpoint(alice):
    job = start(alice, epochs=200, epoch_s=0.05)
    wait_for(lambda: (job_of(alice, job["id"])["progress"] or {}).get("step", 0) >= 3)
    response = alice.post(f"/api/v1/jobs/{job['id']}/cancel")
    assert response.status_code == 202
    cancelled = wait_for(
        lambda: finished(alice, job["id"]), timeout_s=2.0
    )  # within one epoch or so
    assert cancelled["status"] == "cancelled"
    stopped_at = cancelled["checkpoint"]["step"]
    assert 3 <= stopped_at < 200

    response = alice.post(f"/api/v1/jobs/{job['id']}/resume", json={"epochs": 4})
    assert response.status_code == 202 and response.get_json()["status"] == "queued"
    resumed = wait_for(lambda: finished(alice, job["id"]))
    assert resumed["status"] == "succeeded"
    assert resumed["result"]["epochs"] == stopped_at + 4
    steps = [m["step"] for m in resumed["metrics"]]
    assert steps == list(range(1, stopped_at + 5))  # continued, not restarted
    assert resumed["runs"] == 2
    assert alice.get("/api/v1/models?kind=toy").get_json()["total"] == 1


def test_a_failing_job_is_marked_failed_and_others_still_run(alice):
    failing = start(alice, epochs=5, fail_at_epoch=2)
    ended = wait_for(lambda: finished(alice, failing["id"]))
    assert ended["status"] == "failed"
    assert "RuntimeError" in ended["error"]["detail"] and "Traceback" not in str(ended["error"])
    healthy = start(alice, epochs=2)
    assert wait_for(lambda: finished(alice, healthy["id"]))["status"] == "succeeded"
    assert alice.get("/api/v1/health").status_code == 200


def test_list_filters_by_kind_and_status(alice):
    ok = start(alice, epochs=1)
    bad = start(alice, epochs=3, fail_at_epoch=1)
    wait_for(lambda: finished(alice, ok["id"]) and finished(alice, bad["id"]))
    failed = alice.get("/api/v1/jobs?status=failed").get_json()
    assert [j["id"] for j in failed["items"]] == [bad["id"]]
    assert alice.get("/api/v1/jobs?kind=toy_training").get_json()["total"] == 2
    assert alice.get("/api/v1/jobs?kind=other").get_json()["total"] == 0
    assert "live" not in failed["items"][0]


def test_job_state_errors(alice):
    job = start(alice, epochs=1)
    wait_for(lambda: finished(alice, job["id"]))
    assert alice.post(f"/api/v1/jobs/{job['id']}/cancel").status_code == 409
    assert alice.post(f"/api/v1/jobs/{job['id']}/resume", json={"epochs": 0}).status_code == 422
    unknown = alice.post("/api/v1/jobs", json={"kind": "nope", "params": {}})
    assert unknown.status_code == 422 and unknown.content_type == "application/problem+json"
    bad_params = alice.post("/api/v1/jobs", json={"kind": "toy_training", "params": {"epochs": -1}})
    assert bad_params.status_code == 422 and "epochs" in bad_params.get_json()["errors"]


def test_per_user_limit_answers_429(alice, bob):
    jobs = [start(alice, epochs=100, epoch_s=0.05) for _ in range(3)]
    response = alice.post("/api/v1/jobs", json={"kind": "toy_training", "params": {}})
    assert response.status_code == 429 and response.content_type == "application/problem+json"
    assert "3 jobs" in response.get_json()["detail"]
    assert start(bob, epochs=1)  # another user is not held back
    for job in jobs:
        alice.post(f"/api/v1/jobs/{job['id']}/cancel")
    for job in jobs:
        wait_for(lambda job=job: finished(alice, job["id"]))


def test_no_job_endpoint_shows_another_users_job(alice, bob):
    job = start(alice, epochs=2)
    wait_for(lambda: finished(alice, job["id"]))
    model_id = job_of(alice, job["id"])["result"]["model_id"]
    for method, path, body in [
        ("GET", f"/api/v1/jobs/{job['id']}", None),
        ("GET", f"/api/v1/jobs/{job['id']}/events", None),
        ("POST", f"/api/v1/jobs/{job['id']}/cancel", None),
        ("POST", f"/api/v1/jobs/{job['id']}/resume", {"epochs": 1}),
        ("GET", f"/api/v1/models/{model_id}", None),
        ("DELETE", f"/api/v1/models/{model_id}", None),
    ]:
        response = bob.request(method, path, json=body)
        assert response.status_code == 404, (method, path)
    assert bob.get("/api/v1/jobs").get_json()["total"] == 0
    assert bob.get("/api/v1/models").get_json()["total"] == 0
    assert job_of(alice, job["id"])["status"] == "succeeded"


def test_deleting_a_model_deletes_its_blobs(store, alice):
    job = start(alice, epochs=1)
    model_id = wait_for(lambda: finished(alice, job["id"]))["result"]["model_id"]
    blob_id = alice.get(f"/api/v1/models/{model_id}").get_json()["artifacts"]["weights"]
    assert store.blobs.exists(blob_id)
    assert alice.delete(f"/api/v1/models/{model_id}").status_code == 204
    assert not store.blobs.exists(blob_id)
    assert alice.get(f"/api/v1/models/{model_id}").status_code == 404


def test_jobs_of_a_dead_process_become_interrupted_and_resume(store, app, alice):
    job = start(alice, epochs=2)
    wait_for(lambda: finished(alice, job["id"]))
    # The runner lets go of the job just after it ends; until then its heartbeat would
    # stamp the fake "running" state below and keep it alive.
    wait_for(lambda: not app.extensions["job_heartbeat"].holds(job["id"]))
    # Simulate a process that died mid-run: running, a checkpoint, and a heartbeat long ago.
    store.jobs.update_if(
        job["id"], {}, {"status": "running", "heartbeat_at": "2000-01-01T00:00:00.000000+00:00"}
    )
    # This reaper or the app's own heartbeat loop (it reaps too) gets there first.
    reaped = reap_stale_jobs(store, stale_after_s=1.0)
    assert reaped in ([job["id"]], [])
    interrupted = wait_for(lambda: finished(alice, job["id"]))
    assert interrupted["status"] == "interrupted" and "Resume" in interrupted["error"]["detail"]
    assert alice.post(f"/api/v1/jobs/{job['id']}/resume", json={"epochs": 2}).status_code == 202
    resumed = wait_for(lambda: finished(alice, job["id"]))
    assert resumed["status"] == "succeeded" and resumed["result"]["epochs"] == 4


def test_a_client_behind_the_kept_events_is_told_to_reload(alice):
    from backend.jobs.events import MAX_EVENTS

    job = start(alice, epochs=MAX_EVENTS + 20)
    # 220 epochs, each a checkpoint and a report: about 85 ms an epoch on the MongoDB-wire server.
    done = wait_for(lambda: finished(alice, job["id"]), timeout_s=90)
    assert (
        done["status"] == "succeeded" and len(done["metrics"]) == MAX_EVENTS + 20
    )  # history is whole

    events = read_sse(
        alice.get(
            f"/api/v1/jobs/{job['id']}/events", headers={"Last-Event-ID": "3"}, buffered=False
        )
    )
    assert events[0][0] == "gap"
    oldest = events[0][1]["oldest_seq"]
    replayed = [data["seq"] for name, data in events if name == "message"]
    assert replayed[0] == oldest > 4 and len(replayed) == MAX_EVENTS and events[-1][0] == "end"

    # A client that is not behind gets no gap.
    caught_up = read_sse(
        alice.get(
            f"/api/v1/jobs/{job['id']}/events",
            headers={"Last-Event-ID": str(oldest)},
            buffered=False,
        )
    )
    assert [name for name, _ in caught_up][0] == "message" and "gap" not in {
        name for name, _ in caught_up
    }


def test_every_built_in_kind_documents_its_params_live_and_result():
    from backend.jobs import kinds
    from backend.schemas.jobs import KIND_PAYLOADS

    built_in = {name for name in kinds.names() if kinds.get(name).target.startswith("backend.")}
    assert built_in == set(KIND_PAYLOADS)


def test_the_openapi_document_lists_each_kinds_job_payloads(client):
    schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    job = schemas["Job"]["properties"]

    def members(field):
        return [ref["$ref"].rsplit("/", 1)[-1] for ref in job[field]["anyOf"]]

    assert members("params") == [
        "ImputationJobParams",
        "TimeGANTrainingParams",
        "TimeGANEvaluationParams",
        "OtherJobPayload",
    ]
    assert members("live") == ["ImputationLive", "OtherJobPayload"] and job["live"]["nullable"]
    assert members("result") == [
        "ImputationResult",
        "TimeGANTrainingResult",
        "TimeGANEvaluationResult",
        "OtherJobPayload",
    ]
    # The kinds' shapes are closed (an undocumented field is a bug); plug-in kinds' are open.
    assert schemas["ImputationResult"]["additionalProperties"] is False
    assert schemas["OtherJobPayload"]["additionalProperties"] is True
    assert {"dataset_id", "filled_cells", "method"} <= set(schemas["ImputationResult"]["required"])
