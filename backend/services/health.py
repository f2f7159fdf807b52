"""Readiness checks: each returns "ok" or a short reason.

Cheap enough for a load balancer's probe from the first call: the shipped model weights are
checked where the recommender loads them from, without importing it (its modules take ~1 s of
CPU to import: scipy, jsonschema; a first /ready took 4-6 s on a loaded machine).
"""

from __future__ import annotations

from pathlib import Path

import models.data2vis  # the package only: loads neither the recommender's modules nor torch
from backend.storage import Store

# The recommender's WEIGHTS_PATH (models/data2vis/recommend.py); tests/unit keeps them equal.
DATA2VIS_WEIGHTS = Path(models.data2vis.__file__).resolve().parent / "weights" / "data2vis.zip"


def readiness(store: Store) -> dict[str, str]:
    checks: dict[str, str] = {}
    try:
        store.ping()
        checks["store"] = "ok"
    except Exception as exc:  # any driver error means "not ready", reported, never raised
        checks["store"] = f"unreachable ({type(exc).__name__})"
    # The shipped weights the service needs without a training step (checked, not loaded).
    checks["data2vis_weights"] = (
        "ok" if DATA2VIS_WEIGHTS.is_file() else f"missing ({DATA2VIS_WEIGHTS.name})"
    )
    return checks
