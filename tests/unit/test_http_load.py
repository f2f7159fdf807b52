"""The benchmarks' closed-loop load generator (scripts/http_load.py) against a local server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scripts import http_load


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        server = self.server
        with server.lock:  # type: ignore[attr-defined]
            server.requests += 1  # type: ignore[attr-defined]
            server.connections.add(self.client_address)  # type: ignore[attr-defined]
        body = b'{"items": []}' * 50
        self.send_response(503 if self.path == "/fail" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if self.path == "/close":
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.lock, httpd.requests, httpd.connections = threading.Lock(), 0, set()  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_each_client_sends_its_requests_on_one_kept_alive_connection(server):  # noqa: ANN001
    port = server.server_address[1]
    result = http_load.run("127.0.0.1", port, "/list", clients=5, requests_per_client=3)
    assert len(result.latencies) == 15 and result.failures == {}
    assert server.requests == 20  # with one warm-up request on each connection
    assert len(server.connections) == 5
    assert all(0 < s < 5 for s in result.latencies)
    assert sorted(len(mine) for mine in result.by_client) == [3] * 5
    assert result.wall_s > 0 and result.cpu_s >= 0


def test_other_statuses_are_failures_by_status(server):  # noqa: ANN001
    port = server.server_address[1]
    result = http_load.run(
        "127.0.0.1", port, "/fail", clients=2, requests_per_client=4, warm_up=False
    )
    assert result.latencies == [] and result.failures == {"503": 8}


def test_a_connection_the_server_closes_is_reopened(server):  # noqa: ANN001
    port = server.server_address[1]
    result = http_load.run("127.0.0.1", port, "/close", clients=3, seconds=0.3, warm_up=False)
    assert result.failures == {} and len(result.latencies) >= 3
    assert len(server.connections) == len(result.latencies)  # one connection per request


def test_one_of_a_count_or_a_duration():
    with pytest.raises(ValueError):
        http_load.run("127.0.0.1", 1, "/", clients=1)
