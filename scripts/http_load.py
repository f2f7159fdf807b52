"""A light closed-loop HTTP/1.1 load generator for the benchmarks (scripts/bench_api.py).

`clients` keep-alive connections served by one thread (a selector, no thread per client): each
connection sends its next GET only once the whole body of its previous answer has arrived, and
a request's latency runs from just before its bytes are sent to the arrival of its body's last
byte. One thread and no per-response header objects keep the generator's own CPU small, and on
a machine it shares with the server that CPU is taken from the server (http.client on 50
threads also made the clients queue for the GIL, which the latencies then counted).

Answers must carry a Content-Length (gunicorn's do); a connection the server closed while idle
(its keep-alive timeout) is reopened and the request sent again, as HTTP clients do for an
idempotent request; anything else that goes wrong counts as a failure by its kind.
"""

from __future__ import annotations

import re
import selectors
import socket
import time
from dataclasses import dataclass, field

_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.IGNORECASE)
_CONNECTION_CLOSE = re.compile(rb"\r\nconnection:[ \t]*close", re.IGNORECASE)


@dataclass
class LoopResult:
    latencies: list[float] = field(default_factory=list)  # seconds, answers with `ok_status`
    # The same, by client: a server that spreads connections unevenly over its workers shows
    # as clients whose typical latency differs.
    by_client: list[list[float]] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)  # kind -> count
    reconnects: int = 0  # idle keep-alive connections the server had closed, reopened
    wall_s: float = 0.0
    cpu_s: float = 0.0  # the generator's own CPU (this thread, user + system)

    def fail(self, kind: str) -> None:
        self.failures[kind] = self.failures.get(kind, 0) + 1


class _Connection:
    def __init__(self, address: tuple[str, int]) -> None:
        self.address = address
        self.sock = self._open()
        self.buffer = bytearray()
        self.sent_at = 0.0
        self.sent = 0  # requests sent on this client (a resend after a reconnect not counted)
        self.latencies: list[float] = []

    def _open(self) -> socket.socket:
        sock = socket.create_connection(self.address)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        return sock

    def reopen(self) -> None:
        self.sock.close()
        self.sock = self._open()
        self.buffer.clear()

    def send(self, request: bytes) -> None:
        sent = self.sock.send(request)
        if sent < len(request):  # never for a small GET on an idle connection; kept correct
            self.sock.setblocking(True)
            self.sock.sendall(request[sent:])
            self.sock.setblocking(False)

    def answer(self) -> tuple[int, bool] | None:
        """(status, server closes) once the buffer holds a whole answer (consumed), else None."""
        head_end = self.buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return None
        head = bytes(self.buffer[:head_end])
        length = _CONTENT_LENGTH.search(head)
        if length is None:
            raise ValueError("an answer without Content-Length")
        end = head_end + 4 + int(length.group(1))
        if len(self.buffer) < end:
            return None
        del self.buffer[:end]
        status = int(head.split(b" ", 2)[1])
        return status, _CONNECTION_CLOSE.search(head) is not None


def run(
    host: str,
    port: int,
    path: str,
    *,
    clients: int,
    headers: dict[str, str] | None = None,
    requests_per_client: int | None = None,
    seconds: float | None = None,
    timeout_s: float = 30.0,
    ok_status: int = 200,
    warm_up: bool = True,
) -> LoopResult:
    """GET `path` on `clients` connections in a closed loop, `requests_per_client` times each or
    until `seconds` have passed (no request is started after that); with `warm_up`, one request
    on each connection first, not counted, and then all start together."""
    if (requests_per_client is None) == (seconds is None):
        raise ValueError("give requests_per_client or seconds")
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: */*"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    conns = [_Connection((host, port)) for _ in range(clients)]
    if warm_up:
        _drive(conns, request, LoopResult(), lambda c: c.sent < 1, timeout_s, ok_status)
        for conn in conns:
            conn.sent = 0
            conn.latencies.clear()
    result = LoopResult()
    started, cpu = time.perf_counter(), time.thread_time()
    if seconds is not None:
        deadline = started + seconds
        more = lambda c: time.perf_counter() < deadline  # noqa: E731
    else:
        more = lambda c: c.sent < requests_per_client  # noqa: E731
    _drive(conns, request, result, more, timeout_s, ok_status)
    result.wall_s = time.perf_counter() - started
    result.cpu_s = time.thread_time() - cpu
    result.by_client = [conn.latencies for conn in conns]
    for conn in conns:
        conn.sock.close()
    return result


def _drive(conns, request, result, more, timeout_s, ok_status) -> None:  # noqa: ANN001
    """Run the loop until no connection has a request in flight or one to send."""
    selector = selectors.DefaultSelector()
    in_flight: dict[int, _Connection] = {}

    def start(conn: _Connection, resend: bool = False) -> None:
        if not resend:
            if not more(conn):
                return
            conn.sent += 1
            conn.sent_at = time.perf_counter()
        try:
            conn.send(request)
        except OSError:  # the server closed the idle connection first: reopen, send again
            result.reconnects += 1
            conn.reopen()
            conn.send(request)
        selector.register(conn.sock, selectors.EVENT_READ, conn)
        in_flight[id(conn)] = conn

    def finish(conn: _Connection) -> None:
        selector.unregister(conn.sock)
        del in_flight[id(conn)]

    def failed(conn: _Connection, kind: str) -> None:
        finish(conn)
        result.fail(kind)
        conn.reopen()
        start(conn)

    for conn in conns:
        start(conn)
    while in_flight:
        events = selector.select(timeout=0.1)
        for key, _ in events:
            conn = key.data
            try:
                data = conn.sock.recv(262144)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError as exc:
                failed(conn, type(exc).__name__)
                continue
            if not data:
                finish(conn)
                if conn.buffer:
                    result.fail("closed mid-answer")
                    conn.reopen()
                    start(conn)
                else:  # an idle keep-alive connection the server closed: reopen, send again
                    result.reconnects += 1
                    conn.reopen()
                    start(conn, resend=True)
                continue
            conn.buffer += data
            try:
                answer = conn.answer()
            except ValueError as exc:
                failed(conn, str(exc))
                continue
            if answer is None:
                continue
            done = time.perf_counter()
            finish(conn)
            status, closes = answer
            if status == ok_status:
                result.latencies.append(done - conn.sent_at)
                conn.latencies.append(done - conn.sent_at)
            else:
                result.fail(str(status))
            if closes:
                conn.reopen()
            start(conn)
        now = time.perf_counter()
        for conn in [c for c in in_flight.values() if now - c.sent_at > timeout_s]:
            failed(conn, "timeout")
    selector.close()
