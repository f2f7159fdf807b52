"""Reports (issue 18): CRUD, blocks and their checks, isolation, share links, HTML and PDF export."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from backend.services.common import new_document
from tests.api.test_charts import save

LINE_SPEC = {
    "mark": "line",
    "encoding": {
        "x": {"field": "year", "type": "ordinal"},
        "y": {"field": "price", "type": "quantitative"},
    },
}


def new_report(session, dataset, title="Prices in 2001-2003"):
    response = session.post("/api/v1/reports", json={"dataset_id": dataset["id"], "title": title})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def add(session, report, **block):
    return session.post(f"/api/v1/reports/{report['id']}/blocks", json=block)


def added(session, report, **block):
    response = add(session, report, **block)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def problem(response, status):
    assert response.status_code == status, (response.status_code, response.get_json())
    assert response.content_type == "application/problem+json"
    return response.get_json()


def finished_job(store, owner_id, dataset_id, status="succeeded"):
    job = new_document(
        owner_id,
        kind="imputation",
        status=status,
        dataset_id=dataset_id,
        params={"method": "linear"},
        metrics=[{"step": 3, "loss": 0.25, "val_mae": 0.125}],
        result={"dataset_id": "d2", "model_id": "m1"},
    )
    return store.jobs.insert(job)


def owner_of(session):
    return session.get("/api/v1/auth/me").get_json()["id"]


def test_create_list_rename_delete(alice, csv_dataset):
    other = alice.upload("city,price\nA,1\n", "other.csv").get_json()
    first = new_report(alice, csv_dataset)
    assert first["title"] == "Prices in 2001-2003" and first["blocks"] == []
    assert first["share"] is None and first["dataset_id"] == csv_dataset["id"]
    second = new_report(alice, other, "Other")
    listed = alice.get("/api/v1/reports").get_json()
    assert [r["id"] for r in listed["items"]] == [second["id"], first["id"]]  # newest first
    by_dataset = alice.get(f"/api/v1/reports?dataset_id={csv_dataset['id']}").get_json()
    assert [r["id"] for r in by_dataset["items"]] == [first["id"]]
    renamed = alice.patch(f"/api/v1/reports/{first['id']}", json={"title": "Renamed"}).get_json()
    assert renamed["title"] == "Renamed" and renamed["updated_at"] > first["updated_at"]
    assert alice.get(f"/api/v1/reports/{first['id']}").get_json()["title"] == "Renamed"
    assert alice.delete(f"/api/v1/reports/{first['id']}").status_code == 204
    problem(alice.get(f"/api/v1/reports/{first['id']}"), 404)
    assert alice.get("/api/v1/reports").get_json()["total"] == 1


def test_bad_report_bodies_change_nothing(alice, bob, csv_dataset):
    for body in (
        {"dataset_id": csv_dataset["id"]},
        {"dataset_id": csv_dataset["id"], "title": ""},
        {"dataset_id": csv_dataset["id"], "title": "x" * 201},
        {"dataset_id": csv_dataset["id"], "title": "ok", "extra": 1},
    ):
        problem(alice.post("/api/v1/reports", json=body), 422)
    problem(alice.post("/api/v1/reports", json={"dataset_id": "nope", "title": "t"}), 404)
    # Bob cannot start a report on Alice's dataset.
    problem(bob.post("/api/v1/reports", json={"dataset_id": csv_dataset["id"], "title": "t"}), 404)
    assert alice.get("/api/v1/reports").get_json()["total"] == 0


def test_blocks_are_added_inserted_edited_reordered_and_deleted(alice, csv_dataset):
    report = new_report(alice, csv_dataset)
    chart = save(alice, csv_dataset)
    report = added(alice, report, type="chart", chart_id=chart["id"])
    report = added(alice, report, type="text", markdown="# Findings")
    report = added(alice, report, type="profile", position=0)
    assert [b["type"] for b in report["blocks"]] == ["profile", "chart", "text"]
    profile_block, chart_block, text_block = report["blocks"]
    assert chart_block["chart_id"] == chart["id"] and text_block["markdown"] == "# Findings"
    assert len({b["id"] for b in report["blocks"]}) == 3

    path = f"/api/v1/reports/{report['id']}/blocks"
    edited = alice.patch(f"{path}/{text_block['id']}", json={"markdown": "Prices *rose*."})
    assert (
        edited.status_code == 200 and edited.get_json()["blocks"][2]["markdown"] == "Prices *rose*."
    )
    # Only text blocks have Markdown.
    problem(alice.patch(f"{path}/{chart_block['id']}", json={"markdown": "x"}), 422)

    order = [text_block["id"], chart_block["id"], profile_block["id"]]
    reordered = alice.request("PUT", f"{path}/order", json={"block_ids": order})
    assert [b["id"] for b in reordered.get_json()["blocks"]] == order
    for bad in (order[:2], [*order, order[0]], [order[0], order[0], order[1]], [*order[:2], "x"]):
        problem(alice.request("PUT", f"{path}/order", json={"block_ids": bad}), 422)

    removed = alice.delete(f"{path}/{chart_block['id']}").get_json()
    assert [b["id"] for b in removed["blocks"]] == [text_block["id"], profile_block["id"]]
    problem(alice.delete(f"{path}/{chart_block['id']}"), 404)
    problem(alice.patch(f"{path}/nope", json={"markdown": "x"}), 404)
    stored = alice.get(f"/api/v1/reports/{report['id']}").get_json()
    assert stored["blocks"] == removed["blocks"]


def test_block_references_are_checked(store, alice, bob, csv_dataset):
    report = new_report(alice, csv_dataset)
    other = alice.upload("city,price\nA,1\n", "other.csv").get_json()
    chart_of_other_dataset = save(alice, other)
    bobs_dataset = bob.upload("city,price\nB,2\n", "bob.csv").get_json()
    bobs_chart = save(bob, bobs_dataset)
    running = finished_job(store, owner_of(alice), csv_dataset["id"], status="running")
    bobs_job = finished_job(store, owner_of(bob), bobs_dataset["id"])
    cases = [
        ({"type": "chart", "chart_id": "nope"}, "chart_id"),
        ({"type": "chart", "chart_id": bobs_chart["id"]}, "chart_id"),
        ({"type": "chart", "chart_id": chart_of_other_dataset["id"]}, "chart_id"),
        ({"type": "chart"}, "chart_id"),
        ({"type": "text"}, "markdown"),
        ({"type": "text", "markdown": "x" * 20_001}, "markdown"),
        ({"type": "text", "markdown": "hi", "chart_id": chart_of_other_dataset["id"]}, "chart_id"),
        ({"type": "job", "job_id": running["id"]}, "job_id"),
        ({"type": "job", "job_id": bobs_job["id"]}, "job_id"),
        ({"type": "model", "model_id": "nope"}, "model_id"),
        ({"type": "profile", "position": 1}, "position"),
        ({"type": "table"}, "type"),
    ]
    for body, field in cases:
        body_problem = problem(add(alice, report, **body), 422)
        assert field in body_problem["errors"], (body, body_problem)
    assert alice.get(f"/api/v1/reports/{report['id']}").get_json()["blocks"] == []


def test_blocks_per_report_are_capped(alice, csv_dataset, monkeypatch):
    from backend.services import reports

    monkeypatch.setattr(reports, "MAX_BLOCKS", 3)
    report = new_report(alice, csv_dataset)
    for _ in range(3):
        report = added(alice, report, type="profile")
    assert "blocks" in problem(add(alice, report, type="text", markdown="one more"), 422)["errors"]
    assert len(alice.get(f"/api/v1/reports/{report['id']}").get_json()["blocks"]) == 3


def test_reports_per_user_are_capped(app, alice, bob, csv_dataset):
    app.extensions["config"] = app.extensions["config"].with_overrides(max_reports_per_user=2)
    new_report(alice, csv_dataset)
    new_report(alice, csv_dataset)
    body = problem(
        alice.post("/api/v1/reports", json={"dataset_id": csv_dataset["id"], "title": "3"}), 429
    )
    assert body["quota"] == {"setting": "MAX_REPORTS_PER_USER", "max": 2, "used": 2}
    # The cap is per user.
    new_report(bob, bob.upload("a,b\n1,2\n", "b.csv").get_json())


def test_another_user_gets_404_on_every_report_route(alice, bob, csv_dataset):
    report = new_report(alice, csv_dataset)
    report = added(alice, report, type="text", markdown="Paris is secret")
    block = report["blocks"][0]["id"]
    r = f"/api/v1/reports/{report['id']}"
    for method, path, kwargs in [
        ("GET", r, {}),
        ("PATCH", r, {"json": {"title": "mine"}}),
        ("DELETE", r, {}),
        ("POST", f"{r}/blocks", {"json": {"type": "profile"}}),
        ("PATCH", f"{r}/blocks/{block}", {"json": {"markdown": "mine"}}),
        ("DELETE", f"{r}/blocks/{block}", {}),
        ("PUT", f"{r}/blocks/order", {"json": {"block_ids": [block]}}),
        ("POST", f"{r}/share", {}),
        ("DELETE", f"{r}/share", {}),
        ("GET", f"{r}/export.html", {}),
        ("GET", f"{r}/export.pdf", {}),
        ("GET", f"/api/v1/datasets/{csv_dataset['id']}/profile", {}),
    ]:
        response = bob.request(method, path, **kwargs)
        assert response.status_code == 404, (method, path)
        assert "secret" not in response.get_data(as_text=True)
    assert bob.get("/api/v1/reports").get_json()["total"] == 0
    assert bob.get(f"/api/v1/reports?dataset_id={csv_dataset['id']}").get_json()["total"] == 0
    unchanged = alice.get(r).get_json()
    assert unchanged["title"] == report["title"] and unchanged["blocks"] == report["blocks"]
    assert unchanged["share"] is None


def test_share_link_opens_read_only_without_sign_in_until_revoked(client, alice, csv_dataset):
    report = new_report(alice, csv_dataset)
    chart = save(alice, csv_dataset)
    report = added(alice, report, type="chart", chart_id=chart["id"])
    report = added(alice, report, type="text", markdown="**Rome** is dearest")
    share = alice.post(f"/api/v1/reports/{report['id']}/share").get_json()
    assert len(share["token"]) >= 43 and share["url"] == f"/shared/reports/{share['token']}"
    assert alice.get(f"/api/v1/reports/{report['id']}").get_json()["share"] == share
    # Sharing again gives the same link.
    assert alice.post(f"/api/v1/reports/{report['id']}/share").get_json() == share

    shared = client.get(f"/api/v1/shared/reports/{share['token']}")  # no Authorization header
    assert shared.status_code == 200, shared.get_json()
    body = shared.get_json()
    assert body["title"] == report["title"] and body["dataset"]["filename"] == "prices.csv"
    chart_block, text_block = body["blocks"]
    # The chart's data is inlined: a logged-out browser cannot read the dataset's rows URL.
    values = chart_block["chart"]["spec"]["data"]["values"]
    assert {r["city"] for r in values} == {"Paris", "Berlin", "Rome, IT"}
    # Only the columns the chart draws: the link shows no more of the table than the charts do.
    assert {key for row in values for key in row} == {"city", "price"}
    assert "<strong>Rome</strong>" in text_block["html"]
    assert "owner_id" not in body and "share_token" not in str(body)
    page = client.get(f"/api/v1/shared/reports/{share['token']}/export.html")
    assert page.status_code == 200 and "Rome" in page.get_data(as_text=True)
    # Read-only: the token opens nothing under /reports.
    problem(client.get(f"/api/v1/reports/{report['id']}"), 401)

    assert alice.delete(f"/api/v1/reports/{report['id']}/share").status_code == 204
    problem(client.get(f"/api/v1/shared/reports/{share['token']}"), 404)
    problem(client.get(f"/api/v1/shared/reports/{share['token']}/export.html"), 404)
    assert alice.get(f"/api/v1/reports/{report['id']}").get_json()["share"] is None
    # A new share is a new token; the old one stays dead.
    again = alice.post(f"/api/v1/reports/{report['id']}/share").get_json()
    assert again["token"] != share["token"]
    problem(client.get(f"/api/v1/shared/reports/{share['token']}"), 404)
    assert client.get(f"/api/v1/shared/reports/{again['token']}").status_code == 200
    problem(client.get("/api/v1/shared/reports/not-a-token"), 404)


def test_deleting_the_dataset_deletes_its_reports_profile_and_links(
    store, client, alice, csv_dataset
):
    report = new_report(alice, csv_dataset)
    report = added(alice, report, type="profile")
    assert alice.get(f"/api/v1/datasets/{csv_dataset['id']}/profile").status_code == 200
    token = alice.post(f"/api/v1/reports/{report['id']}/share").get_json()["token"]
    assert alice.delete(f"/api/v1/datasets/{csv_dataset['id']}").status_code == 204
    problem(alice.get(f"/api/v1/reports/{report['id']}"), 404)
    problem(client.get(f"/api/v1/shared/reports/{token}"), 404)
    assert store.reports.find_any() == [] and store.profiles.find_any() == []


def test_sweep_removes_reports_and_profiles_of_a_dataset_gone(store, alice, csv_dataset):
    from backend.storage.sweep import sweep

    report = new_report(alice, csv_dataset)
    assert alice.get(f"/api/v1/datasets/{csv_dataset['id']}/profile").status_code == 200
    # A crash between the dataset's removal and its reports' (the dataset document is gone).
    store.datasets.delete_any(csv_dataset["id"])
    found = sweep(store, grace_s=0)
    assert sorted(found.dangling_reports) == sorted(
        [f"reports/{report['id']}", f"profiles/{csv_dataset['id']}"]
    )
    assert store.reports.find_any() == [] and store.profiles.find_any() == []


class _References(HTMLParser):
    """Every attribute and stylesheet text that could make a browser load something."""

    LOADING = {"src", "href", "srcset", "poster", "data", "action", "formaction", "background"}

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.handlers: list[str] = []
        self.csp: str | None = None

    def handle_starttag(self, tag, attrs):  # noqa: ANN001, ANN201
        self.tags.append(tag)
        for name, value in attrs:
            if name in self.LOADING:
                self.urls.append(value or "")
            if name.startswith("on"):
                self.handlers.append(name)
            if tag == "meta" and name == "http-equiv" and value == "Content-Security-Policy":
                self.csp = dict(attrs)["content"]


def test_html_export_is_self_contained_and_markdown_is_inert(alice, csv_dataset):
    report = new_report(alice, csv_dataset, "Prices: 2001–2003 <draft>")
    first = save(alice, csv_dataset)
    second = save(alice, csv_dataset, LINE_SPEC, "Price by year")
    for chart in (first, second):
        report = added(alice, report, type="chart", chart_id=chart["id"])
    hostile = (
        "# Notes\n\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[click](javascript:alert(1)) ![pixel](https://tracker.example/p.png)\n\n"
        '<a href="https://evil.example" onclick="steal()">raw html</a>'
    )
    report = added(alice, report, type="text", markdown=hostile)
    report = added(alice, report, type="profile")

    response = alice.get(f"/api/v1/reports/{report['id']}/export.html")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert (
        response.headers["Content-Disposition"]
        == 'attachment; filename="Prices-2001-2003-draft.html"'
    )
    page = response.get_data(as_text=True)
    parsed = _References()
    parsed.feed(page)
    assert "script" not in parsed.tags and parsed.handlers == []
    # Nothing to fetch: the two charts are data: images, nothing else has a URL at all.
    assert [u for u in parsed.urls if not u.startswith("data:image/svg+xml;base64,")] == []
    assert len(parsed.urls) == 2 and parsed.tags.count("img") == 2
    assert "url(" not in page and "@import" not in page  # nor does the stylesheet
    assert "default-src 'none'" in parsed.csp and "img-src data:" in parsed.csp
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    # The typed HTML shows as text; the profile is there with its histogram of prices.
    assert "&lt;script&gt;" in page and "<h1>Notes</h1>" in page
    assert "Dataset profile" in page and '<svg class="hist"' in page
    assert "Prices: 2001–2003 &lt;draft&gt;" in page


def test_pdf_export_opens_with_one_page_per_block(alice, csv_dataset):
    report = new_report(alice, csv_dataset, "Prices")
    pdf = alice.get(f"/api/v1/reports/{report['id']}/export.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert len(PdfReader(io.BytesIO(pdf.data)).pages) == 1  # the title alone
    chart = save(alice, csv_dataset)
    report = added(alice, report, type="chart", chart_id=chart["id"])
    report = added(alice, report, type="text", markdown="Paris is cheapest.")
    report = added(alice, report, type="profile")
    report = added(alice, report, type="chart", chart_id=chart["id"])
    pdf = alice.get(f"/api/v1/reports/{report['id']}/export.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["Content-Disposition"] == 'attachment; filename="Prices.pdf"'
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 4
    text = [page.extract_text() for page in reader.pages]
    assert "Prices" in text[0] and "Paris is cheapest." in text[1] and "Dataset profile" in text[2]


def test_deleted_chart_and_job_show_as_deleted(store, alice, csv_dataset):
    report = new_report(alice, csv_dataset)
    chart = save(alice, csv_dataset)
    job = finished_job(store, owner_of(alice), csv_dataset["id"])
    report = added(alice, report, type="chart", chart_id=chart["id"])
    report = added(alice, report, type="job", job_id=job["id"])
    page = alice.get(f"/api/v1/reports/{report['id']}/export.html").get_data(as_text=True)
    assert "Imputation job" in page and "val_mae" in page and "prices.csv" in page
    assert alice.delete(f"/api/v1/charts/{chart['id']}").status_code == 204
    store.jobs.delete(job["id"], owner_of(alice))
    page = alice.get(f"/api/v1/reports/{report['id']}/export.html")
    assert page.status_code == 200
    assert "This chart was deleted." in page.get_data(as_text=True)
    assert "This job was deleted." in page.get_data(as_text=True)


@pytest.mark.parametrize("evaluated", [False, True])
def test_model_block_summarizes_the_model_and_its_latest_scorecard(
    store, alice, csv_dataset, evaluated
):
    owner = owner_of(alice)
    model = new_document(
        owner,
        kind="timegan",
        version="timegan_abc1234_2",
        dataset_id=csv_dataset["id"],
        metrics={"joint_loss": 0.5},
        params={},
        artifacts={},
    )
    if evaluated:
        model["evaluations"] = [
            {
                "measures": [{"name": "acf", "label": "Autocorrelation difference"}],
                "scores": {
                    "model": {"acf": {"mean": 0.1}},
                    "heldout_real": {"acf": {"mean": 0.05}},
                },
                "verdict": {"acf": {"flagged": True}},
            }
        ]
    store.models.insert(model)
    report = added(alice, new_report(alice, csv_dataset), type="model", model_id=model["id"])
    page = alice.get(f"/api/v1/reports/{report['id']}/export.html").get_data(as_text=True)
    assert "timegan_abc1234_2" in page and "joint_loss" in page
    assert ("Autocorrelation difference" in page and "flagged" in page) is evaluated


def test_concurrent_block_edits_all_land(store, alice, csv_dataset):
    from concurrent.futures import ThreadPoolExecutor

    from backend.services import reports

    report = new_report(alice, csv_dataset)
    owner = owner_of(alice)

    def add_text(n: int) -> None:
        reports.add_block(store, owner, report["id"], {"type": "text", "markdown": f"note {n}"})

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(add_text, range(18)))
    blocks = alice.get(f"/api/v1/reports/{report['id']}").get_json()["blocks"]
    assert sorted(b["markdown"] for b in blocks) == sorted(f"note {n}" for n in range(18))


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        "<svg onload=alert(1)>",
        "[a](javascript:alert(1))",
        "[a](JaVaScRiPt:alert(1))",
        "[a](&#106;avascript:alert(1))",
        "<javascript:alert(1)>",
        "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[a](vbscript:msgbox(1))",
        '<a href="javascript:alert(1)">a</a>',
        "![x](x onerror=alert(1))",
        '<iframe src="https://evil.example"></iframe>',
        "<style>body{background:url(https://evil.example/x)}</style>",
    ],
)
def test_markdown_cannot_carry_script_or_load_anything(markdown):
    from backend.reports.markdown import render_markdown

    html = render_markdown(markdown)
    parsed = _References()
    parsed.feed(html)
    assert set(parsed.tags) <= {"p", "a", "strong", "em", "code"}, html
    assert parsed.handlers == [], html
    # A link survives only with a web or mail address; any other scheme loses its href.
    assert all(u.startswith(("https://", "http://", "mailto:")) for u in parsed.urls), html


def test_a_shared_chart_keeps_every_column_its_spec_reads():
    from backend.services.report_exports import columns_named

    spec = {
        "data": {"url": "/api/v1/datasets/x/rows"},
        "transform": [{"calculate": "datum['a b'] * 2", "as": "twice"}],
        "mark": "point",
        "encoding": {"x": {"field": "twice"}, "y": {"field": "c\\.d"}},
    }
    # "e" and "wic" appear only inside other words, "rows" only in the data URL.
    assert columns_named(spec, ["a b", "c.d", "e", "rows", "wic"]) == ["a b", "c.d"]


def test_charts_are_drawn_again_only_when_their_spec_changes(alice, csv_dataset, monkeypatch):
    from backend.charts import vegalite
    from backend.services import report_exports

    report_exports.image_cache.clear()
    drawn = []
    render = vegalite.render
    monkeypatch.setattr(
        vegalite, "render", lambda spec, fmt, **kw: drawn.append(fmt) or render(spec, fmt, **kw)
    )
    chart = save(alice, csv_dataset)
    report = added(alice, new_report(alice, csv_dataset), type="chart", chart_id=chart["id"])
    export = f"/api/v1/reports/{report['id']}/export.html"
    first = alice.get(export).get_data(as_text=True)
    assert alice.get(export).get_data(as_text=True) == first and drawn == ["svg"]
    assert alice.get(f"/api/v1/reports/{report['id']}/export.pdf").status_code == 200
    assert drawn == ["svg", "png"]
    # A new spec is a new picture, drawn once.
    line = {**LINE_SPEC, "mark": "point"}
    assert alice.patch(f"/api/v1/charts/{chart['id']}", json={"spec": line}).status_code == 200
    changed = alice.get(export).get_data(as_text=True)
    assert changed != first and drawn == ["svg", "png", "svg"]


def test_a_real_finished_job_and_its_model_are_summarized(alice, csv_dataset):
    from tests.conftest import wait_for

    started = alice.post("/api/v1/jobs", json={"kind": "toy_training", "params": {"epochs": 3}})
    assert started.status_code == 202, started.get_json()
    job = wait_for(
        lambda: (
            (j := alice.get(f"/api/v1/jobs/{started.get_json()['id']}").get_json())["status"]
            == "succeeded"
            and j
        )
    )
    report = new_report(alice, csv_dataset)
    report = added(alice, report, type="job", job_id=job["id"])
    report = added(alice, report, type="model", model_id=job["result"]["model_id"])
    page = alice.get(f"/api/v1/reports/{report['id']}/export.html").get_data(as_text=True)
    final_loss = job["metrics"][-1]["loss"]
    assert "toy_training job" in page and f"{final_loss:.4g}" in page
    model = alice.get(f"/api/v1/models/{job['result']['model_id']}").get_json()
    assert model["version"] in page
