"""The application factory: settings, store, API blueprints, error handling, job runner, SPA."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, Response, send_from_directory
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import PathConverter

from backend.api import auth, charts, datasets, health, jobs, models, projects, reports
from backend.api.context import authenticate_request
from backend.api.guards import check_json_body
from backend.api.problems import ProblemApi, app_error_response, unexpected_error_response
from backend.api.security_headers import add_security_headers
from backend.config import Config
from backend.errors import AppError
from backend.storage import Store, open_store

API_DOCS_ASSETS = "/api/docs/assets/"


def create_app(config: Config | None = None, *, store: Store | None = None) -> Flask:
    """Build the Flask app. `store` overrides the one the config selects (tests use this)."""
    config = config or Config.from_env()
    logging.basicConfig(
        level=config.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app = Flask(__name__, static_folder=None)
    app.config.update(
        MAX_CONTENT_LENGTH=config.max_upload_bytes,
        TESTING=config.testing,
        API_TITLE="Insight API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=API_DOCS_ASSETS,
        API_SPEC_OPTIONS={
            "security": [{"bearerAuth": []}],
            "components": {
                "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            },
            "info": {
                "description": "Datasets, chart recommendations, imputation and synthesis. Errors are application/problem+json."
            },
        },
    )
    app.extensions["config"] = config
    if config.trusted_proxy_hops:
        # The client address (login limits count it) from X-Forwarded-For set by our own proxies.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.trusted_proxy_hops)  # type: ignore[method-assign]
    # The store is swept once per boot by what boots the service, not here in every worker
    # (backend/storage/sweep.py).
    app.extensions["store"] = store or _open_store(app, config)

    CORS(
        app,
        resources={r"/api/*": {"origins": list(config.cors_origins)}},
        expose_headers=["Location"],
    )
    api = ProblemApi(app)
    for blueprint in (
        auth.blp,
        datasets.blp,
        charts.blp,
        jobs.blp,
        models.blp,
        projects.blp,
        reports.blp,
        reports.shared_blp,
        health.blp,
    ):
        api.register_blueprint(blueprint)
    # Load balancers probe the root paths.
    app.add_url_rule("/health", view_func=app.view_functions["health.Health"])
    app.add_url_rule("/ready", view_func=app.view_functions["health.Ready"])

    _start_jobs(app, config)
    app.before_request(authenticate_request)
    app.before_request(check_json_body)
    app.after_request(add_security_headers)
    app.register_error_handler(AppError, app_error_response)
    app.register_error_handler(Exception, unexpected_error_response)
    _serve_api_docs_assets(app)
    _serve_frontend(app, config.frontend_dist)
    return app


def shutdown(app: Flask, wait: bool = True) -> None:
    """Stop the job heartbeat and runner (waiting for running jobs), then close the store."""
    app.extensions["job_heartbeat"].stop()
    app.extensions["job_runner"].shutdown(wait=wait)
    app.extensions["store"].close()


def _start_jobs(app: Flask, config: Config) -> None:
    """The runner, and the heartbeat that also turns jobs of dead processes into `interrupted`."""
    from backend.jobs import kinds
    from backend.jobs.heartbeat import Heartbeat, reap_stale_jobs
    from backend.jobs.runner import make_runner

    kinds.load_extra(config.job_extra_kinds)
    store = app.extensions["store"]
    heartbeat = Heartbeat(store, config.job_heartbeat_s, config.job_time_limits)
    reap_stale_jobs(store, heartbeat.stale_after_s)
    app.extensions["job_heartbeat"] = heartbeat.start()
    app.extensions["job_runner"] = make_runner(config, store, heartbeat)


def _open_store(app: Flask, config: Config) -> Store:
    """The store the config selects. On MongoDB the web app's client is Flask-PyMongo's
    (`app.extensions["pymongo"]`), made with the storage layer's CLIENT_OPTIONS (timeouts,
    journaled writes) so it behaves as the worker's and scripts' `open_store`; the storage
    layer builds the store from it and closes it with the store."""
    if not config.mongo_uri:
        return open_store(config)
    from flask_pymongo import PyMongo

    from backend.storage.mongo import CLIENT_OPTIONS, MongoStore

    json_provider = app.json
    mongo = PyMongo(app, uri=config.mongo_uri, **CLIENT_OPTIONS)
    # Flask-PyMongo swaps in its BSON JSON provider; the API's responses keep Flask's, so
    # they are the same bytes on both stores (the store hands out plain Python values).
    app.json = json_provider
    app.extensions["pymongo"] = mongo
    return MongoStore.from_client(mongo.cx)


def _serve_api_docs_assets(app: Flask) -> None:
    """Swagger UI's files from the installed bundle, so /api/docs works offline."""
    import swagger_ui_bundle

    folder = swagger_ui_bundle.swagger_ui_path

    @app.get(API_DOCS_ASSETS + "<path:filename>")
    def api_docs_assets(filename: str) -> Response:
        return send_from_directory(folder, filename)


class _SpaPathConverter(PathConverter):
    """Any path but /api and below: the SPA's catch-all must not match API paths.

    Had it matched them, an unknown /api/... path would answer 405 for any method but GET
    (the catch-all's rule exists, only not for that method) instead of 404.
    """

    regex = r"(?!api(?:/|$))[^/].*?"


def _serve_frontend(app: Flask, dist: Path) -> None:
    """The built SPA at "/" (one origin in production); client-side routes fall back to index.html."""
    dist = dist.resolve()
    app.url_map.converters["spa_path"] = _SpaPathConverter

    @app.get("/")
    @app.get("/<spa_path:path>")
    def frontend(path: str = "") -> Response | dict[str, str]:
        if not (dist / "index.html").exists():
            return {"service": "insight", "api_docs": "/api/docs", "openapi": "/api/openapi.json"}
        if path and (dist / path).is_file():
            return send_from_directory(dist, path)
        return send_from_directory(dist, "index.html")
