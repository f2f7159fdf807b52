"""The job state machine (backend/jobs/transitions.py): every allowed move lands and records its
event, every other move is refused, and no code changes a status any other way (issue 20)."""

from __future__ import annotations

import ast
import itertools
from datetime import datetime
from pathlib import Path

import pytest

from backend.jobs import states
from backend.jobs.scheduler import Slots, claim_next
from backend.jobs.transitions import TransitionNotAllowed, transition
from tests.conftest import make_store, wait_for

REPO = Path(__file__).resolve().parents[2]
PAIRS = list(itertools.product(states.STATUSES, states.STATUSES))
ALLOWED = [(a, b) for a, b in PAIRS if b in states.MOVES[a]]
FORBIDDEN = [(a, b) for a, b in PAIRS if b not in states.MOVES[a]]


@pytest.fixture
def store(tmp_path):  # noqa: ANN001, ANN201
    s = make_store("sqlite", tmp_path / "data")
    yield s
    s.close()


def put_job(store, status: str, **fields):  # noqa: ANN001, ANN201
    job = {
        "id": "j1",
        "owner_id": "u1",
        "kind": "toy_training",
        "status": status,
        "runner": "pool",
        "progress": {"step": 2},
        "version": 4,
        "events": [{"seq": 4, "status": status, "progress": {"step": 2}, "metrics": []}],
        "cancel_requested": True,
        "created_at": "2026-01-01T00:00:00.000000+00:00",
        **fields,
    }
    store.jobs.insert(job)
    return job


def test_the_table_names_every_status_and_a_finished_job_only_resumes():
    assert set(states.MOVES) == set(states.STATUSES)
    for status in states.FINISHED:
        assert states.MOVES[status] == {states.QUEUED}
    assert all(status not in states.MOVES[status] for status in states.STATUSES)


@pytest.mark.parametrize(("from_state", "to_state"), ALLOWED)
def test_an_allowed_move_lands_and_records_its_event(store, from_state, to_state):
    put_job(store, from_state)
    moved = transition(store, "j1", [from_state], to_state, error={"title": "why"})
    assert moved is not None and moved["status"] == to_state
    assert store.jobs.get_any("j1")["status"] == to_state
    assert moved["error"] == {"title": "why"}  # the caller's fields land with the move
    assert moved["version"] == 5
    assert moved["events"][-1] == {
        "seq": 5,
        "status": to_state,
        "progress": {"step": 2},
        "metrics": [],
    }
    assert len(moved["events"]) == 2  # the earlier event is kept
    if to_state in states.FINISHED:
        assert moved["finished_at"] and moved["cancel_requested"] is False
    else:
        assert "finished_at" not in moved and moved["cancel_requested"] is True


@pytest.mark.parametrize(("from_state", "to_state"), FORBIDDEN)
def test_a_forbidden_move_raises_and_changes_nothing(store, from_state, to_state):
    before = put_job(store, from_state)
    with pytest.raises(TransitionNotAllowed, match=f"cannot move from '{from_state}'"):
        transition(store, "j1", [from_state], to_state)
    assert store.jobs.get_any("j1") == before


def test_a_move_from_a_status_the_job_left_changes_nothing(store):
    before = put_job(store, states.SUCCEEDED)
    assert transition(store, "j1", [states.RUNNING], states.FAILED) is None
    assert transition(store, "missing", [states.RUNNING], states.FAILED) is None
    assert store.jobs.get_any("j1") == before


def test_expected_fields_guard_the_move(store):
    put_job(store, states.RUNNING, claim="mine")
    assert (
        transition(store, "j1", [states.RUNNING], states.QUEUED, expect={"claim": "theirs"}) is None
    )
    assert store.jobs.get_any("j1")["status"] == states.RUNNING
    moved = transition(store, "j1", [states.RUNNING], states.QUEUED, expect={"claim": "mine"})
    assert moved["status"] == states.QUEUED


