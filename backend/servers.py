"""Errors the HTTP servers answer themselves, before Flask sees the request, as problem+json.

werkzeug's development server (`python -m backend`) and gunicorn refuse some requests on
their own (a request line over their limit: 414; a malformed request line or header: 400,
431) with an HTML page. The API promises `application/problem+json` for every error, so
both are given a writer that answers in that shape. No Flask here: gunicorn.conf.py imports
this module in the master process.
"""

from __future__ import annotations

import json
import socket
from http import HTTPStatus
from typing import Any

from werkzeug.serving import WSGIRequestHandler

PROBLEM_MEDIA_TYPE = "application/problem+json"


def problem_bytes(status: int, detail: str | None = None) -> bytes:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    body = {"type": "about:blank", "title": phrase, "status": status, "detail": detail or phrase}
    return json.dumps(body).encode()


class ProblemRequestHandler(WSGIRequestHandler):
    """werkzeug's request handler, with http.server's own error pages as problem+json."""

    error_content_type = PROBLEM_MEDIA_TYPE

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # http.server fills `error_message_format` with %-formatting; a finished body with its
        # % signs doubled comes out unchanged, and json.dumps has escaped what the client sent.
        detail = message or explain or self.responses.get(code, ("", ""))[1]
        self.error_message_format = problem_bytes(code, detail).decode().replace("%", "%%")
        super().send_error(code, message, explain)


def gunicorn_write_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """Drop-in for gunicorn.util.write_error (installed by gunicorn.conf.py)."""
    from gunicorn import util

    body = problem_bytes(status_int, mesg)
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        f"Content-Type: {PROBLEM_MEDIA_TYPE}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin1") + body)


def install_gunicorn_problem_errors() -> Any:
    """Make gunicorn's own error responses problem+json; the function it used before."""
    from gunicorn import util

    previous = util.write_error
    util.write_error = gunicorn_write_error
    return previous


def ensure_port_free(addresses: list[Any]) -> None:
    """Refuse to start when something already answers on one of gunicorn's (host, port)
    addresses. With SO_REUSEPORT (gunicorn.conf.py) a second server on the same port would
    not fail to bind: the kernel would split the connections between the old and the new one.
    Raises RuntimeError naming the address; Unix sockets are left to gunicorn."""
    for address in addresses:
        if not isinstance(address, tuple):
            continue
        host, port = address[0], address[1]
        probe_host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
        try:
            with socket.create_connection((probe_host, port), timeout=0.5):
                pass
        except OSError:
            continue
        raise RuntimeError(
            f"{host}:{port} is already in use by another server; stop it or choose another PORT"
        )
