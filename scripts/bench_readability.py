"""Are our top-10 charts valid, drawable and readable on real public tables? (issue 13)

Runs this working tree's recommender (k=10, beam 15) over real tables that load offline:
- the chartbench tables (../shared/chartbench/data/px_*.csv);
- scikit-learn's bundled datasets as DataFrames (iris, wine, breast_cancer, diabetes, linnerud,
  digits), class labels as their names;
- statsmodels' bundled datasets (macrodata, grunfeld, longley, ...; the optional `bench`
  dependency group: `pip install -e '.[bench]'`); a date or name index becomes a column.
The Vega-Lite/Altair example datasets (vega_datasets) are held out for evaluation: not used.

For every returned chart: (a) Vega-Lite schema errors, (b) renders with 500 rows of the typed
table inlined, (c) readability: models.data2vis.readable.chart_problems(spec, table) is empty.
Per table: shape, seconds for the recommendation, distinct charts (and distinct signatures),
schema-invalid, not rendering, unreadable with the problems; then the totals.

    .venv/bin/python scripts/bench_readability.py
    .venv/bin/python scripts/bench_readability.py --sources sklearn statsmodels --tables macrodata grunfeld

Prints a table and writes bench_results/readability.json (every spec and its problems).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from models.data2vis.fields import coerce_table, json_records  # noqa: E402
from models.data2vis.recommend import get_recommender  # noqa: E402
from models.data2vis.validate import render_error, schema_errors  # noqa: E402
from scripts.bench_charts import CHARTBENCH, signature  # noqa: E402

try:
    from models.data2vis.readable import chart_problems
except ImportError:  # being written (issue 13); the column reads n/a until it lands
    chart_problems: Callable[[dict, pd.DataFrame], list[str]] | None = None  # type: ignore[no-redef]

SKLEARN = ("iris", "wine", "breast_cancer", "diabetes", "linnerud", "digits")
STATSMODELS = [
    "macrodata",
    "grunfeld",
    "longley",
    "fair",
    "star98",
    "anes96",
    "spector",
    "stackloss",
    "nile",
    "sunspots",
    "co2",
    "elnino",
    "engel",
    "committee",
    "cancer",
    "ccard",
    "china_smoking",
    "copper",
    "cpunish",
    "danish_data",
    "fertility",
    "heart",
    "interest_inflation",
    "modechoice",
    "randhie",
    "scotland",
    "strikes",
    "statecrime",
]
RENDER_ROWS = 500
MIN_DISTINCT = 5  # issue 13: at least 5 distinct charts in the top 10


# --- tables ----------------------------------------------------------------------------
def chartbench_tables(folder: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_csv(p) for p in sorted((folder / "data").glob("*.csv"))}


def sklearn_tables() -> dict[str, pd.DataFrame]:
    from sklearn import datasets

    out = {}
    for name in SKLEARN:
        bunch = getattr(datasets, f"load_{name}")(as_frame=True)
        frame = bunch.frame.copy()
        names = getattr(bunch, "target_names", None)
        # A class column as an analyst sees it (species names), not the codes 0/1/2.
        if "target" in frame and names is not None and len(names) == frame["target"].nunique():
            frame["target"] = pd.Categorical.from_codes(
                frame["target"].astype(int), list(names)
            ).astype(str)
        out[f"sk_{name}"] = frame
    return out


def statsmodels_tables() -> dict[str, pd.DataFrame] | None:
    try:
        import statsmodels.api as sm
    except ImportError:
        return None
    out = {}
    for name in STATSMODELS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = getattr(sm.datasets, name).load_pandas().data
        if not isinstance(frame.index, pd.RangeIndex):
            # co2's dates, statecrime's states: the index is data a user's file would hold as a column.
            default = "date" if isinstance(frame.index, pd.DatetimeIndex) else "index"
            frame = frame.rename_axis(frame.index.name or default).reset_index()
        out[f"sm_{name}"] = frame
    return out


# --- checks ----------------------------------------------------------------------------
def check_table(name: str, table: pd.DataFrame, k: int, beam_width: int) -> dict:
    """Recommend for one table and check every returned chart."""
    recommender = get_recommender()
    started = time.perf_counter()
    items = recommender.recommend_with_notes(table, k=k, beam_width=beam_width).items
    seconds = time.perf_counter() - started
    typed, _ = coerce_table(table)
    values = json_records(typed, RENDER_ROWS)
    columns = {str(c) for c in table.columns}
    charts = []
    for item in items:
        spec = item.spec
        chart: dict = {"spec": spec, "source": item.source, "signature": signature(spec, columns)}
        chart["schema_errors"] = schema_errors(spec)
        chart["render_error"] = render_error(spec, values)
        if chart_problems is not None:
            try:
                chart["problems"] = list(chart_problems(spec, table))
            except Exception as error:  # a crash in the check is reported, not a lost run
                chart["check_error"] = f"{type(error).__name__}: {error}"
        charts.append(chart)
    distinct = {
        json.dumps({k: v for k, v in c["spec"].items() if k != "$schema"}, sort_keys=True)
        for c in charts
    }
    sigs = {(c["signature"]["mark"], tuple(c["signature"]["pos"])) for c in charts}
    problems = Counter(p for c in charts for p in c.get("problems", []))
    return {
        "table": name,
        "shape": list(table.shape),
        "time_s": round(seconds, 3),
        "n_charts": len(charts),
        "n_distinct": len(distinct),
        "n_distinct_signatures": len(sigs),
        "n_schema_invalid": sum(bool(c["schema_errors"]) for c in charts),
        "n_not_rendering": sum(c["render_error"] is not None for c in charts),
        "n_unreadable": None
        if chart_problems is None
        else sum(bool(c.get("problems")) for c in charts),
        "n_check_errors": sum("check_error" in c for c in charts),
        "problems": dict(problems),
        "charts": charts,
    }


def _na(value: int | None) -> str:
    return "n/a" if value is None else str(value)


def print_row(row: dict) -> None:
    shape = f"{row['shape'][0]}x{row['shape'][1]}"
    problems = "; ".join(f"{p} x{n}" if n > 1 else p for p, n in row["problems"].items())
    errors = f" [{row['n_check_errors']} check errors]" if row["n_check_errors"] else ""
    print(
        f"{row['table']:<22}{shape:>10}{row['time_s']:>8.2f}{row['n_distinct']:>6}{row['n_distinct_signatures']:>6}"
        f"{row['n_schema_invalid']:>8}{row['n_not_rendering']:>8}{_na(row['n_unreadable']):>8}  {problems[:110]}{errors}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--beam-width", type=int, default=15)
    parser.add_argument(
        "--sources",
        nargs="*",
        default=["chartbench", "sklearn", "statsmodels"],
        choices=["chartbench", "sklearn", "statsmodels"],
    )
    parser.add_argument(
        "--tables", nargs="*", help="names without prefix, e.g. tips iris macrodata"
    )
    parser.add_argument("--chartbench", type=Path, default=CHARTBENCH)
    parser.add_argument("--out", type=Path, default=ROOT / "bench_results" / "readability.json")
    args = parser.parse_args()

    tables: dict[str, pd.DataFrame] = {}
    if "chartbench" in args.sources:
        tables |= chartbench_tables(args.chartbench)
    if "sklearn" in args.sources:
        tables |= sklearn_tables()
    if "statsmodels" in args.sources:
        loaded = statsmodels_tables()
        if loaded is None:
            print(
                "statsmodels is not installed: its tables are skipped. Install the bench extra:\n"
                "    .venv/bin/pip install -e '.[bench]'",
                flush=True,
            )
        else:
            tables |= loaded
    if args.tables:
        wanted = set(args.tables)
        tables = {n: t for n, t in tables.items() if n.split("_", 1)[1] in wanted or n in wanted}
    if not tables:
        parser.error("no tables selected")
    if chart_problems is None:
        print(
            "models.data2vis.readable.chart_problems does not exist yet: readability is n/a",
            flush=True,
        )

    recommender = get_recommender()  # loaded before the clock starts: the load is not a request
    if recommender.model is None:
        print(
            f"WARNING: the Data2Vis model did not load ({recommender.load_error}): rules only",
            flush=True,
        )
    print(
        f"\n{'table':<22}{'shape':>10}{'time s':>8}{'dist':>6}{'sigs':>6}{'invalid':>8}{'no-rend':>8}"
        f"{'unread':>8}  problems"
    )
    rows = []
    for name, table in tables.items():
        row = check_table(name, table, args.k, args.beam_width)
        rows.append(row)
        print_row(row)

    times = sorted(r["time_s"] for r in rows)
    total_problems: Counter = Counter()
    for r in rows:
        total_problems.update(r["problems"])
    totals = {
        "tables": len(rows),
        "charts": sum(r["n_charts"] for r in rows),
        "distinct_charts": sum(r["n_distinct"] for r in rows),
        "tables_under_5_distinct": [r["table"] for r in rows if r["n_distinct"] < MIN_DISTINCT],
        "schema_invalid": sum(r["n_schema_invalid"] for r in rows),
        "not_rendering": sum(r["n_not_rendering"] for r in rows),
        "unreadable": None if chart_problems is None else sum(r["n_unreadable"] for r in rows),
        "check_errors": sum(r["n_check_errors"] for r in rows),
        "problems": dict(total_problems.most_common()),
        "time_s_p50": round(statistics.median(times), 3),
        "time_s_p95": round(times[int(0.95 * (len(times) - 1))], 3),
        "time_s_max": round(times[-1], 3),
        "time_s_total": round(sum(times), 2),
        # Times are wall clock: on a shared 2-core machine they say as much about the load.
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    print("-" * 100)
    print(
        f"{len(rows)} tables, {totals['charts']} charts ({totals['distinct_charts']} distinct); "
        f"schema-invalid {totals['schema_invalid']}, not rendering {totals['not_rendering']}, "
        f"unreadable {_na(totals['unreadable'])}"
        + (
            f", readability check raised on {totals['check_errors']}"
            if totals["check_errors"]
            else ""
        )
    )
    print(
        f"tables with fewer than {MIN_DISTINCT} distinct charts: {totals['tables_under_5_distinct'] or 'none'}"
    )
    print(
        f"seconds per table: p50 {totals['time_s_p50']}, p95 {totals['time_s_p95']}, max {totals['time_s_max']}, "
        f"total {totals['time_s_total']} (load average {totals['load_average']})"
    )
    for problem, n in total_problems.most_common():
        print(f"  {n:>4}  {problem}")
    result = {
        "k": args.k,
        "beam_width": args.beam_width,
        "render_rows": RENDER_ROWS,
        "readability_check": chart_problems is not None,
        "totals": totals,
        "tables": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str))
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
