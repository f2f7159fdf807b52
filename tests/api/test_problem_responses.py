"""Every bad request answers 4xx application/problem+json, including the ones the issue found as
500s, HTML or a wrong status: huge `page` values, deeply nested or huge-number JSON bodies, a
too-long request line (werkzeug's and gunicorn's own 414), 405 without `Allow`, and unknown
/api/ paths answering 405 instead of 404.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading

import pytest
from werkzeug.serving import make_server

from backend.api.guards import MAX_JSON_BODY_DEPTH
from backend.schemas.common import MAX_PAGE
from backend.servers import ProblemRequestHandler, gunicorn_write_error
from tests.api.test_bad_input import assert_problem

LIST_ENDPOINTS = ("/api/v1/datasets", "/api/v1/charts", "/api/v1/jobs", "/api/v1/models")


@pytest.mark.parametrize("path", LIST_ENDPOINTS)
@pytest.mark.parametrize("page", [10**20, 2**63, MAX_PAGE + 1])
def test_huge_page_values_are_422(alice, path, page):
    # 10**20 overflowed SQLite's 64-bit integers: a 500 on all four list endpoints.
    body = assert_problem(alice.get(f"{path}?page={page}"), 422)
    assert "page" in body["errors"]


@pytest.mark.parametrize("path", LIST_ENDPOINTS)
def test_the_last_allowed_page_is_an_empty_page(alice, path):
    response = alice.get(f"{path}?page={MAX_PAGE}&page_size=100")
    assert response.status_code == 200
    assert response.get_json()["items"] == [] and response.get_json()["page"] == MAX_PAGE


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"dataset_id": ' + "1" * 1_000_000 + "}", "4,300 digits"),
        (
            '{"spec": '
            + '{"a": ' * (MAX_JSON_BODY_DEPTH + 1)
            + "1"
            + "}" * (MAX_JSON_BODY_DEPTH + 1)
            + "}",
            "nested more than",
        ),
        ('{"spec": ' + "[" * 900 + "]" * 900 + "}", "nested more than"),
    ],
    ids=["100k levels", "million-digit number", "65 levels", "900 levels"],
)
@pytest.mark.parametrize("path", ["/api/v1/charts", "/api/v1/auth/login", "/api/v1/jobs"])
def test_hostile_json_bodies_are_400(alice, path, body, words):
    response = alice.post(path, data=body, content_type="application/json")
    assert words in assert_problem(response, 400)["detail"]


def test_json_bodies_at_the_depth_limit_reach_validation(alice, csv_dataset):
    spec = {"mark": "bar"}
    for _ in range(MAX_JSON_BODY_DEPTH - 2):  # the body: {"spec": ...} around MAX - 1 levels
        spec = {"usermeta": spec}
    body = json.dumps({"dataset_id": csv_dataset["id"], "spec": spec})
    response = alice.post("/api/v1/charts", data=body, content_type="application/json")
    assert response.status_code < 500, response.get_data(as_text=True)
    assert response.status_code != 400, response.get_json()


def test_405_names_the_allowed_methods(alice):
    response = alice.request("PUT", "/api/v1/datasets")
    assert_problem(response, 405)
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    response = alice.request("PATCH", "/api/v1/jobs")
    assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize(
    "path",
    [
        "/api",
        "/api/",
        "/api/nothing",
        "/api/v1/nothing",
        "/api/v2/datasets",
        "/api/v1/datasets/x/y/z",
    ],
)
def test_unknown_api_paths_are_404_for_every_method(alice, method, path):
    # The SPA's catch-all GET route used to match them: 405 for every method but GET.
    response = alice.request(method, path)
    assert_problem(response, 404)


def test_the_spa_catch_all_still_serves_other_paths(client):
    assert client.get("/").status_code == 200
    assert client.get("/datasets/123").status_code == 200
    assert client.get("/apiary").status_code == 200
    assert client.get("/health").status_code == 200


def _raw_request(port: int, request_line: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request_line + b"\r\nHost: localhost\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin1").split("\r\n")
    headers = {
        k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])
    }
    return int(lines[0].split()[1]), headers, body


def _assert_problem_bytes(status: int, headers: dict[str, str], body: bytes, expected: int) -> None:
    assert status == expected
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == expected and problem["title"] and problem["detail"]


def test_the_dev_server_answers_its_own_414_as_problem_json(app):
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=ProblemRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        long_uri = (
            b"/api/v1/datasets?q=" + b"%22x" * 20_000
        )  # over http.server's 64 KiB request line
        _assert_problem_bytes(*_raw_request(server.port, b"GET " + long_uri + b" HTTP/1.1"), 414)
        # "Bad request syntax ('GET /\"%s ...')": quotes and % from the client stay valid JSON.
        _assert_problem_bytes(*_raw_request(server.port, b'GET /"%s HTTP/1.1 HTTP/1.1'), 400)
    finally:
        server.shutdown()
        thread.join(5)


def test_gunicorn_error_writer_writes_problem_json():
    left, right = socket.socketpair()
    with left, right:
        gunicorn_write_error(
            left, 414, "URI Too Long", 'Request Line is too large (9000 > 4094) "%s"'
        )
        left.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := right.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414 URI Too Long\r\n")
    assert b"Content-Type: application/problem+json" in head
    assert json.loads(body)["detail"].startswith("Request Line is too large")


@pytest.mark.processes
def test_gunicorn_answers_its_own_414_as_problem_json(tmp_path):
    from tests.jobs.processes import REPO, base_env, free_port, stop, wait_until_up

    port = free_port()
    env = base_env(
        tmp_path,
        PORT=str(port),
        HOST="127.0.0.1",
        WEB_CONCURRENCY="1",
        GUNICORN_ACCESS_LOG="/dev/null",
    )
    gunicorn = os.path.join(os.path.dirname(os.sys.executable), "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "-c", "gunicorn.conf.py", "backend.app:create_app()"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", server)
        _assert_problem_bytes(
            *_raw_request(port, b"GET /api/v1/datasets?q=" + b"x" * 9000 + b" HTTP/1.1"), 414
        )
    finally:
        stop(server)


@pytest.mark.parametrize("after", ["²", "١٢", "-1", "1e3", "x"])
def test_event_stream_ignores_a_non_ascii_digit_cursor(alice, after):
    # "²".isdigit() is True and int("²") raised: a 500 from Last-Event-ID / ?after=.
    job = alice.post(
        "/api/v1/jobs", json={"kind": "toy_training", "params": {"epochs": 1}}
    ).get_json()
    from tests.conftest import wait_for

    wait_for(lambda: alice.get(f"/api/v1/jobs/{job['id']}").get_json()["status"] == "succeeded")
    for how in ({"query_string": {"after": after}}, {"headers": {"Last-Event-ID": after}}):
        response = alice.get(f"/api/v1/jobs/{job['id']}/events", **how)
        assert response.status_code == 200
        assert "event: end" in response.get_data(as_text=True)


def test_error_responses_are_documented_as_problem_json(client):
    # They were documented as application/json while sent as application/problem+json (the fuzzer's
    # content-type check); clients generated from the document now expect what comes.
    document = client.get("/api/openapi.json").get_json()
    for name in ("DEFAULT_ERROR", "UNPROCESSABLE_ENTITY"):
        assert list(document["components"]["responses"][name]["content"]) == [
            "application/problem+json"
        ]
    page = document["paths"]["/api/v1/datasets"]["get"]["parameters"]
    assert next(p for p in page if p["name"] == "page")["schema"]["maximum"] == MAX_PAGE
