"""The render sandbox on its own: checks, crashes, timeouts, a busy pool, no network."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import replace

import pytest

from backend.charts import sandbox

VALUES = [{"a": i, "b": i * 2} for i in range(100)]
BAR = {
    "mark": "bar",
    "encoding": {
        "x": {"field": "a", "type": "ordinal"},
        "y": {"field": "b", "type": "quantitative"},
    },
}
# 200000 x 200000 px with no axes to lay out: the PNG's pixel buffer allocation fails at once
# and aborts the process (in the API process this took the whole service down).
HUGE = {
    "data": {"values": VALUES[:3]},
    "width": 200_000,
    "height": 200_000,
    "mark": "point",
    "encoding": {
        "x": {"field": "a", "type": "quantitative", "axis": None},
        "y": {"field": "b", "type": "quantitative", "axis": None},
    },
}


def unique(spec: dict) -> dict:
    # A crashed or timed-out request is remembered; a fresh description makes each one new.
    return {**spec, "description": uuid.uuid4().hex}


def endless() -> dict:
    """Past the allow-list only because the test calls the sandbox directly: 40M generated rows."""
    return unique(
        {
            "data": {"sequence": {"start": 0, "stop": 40_000_000, "as": "v"}},
            "mark": "point",
            "encoding": {"x": {"field": "v", "type": "quantitative"}},
        }
    )


@pytest.fixture
def settings():
    """Small, fast limits for these tests; the defaults come back afterwards."""
    quick = sandbox.Settings(workers=2, timeout_s=3.0, queue_wait_s=2.0)
    sandbox.configure(quick)
    yield quick
    sandbox.configure(sandbox.Settings())


def test_render_check_passes_a_chart_and_names_what_fails(settings):
    assert sandbox.render_check(BAR, VALUES) is None
    assert sandbox.render_check({**BAR, "mark": "nonsense"}, VALUES)
    refused = sandbox.render_check(
        {"mark": "image", "encoding": {"url": {"value": "http://127.0.0.1:9/x.png"}}}, VALUES
    )
    assert refused and "spec.encoding.url" in refused


@pytest.mark.timing
def test_a_crash_and_a_timeout_end_only_their_worker(settings):
    assert sandbox.render({**BAR, "data": {"values": VALUES}}, "svg").startswith(b"<svg")
    before = set(sandbox.worker_pids())
    huge = unique(HUGE)
    with pytest.raises(sandbox.RenderError, match="stopped"):
        sandbox.render(huge, "png")
    started = time.monotonic()
    with pytest.raises(sandbox.RenderError, match="longer than 3 s"):
        sandbox.render(endless(), "svg")
    assert time.monotonic() - started < 3.0 + 5.0
    # The same chart again is answered at once, without costing another worker.
    started = time.monotonic()
    with pytest.raises(sandbox.RenderError, match="stopped"):
        sandbox.render(huge, "png")
    assert time.monotonic() - started < 0.5
    assert sandbox.render({**BAR, "data": {"values": VALUES}}, "png").startswith(b"\x89PNG")
    assert before - set(sandbox.worker_pids())  # the failed workers were replaced


@pytest.mark.timing
def test_a_busy_pool_answers_unavailable_then_recovers(settings):
    sandbox.configure(replace(settings, workers=1, queue_wait_s=0.3))
    sandbox.render({**BAR, "data": {"values": VALUES}}, "svg")  # started and warm
    errors: list[Exception] = []

    def occupy() -> None:
        try:
            sandbox.render(endless(), "svg")
        except Exception as error:  # noqa: BLE001 - the test looks at it below
            errors.append(error)

    thread = threading.Thread(target=occupy)
    thread.start()
    time.sleep(0.5)
    with pytest.raises(sandbox.RendererUnavailable) as busy:
        sandbox.render({**BAR, "data": {"values": VALUES}}, "svg")
    assert busy.value.retry_after_s >= 1
    thread.join(timeout=30)
    assert isinstance(errors[0], sandbox.RenderError)
    assert sandbox.render({**BAR, "data": {"values": VALUES}}, "svg").startswith(b"<svg")


def test_a_spec_past_the_allow_list_still_cannot_reach_the_network(settings):
    import http.server

    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sandbox.render({**BAR, "data": {"values": VALUES}}, "svg")
        if not sandbox.network_isolated():
            pytest.skip("this kernel does not allow unprivileged network namespaces")
        url = f"http://127.0.0.1:{server.server_address[1]}/img.png"
        spec = {
            "data": {"values": VALUES},
            "mark": "image",
            "encoding": {"x": {"field": "a"}, "url": {"value": url}},
        }
        sandbox.render(spec, "png")
        assert hits == []
    finally:
        server.shutdown()
        server.server_close()
