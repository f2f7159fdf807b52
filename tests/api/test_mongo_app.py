"""The web app on MongoDB opens its client through Flask-PyMongo, with the storage layer's
client options, and serves requests from a real server (the session's SecantusDB)."""

from __future__ import annotations

import uuid

from flask_pymongo import PyMongo

from backend.app import create_app, shutdown
from backend.config import Config
from backend.storage.mongo import MongoStore
from tests.conftest import Session


def test_the_app_opens_mongo_through_flask_pymongo(mongo_server, mongo_client, tmp_path):
    name = f"t_{uuid.uuid4().hex}"
    config = Config(
        data_dir=tmp_path / "data", testing=True, mongo_uri=f"{mongo_server.uri}/{name}"
    )
    app = create_app(config)
    try:
        mongo = app.extensions["pymongo"]
        assert isinstance(mongo, PyMongo)
        # The storage layer's options reached the client: timeouts and no retried writes.
        assert mongo.cx.options.server_selection_timeout == 3.0
        assert mongo.cx.options.retry_writes is False
        store = app.extensions["store"]
        assert isinstance(store, MongoStore)
        assert store.database_name == name

        ada = Session(app.test_client(), "ada")
        upload = ada.upload("a,b\n1,2\n")
        assert upload.status_code == 201, upload.get_json()
        # The document and its blob are on the server, in the URI's database.
        assert mongo_client[name]["datasets"].count_documents({}) == 1
        assert mongo_client[name]["blobs.files"].count_documents({}) == 1
    finally:
        shutdown(app)
        mongo_client.drop_database(name)
