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
    # The shipped weights the service needs without a training step (checked, not loaded).
    from models.data2vis.recommend import WEIGHTS_PATH

    checks["data2vis_weights"] = (
        "ok" if WEIGHTS_PATH.is_file() else f"missing ({WEIGHTS_PATH.name})"
    )
    return checks
