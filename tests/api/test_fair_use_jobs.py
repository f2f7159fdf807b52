"""Fair use of jobs (issue 15): running slots shared between users, admission limits with
Retry-After, compute budgets that bind resume, wall-clock limits, a cancel that lands within
a second, deleting finished jobs, a cap on open event streams, capped samples."""

from __future__ import annotations

import io
import time

import numpy as np
import pandas as pd
import pytest

from backend.jobs.heartbeat import fail_overdue_jobs
from tests.conftest import wait_for

# Two running slots on the server, one per user; three jobs queued or running per user, six
# on the server; two open event streams per user.
FAIR = {
    "max_running_jobs": 2,
    "max_running_jobs_per_user": 1,
    "max_jobs_per_user": 3,
    "max_jobs_total": 6,
    "max_streams_per_user": 2,
}
LONG = {"epochs": 400, "epoch_s": 0.05}


@pytest.fixture
def config(config, request):  # noqa: ANN001, ANN201
    return config.with_overrides(**{**FAIR, **getattr(request, "param", {})})


def start(session, **params):  # noqa: ANN001, ANN201
    response = session.post("/api/v1/jobs", json={"kind": "toy_training", "params": params})
    assert response.status_code == 202, response.get_json()
    return response.get_json()


def job_of(session, job_id):  # noqa: ANN001, ANN201
    return session.get(f"/api/v1/jobs/{job_id}").get_json()


def finished(session, job_id):  # noqa: ANN001, ANN201
    job = job_of(session, job_id)
    return job if job["status"] not in ("queued", "running") else None


def stop_all(session, jobs):  # noqa: ANN001, ANN201
    for job in jobs:
        session.post(f"/api/v1/jobs/{job['id']}/cancel")
    for job in jobs:
        wait_for(lambda job=job: finished(session, job["id"]))


def statuses(session, jobs):  # noqa: ANN001, ANN201
    return [job_of(session, job["id"])["status"] for job in jobs]


def test_one_user_cannot_take_every_running_slot(alice, bob, login):
    mine = [start(alice, **LONG) for _ in range(3)]
    wait_for(lambda: "running" in statuses(alice, mine))
    theirs = start(bob, **LONG)
    # A slot is free and bob runs nothing: his job starts although alice queued hers first.
    wait_for(lambda: job_of(bob, theirs["id"])["status"] == "running", timeout_s=5)
    assert statuses(alice, mine).count("running") == 1  # her per-user running cap
    # Both server slots are taken: a third user's job waits, queued (not refused).
    carol = login("carol")
    hers = start(carol, **LONG)
    time.sleep(1.5)  # pool threads poll the queue every second
    assert job_of(carol, hers["id"])["status"] == "queued"
    assert statuses(alice, mine).count("running") == 1

    # Admission: a user's fourth queued-or-running job, then the server's sixth, answer 429.
    refused = alice.post("/api/v1/jobs", json={"kind": "toy_training", "params": {}})
    assert refused.status_code == 429 and refused.content_type == "application/problem+json"
    assert refused.headers["Retry-After"] == "30" and "3 jobs" in refused.get_json()["detail"]
    dave = login("dave")
    extra = start(bob, **LONG)
    full = dave.post("/api/v1/jobs", json={"kind": "toy_training", "params": {}})
    assert (
        full.status_code == 429
        and full.headers["Retry-After"]
        and "server" in full.get_json()["detail"]
    )

    # When bob's job ends, the freed slot goes to the oldest job of a user below the cap: carol's
    # (alice's queued ones wait while she runs one).
    bob.post(f"/api/v1/jobs/{theirs['id']}/cancel")
    wait_for(lambda: job_of(carol, hers["id"])["status"] == "running", timeout_s=5)
    assert job_of(bob, extra["id"])["status"] == "queued"
    stop_all(alice, mine)
    stop_all(bob, [theirs, extra])
    stop_all(carol, [hers])


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
@pytest.mark.parametrize("config", [{"job_time_limits": (("toy_training", 0.6),)}], indirect=True)
def test_a_job_past_its_kinds_time_limit_fails_with_a_clear_error(alice):
    job = start(alice, epochs=100, epoch_s=0.1)
    ended = wait_for(lambda: finished(alice, job["id"]), timeout_s=10)
    assert ended["status"] == "failed"
    assert ended["error"]["type"] == "/problems/job-time-limit"
    assert "0.6 s" in ended["error"]["detail"] and "Resume" in ended["error"]["detail"]
    assert 1 <= ended["checkpoint"]["step"] < 100  # stopped, its work so far kept


