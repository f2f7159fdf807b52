"""Security headers and safe defaults: CSP, frame protection, no caching of API answers,
no cross-origin callers unless configured, and a server that listens on loopback by default."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from backend.app import create_app, shutdown
from backend.config import Config

ROOT = Path(__file__).resolve().parents[2]


def _directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def assert_common_headers(response) -> None:  # noqa: ANN001
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert _directives(response.headers["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]


def test_api_answers_are_not_cached_framed_or_run(alice, client):  # noqa: ANN001
    responses = {
        "json": alice.get("/api/v1/auth/me"),
        "list": alice.get("/api/v1/datasets"),
        "problem 401": client.get("/api/v1/datasets"),
        "problem 404": alice.get("/api/v1/datasets/nope"),
        "problem 422": client.post(
            "/api/v1/auth/register", json={"username": "x", "password": "short"}
        ),
        "health": client.get("/health"),
        "openapi": client.get("/api/openapi.json"),
    }
    for label, response in responses.items():
        assert_common_headers(response)
        assert response.headers["Cache-Control"] == "no-store", label
        policy = _directives(response.headers["Content-Security-Policy"])
        assert policy["default-src"] == ["'none'"], label
        assert "script-src" not in policy, label


def test_a_downloaded_file_is_not_cached_or_run(alice):  # noqa: ANN001
    dataset = alice.upload("a,b\n1,2\n", "t.csv").get_json()
    response = alice.get(f"/api/v1/datasets/{dataset['id']}/file")
    assert response.status_code == 200
    assert_common_headers(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert _directives(response.headers["Content-Security-Policy"])["default-src"] == ["'none'"]


@pytest.fixture
def spa_app(store, config, tmp_path):  # noqa: ANN001
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(
        '<!doctype html><script type="module" src="/assets/app.js"></script>'
    )
    (dist / "assets" / "app.js").write_text("console.log('hi')")
    app = create_app(config.with_overrides(frontend_dist=dist), store=store)
    yield app
    shutdown(app)


def test_the_spa_may_run_only_its_own_scripts(spa_app):  # noqa: ANN001
    client = spa_app.test_client()
    for path in ("/", "/datasets/123", "/assets/app.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_common_headers(response)
        policy = _directives(response.headers["Content-Security-Policy"])
        # Vega compiles expressions with Function(): 'unsafe-eval', but no inline or foreign script.
        assert policy["script-src"] == ["'self'", "'unsafe-eval'"], path
        assert policy["default-src"] == ["'self'"] and policy["connect-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"]


def test_the_api_docs_page_gets_its_inline_start_script(client):  # noqa: ANN001
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert_common_headers(response)
    policy = _directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]


def test_no_cross_origin_caller_by_default(client):  # noqa: ANN001
    assert Config.from_env({}).cors_origins == ()
    simple = client.get("/api/v1/health", headers={"Origin": "http://localhost:5173"})
    preflight = client.open(
        "/api/v1/datasets",
        method="OPTIONS",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    for response in (simple, preflight):
        assert "Access-Control-Allow-Origin" not in response.headers


def test_configured_origins_are_allowed(store, config):  # noqa: ANN001
    origins = Config.from_env(
        {"CORS_ORIGINS": "https://app.example, http://localhost:5173"}
    ).cors_origins
    assert origins == ("https://app.example", "http://localhost:5173")
    app = create_app(config.with_overrides(cors_origins=origins), store=store)
    try:
        client = app.test_client()
        allowed = client.get("/api/v1/health", headers={"Origin": "https://app.example"})
        other = client.get("/api/v1/health", headers={"Origin": "https://evil.example"})
        assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example"
        assert "Access-Control-Allow-Origin" not in other.headers
    finally:
        shutdown(app)


@pytest.mark.parametrize(("host", "bind"), [(None, "127.0.0.1:5000"), ("0.0.0.0", "0.0.0.0:5000")])
def test_gunicorn_listens_on_loopback_unless_told(host: str | None, bind: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("HOST", "PORT")}
    if host:
        env["HOST"] = host
    code = "import runpy; print(runpy.run_path('gunicorn.conf.py')['bind'])"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == bind
