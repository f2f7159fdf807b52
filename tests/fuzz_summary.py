"""The OpenAPI fuzz suite's counts in the pytest summary (so `make test` shows them), also under xdist.

The counts live in `tests.api.test_fuzz_openapi.STATS` of the process that ran the suite. Run
serially that is pytest itself; under pytest-xdist it is a worker, which hands them to the
controller (`workeroutput`) when its session ends, and the controller prints them.
"""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any

FUZZ_MODULE = "tests.api.test_fuzz_openapi"
# What the workers sent (xdist controller only).
_FROM_WORKERS: dict[str, Counter] = {}


def local_stats() -> dict[str, Counter] | None:
    fuzz = sys.modules.get(FUZZ_MODULE)
    stats = getattr(fuzz, "STATS", None)
    return stats if stats and stats["cases"] else None


def hand_to_controller(config: Any) -> None:
    """On an xdist worker: put this process's counts where the controller reads them."""
    stats = local_stats()
    if stats is not None and hasattr(config, "workeroutput"):
        config.workeroutput["fuzz_stats"] = {k: dict(v) for k, v in stats.items()}


def take_from_worker(workeroutput: dict[str, Any]) -> None:
    for key, counts in workeroutput.get("fuzz_stats", {}).items():
        _FROM_WORKERS.setdefault(key, Counter()).update(counts)


def write(terminalreporter: Any) -> None:
    stats = local_stats() or (_FROM_WORKERS if _FROM_WORKERS.get("cases") else None)
    if stats is None:
        return
    write_line = terminalreporter.write_line
    terminalreporter.section("OpenAPI fuzzing (schemathesis)")
    cases = stats["cases"]
    write_line(f"cases run: {sum(cases.values())} over {len(cases)} operations")
    write_line("responses: " + ", ".join(f"{k} {v}" for k, v in sorted(stats["status"].items())))
    failures = stats["failures"]
    write_line(
        "failures: "
        + (", ".join(f"{k}: {v}" for k, v in sorted(failures.items())) if failures else "none")
    )
    write_line("cases (of them 2xx, time in requests) per operation:")
    for label, n in sorted(cases.items()):
        write_line(
            f"  {n:5d} ({stats['ok'][label]:3d}, {stats['ms'][label] / 1000:5.1f} s)  {label}"
        )
