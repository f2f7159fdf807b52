#!/usr/bin/env bash
# Fails when frontend/openapi.json or src/api/schema.d.ts no longer match the backend (run `npm run openapi` to refresh).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
bash scripts/export-openapi.sh "$tmp/openapi.json" >/dev/null
npx openapi-typescript "$tmp/openapi.json" -o "$tmp/schema.d.ts" >/dev/null 2>&1
status=0
diff -q openapi.json "$tmp/openapi.json" >/dev/null || { echo "openapi.json is stale: run npm run openapi"; status=1; }
diff -q src/api/schema.d.ts "$tmp/schema.d.ts" >/dev/null || { echo "src/api/schema.d.ts is stale: run npm run openapi"; status=1; }
[ "$status" = 0 ] && echo "OpenAPI snapshot and generated types are current"
exit "$status"
