"""Chart rendering in a small pool of separate processes: memory-capped, time-limited, offline.

vl-convert runs Vega in an embedded JavaScript engine. In the API process a hostile or
merely huge chart aborts the whole process (a failed allocation is an abort, not an
exception), a fatal JavaScript out-of-memory does the same, and a slow render holds a
request thread with no way to stop it. So every render here goes to a worker process:

- each worker caps its own writable memory (RLIMIT_DATA; RLIMIT_AS cannot work, V8
  reserves over 64 GB of address space up front) and leaves the network (a new, empty
  network namespace, when the kernel allows unprivileged user namespaces);
- a render that outlives `timeout_s` gets its worker killed and replaced;
- a worker that dies (out of memory, crash) is replaced; the caller gets `RenderError`;
- no free worker within `queue_wait_s` raises `RendererUnavailable` (a 503 upstream).

The API process only pickles the request and waits on a pipe, so other requests, the job
heartbeat and running jobs never notice. Workers are fresh interpreters (fork + exec, never
a bare fork of an API process that has threads, torch or TensorFlow loaded), warmed with one
tiny chart, and reused.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import logging
import math
import os
import pickle
import queue
import socket
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from backend.charts import policy
from models.data2vis.xml_text import xml_safe

log = logging.getLogger(__name__)

VL_VERSION = "6.4"
_WARM_SPEC = {"mark": "point", "data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a"}}}
# A failure this costly (a killed or crashed worker) is answered from memory for a while,
# so resubmitting the same chart cannot keep the pool restarting.
_BAD_TTL_S = 300.0
_BAD_MAX = 256
# The folder that holds the `backend` and `models` packages, for the worker's import path.
_SOURCE_ROOT = str(Path(__file__).resolve().parents[2])


@dataclass(frozen=True)
class Settings:
    """How the pool is sized and bounded (from RENDER_* in backend.config)."""

    workers: int = 2
    memory_mb: int = 2048
    timeout_s: float = 30.0
    queue_wait_s: float = 10.0
    start_timeout_s: float = 60.0


class RenderError(Exception):
    """The chart cannot be drawn: invalid, too large, too slow, or it crashed its worker."""


class RendererUnavailable(Exception):
    """No worker could take the render in time; try again after `retry_after_s`."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


def configure(settings: Settings | None = None, *, start: bool = False) -> None:
    """Use these settings from the next render on; `start` warms the workers now.

    Timeouts apply at once; a new worker count or memory cap replaces the pool.
    """
    global _settings, _pool
    settings = settings or Settings()
    with _lock:
        old = _pool
        if old is not None and (
            old.settings.workers != settings.workers or old.settings.memory_mb != settings.memory_mb
        ):
            old.close()
            _pool = None
        elif old is not None:
            old.settings = settings
        _settings = settings
    if start:
        _get_pool().warm()


def render(spec: dict[str, Any], fmt: str, *, scale: float = 2.0) -> bytes:
    """PNG or SVG bytes of a spec whose data is already inline (it must pass the policy first).

    Raises RenderError (the chart cannot be drawn) or RendererUnavailable (try later).
    """
    if fmt not in ("png", "svg"):
        raise ValueError(f"unknown image format {fmt!r}")
    problem = policy.check_scale(scale)
    if problem:
        raise RenderError(problem)
    pool = _get_pool()
    status, result = pool.call(fmt, {"spec": spec, "scale": scale})
    if status != "ok":
        raise RenderError(result)
    return result


def render_check(spec: dict[str, Any], values: list[dict[str, Any]]) -> str | None:
    """None when the spec draws with `values` inlined (run to a scenegraph), else a short error.

    The recommender's check: the allow-list first, then the same sandboxed workers.
    RendererUnavailable propagates, so a saturated renderer is a 503, not empty results.
    """
    found = policy.check(spec)
    if found:
        return policy.describe(found)
    try:
        status, result = _get_pool().call("scenegraph", {"spec": spec, "values": values})
    except RenderError as error:
        return str(error)
    return None if status == "ok" else str(result)


