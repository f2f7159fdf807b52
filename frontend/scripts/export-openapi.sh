#!/usr/bin/env bash
# Writes the backend's OpenAPI document to frontend/openapi.json (the snapshot the typed client is generated from).
# Usage: bash scripts/export-openapi.sh [output path]   (run from frontend/; needs ../.venv)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-openapi.json}"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd ..
DATA_DIR="$tmp" OUT="$out" .venv/bin/python - <<'PY'
import json
import os
from pathlib import Path

from backend.app import create_app, shutdown
from backend.config import Config

app = create_app(Config(data_dir=Path(os.environ["DATA_DIR"]), testing=True))
try:
    document = app.test_client().get("/api/openapi.json").get_json()
finally:
    shutdown(app, wait=False)
Path(os.environ["OUT"]).write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
print("wrote", os.environ["OUT"])
PY
