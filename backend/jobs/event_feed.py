"""A job's live events as Server-Sent Events text, and the per-user cap on open streams.

`JobEventFeed.render(job)` turns the job document into the text a client has not seen yet,
without waiting: the stream hub (backend/jobs/stream_hub.py) calls it for every stream it
serves, each poll; `JobEventFeed.blocking()` is the same stream for a thread that may wait
(the development server, the test client).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from backend.errors import TooManyStreamsError
from backend.jobs import states
from backend.storage import Store

POLL_S = 0.2
KEEPALIVE_S = 15.0
# Tells EventSource how soon to reconnect (with Last-Event-ID) if the stream drops.
RETRY_MS = 2000
# The WSGI environ key of a server's stream hand-off (backend/jobs/stream_hub.py), when it has one.
HANDOFF_KEY = "insight.stream_handoff"


class JobEventFeed:
    """The events of one job after `last_seq`, then an `end` event when the job finishes."""

    def __init__(self, store: Store, owner_id: str, job_id: str, last_seq: int) -> None:
        self.store = store
        self.owner_id = owner_id
        self.job_id = job_id
        self.last_seq = last_seq
        self.done = False
        self._quiet_since = time.monotonic()

    def load(self) -> dict[str, Any] | None:
        return self.store.jobs.get(self.job_id, self.owner_id)

    def head(self, job: dict[str, Any]) -> str:
        """The stream's first text: the reconnect delay, then what `render(job)` sends."""
        return f"retry: {RETRY_MS}\n\n" + self.render(job)

    def render(self, job: dict[str, Any] | None) -> str:
        """What to send now given the job as stored (None: deleted); sets `done` after the end."""
        if self.done:
            return ""
        if job is None or job.get("owner_id") != self.owner_id:
            self.done = True
            return ""
        out = []
        retained = job.get("events") or []
        if retained and self.last_seq < retained[0]["seq"] - 1:
            # The job keeps only its newest events: tell a client that fell further behind
            # to reload the job (full metrics history) instead of drawing a series with a hole.
            out.append(
                f"event: gap\ndata: {json.dumps({'job_id': self.job_id, 'oldest_seq': retained[0]['seq']})}\n\n"
            )
        events = [e for e in retained if e["seq"] > self.last_seq]
        for event in events:
            data = {"job_id": self.job_id, **event}
            if event is events[-1] and job.get("live") is not None:
                data["live"] = job["live"]
            out.append(f"id: {event['seq']}\ndata: {json.dumps(data)}\n\n")
            self.last_seq = event["seq"]
        if job["status"] in states.FINISHED:
            summary = {
                "job_id": self.job_id,
                "status": job["status"],
                "result": job.get("result"),
                "error": job.get("error"),
            }
            out.append(f"event: end\ndata: {json.dumps(summary)}\n\n")
            self.done = True
        now = time.monotonic()
        if out:
            self._quiet_since = now
        elif now - self._quiet_since > KEEPALIVE_S:
            out.append(": keep-alive\n\n")
            self._quiet_since = now
        return "".join(out)

    def blocking(self, sleep: Callable[[float], None] = time.sleep) -> Iterator[str]:
        """The whole stream for a thread of its own: poll, send, wait, until the job ends."""
        while True:
            text = self.render(self.load())
            if text:
                yield text
            if self.done:
                return
            sleep(POLL_S)


def last_seq_of(last_event_id: str | None) -> int:
    """The event number a reconnecting client last saw (Last-Event-ID); 0 replays everything."""
    text = last_event_id or "0"
    # isdigit() alone lets "²" through to int(), a 500; anything but ASCII digits replays all.
    return int(text) if text.isascii() and text.isdigit() else 0


class ThreadStream:
    """A whole stream on the request's own thread (a server without the stream hub); gives its
    place back however it ends."""

    def __init__(self, first: str, feed: JobEventFeed, release: Callable[[], None]) -> None:
        self.first, self.feed, self.release = first, feed, release

    def __iter__(self) -> Iterator[str]:
        try:
            yield self.first
            yield from self.feed.blocking()
        finally:
            self.release()

    def close(self) -> None:
        """The server closes the body when the client goes, even before it started."""
        self.release()


class StreamLeases:
    """How many event streams each user holds open in this process; past the cap, 429."""

    def __init__(self, max_per_user: int) -> None:
        self.max_per_user = max_per_user
        self._open: Counter[str] = Counter()
        self._lock = threading.Lock()

    def acquire(self, owner_id: str) -> Callable[[], None]:
        """Count one more open stream of `owner_id`; the function that gives it back (idempotent)."""
        with self._lock:
            if self._open[owner_id] >= self.max_per_user:
                raise TooManyStreamsError(
                    f"You have {self.max_per_user} event streams open (MAX_STREAMS_PER_USER); close one, "
                    "or follow the others with GET /jobs/{id}.",
                    retry_after_s=5,
                )
            self._open[owner_id] += 1
        released = threading.Event()

        def release() -> None:
            with self._lock:
                if released.is_set():
                    return
                released.set()
                self._open[owner_id] -= 1
                if self._open[owner_id] <= 0:
                    del self._open[owner_id]

        return release

    def open_count(self, owner_id: str) -> int:
        with self._lock:
            return self._open[owner_id]
