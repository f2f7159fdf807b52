"""Shared fixtures: both stores (the embedded one and a real MongoDB-wire server), an app per store on a temporary DATA_DIR, signed-in users."""

from __future__ import annotations

import functools
import io
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from backend.app import create_app, shutdown
from backend.config import Config
from backend.storage import Store
from scripts.local_mongo import LocalMongo
from tests import fuzz_summary

STORE_KINDS = ("sqlite", "mongo")


# The fuzz suite's counts in the summary. Here, not in tests/api/: under pytest-xdist the
# controller loads only this conftest, and it is the one that prints.
def pytest_sessionfinish(session) -> None:  # noqa: ANN001
    fuzz_summary.hand_to_controller(session.config)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:  # noqa: ANN001
    fuzz_summary.take_from_worker(getattr(node, "workeroutput", {}))


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001
    fuzz_summary.write(terminalreporter)


@pytest.fixture(scope="session", autouse=True)
def _remembered_password_hashes() -> Iterator[None]:
    """scrypt once per password for the session, not twice for every signed-in user.

    The service hashes with werkzeug's scrypt, slow on purpose (~0.1 s a call). Every API test
    signs users up (a hash) and in (a check): about 40% of the API tests' CPU time, spent
    recomputing the same few values. Both functions are pure, so they are remembered here: a
    hash made once is a valid salted scrypt hash for every account given that password, and a
    check gives the same answer for the same hash and password. The service still calls
    werkzeug's functions with its own arguments; servers started by tests hash for real.
    """
    from backend.services import auth

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "generate_password_hash", functools.cache(auth.generate_password_hash))
        patch.setattr(auth, "check_password_hash", functools.cache(auth.check_password_hash))
        yield


@pytest.fixture(scope="session")
def mongo_server(tmp_path_factory) -> Iterator[LocalMongo]:  # noqa: ANN001
    """One real MongoDB-wire server (SecantusDB, a child process) for the whole session.

    Stopped when the session ends, killed if stopping fails, and killed by the kernel should
    pytest itself die (PR_SET_PDEATHSIG), so no run leaves a server behind.
    """
    server = LocalMongo(tmp_path_factory.mktemp("secantus"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def mongo_client(mongo_server):  # noqa: ANN001, ANN201
    import pymongo

    from backend.storage.mongo import CLIENT_OPTIONS

    client = pymongo.MongoClient(mongo_server.uri, **CLIENT_OPTIONS)
    yield client
    client.close()


def make_store(kind: str, data_dir, mongo_client=None) -> Store:  # noqa: ANN001
    """A fresh store: the embedded one in `data_dir`, or a new database on the session's server."""
    if kind == "sqlite":
        from backend.storage.sqlite import SqliteStore

        return SqliteStore(data_dir)
    from backend.storage.mongo import MongoStore

    return MongoStore(mongo_client[f"t_{uuid.uuid4().hex}"])


@pytest.fixture(params=STORE_KINDS)
def store(request, tmp_path) -> Iterator[Store]:  # noqa: ANN001
    client = request.getfixturevalue("mongo_client") if request.param == "mongo" else None
    s = make_store(request.param, tmp_path / "data", client)
    yield s
    s.close()
    if client is not None:
        # Each test had its own database; dropping it keeps the server's files small.
        client.drop_database(s.database_name)


@pytest.fixture
def config(tmp_path) -> Config:  # noqa: ANN001
    return Config(
        data_dir=tmp_path / "data",
        testing=True,
        max_upload_mb=2,
        job_heartbeat_s=0.5,
        job_extra_kinds=("tests.job_kinds",),
        max_jobs_per_user=3,
    )


@pytest.fixture
def app(store, config):  # noqa: ANN001
    app = create_app(config, store=store)
    yield app
    shutdown(app)


@pytest.fixture
def client(app):  # noqa: ANN001
    return app.test_client()


class Session:
    """A signed-in user driving the test client."""

    def __init__(self, client, username: str) -> None:  # noqa: ANN001
        self.client = client
        self.username = username
        password = "correct horse battery"
        assert (
            client.post(
                "/api/v1/auth/register", json={"username": username, "password": password}
            ).status_code
            == 201
        )
        response = client.post(
            "/api/v1/auth/login", json={"username": username, "password": password}
        )
        assert response.status_code == 200
        self.token = response.get_json()["token"]
        self.headers = {"Authorization": f"Bearer {self.token}"}

    def request(self, method: str, path: str, **kwargs: Any):  # noqa: ANN201
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any):  # noqa: ANN201
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any):  # noqa: ANN201
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any):  # noqa: ANN201
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any):  # noqa: ANN201
        return self.request("DELETE", path, **kwargs)

    def upload(self, content: bytes | str, filename: str = "data.csv"):  # noqa: ANN201
        data = content.encode() if isinstance(content, str) else content
        return self.post(
            "/api/v1/datasets",
            data={"file": (io.BytesIO(data), filename)},
            content_type="multipart/form-data",
        )


@pytest.fixture
def login(client) -> Callable[[str], Session]:  # noqa: ANN001
    return lambda username="alice": Session(client, username)


@pytest.fixture
def alice(login) -> Session:  # noqa: ANN001
    return login("alice")


@pytest.fixture
def bob(login) -> Session:  # noqa: ANN001
    return login("bob")


CSV = 'year,price,city,when\n2001,1.5,Paris,2020-01-01\n2002,,Berlin,2020-01-02\n2003,3.25,"Rome, IT",2020-01-03\n'


@pytest.fixture
def csv_dataset(alice) -> dict[str, Any]:  # noqa: ANN001
    response = alice.upload(CSV, "prices.csv")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def wait_for(
    predicate: Callable[[], Any], timeout_s: float = 20.0, interval_s: float = 0.05
) -> Any:
    """Poll until `predicate()` is truthy; its value, or AssertionError on timeout."""
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval_s)
    raise AssertionError(f"condition not met within {timeout_s}s")


def read_sse(response) -> list[tuple[str, dict]]:  # noqa: ANN001
    """(event name, data) pairs from a streamed test response, until the stream ends."""
    import json

    events, name, data = [], "message", []
    for chunk in response.response:
        for line in (chunk.decode() if isinstance(chunk, bytes) else chunk).splitlines():
            if line.startswith("event:"):
                name = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                data.append(line.split(":", 1)[1].strip())
            elif not line and data:
                events.append((name, json.loads("\n".join(data))))
                name, data = "message", []
    return events
