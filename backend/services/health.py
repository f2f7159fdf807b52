"""Readiness checks: each returns "ok" or a short reason."""

from __future__ import annotations

from backend.storage import Store


def readiness(store: Store) -> dict[str, str]:
    checks: dict[str, str] = {}
    try:
        store.ping()
        checks["store"] = "ok"
    except Exception as exc:  # any driver error means "not ready", reported, never raised
        checks["store"] = f"unreachable ({type(exc).__name__})"
    return checks
