"""API test hooks: the OpenAPI fuzz suite's counts in the pytest summary (so `make test` shows them)."""

from __future__ import annotations

import sys


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001
    fuzz = sys.modules.get("tests.api.test_fuzz_openapi")
    stats = getattr(fuzz, "STATS", None)
    if not stats or not stats["cases"]:
        return
    write = terminalreporter.write_line
    terminalreporter.section("OpenAPI fuzzing (schemathesis)")
    cases = stats["cases"]
    write(f"cases run: {sum(cases.values())} over {len(cases)} operations")
    write("responses: " + ", ".join(f"{k} {v}" for k, v in sorted(stats["status"].items())))
    failures = stats["failures"]
    write(
        "failures: "
        + (", ".join(f"{k}: {v}" for k, v in sorted(failures.items())) if failures else "none")
    )
    write("cases (of them 2xx, time in requests) per operation:")
    for label, n in sorted(cases.items()):
        write(f"  {n:5d} ({stats['ok'][label]:3d}, {stats['ms'][label] / 1000:5.1f} s)  {label}")
