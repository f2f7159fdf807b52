"""Projects over HTTP on both stores: CRUD, names per user, isolation, filters, moving data."""

from __future__ import annotations

from tests.conftest import wait_for

CSV = "time,v\n2024-01-01,1\n2024-01-02,\n2024-01-03,3\n2024-01-04,4\n"


def upload_to(session, project_id, name="d.csv"):
    response = session.post(
        "/api/v1/datasets",
        data={"file": (__import__("io").BytesIO(CSV.encode()), name), "project_id": project_id},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def ids(page) -> set[str]:
    return {item["id"] for item in page["items"]}


def test_project_crud_names_and_isolation(alice, bob):
    created = alice.post("/api/v1/projects", json={"name": "sensors", "description": "lab"})
    assert created.status_code == 201
    project = created.get_json()
    assert project["counts"] == {"datasets": 0, "jobs": 0, "models": 0}
    assert project["name"] == "sensors" and project["description"] == "lab"

    # Names are unique per user, not across users.
    clash = alice.post("/api/v1/projects", json={"name": "sensors"})
    assert clash.status_code == 409
    assert clash.headers["Content-Type"] == "application/problem+json"
    assert bob.post("/api/v1/projects", json={"name": "sensors"}).status_code == 201
    assert alice.post("/api/v1/projects", json={"name": ""}).status_code == 422

    # Bob sees none of Alice's: not in his list, 404 on every operation.
    assert ids(bob.get("/api/v1/projects").get_json()) != ids(
        alice.get("/api/v1/projects").get_json()
    )
    assert project["id"] not in ids(bob.get("/api/v1/projects").get_json())
    path = f"/api/v1/projects/{project['id']}"
    assert bob.get(path).status_code == 404
    assert bob.patch(path, json={"name": "mine"}).status_code == 404
    assert bob.delete(path).status_code == 404

    renamed = alice.patch(path, json={"name": "sensors-2024"}).get_json()
    assert renamed["name"] == "sensors-2024" and renamed["updated_at"] >= project["updated_at"]
    other = alice.post("/api/v1/projects", json={"name": "other"}).get_json()
    assert alice.patch(path, json={"name": "other"}).status_code == 409
    assert alice.get(path).get_json()["name"] == "sensors-2024"

    # A project holding a dataset cannot be deleted; once empty it can.
    dataset = upload_to(alice, project["id"])
    refused = alice.delete(path)
    assert refused.status_code == 409 and "1 datasets" in refused.get_json()["detail"]
    assert alice.get(path).get_json()["counts"]["datasets"] == 1
    assert (
        alice.patch(f"/api/v1/datasets/{dataset['id']}", json={"project_id": None}).status_code
        == 200
    )
    assert alice.delete(path).status_code == 204
    assert alice.get(path).status_code == 404
    assert alice.delete(f"/api/v1/projects/{other['id']}").status_code == 204


def test_datasets_and_jobs_belong_to_projects_and_lists_filter(alice, bob):
    project = alice.post("/api/v1/projects", json={"name": "p"}).get_json()
    inside = upload_to(alice, project["id"], "in.csv")
    outside = alice.upload(CSV, "out.csv").get_json()
    assert inside["project_id"] == project["id"] and outside["project_id"] is None

    def listed(query):
        return ids(alice.get(f"/api/v1/datasets?{query}").get_json())

    assert listed(f"project_id={project['id']}") == {inside["id"]}
    assert listed("project_id=default") == {outside["id"]}
    assert listed("") == {inside["id"], outside["id"]}

    # Someone else's project is not a place to upload to or move to; nothing changes.
    bobs = bob.post("/api/v1/projects", json={"name": "bob's"}).get_json()
    refused = alice.post(
        "/api/v1/datasets",
        data={"file": (__import__("io").BytesIO(CSV.encode()), "x.csv"), "project_id": bobs["id"]},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 404
    move = alice.patch(f"/api/v1/datasets/{outside['id']}", json={"project_id": bobs["id"]})
    assert move.status_code == 404
    assert alice.get(f"/api/v1/datasets/{outside['id']}").get_json()["project_id"] is None
    assert (
        bob.patch(f"/api/v1/datasets/{outside['id']}", json={"project_id": bobs["id"]}).status_code
        == 404
    )
    assert len(alice.get("/api/v1/datasets").get_json()["items"]) == 2

    # Moving a dataset in: it now lists under the project.
    moved = alice.patch(f"/api/v1/datasets/{outside['id']}", json={"project_id": project["id"]})
    assert moved.status_code == 200 and moved.get_json()["project_id"] == project["id"]
    assert listed("project_id=default") == set()

    # A job inherits its dataset's project; the jobs list filters by it.
    job = alice.post(
        f"/api/v1/datasets/{inside['id']}/imputations", json={"method": "linear"}
    ).get_json()
    assert job["project_id"] == project["id"]
    done = wait_for(
        lambda: (
            (j := alice.get(f"/api/v1/jobs/{job['id']}").get_json())["status"] == "succeeded" and j
        )
    )
    jobs_in = ids(alice.get(f"/api/v1/jobs?project_id={project['id']}").get_json())
    assert jobs_in == {job["id"]}
    assert ids(alice.get("/api/v1/jobs?project_id=default").get_json()) == set()
    # What the job made lands in the same project.
    made = alice.get(f"/api/v1/datasets/{done['result']['dataset_id']}").get_json()
    assert made["project_id"] == project["id"]
    counts = alice.get(f"/api/v1/projects/{project['id']}").get_json()["counts"]
    assert counts == {"datasets": 3, "jobs": 1, "models": 0}
