"""Checks that a real job's stored params, live payload and result are what the OpenAPI
document says they are (backend/schemas/jobs.py KIND_PAYLOADS)."""

from __future__ import annotations

from typing import Any

from backend.schemas.jobs import KIND_PAYLOADS


def assert_payloads_documented(job: dict[str, Any]) -> None:
    """Each loads into its kind's schema: no undocumented field, no missing required one."""
    params, live, result = KIND_PAYLOADS[job["kind"]]
    assert params().validate(job["params"]) == {}, job["params"]
    if live is None:
        assert job["live"] is None
    elif job["live"] is not None:
        assert live().validate(job["live"]) == {}
    if job["status"] == "succeeded":
        assert result().validate(job["result"]) == {}, sorted(job["result"])
