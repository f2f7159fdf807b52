from __future__ import annotations

import subprocess
import sys

from openapi_spec_validator import validate


def test_openapi_document_validates_and_lists_every_route(app, client):
    document = client.get("/api/openapi.json").get_json()
    validate(document)
    documented = {
        (path, method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = rule.rule.replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, (path, method)


def test_every_operation_documents_its_responses_and_bodies(client):
    document = client.get("/api/openapi.json").get_json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            success = [code for code in operation["responses"] if code.startswith("2")]
            assert success, (path, method)
            assert operation.get("summary"), (path, method)
            if method in ("post", "patch") and not path.endswith(("/logout", "/cancel", "/share")):
                assert "requestBody" in operation, (path, method)


def test_docs_page_and_its_assets_are_served(client):
    assert client.get("/api/docs").status_code == 200
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200


def test_health_and_ready(client):
    assert client.get("/api/v1/health").get_json()["status"] == "ok"
    assert client.get("/ready").get_json()["checks"]["store"] == "ok"


def test_create_app_loads_neither_torch_nor_tensorflow(tmp_path):
    code = (
        "import sys; from backend.app import create_app; from backend.config import Config;"
        f"create_app(Config(data_dir={str(tmp_path)!r}));"
        "heavy = [m for m in ('torch', 'tensorflow') if m in sys.modules]; print(heavy); sys.exit(bool(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
