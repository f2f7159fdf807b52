"""Event streams without a thread each: one hub thread per process serves them all.

gunicorn's gthread worker runs a request on one of a few threads until its body ends, so
each open Server-Sent Events stream used to hold a thread for as long as its job ran (24
streams from one user starved every other request). `EventStreamWorker` (gunicorn.conf.py's
worker class) is gthread with one change: when the events view offers its stream through
`environ[HANDOFF_KEY]`, the worker sends the response head as usual, then hands the socket
to this process's `StreamHub` and frees the thread. The hub polls the store for every
stream it holds (one read per job per poll) and writes what is new, without blocking.

Servers without the hand-off (`python -m backend`: a thread per connection; the test client)
stream from the view's generator instead, the same text from the same `JobEventFeed`.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import selectors
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

from backend.jobs.event_feed import HANDOFF_KEY, POLL_S, JobEventFeed

log = logging.getLogger(__name__)

# A client that reads slower than its events come is dropped past this much unsent text
# (it reconnects with Last-Event-ID and gets a `gap` event if it fell too far behind).
MAX_UNSENT_BYTES = 1 << 20


@dataclass
class _Stream:
    sock: socket.socket
    feed: JobEventFeed
    release: Callable[[], None]
    unsent: bytearray = field(default_factory=bytearray)


class StreamHub:
    """One daemon thread writing every adopted event stream of this process."""

    def __init__(self, poll_s: float = POLL_S) -> None:
        self.poll_s = poll_s
        self._streams: dict[int, _Stream] = {}
        self._incoming: list[_Stream] = []
        self._lock = threading.Lock()
        self._selector = selectors.DefaultSelector()
        self._thread = threading.Thread(target=self._loop, name="event-streams", daemon=True)

    def start(self) -> StreamHub:
        self._thread.start()
        return self

    def adopt(self, sock: socket.socket, feed: JobEventFeed, release: Callable[[], None]) -> None:
        """Take over `sock` (the response head already sent) and stream `feed` on it until the end."""
        sock.setblocking(False)
        with self._lock:
            self._incoming.append(_Stream(sock, feed, release))

    def open_streams(self) -> int:
        with self._lock:
            return len(self._streams) + len(self._incoming)

    def _loop(self) -> None:
        next_poll = time.monotonic()
        while True:
            try:
                self._take_incoming()
                # Between polls, only watch for clients that hang up (readable with nothing to read).
                for key, _ in self._selector.select(
                    max(next_poll - time.monotonic(), 0) if self._streams else self.poll_s
                ):
                    self._check_hangup(key.data)
                if time.monotonic() >= next_poll:
                    next_poll = time.monotonic() + self.poll_s
                    self._poll_all()
            except Exception:  # the hub must outlive one bad stream or a store hiccup
                log.exception("event stream hub failed; continuing")
                time.sleep(self.poll_s)

    def _take_incoming(self) -> None:
        with self._lock:
            incoming, self._incoming = self._incoming, []
        for stream in incoming:
            self._streams[stream.sock.fileno()] = stream
            self._selector.register(stream.sock, selectors.EVENT_READ, stream)

    def _poll_all(self) -> None:
        jobs: dict[str, Any] = {}  # one store read per job, however many watch it
        for stream in list(self._streams.values()):
            if not stream.unsent:
                feed = stream.feed
                if feed.job_id not in jobs:
                    jobs[feed.job_id] = feed.store.jobs.get_any(feed.job_id)
                stream.unsent += feed.render(jobs[feed.job_id]).encode()
            self._flush(stream)

    def _flush(self, stream: _Stream) -> None:
        try:
            while stream.unsent:
                sent = stream.sock.send(stream.unsent)
                del stream.unsent[:sent]
        except BlockingIOError:
            if len(stream.unsent) > MAX_UNSENT_BYTES:
                log.info(
                    "event stream of job %s dropped: the client reads too slowly",
                    stream.feed.job_id,
                )
                self._close(stream)
            return
        except OSError as exc:
            if exc.errno not in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN, errno.EBADF):
                log.warning("event stream of job %s failed: %s", stream.feed.job_id, exc)
            self._close(stream)
            return
        if stream.feed.done:
            self._close(stream)

    def _check_hangup(self, stream: _Stream) -> None:
        try:
            data = stream.sock.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # the client went away: free its place now, not at the next keep-alive
            self._close(stream)

    def _close(self, stream: _Stream) -> None:
        self._streams.pop(stream.sock.fileno(), None)
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(stream.sock)
        try:
            stream.sock.close()
        finally:
            stream.release()


class EventStreamWorker(ThreadWorker):
    """gunicorn's gthread worker whose event-stream responses leave the thread pool after their head."""

    wsgi: Callable[..., Any]  # the app, set by gunicorn's load_wsgi (wrapped below)

    def init_process(self) -> None:
        self.stream_hub = StreamHub().start()
        self._pending = threading.local()  # the stream the current thread's request offered
        self._adopted: set[int] = set()  # ids of connections the hub owns now
        super().init_process()

    def load_wsgi(self) -> None:
        super().load_wsgi()
        app = self.wsgi

        # start_response is gunicorn's bound Response.start_response (its __self__ is read below).
        def with_handoff(environ: dict[str, Any], start_response: Any) -> Any:
            if not getattr(self._pending, "http1", False):  # HTTP/2 streams keep their thread
                return app(environ, start_response)
            environ[HANDOFF_KEY] = self._offer

            def start(status: str, headers: list, exc_info: Any = None) -> Any:
                offered = getattr(self._pending, "stream", None)
                if offered is not None and not status.startswith("200"):
                    # The view offered its stream but the answer became an error: no hand-off.
                    self._pending.stream = None
                    offered[1]()
                    offered = None
                write = start_response(status, headers, exc_info)
                if offered is not None:
                    # The body that follows is the hub's and ends when the connection closes:
                    # no chunked framing (its last chunk would end the stream), no keep-alive.
                    response = start_response.__self__
                    response.chunked = False
                    response.force_close()
                return write

            return app(environ, start)

        self.wsgi = with_handoff

    def _offer(self, feed: JobEventFeed, release: Callable[[], None]) -> None:
        self._pending.stream = (feed, release)

    def handle_request(self, req: Any, conn: Any) -> bool:
        self._pending.stream = None
        self._pending.http1 = True
        try:
            keepalive = super().handle_request(req, conn)
        except BaseException:
            offered, self._pending.stream = self._pending.stream, None
            if offered is not None:
                offered[1]()
            raise
        finally:
            self._pending.http1 = False
        offered, self._pending.stream = self._pending.stream, None
        if offered is None:
            return keepalive
        self._adopted.add(id(conn))
        self.stream_hub.adopt(conn.sock, *offered)
        return False

    def finish_request(self, conn: Any, fs: Any) -> None:
        if id(conn) in self._adopted:
            # The hub writes and closes this socket; gunicorn only forgets the connection.
            self._adopted.discard(id(conn))
            self.nr_conns -= 1
            return
        super().finish_request(conn, fs)