def test_a_report_written_between_read_and_move_keeps_its_event(store, monkeypatch):
    put_job(store, states.RUNNING)
    original = store.jobs.update_if
    raced = []

    def update_if(job_id, where, changes):  # noqa: ANN001, ANN202
        if not raced:  # a progress report lands just before the move's write
            raced.append(True)
            current = store.jobs.get_any(job_id)
            report = {"seq": 5, "status": "running", "progress": {"step": 3}, "metrics": []}
            original(
                job_id,
                {"status": "running"},
                {"version": 5, "events": [*current["events"], report], "progress": {"step": 3}},
            )
        return original(job_id, where, changes)

    monkeypatch.setattr(store.jobs, "update_if", update_if)
    moved = transition(store, "j1", [states.RUNNING], states.SUCCEEDED)
    assert moved["status"] == states.SUCCEEDED
    assert [(e["seq"], e["status"]) for e in moved["events"]] == [
        (4, "running"),
        (5, "running"),
        (6, "succeeded"),
    ]


def test_a_claim_is_a_move_with_its_event(store):
    put_job(store, states.QUEUED)
    claimed = claim_next(store, "pool", Slots())
    assert claimed["status"] == states.RUNNING and claimed["started_at"]
    assert claimed["events"][-1]["status"] == states.RUNNING and claimed["version"] == 5


def _writes_status(call: ast.Call) -> bool:
    """A job collection's `update_if(id, where, changes)` or `update(id, owner, changes)` writing
    a status key (other records have statuses of their own: a model's candidate/production)."""
    if not isinstance(call.func, ast.Attribute):
        return False
    written = {"update_if": 2, "update": 2}.get(call.func.attr)
    if written is None or len(call.args) <= written:
        return False
    if not ast.unparse(call.func.value).endswith("jobs"):
        return False
    changes = call.args[written]
    return isinstance(changes, ast.Dict) and any(
        isinstance(key, ast.Constant) and key.value == "status" for key in changes.keys
    )


def test_no_code_but_transition_writes_a_status():
    offenders = []
    for path in sorted((REPO / "backend").rglob("*.py")):
        if path == REPO / "backend/jobs/transitions.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and _writes_status(node):
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not offenders, "status changes outside backend/jobs/transitions.py: " + ", ".join(
        offenders
    )


@pytest.fixture
def config(config, request):  # noqa: ANN001, ANN201
    return config.with_overrides(**getattr(request, "param", {}))


@pytest.mark.parametrize(
    "config",
    [{"job_heartbeat_s": 0.2, "job_time_limits": (("toy_training", 0.5),)}],
    indirect=True,
)
@pytest.mark.timing
def test_a_job_stuck_in_a_step_past_its_time_limit_fails_while_its_worker_lives(app, alice):
    # One epoch sleeps 5 s without a stop check: the job's code cannot stop itself, its process
    # keeps stamping the heartbeat (so it is not interrupted), and the limit is 0.5 s.
    response = alice.post(
        "/api/v1/jobs", json={"kind": "toy_training", "params": {"epochs": 2, "epoch_s": 5.0}}
    )
    assert response.status_code == 202, response.get_json()
    job = response.get_json()
    failed = wait_for(
        lambda: (
            (j := alice.get(f"/api/v1/jobs/{job['id']}").get_json())["status"] == "failed" and j
        ),
        timeout_s=4.5,  # before the step ends; due at about 1.5 s (limit + the heartbeat's 1 s grace)
        interval_s=0.05,
    )
    assert failed["error"]["type"] == "/problems/job-time-limit"
    assert failed["error"]["title"] == "The job ran out of time"
    assert "0.5 s" in failed["error"]["detail"] and "Resume" in failed["error"]["detail"]
    stored = app.extensions["store"].jobs
    document = stored.get_any(job["id"])
    assert document["events"][-1]["status"] == "failed"
    # Alive all along: its heartbeat was stamped after the limit had passed.
    stamped = datetime.fromisoformat(document["heartbeat_at"])
    assert (stamped - datetime.fromisoformat(document["started_at"])).total_seconds() > 0.5
    # The worker wakes, finds the job no longer running, and leaves it as it is.
    wait_for(lambda: not app.extensions["job_heartbeat"].holds(job["id"]), timeout_s=10)
    after = alice.get(f"/api/v1/jobs/{job['id']}").get_json()
    assert after["status"] == "failed" and after["error"] == failed["error"]
    assert [e["status"] for e in stored.get_any(job["id"])["events"]].count("failed") == 1
