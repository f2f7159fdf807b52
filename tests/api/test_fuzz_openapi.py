"""Schema fuzzing of the whole OpenAPI document (schemathesis), as a signed-in user, in-process.

Every operation in /api/openapi.json is called with generated requests, valid and invalid
(schemathesis's examples, coverage and fuzzing phases), through the Flask app as a WSGI
application. A case fails on a 5xx, on a response that does not match its documented
schema, status or content type, and on an error (4xx) that is not application/problem+json.

Bounded and deterministic for CI: a fixed seed, Hypothesis derandomized with no example
database, and 25 examples per operation (FUZZ_MAX_EXAMPLES; 150 generated table uploads,
FUZZ_UPLOADS): about 2,000 cases in 30-45 s on two cores. Two runs draw the same cases. The
counts (cases, responses by status class, failures by kind, per operation) are printed in
the pytest summary (tests/fuzz_summary.py), so `make test` shows them.

What is real and what is not:
- One user (bearer token) owns a real dataset, chart, finished job and model, and path ids
  are drawn either as generated strings or as those real ids, so operations get past 404.
- The job runner is replaced by one that cancels every job it is given at once, so no
  training runs (imputation, TimeGAN, evaluations) and event streams end; every job-starting
  endpoint is still fuzzed up to its validation and the job it records.
- Logout is sent a fresh token each time (it revokes the token it gets); DELETE is given a
  spare set of resources, so the real ones stay for the operations after it.
- Nothing is excluded; test_every_documented_operation_was_fuzzed checks that each documented
  operation ran. The embedded (SQLite) store only: the store contract suite covers MongoDB,
  and fuzzing both would double the time for the same API code.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from collections import Counter
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from backend.app import create_app, shutdown
from backend.config import Config
from backend.services import jobs as job_service
from tests.conftest import Session, make_store, wait_for

SEED = 20260214
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
PROBLEM = "application/problem+json"

# Filled while the suite runs; tests/fuzz_summary.py prints it in the terminal summary.
STATS: dict[str, Counter] = {
    "cases": Counter(),
    "ok": Counter(),
    "ms": Counter(),
    "status": Counter(),
    "failures": Counter(),
}


class CancellingRunner:
    """A job runner that runs nothing: every job it is handed is cancelled at once."""

    name = "pool"

    def __init__(self, store) -> None:  # noqa: ANN001
        self._store = store

    def submit(self, job_id: str) -> None:
        job = self._store.jobs.get_any(job_id)
        job_service.cancel_job(self._store, job["owner_id"], job_id)

    def shutdown(self, wait: bool = False) -> None:
        pass


@pytest.fixture(scope="module")
def fuzz_env(tmp_path_factory) -> Any:  # noqa: ANN001
    data_dir = tmp_path_factory.mktemp("fuzz") / "data"
    config = Config(
        data_dir=data_dir,
        testing=True,
        max_upload_mb=2,
        job_heartbeat_s=0.5,
        job_extra_kinds=("tests.job_kinds",),
        max_jobs_per_user=10_000,
        max_jobs_total=10_000,
        # The fuzzer's wrong guesses would throttle its own sign-ins for fresh tokens (tested in
        # test_fair_use_accounts.py); here every login must reach the schema checks.
        login_max_failures_per_account=1_000_000,
        login_max_failures_per_address=1_000_000,
    )
    store = make_store("sqlite", data_dir)
    app = create_app(config, store=store)
    client = app.test_client()
    alice = Session(client, "alice")
    # Real resources: one set the fuzzer uses, and a spare set for DELETE to delete.
    ids, spare = _resources(alice), _resources(alice)
    app.extensions["job_runner"].shutdown(wait=True)
    app.extensions["job_runner"] = CancellingRunner(store)
    yield {"app": app, "alice": alice, "ids": ids, "spare": spare}
    shutdown(app, wait=False)


def _with_real_ids(body: dict, ids: dict[str, str]) -> dict:
    out = {}
    for key, value in body.items():
        if key in ids and isinstance(value, str):
            out[key] = ids[key]
        elif isinstance(value, dict):
            out[key] = _with_real_ids(value, ids)
        else:
            out[key] = value
    return out


def _fresh_token(alice: Session) -> str:
    body = {
        "username": alice.username,
        "password": "correct horse battery",
    }  # tests.conftest.Session's
    return alice.client.post("/api/v1/auth/login", json=body).get_json()["token"]


def _resources(alice: Session) -> dict[str, str]:
    dataset = alice.upload(
        "when,value,city\n2020-01-01,1.5,Paris\n2020-01-02,,Berlin\n2020-01-03,3.25,Rome\n2020-01-04,4,Oslo\n",
        "prices.csv",
    ).get_json()
    spec = {
        "mark": "bar",
        "encoding": {
            "x": {"field": "city", "type": "nominal"},
            "y": {"field": "value", "type": "quantitative"},
        },
    }
    chart = alice.post(
        "/api/v1/charts", json={"dataset_id": dataset["id"], "title": "by city", "spec": spec}
    ).get_json()
    # One real (tiny) training job, for a real finished job and model; later jobs never run.
    job = alice.post(
        "/api/v1/jobs", json={"kind": "toy_training", "params": {"epochs": 2}}
    ).get_json()
    job = wait_for(
        lambda: (
            (j := alice.get(f"/api/v1/jobs/{job['id']}").get_json())["status"] == "succeeded" and j
        )
    )
    report = alice.post(
        "/api/v1/reports", json={"dataset_id": dataset["id"], "title": "prices"}
    ).get_json()
    report = alice.post(
        f"/api/v1/reports/{report['id']}/blocks", json={"type": "chart", "chart_id": chart["id"]}
    ).get_json()
    share = alice.post(f"/api/v1/reports/{report['id']}/share").get_json()
    project = alice.post("/api/v1/projects", json={"name": f"fuzz {dataset['id'][:8]}"}).get_json()
    batch = alice.post(
        "/api/v1/models/retrain-batch",
        json={"model_id": job["result"]["model_id"], "dataset_ids": [dataset["id"]]},
    ).get_json()
    return {
        "dataset_id": dataset["id"],
        "chart_id": chart["id"],
        "job_id": job["id"],
        "model_id": job["result"]["model_id"],
        "report_id": report["id"],
        "block_id": report["blocks"][0]["id"],
        "token": share["token"],
        "project_id": project["id"],
        "batch_id": batch["id"],
        "name": "weights",  # the toy model's artifact
    }


@pytest.fixture(scope="module")
def api_schema(fuzz_env) -> Any:  # noqa: ANN001
    config = schemathesis.config.SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            "phases": {"stateful": {"enabled": False}},
        }
    )
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_env["app"], config=config)

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):  # noqa: ANN001, ANN202
        # Half the draws use real resources, so operations are fuzzed past their 404; DELETE
        # gets the spare ones, so the others stay for the operations after it.
        if not path_parameters:
            return st.just(path_parameters)
        ids = fuzz_env["spare" if context.operation.method.upper() == "DELETE" else "ids"]
        real = {name: ids.get(name, value) for name, value in path_parameters.items()}
        return (
            st.sampled_from([path_parameters, real])
            if real != path_parameters
            else st.just(path_parameters)
        )

    @schema.hook
    def flatmap_body(context, body):  # noqa: ANN001, ANN202
        # The same for ids inside bodies (a chart's dataset_id, a job's params.dataset_id).
        if not isinstance(body, dict):
            return st.just(body)
        real = _with_real_ids(body, fuzz_env["ids"])
        return st.sampled_from([body, real]) if real != body else st.just(body)

    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(autouse=True)
def _pytest9_node_id(request) -> None:  # noqa: ANN001
    # schemathesis 4.32's lazy-schema runner renames the test through Node._nodeid, which
    # pytest 9 no longer sets; give it the attribute it reads.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


def problem_json(ctx, response, case) -> bool | None:  # noqa: ANN001
    """Every error response is RFC 9457 application/problem+json with its four fields."""
    if response.status_code < 400:
        return None
    values = [v for k, v in response.headers.items() if k.lower() == "content-type"]
    media_type = (values[0][0] if values and values[0] else "").split(";")[0].strip()
    if media_type != PROBLEM:
        raise Failure(
            operation=case.operation.label,
            title="Error is not problem+json",
            message=f"{response.status_code} came as {media_type!r}",
        )
    body = response.json()
    missing = [k for k in ("type", "title", "status", "detail") if k not in body]
    if missing or body.get("status") != response.status_code:
        raise Failure(
            operation=case.operation.label,
            title="Malformed problem+json",
            message=f"missing {missing}, status {body.get('status')} vs {response.status_code}",
        )
    return None


CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@schema.parametrize()
@hypothesis.settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=MAX_EXAMPLES,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
def test_openapi_fuzz(case, fuzz_env) -> None:  # noqa: ANN001
    label = case.operation.label
    STATS["cases"][label] += 1
    alice = fuzz_env["alice"]
    # Logging out revokes the token it is sent: give it a fresh one, keep the suite's.
    token = _fresh_token(alice) if label.endswith("/auth/logout") else alice.token
    started = time.perf_counter()
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    STATS["ms"][label] += round((time.perf_counter() - started) * 1000)
    STATS["status"][f"{response.status_code // 100}xx"] += 1
    if response.status_code < 300:
        STATS["ok"][label] += 1
    try:
        case.validate_response(response, checks=CHECKS, additional_checks=[problem_json])
    except FailureGroup as group:
        for failure in group.exceptions:
            STATS["failures"][failure.title] += 1
        raise
    except Failure as failure:
        STATS["failures"][failure.title] += 1
        raise


def test_every_documented_operation_was_fuzzed(fuzz_env) -> None:  # noqa: ANN001
    """Nothing skipped silently: every operation of the document ran, each with several cases."""
    assert STATS["cases"], (
        "runs after test_openapi_fuzz, in the same session, and checks what it did"
    )
    document = fuzz_env["app"].test_client().get("/api/openapi.json").get_json()
    methods = {"get", "put", "post", "patch", "delete", "head", "options"}
    documented = {
        f"{m.upper()} {path}"
        for path, ops in document["paths"].items()
        for m in ops
        if m in methods
    }
    assert set(STATS["cases"]) == documented
    assert min(STATS["cases"].values()) >= 5, STATS["cases"]
    assert not STATS["failures"], STATS["failures"]


# Uploads: the document says only "a file", so schemathesis's files are never tables. Here
# Hypothesis writes real CSV/TSV/JSON/JSON Lines files (odd cells, quotes, encodings, nesting)
# and every one must be stored (201) or refused with a 4xx problem+json, never a 5xx.
_CELLS = st.one_of(
    st.text(max_size=12),
    st.integers().map(str),
    st.floats().map(str),
    st.sampled_from(
        [
            "",
            "NA",
            "null",
            "2020-01-01",
            "01/02/2020 10:00",
            '"',
            '""',
            "a,b",
            "\r\n",
            "\x00",
            "1e999",
        ]
    ),
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)


@st.composite
def _table_files(draw: st.DrawFn) -> tuple[bytes, str]:
    kind = draw(st.sampled_from(["csv", "tsv", "json", "jsonl"]))
    if kind in ("json", "jsonl"):
        records = draw(
            st.lists(
                st.one_of(st.dictionaries(st.text(max_size=6), _JSON, max_size=5), _JSON),
                max_size=6,
            )
        )
        text = json.dumps(records) if kind == "json" else "\n".join(json.dumps(r) for r in records)
        return text.encode(), f"fuzz.{kind}"
    delimiter = "\t" if kind == "tsv" else draw(st.sampled_from([",", ";", "|"]))
    width = draw(st.integers(1, 5))
    rows = draw(st.lists(st.lists(_CELLS, min_size=width, max_size=width), min_size=1, max_size=8))
    out = io.StringIO()
    csv.writer(
        out, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"]))
    ).writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return out.getvalue().encode(encoding, errors="replace"), f"fuzz.{kind}"


@hypothesis.settings(
    max_examples=int(os.environ.get("FUZZ_UPLOADS", "150")),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@hypothesis.given(upload=_table_files())
def test_uploaded_tables_are_stored_or_refused_never_500(fuzz_env, upload) -> None:  # noqa: ANN001
    content, filename = upload
    alice = fuzz_env["alice"]
    STATS["cases"]["upload: generated table files"] += 1
    response = alice.upload(content, filename)
    STATS["status"][f"{response.status_code // 100}xx"] += 1
    if response.status_code == 201:
        STATS["ok"]["upload: generated table files"] += 1
        dataset = response.get_json()
        rows = alice.get(f"/api/v1/datasets/{dataset['id']}/rows?limit=100")
        assert rows.status_code == 200 and rows.get_json()["total"] == dataset["n_rows"]
        assert alice.delete(f"/api/v1/datasets/{dataset['id']}").status_code == 204
    else:
        if not (400 <= response.status_code < 500 and response.mimetype == PROBLEM):
            STATS["failures"]["upload: not a 4xx problem+json"] += 1
        assert 400 <= response.status_code < 500, response.get_data(as_text=True)
        assert response.mimetype == PROBLEM
