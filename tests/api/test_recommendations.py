"""Recommendations over HTTP: valid charts bound to the dataset, stored, private."""

from __future__ import annotations

import pytest

from backend.charts import vegalite

# The model is the same whatever the store; one store keeps the suite fast.
pytestmark = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

CARS = "name,mpg,cylinders,origin,year\n" + "\n".join(
    f"car {i},{15 + (i * 7) % 20},{4 + 2 * (i % 3)},{['USA', 'Europe', 'Japan'][i % 3]},{1970 + i % 12}"
    for i in range(60)
)


def test_recommendations_are_valid_bound_to_the_dataset_and_kept(alice):
    dataset = alice.upload(CARS, "cars.csv").get_json()
    response = alice.post(
        f"/api/v1/datasets/{dataset['id']}/recommendations", json={"k": 4, "beam_width": 4}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["model_version"] and 1 <= len(body["items"]) <= 4
    columns = [c["name"] for c in dataset["columns"]]
    for item in body["items"]:
        assert item["source"] in ("model", "rules") and item["explanation"]
        assert item["intent"] in (
            "trend",
            "relationship",
            "distribution",
            "comparison",
            "composition",
        )
        assert vegalite.bound_dataset_id(item["spec"]) == dataset["id"]
        vegalite.validate(item["spec"], columns)  # raises if invalid or a phantom field
    scores = [item["score"] for item in body["items"]]
    assert len(
        {(str(i["spec"].get("mark")), str(i["spec"].get("encoding"))) for i in body["items"]}
    ) == len(scores)
    assert alice.get(f"/api/v1/datasets/{dataset['id']}/recommendations").get_json() == body
    # A recommended spec can be saved as a chart as it is.
    saved = alice.post(
        "/api/v1/charts", json={"dataset_id": dataset["id"], "spec": body["items"][0]["spec"]}
    )
    assert saved.status_code == 201


def test_no_recommendations_yet_is_404_and_others_cannot_ask(alice, bob):
    dataset = alice.upload(CARS, "cars.csv").get_json()
    assert alice.get(f"/api/v1/datasets/{dataset['id']}/recommendations").status_code == 404
    assert bob.post(f"/api/v1/datasets/{dataset['id']}/recommendations", json={}).status_code == 404
    assert (
        alice.post(f"/api/v1/datasets/{dataset['id']}/recommendations", json={"k": 0}).status_code
        == 422
    )