def test_the_heartbeat_fails_a_job_stuck_past_its_time_limit(store, app, alice):
    job = start(alice, epochs=1)
    wait_for(lambda: finished(alice, job["id"]))
    wait_for(lambda: not app.extensions["job_heartbeat"].holds(job["id"]))
    # A job stuck inside one long step: still running, started long ago.
    store.jobs.update_if(
        job["id"], {}, {"status": "running", "started_at": "2000-01-01T00:00:00.000000+00:00"}
    )
    # This call or the app's own heartbeat (it runs the same check) fails it.
    assert fail_overdue_jobs(store, (("toy_training", 60.0),), grace_s=0) in ([job["id"]], [])
    failed = wait_for(lambda: finished(alice, job["id"]))
    assert failed["status"] == "failed" and failed["error"]["type"] == "/problems/job-time-limit"


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
@pytest.mark.timing
def test_cancel_lands_within_a_second_inside_a_long_epoch(alice):
    # One epoch takes 5 s in 50 batches; the stop check runs between batches.
    job = start(alice, epochs=3, epoch_s=5.0, batches=50)
    wait_for(lambda: job_of(alice, job["id"])["status"] == "running")
    time.sleep(0.3)
    asked = time.monotonic()
    assert alice.post(f"/api/v1/jobs/{job['id']}/cancel").status_code == 202
    ended = wait_for(lambda: finished(alice, job["id"]), timeout_s=10, interval_s=0.02)
    took = time.monotonic() - asked
    assert ended["status"] == "cancelled"
    assert took < 3.0, f"cancel took {took:.1f} s; an epoch takes 5 s"
    assert ended["checkpoint"]["step"] == 1  # the epoch it was in when cancelled is not kept


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_resume_cannot_go_past_the_kinds_compute_budget(alice):
    job = start(alice, epochs=2)
    wait_for(lambda: finished(alice, job["id"]))
    refused = alice.post(f"/api/v1/jobs/{job['id']}/resume", json={"epochs": 9_999})
    assert refused.status_code == 422 and refused.content_type == "application/problem+json"
    assert refused.get_json()["errors"]["epochs"] == ["at most 9998"]
    after = job_of(alice, job["id"])
    assert after["status"] == "succeeded" and after["params"]["epochs"] == 2 and after["runs"] == 1


def sines(n: int = 160) -> str:
    t = np.arange(n)
    return pd.DataFrame({"t": t, "a": np.sin(t / 5) * 10 + 50, "b": np.cos(t / 7) * 3}).to_csv(
        index=False
    )


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_timegan_settings_past_the_step_budget_are_refused(alice):
    dataset = alice.upload(sines(), "sines.csv").get_json()
    largest = {
        "seq_len": 512,
        "hidden_size": 512,
        "num_layers": 8,
        "batch_size": 4096,
        "iterations": 100_000,
    }
    response = alice.post(f"/api/v1/datasets/{dataset['id']}/synthesizers", json=largest)
    assert response.status_code == 422
    assert (
        "batch_size x seq_len x hidden_size x num_layers"
        in response.get_json()["errors"]["batch_size"][0]
    )
    assert alice.get("/api/v1/jobs").get_json()["total"] == 0


