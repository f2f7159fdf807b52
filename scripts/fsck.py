"""Check the store and repair what a crash left behind (backend/storage/sweep.py).

Finishes deletes cut short, removes charts of deleted datasets, removes blobs no document
refers to (GridFS files and chunks, files in the blob folder) and repairs the embedded
store's reference counts; reports documents whose blob is missing (those it cannot repair).
The store is the one the environment selects (MONGO_URI, else DATA_DIR), as for the API.

    .venv/bin/python scripts/fsck.py                  # blobs older than an hour (safe beside a running API)
    .venv/bin/python scripts/fsck.py --grace-s 0      # every orphan: only when no API process is running
    .venv/bin/python scripts/fsck.py --dry-run --json # report only

Exit status: 0 clean or repaired, 1 if blobs are missing (data lost before this run).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.config import Config  # noqa: E402
from backend.storage import open_store  # noqa: E402
from backend.storage.sweep import STARTUP_GRACE_S, sweep  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--grace-s",
        type=float,
        default=STARTUP_GRACE_S,
        help="leave unreferenced blobs younger than this alone (uploads in flight)",
    )
    parser.add_argument("--dry-run", action="store_true", help="report, change nothing")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    config = Config.from_env()
    store = open_store(config)
    try:
        report = sweep(store, grace_s=args.grace_s, dry_run=args.dry_run)
    finally:
        store.close()
    where = config.mongo_uri or str(config.data_dir)
    if args.json:
        print(json.dumps({"store": where, "dry_run": args.dry_run, **report.as_dict()}, indent=2))
    else:
        print(f"store: {where}{' (dry run: nothing changed)' if args.dry_run else ''}")
        print(report.summary())
        for line in report.missing_blobs:
            print(f"  missing blob: {line}")
    return 1 if report.missing_blobs else 0


if __name__ == "__main__":
    raise SystemExit(main())
