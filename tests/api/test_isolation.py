"""Users never see each other's data: another user's id answers 404, like a missing one."""

from __future__ import annotations

from tests.api.test_charts import SPEC


def test_neither_user_can_touch_the_others_datasets_or_charts(alice, bob, csv_dataset):
    chart = alice.post(
        "/api/v1/charts", json={"dataset_id": csv_dataset["id"], "spec": SPEC}
    ).get_json()
    d, c = csv_dataset["id"], chart["id"]
    for method, path, kwargs in [
        ("GET", f"/api/v1/datasets/{d}", {}),
        ("GET", f"/api/v1/datasets/{d}/rows", {}),
        ("GET", f"/api/v1/datasets/{d}/file", {}),
        ("DELETE", f"/api/v1/datasets/{d}", {}),
        ("GET", f"/api/v1/charts/{c}", {}),
        ("PATCH", f"/api/v1/charts/{c}", {"json": {"title": "mine now"}}),
        ("DELETE", f"/api/v1/charts/{c}", {}),
        ("GET", f"/api/v1/charts/{c}/image.svg", {}),
        ("POST", "/api/v1/charts", {"json": {"dataset_id": d, "spec": SPEC}}),
    ]:
        response = bob.request(method, path, **kwargs)
        assert response.status_code == 404, (method, path)
        assert "Paris" not in response.get_data(as_text=True)
    assert bob.get("/api/v1/datasets").get_json()["total"] == 0
    assert bob.get("/api/v1/charts").get_json()["total"] == 0
    assert bob.get(f"/api/v1/charts?dataset_id={d}").get_json()["total"] == 0
    # Alice still has everything, unchanged.
    assert alice.get(f"/api/v1/charts/{c}").get_json()["title"] == chart["title"]
    assert alice.get("/api/v1/datasets").get_json()["total"] == 1