def test_deleting_a_finished_job_removes_it_and_its_checkpoint(store, alice, bob):
    job = start(alice, epochs=2)
    done = wait_for(lambda: finished(alice, job["id"]))
    checkpoint_blob = store.jobs.get_any(job["id"])["checkpoint"]["blob_id"]
    assert store.blobs.exists(checkpoint_blob)
    assert bob.delete(f"/api/v1/jobs/{job['id']}").status_code == 404  # not his

    assert alice.delete(f"/api/v1/jobs/{job['id']}").status_code == 204
    assert alice.get(f"/api/v1/jobs/{job['id']}").status_code == 404
    assert alice.get(f"/api/v1/jobs/{job['id']}/events").status_code == 404
    assert not store.blobs.exists(checkpoint_blob)
    assert (
        alice.get(f"/api/v1/models/{done['result']['model_id']}").status_code == 200
    )  # what it made stays
    assert alice.delete(f"/api/v1/jobs/{job['id']}").status_code == 404

    running = start(alice, **LONG)
    wait_for(lambda: job_of(alice, running["id"])["status"] == "running")
    conflict = alice.delete(f"/api/v1/jobs/{running['id']}")
    assert conflict.status_code == 409 and conflict.content_type == "application/problem+json"
    assert job_of(alice, running["id"])["status"] == "running"
    stop_all(alice, [running])
    assert alice.delete(f"/api/v1/jobs/{running['id']}").status_code == 204


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_open_event_streams_are_capped_per_user(alice, bob):
    job = start(alice, **LONG)
    first = alice.get(f"/api/v1/jobs/{job['id']}/events", buffered=False)
    second = alice.get(f"/api/v1/jobs/{job['id']}/events", buffered=False)
    assert first.status_code == second.status_code == 200
    third = alice.get(f"/api/v1/jobs/{job['id']}/events", buffered=False)
    assert third.status_code == 429 and third.content_type == "application/problem+json"
    assert third.headers["Retry-After"] and "MAX_STREAMS_PER_USER" in third.get_json()["detail"]
    first.close()  # a client that goes away gives its place back
    again = alice.get(f"/api/v1/jobs/{job['id']}/events", buffered=False)
    assert again.status_code == 200
    for response in (second, again):
        response.close()
    stop_all(alice, [job])
    # A finished job's events are sent at once and hold no place.
    ended = [alice.get(f"/api/v1/jobs/{job['id']}/events") for _ in range(3)]
    assert all(r.status_code == 200 and b"event: end" in r.data for r in ended)


@pytest.mark.slow
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
@pytest.mark.parametrize("config", [{"max_upload_mb": 1}], indirect=True)
def test_samples_are_capped_in_rows_and_in_bytes(store, alice):
    from backend.services import models
    from models.timegan import TimeGAN, TimeGANConfig

    # An untrained TimeGAN samples like a trained one (training is what takes time here).
    dataset = alice.upload(sines(), "sines.csv").get_json()
    model = TimeGAN(
        TimeGANConfig(seq_len=64, hidden_dim=4, num_layers=1, batch_size=16, iterations=1)
    )
    model.set_training_data(pd.read_csv(io.StringIO(sines())), ["a", "b"])
    owner_id = store.users.find_any({"username": "alice"})[0]["id"]
    model_id = models.register_model(
        store,
        owner_id,
        kind="timegan",
        params={**model.config.to_dict(), "columns": ["a", "b"]},
        dataset_id=dataset["id"],
        metrics={},
        artifacts={"model": store.blobs.put_bytes(model.to_bytes()).id},
    )["id"]
    before = alice.get("/api/v1/datasets").get_json()["total"]

    too_many = alice.post(f"/api/v1/models/{model_id}/samples", json={"n": 8000})  # 512,000 rows
    assert too_many.status_code == 422 and too_many.get_json()["errors"]["n"] == [
        "at most 7812 for this model"
    ]
    # 600 x 64 rows is a CSV of about 1.7 MB, over this server's 1 MB upload limit.
    too_big = alice.post(f"/api/v1/models/{model_id}/samples", json={"n": 600})
    assert too_big.status_code == 413 and "MAX_UPLOAD_MB" in too_big.get_json()["detail"]
    assert alice.get("/api/v1/datasets").get_json()["total"] == before  # nothing stored

    small = alice.post(f"/api/v1/models/{model_id}/samples", json={"n": 5, "seed": 1})
    assert small.status_code == 201
    frame = pd.read_csv(
        io.BytesIO(alice.get(f"/api/v1/datasets/{small.get_json()['id']}/file").data)
    )
    assert len(frame) == 5 * 64
