"""Downloads the server makes: CSV files it writes (imputed and synthetic datasets) never carry
a live spreadsheet formula (text cells starting with = + - @ tab or CR get a leading "'";
numbers stay numbers), and no download name carries control characters."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from backend.services.datasets import csv_safe, neutralize_cell
from tests.conftest import wait_for

PAYLOADS = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-A1*2", "'-A1*2"),
        ("@cmd", "'@cmd"),
        ("\t=1+2", "'\t=1+2"),
        ("\r=1+2", "'\r=1+2"),
        ("-3.5", "-3.5"),  # a plain signed number is a number to a spreadsheet too
        ("+12", "+12"),
        ("-1e-3", "-1e-3"),
        ("Paris", "Paris"),
        ("a=b", "a=b"),
        ("", ""),
        (-7.25, -7.25),
        (None, None),
    ],
)
def test_cells(cell: object, written: object) -> None:
    assert neutralize_cell(cell) == written


def test_numeric_columns_and_negative_numbers_are_untouched() -> None:
    frame = pd.DataFrame(
        {
            "x": [-1.5, 2.0, -3.0],
            "n": [-1, 2, -3],
            "label": ["-1", "=1+1", "ok"],
            "=evil": [1, 2, 3],
        }
    )
    text = csv_safe(frame).to_csv(index=False)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["x", "n", "label", "'=evil"]
    assert rows[1:] == [
        ["-1.5", "-1", "-1", "1"],
        ["2.0", "2", "'=1+1", "2"],
        ["-3.0", "-3", "ok", "3"],
    ]
    assert frame["label"].tolist() == ["-1", "=1+1", "ok"]  # the caller's frame is not changed


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_an_imputed_download_carries_no_formula(alice):  # noqa: ANN001
    # The payloads hold commas and quotes: written through the csv module.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["t", "temp", "note"])
    for i in range(1, 13):
        writer.writerow([i, "" if i in (3, 7) else -i * 1.5, PAYLOADS[i % 4]])
    source = buffer.getvalue()
    dataset = alice.upload(source, "notes.csv").get_json()
    started = alice.post(
        f"/api/v1/datasets/{dataset['id']}/imputations",
        json={"method": "linear", "time_column": "t"},
    )
    assert started.status_code == 202, started.get_json()
    job_id = started.get_json()["id"]
    job = wait_for(
        lambda: (
            (j := alice.get(f"/api/v1/jobs/{job_id}").get_json())["status"]
            not in ("queued", "running")
            and j
        )
    )
    assert job["status"] == "succeeded", job["error"]

    body = alice.get(f"/api/v1/datasets/{job['result']['dataset_id']}/file").data.decode()
    table = list(csv.DictReader(io.StringIO(body)))
    assert [row["note"] for row in table] == ["'" + PAYLOADS[i % 4] for i in range(1, 13)]
    # Negative numbers are written as numbers, observed ones exactly, the gaps filled between them.
    temps = [float(row["temp"]) for row in table]
    assert temps[0] == -1.5 and temps[11] == -18.0 and all(t < 0 for t in temps)
    assert not any(cell.startswith(("=", "+", "@")) for row in table for cell in row.values())


@pytest.mark.parametrize(
    ("stored", "offered"),
    [
        ("evil\x00\r\nname.csv", "evilname.csv"),
        ("a\u202egnp.csv", "agnp.csv"),
        ("\x00\x01", "dataset-{id}.csv"),
    ],
)
def test_download_names_are_cleaned_even_for_old_records(alice, store, stored: str, offered: str):  # noqa: ANN001
    """Records written before uploads cleaned names may still hold control characters."""
    dataset = alice.upload("a,b\n1,2\n", "plain.csv").get_json()
    owner_id = alice.get("/api/v1/auth/me").get_json()["id"]
    store.datasets.update(dataset["id"], owner_id, {"filename": stored})
    response = alice.get(f"/api/v1/datasets/{dataset['id']}/file")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition == f"attachment; filename={offered.format(id=dataset['id'])}"
