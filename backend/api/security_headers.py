"""Security headers on every response (after_request): what a browser may run, frame and cache.

Three Content-Security-Policies, by what the response is:
- the SPA (HTML at "/" and its assets): its own scripts, styles, fetches and workers only.
  'unsafe-eval' is there because Vega compiles chart expressions with `Function()` (and
  vega-embed injects its stylesheet inline); switching the SPA to vega-interpreter
  (`ast: true`) would let it go;
- the API docs (/api/docs): Swagger UI starts from an inline script, so inline scripts are
  allowed on that page only;
- everything else (JSON, files, chart SVGs opened directly): nothing may load or run.
No page may be framed (clickjacking), API answers are never stored by caches (they hold one
user's data behind a bearer token), and no page leaks its URL as a referrer.
"""

from __future__ import annotations

from flask import Response, request

SPA_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
API_DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)
# Inline styles only, so a chart SVG opened on its own still draws as drawn, scripts never run.
NOTHING_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"
)


def add_security_headers(response: Response) -> Response:
    path = request.path
    headers = response.headers
    # Browsers must take every response as its declared type: a JSON body holding "<script>" from
    # a file or column name, or an uploaded CSV, is never sniffed into HTML.
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")  # for browsers without CSP frame-ancestors
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Content-Security-Policy", _policy(path))
    if path.startswith("/api/v1/") or path in ("/health", "/ready", "/api/openapi.json"):
        # Set, not defaulted: send_file's "no-cache" still lets a shared cache keep a user's file.
        headers["Cache-Control"] = "no-store"
    return response


def _policy(path: str) -> str:
    if path == "/api/docs" or path.startswith("/api/docs/"):
        return API_DOCS_POLICY
    if not path.startswith("/api/") and path not in ("/health", "/ready"):
        return SPA_POLICY  # the page, and its assets (a worker script would take its own policy)
    return NOTHING_POLICY
