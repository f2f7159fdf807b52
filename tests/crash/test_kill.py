"""kill -9 of the API (`python -m backend`) and of the database server at random points during
uploads and deletes: afterwards every acknowledged write is there, every acknowledged delete
is gone, nothing half-done is visible, and after `scripts/fsck.py` the store is consistent
(no dataset without its blob, no blob without an owner, reference counts and totals match).

Seeded (repeatable): 10 kills of the API on each store (20 in all), 5 of the database server.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import random
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from backend.storage.mongo import MongoStore
from backend.storage.sqlite import SqliteStore
from scripts.local_mongo import LocalMongo
from tests.crash.consistency import violations
from tests.jobs.processes import REPO, base_env, free_port, wait_until_up

pytestmark = pytest.mark.processes  # the API and SecantusDB, killed

SEED = 16
CHART_SPEC = {
    "mark": "point",
    "encoding": {
        "x": {"field": "n", "type": "quantitative"},
        "y": {"field": "value", "type": "quantitative"},
    },
}


class Api:
    """One `python -m backend` process on a store, restartable."""

    def __init__(self, tmp: Path, env_extra: dict[str, str]) -> None:
        self.port = free_port()
        self.env = base_env(tmp / "data", PORT=str(self.port), HOST="127.0.0.1", **env_extra)
        self.log_path = tmp / "api.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log_path, "ab") as log:  # the traceback of any 500 ends up here
            self.process = subprocess.Popen(
                [sys.executable, "-m", "backend"], cwd=REPO, env=self.env, stdout=log, stderr=log
            )
        # /health: the store is opened (and swept, once per boot) before the server listens.
        wait_until_up(f"http://127.0.0.1:{self.port}/health", self.process)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(30)


class Client:
    def __init__(self, port: int, token: str | None = None) -> None:
        self.port, self.token = port, token

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict | None = None,
        timeout: float = 20,
    ) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            headers = dict(headers or {})
            if self.token:
                headers["Authorization"] = f"Bearer {self.token}"
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def json(self, method: str, path: str, body: object = None) -> tuple[int, object]:
        data = json.dumps(body).encode() if body is not None else None
        status, raw = self.call(method, path, data, {"Content-Type": "application/json"})
        return status, json.loads(raw or b"null")

    def upload(self, data: bytes) -> tuple[int, object]:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="t.csv"\r\n'
                f"Content-Type: text/csv\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        status, raw = self.call(
            "POST",
            "/api/v1/datasets",
            body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        return status, json.loads(raw or b"null")

    def sign_up(self) -> Client:
        credentials = {"username": "crash", "password": "a long password for crashes"}
        self.json("POST", "/api/v1/auth/register", credentials)
        status, body = self.json("POST", "/api/v1/auth/login", credentials)
        assert status == 200, body
        return Client(self.port, body["token"])

    def all_pages(self, path: str) -> list[dict]:
        items, page = [], 1
        while True:
            status, body = self.json(
                "GET", f"{path}{'&' if '?' in path else '?'}page={page}&page_size=100"
            )
            assert status == 200, body
            items += body["items"]
            if len(items) >= body["total"]:
                return items
            page += 1


def make_payloads(rng: random.Random, count: int = 12) -> list[bytes]:
    """CSV files of 0.1-0.6 MB; two of them identical (the embedded store shares their blob)."""
    payloads = []
    for _ in range(count):
        rows = rng.randint(4_000, 25_000)
        lines = "".join(f"{n},{rng.random():.6f},{rng.choice('abcdef')}\n" for n in range(rows))
        payloads.append(("n,value,tag\n" + lines).encode())
    payloads.append(payloads[0])
    return payloads


class Workload:
    """Uploaders and deleters in threads, recording which writes the API acknowledged."""

    def __init__(self, client: Client, rng: random.Random, payloads: list[bytes]) -> None:
        self.client, self.rng, self.payloads = client, rng, payloads
        self.uploaded: dict[str, str] = {}  # acknowledged (201) dataset id -> sha256 of the bytes
        self.deleted: set[str] = set()  # acknowledged (204)
        self.unacknowledged_deletes: set[str] = (
            set()
        )  # cut off (error or 503): either state is right
        self.errors: list[str] = []  # answers that are never right (a 500, a 400 for a good file)
        self._claimed: set[str] = set()
        self._lock = threading.Lock()

    def seed(self, datasets: int = 2, charts_each: int = 3) -> None:
        """Datasets with charts, so that deletes have dependents to remove."""
        for _ in range(datasets):
            status, body = self.client.upload(self.rng.choice(self.payloads))
            assert status == 201, body
            self.uploaded[body["id"]] = body["sha256"]
            for _ in range(charts_each):
                status, chart = self.client.json(
                    "POST", "/api/v1/charts", {"dataset_id": body["id"], "spec": CHART_SPEC}
                )
                assert status == 201, chart

    def _claim(self, rng: random.Random) -> str | None:
        """A live dataset no other deleter is deleting (so a 404 is always wrong)."""
        with self._lock:
            candidates = [
                d for d in self.uploaded if d not in self.deleted and d not in self._claimed
            ]
            if not candidates:
                return None
            dataset_id = rng.choice(candidates)
            self._claimed.add(dataset_id)
            return dataset_id

    def _uploads(self, stop: threading.Event, rng: random.Random) -> None:
        while not stop.is_set():
            data = rng.choice(self.payloads)
            try:
                status, body = self.client.upload(data)
            except (OSError, http.client.HTTPException):
                continue  # the API was killed mid-request
            with self._lock:
                if status == 201 and body["sha256"] == hashlib.sha256(data).hexdigest():
                    self.uploaded[body["id"]] = body["sha256"]
                elif status != 503:  # 503: the database is down
                    self.errors.append(f"upload: {status} {body}")

    def _deletes(self, stop: threading.Event, rng: random.Random) -> None:
        while not stop.is_set():
            dataset_id = self._claim(rng)
            if dataset_id is None:
                time.sleep(0.01)
                continue
            try:
                status, raw = self.client.call("DELETE", f"/api/v1/datasets/{dataset_id}")
            except (OSError, http.client.HTTPException):
                status, raw = None, b"killed mid-request"
            with self._lock:
                self._claimed.discard(dataset_id)
                if status == 204:
                    self.deleted.add(dataset_id)
                elif status in (None, 503):
                    self.unacknowledged_deletes.add(dataset_id)
                    self._claimed.add(dataset_id)  # not tried again before the check
                else:
                    self.errors.append(f"delete: {status} {raw[:200]!r}")

    def run_until(self, crash: callable, log_path: Path) -> None:  # noqa: ANN001 - the crash to inject
        stop = threading.Event()
        threads = [
            threading.Thread(target=target, args=(stop, random.Random(self.rng.random())))
            for target in (self._uploads, self._uploads, self._deletes, self._deletes)
        ]
        for thread in threads:
            thread.start()
        try:
            crash()
        finally:
            stop.set()
            for thread in threads:
                thread.join(60)
        if self.errors:
            log = log_path.read_text(errors="replace")
            raise AssertionError(
                f"{self.errors}\nlast traceback of the API:\n{log[log.rfind('Traceback') :][-3000:]}"
            )

    def check_as_a_user_sees_it(self, client: Client) -> None:
        """Acknowledged uploads are there with their bytes, acknowledged deletes are gone, every
        listed dataset has its file, every chart its dataset."""
        listed = {d["id"]: d for d in client.all_pages("/api/v1/datasets")}
        for dataset_id, sha in self.uploaded.items():
            if dataset_id in self.deleted:
                assert dataset_id not in listed
                assert client.call("GET", f"/api/v1/datasets/{dataset_id}")[0] == 404
            elif dataset_id not in self.unacknowledged_deletes:
                assert dataset_id in listed, f"acknowledged upload {dataset_id} is gone"
                assert listed[dataset_id]["sha256"] == sha
        for dataset_id in listed:
            status, raw = client.call("GET", f"/api/v1/datasets/{dataset_id}/file")
            assert status == 200 and hashlib.sha256(raw).hexdigest() == listed[dataset_id]["sha256"]
            with self._lock:
                self.uploaded.setdefault(
                    dataset_id, listed[dataset_id]["sha256"]
                )  # unacknowledged but stored
        for chart in client.all_pages("/api/v1/charts"):
            assert chart["dataset_id"] in listed, (
                f"chart {chart['id']} of a deleted dataset is listed"
            )
        # A delete cut off either happened (gone) or did not (listed): both are whole states.
        self.deleted |= self.unacknowledged_deletes - set(listed)
        self.unacknowledged_deletes.clear()
        self._claimed.clear()


def run_fsck(env: dict[str, str]) -> dict:
    result = subprocess.run(
        [sys.executable, "scripts/fsck.py", "--grace-s", "0", "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def kill_the_api_repeatedly(api: Api, kills: int, rng: random.Random) -> tuple[Workload, Client]:
    api.start()
    client = Client(api.port).sign_up()
    work = Workload(client, rng, make_payloads(rng))
    for _ in range(kills):
        work.seed()
        delay = rng.uniform(0.05, 1.0)
        work.run_until(lambda: (time.sleep(delay), api.kill()), api.log_path)  # noqa: B023 - called right here
        api.start()  # the startup sweep finishes what the kill cut short
        work.check_as_a_user_sees_it(client)
    return work, client


@pytest.mark.parametrize("kind", ["sqlite", "mongo"])
def test_kill_9_of_the_api_during_uploads_and_deletes(kind, tmp_path, request):
    rng = random.Random(f"{SEED}-{kind}")
    if kind == "mongo":
        uri = request.getfixturevalue("mongo_server").uri_for(f"crash_{uuid.uuid4().hex}")
        api, open_store = Api(tmp_path, {"MONGO_URI": uri}), lambda: MongoStore.from_uri(uri)
    else:
        api, open_store = Api(tmp_path, {}), lambda: SqliteStore(tmp_path / "data")
    try:
        work, client = kill_the_api_repeatedly(api, kills=10, rng=rng)
        total = len(client.all_pages("/api/v1/datasets"))
    finally:
        api.kill()
    report = run_fsck(api.env)
    store = open_store()
    try:
        assert violations(store) == []
        assert report["missing_blobs"] == []
        assert store.datasets.count_any() == total == len(set(work.uploaded) - work.deleted)
    finally:
        store.close()


def test_kill_9_of_the_database_server_during_uploads_and_deletes(tmp_path):
    rng = random.Random(f"{SEED}-database")
    db = LocalMongo(tmp_path / "secantus").start()
    uri = db.uri_for("crash")
    api = Api(tmp_path, {"MONGO_URI": uri})
    try:
        api.start()
        client = Client(api.port).sign_up()
        work = Workload(client, rng, make_payloads(rng))
        for _ in range(5):
            work.seed()
            delay = rng.uniform(0.05, 1.0)

            def crash_and_restart() -> None:
                time.sleep(delay)  # noqa: B023 - called within this iteration
                db.kill()
                time.sleep(0.3)
                db.start()
                wait_until_up(f"http://127.0.0.1:{api.port}/ready", api.process)

            work.run_until(crash_and_restart, api.log_path)
            # A DELETE answered 503 is retried, as its Retry-After says; it finishes the delete.
            for dataset_id in sorted(work.unacknowledged_deletes):
                status, raw = client.call("DELETE", f"/api/v1/datasets/{dataset_id}")
                assert status in (204, 404), raw
                work.deleted.add(dataset_id)
            work.unacknowledged_deletes.clear()
            work.check_as_a_user_sees_it(client)
        total = len(client.all_pages("/api/v1/datasets"))
    finally:
        api.kill()
    report = run_fsck(api.env)
    store = MongoStore.from_uri(uri)
    try:
        assert violations(store) == [] and report["missing_blobs"] == []
        assert store.datasets.count_any() == total == len(set(work.uploaded) - work.deleted)
    finally:
        store.close()
        db.kill()