def shutdown() -> None:
    """Stop this process's workers (atexit does it too); the next render starts new ones."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.close()


def network_isolated() -> bool | None:
    """Whether the last worker that started has no network (None: none has started yet)."""
    return _network_isolated


def worker_pids() -> list[int]:
    """Pids of the live workers that are idle right now (for tests and diagnostics)."""
    pool = _pool
    return pool.idle_pids() if pool is not None else []


# --- the API process side ------------------------------------------------------------------


class _Timeout(Exception):
    pass


class _Died(Exception):
    pass


class _Worker:
    """One worker process and the parent's end of its socket; used by one thread at a time."""

    def __init__(self, settings: Settings) -> None:
        parent_end, child_end = socket.socketpair()
        # A fresh interpreter (fork + exec) rather than multiprocessing's spawn: spawn re-runs
        # the host program's __main__ in the child, which a script without a main guard (or
        # one that starts threads at import) turns into a crash or a second app.
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from backend.charts.sandbox import _worker_entry; _worker_entry()",
                str(child_end.fileno()),
                str(settings.memory_mb * 1024 * 1024),
                str(os.getpid()),
            ],
            pass_fds=[child_end.fileno()],
            stdin=subprocess.DEVNULL,
            env={
                **os.environ,
                "PYTHONPATH": os.pathsep.join(
                    filter(None, (_SOURCE_ROOT, os.environ.get("PYTHONPATH")))
                ),
            },
        )
        child_end.close()
        self.conn = Connection(parent_end.detach())
        self.ready = False
        self.started = time.monotonic()

    def alive(self) -> bool:
        return self.process.poll() is None

    def call(self, request: bytes, timeout_s: float, start_timeout_s: float) -> tuple[str, Any]:
        if not self.ready:
            # The first call waits for the warm-up too (interpreter, V8, Vega-Lite: about 1 s);
            # that is not the chart's time, so it has its own limit.
            if not self.conn.poll(max(0.0, start_timeout_s - (time.monotonic() - self.started))):
                raise _Died("the renderer did not start in time")
            try:
                _, info = self.conn.recv()
            except (EOFError, OSError) as error:
                raise _Died("the renderer could not start") from error
            self.ready = True
            global _network_isolated
            _network_isolated = bool(info.get("network_isolated"))
            if not _network_isolated:
                log.warning(
                    "render worker %s could not leave the network; only the allow-list guards it",
                    info.get("pid"),
                )
        try:
            self.conn.send_bytes(request)
        except OSError as error:
            raise _Died("the renderer stopped") from error
        if not self.conn.poll(timeout_s):
            raise _Timeout()
        try:
            return pickle.loads(self.conn.recv_bytes())
        except (EOFError, OSError) as error:
            raise _Died("the renderer stopped") from error

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.wait(timeout=5)
        with contextlib.suppress(Exception):
            self.conn.close()


class _Pool:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pid = os.getpid()
        # One slot per worker: a live _Worker, or None where one has yet to be started.
        self._slots: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(max(1, settings.workers)):
            self._slots.put(None)
        self._closed = False
        self._bad: OrderedDict[bytes, tuple[float, str]] = OrderedDict()
        self._bad_lock = threading.Lock()

    def warm(self) -> None:
        """Start every worker that is not running yet (they warm up in the background)."""
        taken = []
        with contextlib.suppress(queue.Empty):
            while True:
                taken.append(self._slots.get_nowait())
        for worker in taken:
            self._slots.put(worker if worker is not None else self._start_or_none())

    def call(self, op: str, payload: dict[str, Any]) -> tuple[str, Any]:
        settings = self.settings
        request = pickle.dumps((op, payload), protocol=pickle.HIGHEST_PROTOCOL)
        digest = hashlib.blake2b(request, digest_size=16).digest()
        known = self._known_bad(digest)
        if known:
            raise RenderError(known)
        retry_after = max(1, math.ceil(min(settings.timeout_s, 10.0) / 2))
        try:
            worker = self._slots.get(timeout=settings.queue_wait_s)
        except queue.Empty:
            raise RendererUnavailable(
                "Every chart renderer is busy; try again shortly.", retry_after
            ) from None
        try:
            if worker is None or not worker.alive():
                if worker is not None:
                    worker.kill()
                    worker = None
                worker = self._start()
                self.warm()  # the first render starts them all, so the next ones find them warm
            try:
                return worker.call(request, settings.timeout_s, settings.start_timeout_s)
            except _Timeout:
                worker.kill()
                worker = self._start_or_none()
                message = f"the chart took longer than {settings.timeout_s:g} s to render"
                self._remember_bad(digest, message)
                raise RenderError(message) from None
            except _Died as error:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    worker.process.wait(timeout=1)  # reaped, so the log has its exit status
                exitcode = worker.process.returncode
                was_ready = worker.ready
                worker.kill()
                worker = self._start_or_none()
                if not was_ready:
                    raise RendererUnavailable(
                        f"The chart renderer is unavailable ({error}).", retry_after
                    ) from None
                message = (
                    "the renderer stopped while drawing this chart (it needed more than "
                    f"{settings.memory_mb} MB or crashed)"
                )
                log.warning("render worker died (exit code %s) on a %s request", exitcode, op)
                self._remember_bad(digest, message)
                raise RenderError(message) from None
        except OSError as error:  # could not start a process at all (fork limits, no memory)
            log.error("cannot start a render worker: %s", error)
            raise RendererUnavailable(
                "The chart renderer cannot start right now.", retry_after
            ) from None
        finally:
            if self._closed and worker is not None:
                worker.kill()
                worker = None
            self._slots.put(worker)

    def idle_pids(self) -> list[int]:
        with self._slots.mutex:
            return [w.process.pid for w in self._slots.queue if w is not None and w.alive()]

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(queue.Empty):
            while True:
                worker = self._slots.get_nowait()
                if worker is not None:
                    worker.kill()
        # Busy workers are killed as their callers hand them back (see call's finally).
        for _ in range(max(1, self.settings.workers)):
            self._slots.put(None)

    def _start(self) -> _Worker:
        return _Worker(self.settings)

    def _start_or_none(self) -> _Worker | None:
        # A replacement starts now so it is warm for the next render; if it cannot, the
        # next caller tries again.
        if self._closed:
            return None
        try:
            return self._start()
        except OSError as error:
            log.error("cannot start a render worker: %s", error)
            return None

    def _known_bad(self, digest: bytes) -> str | None:
        with self._bad_lock:
            entry = self._bad.get(digest)
            if entry is None:
                return None
            if time.monotonic() - entry[0] > _BAD_TTL_S:
                del self._bad[digest]
                return None
            return entry[1]

    def _remember_bad(self, digest: bytes, message: str) -> None:
        with self._bad_lock:
            self._bad[digest] = (time.monotonic(), message)
            while len(self._bad) > _BAD_MAX:
                self._bad.popitem(last=False)


