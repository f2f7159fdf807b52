"""gunicorn listens with SO_REUSEPORT, so a second server on a taken port would share it
silently; the boot check refuses instead."""

from __future__ import annotations

import socket

import pytest

from backend.servers import ensure_port_free


def test_a_port_another_server_answers_on_is_refused():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(RuntimeError, match=f"0.0.0.0:{port} is already in use"):
            ensure_port_free([("0.0.0.0", port)])  # a wildcard bind is probed on loopback


def test_a_free_port_and_unix_sockets_pass():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, not listening: nothing answers
        ensure_port_free([("127.0.0.1", port), "/tmp/insight.sock"])
