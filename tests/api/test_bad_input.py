"""Every bad input answers a 4xx problem+json that names the problem, and stores nothing."""

from __future__ import annotations

import io
import json

import pytest

BAD_UPLOADS = {
    "empty file": (b"", "empty.csv", 400, "empty"),
    "whitespace only": (b"  \n\n ", "blank.csv", 400, "empty"),
    "unsupported extension": (b"a,b\n1,2\n", "sheet.xlsx", 415, ".xlsx"),
    "lying extension": (b'[{"a": 1}]', "data.csv", 400, "JSON"),
    "binary garbage": (bytes(range(256)) * 8, "data.csv", 400, "binary"),
    "gzip bytes": (b"\x1f\x8b\x08\x00" + bytes(200), "data.csv", 400, "binary"),
    "undecodable text": (b"a,b\n\x81\x8d\x8f,\x90\x9d\n", "data.csv", 400, "UTF-8"),
    "ragged rows": (b"a,b\n1,2\n3,4,5,6\n", "data.csv", 400, "line"),
    "json object": (b'{"a": {"b": 1}}', "data.json", 400, "object"),
    "json scalar list": (b"[1, 2, 3]", "data.json", 400, "not tabular"),
    "malformed json": (b'[{"a": 1},', "data.json", 400, "malformed"),
    "header only": (b"a,b,c\n", "data.csv", 400, "no data rows"),
}


def assert_problem(response, status: int):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


@pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
def test_bad_uploads_are_rejected_and_nothing_is_stored(store, alice, case):
    content, filename, status, words = BAD_UPLOADS[case]
    body = assert_problem(alice.upload(content, filename), status)
    assert words.lower() in body["detail"].lower()
    assert alice.get("/api/v1/datasets").get_json()["total"] == 0
    assert store.datasets.count_any() == 0
    blob_folder = getattr(store.blobs, "root", None)
    if blob_folder is not None:  # embedded store: no blob file either
        assert [p for p in blob_folder.rglob("*") if p.is_file()] == []


def test_oversized_upload_is_413(alice):
    too_big = b"a,b\n" + b"1,2\n" * (3 * 1024 * 1024 // 4)  # 3 MB against MAX_UPLOAD_MB=2
    assert_problem(alice.upload(too_big, "big.csv"), 413)
    assert alice.get("/api/v1/datasets").get_json()["total"] == 0


def test_missing_file_field_is_422(alice):
    response = alice.post("/api/v1/datasets", data={"other": (io.BytesIO(b"a\n1\n"), "x.csv")})
    body = assert_problem(response, 422)
    assert "file" in body["errors"]


def test_malformed_json_body_is_400(alice):
    response = alice.post("/api/v1/charts", data="{not json", content_type="application/json")
    assert "JSON" in assert_problem(response, 400)["detail"]


def test_unknown_fields_and_wrong_types_are_422(alice, csv_dataset):
    response = alice.post(
        "/api/v1/charts", json={"dataset_id": csv_dataset["id"], "spec": "bar", "colour": "red"}
    )
    body = assert_problem(response, 422)
    assert set(body["errors"]) == {"spec", "colour"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/datasets/unknown",
        "/api/v1/datasets/unknown/rows",
        "/api/v1/datasets/unknown/file",
        "/api/v1/charts/unknown",
        "/api/v1/charts/unknown/image.png",
        "/api/v1/no-such-route",
    ],
)
def test_unknown_ids_are_404(alice, path):
    assert_problem(alice.get(path), 404)


def test_bad_query_parameters_are_422(alice):
    for query in ("page=0", "page_size=1000", "page=abc"):
        assert_problem(alice.get(f"/api/v1/datasets?{query}"), 422)
    assert_problem(alice.get("/api/v1/datasets/x/rows?limit=-1"), 422)


def test_chart_for_an_unknown_dataset_is_404(alice):
    assert_problem(
        alice.post("/api/v1/charts", json={"dataset_id": "nope", "spec": {"mark": "bar"}}), 404
    )


def test_wrong_method_is_405(alice):
    assert_problem(alice.request("PUT", "/api/v1/datasets"), 405)


def test_awkward_but_valid_values_are_accepted(alice):
    records = [
        {"naïve ✓": 'it\'s "quoted"', "n": None, "b": False},
        {"naïve ✓": "x", "n": 1, "b": True},
    ]
    response = alice.upload(json.dumps(records, ensure_ascii=False).encode(), "awkward.json")
    assert response.status_code == 201
    rows = alice.get(f"/api/v1/datasets/{response.get_json()['id']}/rows").get_json()["items"]
    assert rows[0]["naïve ✓"] == 'it\'s "quoted"' and rows[0]["n"] is None


def test_large_json_arrays_are_refused_in_favour_of_json_lines(alice, monkeypatch):
    from backend.services import datasets

    monkeypatch.setattr(datasets, "MAX_JSON_ARRAY_BYTES", 1000)
    records = json.dumps([{"a": i, "b": "x" * 20} for i in range(100)])
    body = assert_problem(alice.upload(records, "big.json"), 413)
    assert "JSON Lines" in body["detail"]
    lines = "\n".join(json.dumps({"a": i, "b": "x" * 20}) for i in range(100))
    assert alice.upload(lines, "big.jsonl").status_code == 201
