from __future__ import annotations

SPEC = {
    "mark": "bar",
    "encoding": {
        "x": {"field": "city", "type": "nominal"},
        "y": {"field": "price", "type": "quantitative"},
    },
}


def save(alice, dataset, spec=SPEC, title="Price by city"):
    response = alice.post(
        "/api/v1/charts", json={"dataset_id": dataset["id"], "spec": spec, "title": title}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_saved_spec_is_bound_to_the_dataset(alice, csv_dataset):
    chart = save(alice, csv_dataset, {**SPEC, "data": {"url": "http://elsewhere.example/x.csv"}})
    assert chart["spec"]["data"]["url"].startswith(f"/api/v1/datasets/{csv_dataset['id']}/rows")
    # The bound URL really serves the rows a Vega loader expects.
    rows = alice.get(chart["spec"]["data"]["url"]).get_json()
    assert len(rows[chart["spec"]["data"]["format"]["property"]]) == 3


def test_list_by_dataset_get_rename_delete(alice, csv_dataset):
    other = alice.upload("city,price\nA,1\n", "other.csv").get_json()
    first = save(alice, csv_dataset)
    save(alice, other)
    listed = alice.get(f"/api/v1/charts?dataset_id={csv_dataset['id']}").get_json()
    assert [c["id"] for c in listed["items"]] == [first["id"]]
    assert alice.get("/api/v1/charts").get_json()["total"] == 2
    renamed = alice.patch(f"/api/v1/charts/{first['id']}", json={"title": "Renamed"}).get_json()
    assert renamed["title"] == "Renamed"
    assert alice.get(f"/api/v1/charts/{first['id']}").get_json()["title"] == "Renamed"
    assert alice.delete(f"/api/v1/charts/{first['id']}").status_code == 204
    assert alice.get(f"/api/v1/charts/{first['id']}").status_code == 404


def test_png_and_svg_render_with_the_datasets_data(alice, csv_dataset):
    chart = save(alice, csv_dataset)
    png = alice.get(f"/api/v1/charts/{chart['id']}/image.png")
    assert png.status_code == 200 and png.content_type == "image/png"
    assert png.data.startswith(b"\x89PNG")
    svg = alice.get(f"/api/v1/charts/{chart['id']}/image.svg")
    assert svg.status_code == 200 and svg.content_type.startswith("image/svg+xml")
    # The data came from the stored dataset: each bar is labelled with its row
    # (Berlin's price is missing, so Vega-Lite draws no bar for it).
    text = svg.get_data(as_text=True)
    assert "city: Paris; price: 1.5" in text and "city: Rome, IT; price: 3.25" in text
    assert "Berlin" not in text


def test_invalid_specs_are_rejected(alice, csv_dataset):
    for bad in (
        {"mark": "nonsense"},
        {"mark": "bar", "encoding": {"x": {"field": "city", "type": "bogus"}}},
    ):
        response = alice.post("/api/v1/charts", json={"dataset_id": csv_dataset["id"], "spec": bad})
        assert response.status_code == 422
        assert response.content_type == "application/problem+json"
        assert response.get_json()["errors"]["spec"]
    unknown_field = {"mark": "bar", "encoding": {"x": {"field": "nope", "type": "nominal"}}}
    response = alice.post(
        "/api/v1/charts", json={"dataset_id": csv_dataset["id"], "spec": unknown_field}
    )
    assert response.status_code == 422 and "nope" in str(response.get_json()["errors"])
    assert alice.get("/api/v1/charts").get_json()["total"] == 0


def test_control_characters_in_data_render_instead_of_killing_the_worker(alice):
    rows = "".join(
        f"row {i},{i}\n" for i in range(40)
    )  # a few stray bytes in otherwise normal text
    dataset = alice.upload("name,value\nA\x1aB,1\nC\x0bD,2\n" + rows, "control.csv").get_json()
    spec = {
        "mark": "bar",
        "encoding": {
            "x": {"field": "name", "type": "nominal"},
            "y": {"field": "value", "type": "quantitative"},
        },
    }
    chart = save(alice, dataset, spec)
    for fmt in ("png", "svg"):
        response = alice.get(f"/api/v1/charts/{chart['id']}/image.{fmt}")
        assert response.status_code == 200
