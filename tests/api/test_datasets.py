from __future__ import annotations

import json

from tests.conftest import CSV


def column_types(dataset):
    return {c["name"]: c["type"] for c in dataset["columns"]}


def test_csv_upload_is_typed_with_missing_counts(csv_dataset):
    assert csv_dataset["format"] == "csv"
    assert (csv_dataset["n_rows"], csv_dataset["n_columns"]) == (3, 4)
    assert column_types(csv_dataset) == {
        "year": "temporal",
        "price": "quantitative",
        "city": "nominal",
        "when": "temporal",
    }
    assert {c["name"]: c["missing"] for c in csv_dataset["columns"]}["price"] == 1
    assert len(csv_dataset["id"]) > 0 and csv_dataset["created_at"]


def test_tsv_json_and_jsonl_uploads(alice):
    tsv = alice.upload("a\tb\n1\tx\n2\ty\n", "t.tsv").get_json()
    assert tsv["format"] == "tsv" and tsv["n_columns"] == 2
    records = [{"a": 1, "b": "x", "c": None}, {"a": 2.5, "b": "y", "c": True}]
    js = alice.upload(json.dumps(records), "r.json").get_json()
    assert js["format"] == "json" and js["n_rows"] == 2
    assert {c["name"]: c["missing"] for c in js["columns"]}["c"] == 1
    jsonl = alice.upload("\n".join(json.dumps(r) for r in records) + "\n", "r.jsonl").get_json()
    assert jsonl["format"] == "jsonl" and jsonl["n_rows"] == 2


def test_format_is_detected_by_content(alice):
    tabbed = alice.upload("a\tb\n1\t2\n", "export.txt").get_json()
    assert tabbed["format"] == "tsv"
    no_extension = alice.upload('[{"a": 1}]', "data").get_json()
    assert no_extension["format"] == "json"


def test_windows_1252_text_is_accepted(alice):
    response = alice.upload("name,value\nCaf\xe9,1\n".encode("cp1252"), "latin.csv")
    assert response.status_code == 201
    rows = alice.get(f"/api/v1/datasets/{response.get_json()['id']}/rows").get_json()
    assert rows["items"][0]["name"] == "Café"


def test_history_is_newest_first_paginated_and_searchable(alice):
    for name in ("first.csv", "second.csv", "third.csv"):
        assert alice.upload("a\n1\n", name).status_code == 201
    page = alice.get("/api/v1/datasets?page=1&page_size=2").get_json()
    assert [d["filename"] for d in page["items"]] == ["third.csv", "second.csv"]
    assert (page["total"], page["page"], page["page_size"]) == (3, 1, 2)
    rest = alice.get("/api/v1/datasets?page=2&page_size=2").get_json()
    assert [d["filename"] for d in rest["items"]] == ["first.csv"]
    found = alice.get("/api/v1/datasets?q=SEC").get_json()
    assert [d["filename"] for d in found["items"]] == ["second.csv"]


def test_rows_are_records_with_null_for_missing(alice, csv_dataset):
    rows = alice.get(f"/api/v1/datasets/{csv_dataset['id']}/rows?offset=1&limit=1").get_json()
    assert rows["total"] == 3
    assert rows["items"] == [{"year": 2002, "price": None, "city": "Berlin", "when": "2020-01-02"}]


def test_file_returns_the_original_bytes(alice, csv_dataset):
    response = alice.get(f"/api/v1/datasets/{csv_dataset['id']}/file")
    assert response.status_code == 200
    assert response.data == CSV.encode()
    assert "prices.csv" in response.headers["Content-Disposition"]


def test_delete_removes_dataset_file_and_charts(store, alice, csv_dataset):
    spec = {"mark": "point", "encoding": {"x": {"field": "price", "type": "quantitative"}}}
    chart = alice.post(
        "/api/v1/charts", json={"dataset_id": csv_dataset["id"], "spec": spec}
    ).get_json()
    blob_id = store.datasets.get_any(csv_dataset["id"])["blob_id"]
    assert alice.delete(f"/api/v1/datasets/{csv_dataset['id']}").status_code == 204
    assert alice.get(f"/api/v1/datasets/{csv_dataset['id']}").status_code == 404
    assert alice.get(f"/api/v1/charts/{chart['id']}").status_code == 404
    assert not store.blobs.exists(blob_id)


def test_restart_keeps_users_datasets_and_charts(tmp_path, config):
    from backend.app import create_app, shutdown
    from tests.conftest import Session

    first = create_app(config)
    alice = Session(first.test_client(), "alice")
    dataset = alice.upload(CSV, "prices.csv").get_json()
    spec = {"mark": "bar", "encoding": {"x": {"field": "city", "type": "nominal"}}}
    chart = alice.post(
        "/api/v1/charts", json={"dataset_id": dataset["id"], "spec": spec}
    ).get_json()
    shutdown(first)

    restarted = create_app(config)
    try:
        second = restarted.test_client()
        headers = {"Authorization": f"Bearer {alice.token}"}
        assert second.get("/api/v1/datasets", headers=headers).get_json()["total"] == 1
        assert (
            second.get(f"/api/v1/datasets/{dataset['id']}/rows", headers=headers).get_json()[
                "total"
            ]
            == 3
        )
        assert (
            second.get(f"/api/v1/charts/{chart['id']}", headers=headers).get_json()["spec"]["mark"]
            == "bar"
        )
    finally:
        shutdown(restarted)


def test_fast_list_serialization_matches_the_schema(store, alice, csv_dataset):
    from backend.schemas.common import page_schema
    from backend.schemas.datasets import DatasetSchema

    for name in ("données €.csv", "chart 📈.csv", '<b>"quoted"</b>\\.csv'):
        assert alice.upload("a,b\n1,é\n", name).status_code == 201
    alice.patch(
        f"/api/v1/datasets/{csv_dataset['id']}",
        json={"project_id": alice.post("/api/v1/projects", json={"name": "P"}).get_json()["id"]},
    )
    response = alice.get("/api/v1/datasets?page_size=3")
    page = response.get_json()
    listed = page["items"][0]
    assert listed == DatasetSchema().dump(store.datasets.get_any(listed["id"]))
    assert "blob_id" not in listed and "owner_id" not in listed
    # The whole page, byte for byte, as the schema dumps the full stored documents.
    full = {**page, "items": [store.datasets.get_any(item["id"]) for item in page["items"]]}
    assert response.get_data() == json.dumps(page_schema(DatasetSchema)().dump(full)).encode()
    last = alice.get("/api/v1/datasets?page=2&page_size=3")
    full = {**last.get_json(), "items": [store.datasets.get_any(csv_dataset["id"])]}
    assert full["items"][0]["project_id"] is not None
    assert last.get_data() == json.dumps(page_schema(DatasetSchema)().dump(full)).encode()
