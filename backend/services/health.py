"""Readiness checks: each returns "ok" or a short reason."""

from __future__ import annotations

from pathlib import Path

from backend.storage import Store

# Shipped model weights the service needs without a training step.
SHIPPED_WEIGHTS = Path(__file__).resolve().parents[2] / "models" / "data2vis" / "weights" / "data2vis.zip"


def readiness(store: Store) -> dict[str, str]:
    checks: dict[str, str] = {}
    try:
        store.ping()
        checks["store"] = "ok"
    except Exception as exc:  # any driver error means "not ready", reported, never raised
        checks["store"] = f"unreachable ({type(exc).__name__})"
    checks["data2vis_weights"] = "ok" if SHIPPED_WEIGHTS.is_file() else f"missing ({SHIPPED_WEIGHTS.name})"
    return checks