_settings = Settings()
_network_isolated: bool | None = None
_pool: _Pool | None = None
_lock = threading.Lock()


def _get_pool() -> _Pool:
    global _pool
    with _lock:
        if _pool is None or _pool.pid != os.getpid():
            _pool = _Pool(_settings)
        return _pool


def _forget_after_fork() -> None:
    # A forked child (gunicorn --preload, a forking job runner) must start its own workers:
    # the pipes belong to the parent, and two processes must never share one.
    global _pool, _lock
    _pool = None
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_after_fork)
atexit.register(shutdown)


# --- the worker process side -----------------------------------------------------------------


def _worker_entry() -> None:
    """`python -c` entry point: argv holds the socket's fd, the memory cap and the parent's pid."""
    fd, memory_bytes, parent_pid = (int(arg) for arg in sys.argv[1:4])
    _worker_main(Connection(fd), memory_bytes, parent_pid)


def _worker_main(conn: Any, memory_bytes: int, parent_pid: int) -> None:
    """Serve render requests from the pipe until it closes or the parent goes away."""
    import signal

    # Ctrl-C on a dev server reaches the whole process group; the parent decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # unshare needs a single-threaded process: first, before V8 starts its threads.
    isolated = _leave_network()
    import resource

    resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()

    import vl_convert

    vl_convert.vegalite_to_svg(_WARM_SPEC, vl_version=VL_VERSION, allowed_base_urls=[])
    conn.send(("ready", {"pid": os.getpid(), "network_isolated": isolated}))
    while True:
        try:
            op, payload = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", _run(vl_convert, op, payload))
        except (
            Exception
        ) as error:  # vl-convert raises plain ValueError/RuntimeError with the JS message
            text = str(error).strip()
            reply = ("error", text.splitlines()[0][:300] if text else type(error).__name__)
        conn.send_bytes(pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))


def _run(vl_convert: Any, op: str, payload: dict[str, Any]) -> Any:
    if op == "scenegraph":
        spec = {**payload["spec"], "$schema": "https://vega.github.io/schema/vega-lite/v6.json"}
        spec["data"] = {"values": payload["values"]}
        scenegraph = vl_convert.vegalite_to_scenegraph(
            xml_safe(spec), vl_version=VL_VERSION, allowed_base_urls=[]
        )
        if not (isinstance(scenegraph, dict) and scenegraph.get("scenegraph")):
            raise ValueError("renderer returned no scenegraph")
        return None
    safe_spec = xml_safe(payload["spec"])
    if op == "svg":
        return vl_convert.vegalite_to_svg(
            safe_spec, vl_version=VL_VERSION, allowed_base_urls=[]
        ).encode()
    # No canvas-size check first: drawing the SVG to learn the size cost 40% more time on a
    # 100k-point scatter. A canvas too big for the memory cap fails its allocation at once,
    # which ends this worker only.
    return vl_convert.vegalite_to_png(
        safe_spec, vl_version=VL_VERSION, scale=payload["scale"], allowed_base_urls=[]
    )


def _leave_network() -> bool:
    """Move into a new user + network namespace with no interfaces; False where not allowed."""
    import ctypes

    clone_newuser, clone_newnet = 0x10000000, 0x40000000
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(clone_newuser | clone_newnet) == 0
    except (OSError, AttributeError):
        return False


def _exit_with_parent(parent_pid: int) -> None:
    # The pipe's EOF ends an idle worker; this ends a busy one whose parent was killed.
    while True:
        time.sleep(1.0)
        if os.getppid() != parent_pid:
            os._exit(0)
