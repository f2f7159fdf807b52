"""Per-user quotas: how many datasets and how many bytes one user may hold, uploads and
derived datasets (imputation results) together. Past a quota nothing is stored."""

from __future__ import annotations

import pandas as pd
import pytest

from backend.app import create_app, shutdown
from backend.config import Config
from backend.errors import DatasetQuotaError
from backend.services import datasets
from backend.services.quotas import Quotas
from tests.conftest import Session, wait_for

SMALL = "t,v\n1,1\n2,\n3,3\n4,4\n5,5\n6,\n7,7\n8,8\n"


@pytest.fixture
def quota_client(store, config):  # noqa: ANN001
    """quota_client(**settings): a client of an app with those quota settings."""
    apps = []

    def make(**settings: int):  # noqa: ANN202
        apps.append(create_app(config.with_overrides(**settings), store=store))
        return apps[-1].test_client()

    yield make
    for app in apps:
        shutdown(app)


def _assert_quota_problem(response, status: int, setting: str) -> dict:  # noqa: ANN001
    assert response.status_code == status, response.get_json()
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["quota"]["setting"] == setting
    return body


def _blob_ids(store) -> set[str]:  # noqa: ANN001
    return {d["blob_id"] for d in store.datasets.find_any()}


def test_the_dataset_count_is_capped_per_user(quota_client, store):  # noqa: ANN001
    client = quota_client(max_datasets_per_user=2)
    alice, bob = Session(client, "alice"), Session(client, "bob")
    first = alice.upload(SMALL, "a.csv").get_json()
    assert alice.upload(SMALL.replace("8,8", "8,9"), "b.csv").status_code == 201
    blobs = _blob_ids(store)

    body = _assert_quota_problem(alice.upload("x,y\n1,2\n", "c.csv"), 429, "MAX_DATASETS_PER_USER")
    assert (
        body["type"] == "/problems/dataset-quota"
        and body["quota"]["max"] == 2
        and body["quota"]["used"] == 2
    )
    assert alice.get("/api/v1/datasets").get_json()["total"] == 2 and _blob_ids(store) == blobs
    # Another user has a quota of their own; deleting frees a place.
    assert bob.upload(SMALL, "b.csv").status_code == 201
    assert alice.delete(f"/api/v1/datasets/{first['id']}").status_code == 204
    assert alice.upload("x,y\n1,2\n", "c.csv").status_code == 201


def test_stored_bytes_are_capped_per_user(quota_client, store):  # noqa: ANN001
    alice = Session(quota_client(max_storage_mb_per_user=1), "alice")
    big = "a,b\n" + "".join(f"{i},{i * 7}\n" for i in range(60_000))  # about 0.6 MB
    assert 0.5 * 2**20 < len(big) < 2**20
    assert alice.upload(big, "one.csv").status_code == 201
    blobs = _blob_ids(store)

    body = _assert_quota_problem(
        alice.upload(big + "1,1\n", "two.csv"), 413, "MAX_STORAGE_MB_PER_USER"
    )
    assert body["type"] == "/problems/storage-quota" and body["quota"]["max"] == 2**20
    assert alice.get("/api/v1/datasets").get_json()["total"] == 1 and _blob_ids(store) == blobs
    assert alice.upload("a,b\n1,2\n", "small.csv").status_code == 201  # what still fits is fine


def test_derived_datasets_count_too(quota_client):  # noqa: ANN001
    alice = Session(quota_client(max_datasets_per_user=2), "alice")
    source = alice.upload(SMALL, "series.csv").get_json()
    started = alice.post(f"/api/v1/datasets/{source['id']}/imputations", json={"method": "linear"})
    assert started.status_code == 202
    job = wait_for(
        lambda: (
            (j := alice.get(f"/api/v1/jobs/{started.get_json()['id']}").get_json())["status"]
            not in ("queued", "running")
            and j
        )
    )
    assert job["status"] == "succeeded", job["error"]
    assert alice.get("/api/v1/datasets").get_json()["total"] == 2  # the upload and its imputed copy

    # Full now: a further upload and a further imputation are refused before any work.
    _assert_quota_problem(alice.upload("x,y\n1,2\n", "c.csv"), 429, "MAX_DATASETS_PER_USER")
    again = alice.post(f"/api/v1/datasets/{source['id']}/imputations", json={"method": "linear"})
    _assert_quota_problem(again, 429, "MAX_DATASETS_PER_USER")
    assert alice.get("/api/v1/jobs").get_json()["total"] == 1


def test_a_result_that_would_pass_the_quota_is_not_stored(quota_client, store):  # noqa: ANN001
    """Job code checks again when it stores its result (the user may have uploaded meanwhile):
    the job fails with the quota's problem and nothing is stored."""
    alice = Session(quota_client(max_datasets_per_user=1), "alice")
    alice.upload(SMALL, "series.csv")
    user_id = alice.get("/api/v1/auth/me").get_json()["id"]
    blobs = _blob_ids(store)
    with pytest.raises(DatasetQuotaError) as raised:
        datasets.create_dataset_from_frame(
            store, user_id, pd.DataFrame({"a": [1, 2]}), "derived.csv", quotas=Quotas(1, 2**30)
        )
    assert raised.value.to_problem()["quota"]["used"] == 1
    assert alice.get("/api/v1/datasets").get_json()["total"] == 1 and _blob_ids(store) == blobs


def test_quotas_are_settings() -> None:
    config = Config.from_env({"MAX_DATASETS_PER_USER": "7", "MAX_STORAGE_MB_PER_USER": "3"})
    assert (config.max_datasets_per_user, config.max_storage_bytes_per_user) == (7, 3 * 2**20)


def test_each_app_applies_its_own_settings(quota_client):  # noqa: ANN001
    """Quotas come from the app's Config, not from whichever app was configured last."""
    strict = quota_client(max_datasets_per_user=1)
    quota_client(max_datasets_per_user=50)  # another app in the same process
    alice = Session(strict, "alice")
    assert alice.upload(SMALL, "a.csv").status_code == 201
    _assert_quota_problem(alice.upload("x,y\n1,2\n", "b.csv"), 429, "MAX_DATASETS_PER_USER")
