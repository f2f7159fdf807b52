"""The fast list path (api/responses.projected_page) answers the same bytes as the schema's dump.

GET /datasets sends the stored documents projected onto DatasetSchema's fields instead of a
marshmallow dump (a fraction of the CPU); these records hold the values where the two could
part: non-ASCII and escaped text, None, integers past 64 bits, timestamps, empty and long
nested lists, and stored fields the schema does not send.
"""

from __future__ import annotations

import json

from backend.api.responses import projected_page
from backend.schemas.common import page_schema
from backend.schemas.datasets import DatasetSchema


def stored(**fields):  # noqa: ANN003, ANN201 - a dataset document as the stores return it
    doc = {
        "id": "0123456789abcdef0123456789abcdef",
        "filename": "prices.csv",
        "format": "csv",
        "size_bytes": 36,
        "sha256": "f14c872481ac41e7846da9e19e88eef14701c8ba10d3040bfb6b1b87b11a9899",
        "n_rows": 2,
        "n_columns": 1,
        "columns": [{"name": "a", "type": "quantitative", "missing": 0}],
        "lineage": None,
        "created_at": "2026-12-07T05:54:40.210561+00:00",
        "project_id": None,
    }
    doc.update(fields)
    return doc


ODD_RECORDS = [
    stored(),
    stored(filename="données €.csv", project_id="prj-é"),
    stored(filename="chart 📈 \u2028 line.tsv", format="tsv"),
    stored(filename='<script>alert("x")</script>\\.csv', sha256=""),
    stored(filename="tab\tnew\nline\x00nul.csv"),
    stored(size_bytes=0, n_rows=0, n_columns=0, columns=[]),
    stored(size_bytes=2**63 + 1, n_rows=10**30, n_columns=-1),
    stored(
        columns=[
            {"name": f"col {i} ü", "type": t, "missing": i * 10**12}
            for i, t in enumerate(["quantitative", "temporal", "nominal", "ordinal"] * 10)
        ],
        n_columns=40,
    ),
    stored(lineage={"source_dataset_id": "a" * 32, "job_id": "b" * 32, "kind": "imputation"}),
    stored(lineage={"source_dataset_id": None, "job_id": None, "kind": "synthesis"}),
    stored(created_at="1970-01-01T00:00:00+00:00"),
    stored(created_at="2099-12-31T23:59:59.999999+14:00", project_id="p"),
    # Stored fields the list never sends.
    stored(owner_id="u1", blob_id="b1", deleting=None, recommendations=[{"spec": {"mark": "bar"}}]),
]


def schema_bytes(body: dict) -> bytes:
    return json.dumps(page_schema(DatasetSchema)().dump(body)).encode()


def test_each_odd_record_is_sent_as_the_schema_dumps_it():
    for doc in ODD_RECORDS:
        body = {"items": [doc], "total": 1, "page": 1, "page_size": 20}
        assert projected_page(DatasetSchema, body).get_data() == schema_bytes(body), doc


def test_a_full_page_is_sent_as_the_schema_dumps_it():
    body = {"items": ODD_RECORDS, "total": 1001, "page": 3, "page_size": len(ODD_RECORDS)}
    response = projected_page(DatasetSchema, body)
    assert response.mimetype == "application/json"
    assert response.get_data() == schema_bytes(body)
    sent = json.loads(response.get_data())["items"]
    assert not {"owner_id", "blob_id", "deleting", "recommendations"} & set(sent[-1])


def test_an_empty_page():
    body = {"items": [], "total": 0, "page": 7, "page_size": 20}
    assert projected_page(DatasetSchema, body).get_data() == schema_bytes(body)
