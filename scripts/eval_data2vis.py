"""Evaluate Data2Vis: the paper's raw-beam metrics, what users get after filtering, held-out accuracy.

    .venv/bin/python scripts/eval_data2vis.py                       # all three parts, beam 15
    .venv/bin/python scripts/eval_data2vis.py --parts raw --limit 20

Parts (all on the 100 test datasets of the paper, testdata/ + utils/testlist.json, unless noted):
  raw       language syntax validity (parses as JSON), grammar syntax validity (Vega-Lite schema
            valid and renders with vl-convert) and phantom-field rate of the raw beams, for
            the shipped model with constrained decoding, the bare model (no constraints), and
            the original model's outputs (utils/testresults/vizmodelbi<beam>.json), all judged
            by the same checks here.
  filtered  recommend(k=10): share of returned charts valid and rendering, phantom fields,
            datasets with >= 5 distinct valid charts in the top 10, top-1 mark shares, latency.
  heldout   the corpus test split (specs never trained on): exact match of the top beam,
            per-field accuracy (mark, channel set, each channel's definition), hit@beam.
Writes bench_results/data2vis_eval.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import pandas as pd  # noqa: E402

from models.data2vis.corpus import (  # noqa: E402
    build_pairs,
    load_example_tables,
    load_examples,
    normalize_spec,
    split_specs,
)
from models.data2vis.fields import coerce_table, json_records  # noqa: E402
from models.data2vis.rank import chart_key  # noqa: E402
from models.data2vis.recommend import (  # noqa: E402
    RENDER_ROWS,
    WEIGHTS_PATH,
    load_recommender,
    representative_rows,
    select_views,
)
from models.data2vis.validate import (  # noqa: E402
    field_errors,
    parse_spec,
    render_error,
    schema_errors,
    unescape_field,
)
from models.data2vis.vocab import detokenize  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT.parent / "shared" / "data2vis")
    parser.add_argument("--weights", type=Path, default=WEIGHTS_PATH)
    parser.add_argument("--beam-width", type=int, default=15)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--parts", default="raw,filtered,heldout")
    parser.add_argument(
        "--limit", type=int, default=None, help="first N test datasets only (quick runs)"
    )
    parser.add_argument("--heldout-rows", type=int, default=1, help="records per held-out spec")
    parser.add_argument(
        "--seed", type=int, default=0, help="corpus split seed (must match training)"
    )
    parser.add_argument(
        "--no-original", action="store_true", help="skip re-checking the original model's outputs"
    )
    parser.add_argument(
        "--out", type=Path, default=REPO_ROOT / "bench_results" / "data2vis_eval.json"
    )
    return parser.parse_args()


def load_test_tables(data_dir: Path, limit: int | None) -> list[tuple[str, pd.DataFrame]]:
    names = json.loads((data_dir / "utils" / "testlist.json").read_text())
    names = names[:limit] if limit else names
    return [
        (name, pd.DataFrame(json.loads((data_dir / name).read_text(encoding="utf-8"))))
        for name in names
    ]


def spec_uses_phantom(spec: dict, columns: set[str]) -> bool:
    for definition in (spec.get("encoding") or {}).values():
        field = definition.get("field") if isinstance(definition, dict) else None
        if isinstance(field, str) and field != "*" and unescape_field(field) not in columns:
            return True
    return False


def grammar_valid(spec: dict, values: list[dict]) -> bool:
    clean = {k: v for k, v in spec.items() if k not in ("data", "$schema")}
    return not schema_errors(clean) and render_error(clean, values) is None


def score_beams(
    texts: list[str | None],
    specs: list[dict | None],
    infos: list,
    values: list[dict],
    beam_width: int,
) -> dict:
    """Counts for one dataset: beams, parsed, grammar-valid, phantom (among parsed), chart-valid.

    chart-valid is stricter than the paper's grammar validity: the spec also passes our checks
    against the real columns (kinds, aggregates, at least one positional channel with a column).
    """
    columns = {c.name for c in infos}
    by_name = {c.name: c for c in infos}
    parsed = [s for s in specs if s is not None]
    with ThreadPoolExecutor(max_workers=4) as pool:  # vl-convert renders outside the GIL
        grammar = list(pool.map(lambda s: grammar_valid(s, values), parsed))
    return {
        "beams": beam_width,
        "returned": len(texts),
        "lsv": len(parsed),
        "gsv": sum(grammar),
        "phantom": sum(spec_uses_phantom(s, columns) for s in parsed),
        "chart_valid": sum(
            ok and not field_errors(normalize_spec(s), by_name)
            for s, ok in zip(parsed, grammar, strict=True)
        ),
    }


def summarize(rows: list[dict]) -> dict:
    beams = sum(r["beams"] for r in rows)
    lsv = sum(r["lsv"] for r in rows)
    per_dataset_phantom = [r["phantom"] / r["lsv"] for r in rows if r["lsv"]]
    return {
        "datasets": len(rows),
        "language_syntax_validity": lsv / beams if beams else 0.0,
        "grammar_syntax_validity": sum(r["gsv"] for r in rows) / beams if beams else 0.0,
        "chart_validity": sum(r["chart_valid"] for r in rows) / beams if beams else 0.0,
        "phantom_rate": sum(r["phantom"] for r in rows) / lsv if lsv else 0.0,
        "phantom_rate_mean_per_dataset": statistics.fmean(per_dataset_phantom)
        if per_dataset_phantom
        else 0.0,
    }


def evaluate_raw(
    recommender, tables, data_dir: Path, beam_width: int, with_original: bool = True
) -> dict:
    original_path = data_dir / "utils" / "testresults" / f"vizmodelbi{beam_width}.json"
    original = (
        json.loads(original_path.read_text())["data"]
        if original_path.exists() and with_original
        else None
    )
    modes = [("model_unconstrained", False)]
    if recommender.model.config.level == "token":  # the constraints exist for JSON tokens only
        modes.append(("model_constrained", True))
    rows = {
        "model_constrained": [],
        "model_unconstrained": [],
        "original_bi": [],
        "original_bi_normalized": [],
    }
    original_reported = []
    for index, (name, raw) in enumerate(tables):
        typed, infos = coerce_table(raw)
        values = json_records(typed, max_rows=RENDER_ROWS)
        views, _ = select_views(infos)
        # The paper's unit: one record of the dataset, beam_width beams.
        row = representative_rows(typed, views[0], 1)[0]
        for label, constrain in modes:
            beams = recommender.decode_beams(views[0], row, beam_width, constrain=constrain)
            texts = [b.text for b in beams] + [None] * (beam_width - len(beams))
            specs = [b.spec for b in beams]
            rows[label].append(
                score_beams(texts, specs, infos, values, beam_width) | {"dataset": name}
            )
        if original is not None:
            entry = (
                original[index] if len(tables) == len(original) or index < len(original) else None
            )
            if entry is not None:
                specs = [parse_spec(json.dumps(s)) for s in entry["vegaspecarray"]]
                rows["original_bi"].append(
                    score_beams(specs, specs, infos, values, beam_width) | {"dataset": name}
                )
                # Same clean-up our corpus gets (drops editor keys such as primitiveType, "field": "*"),
                # so schema strictness about Vega-Lite 2 leftovers does not count against it.
                normalized = [normalize_spec(s) for s in specs]
                rows["original_bi_normalized"].append(
                    score_beams(normalized, normalized, infos, values, beam_width)
                    | {"dataset": name}
                )
                original_reported.append(entry)
        print(f"  raw beams {index + 1}/{len(tables)}", end="\r", file=sys.stderr)
    result = {label: summarize(r) for label, r in rows.items() if r}
    if original_reported:
        n = len(original_reported) * beam_width
        result["original_bi_self_reported"] = {
            "language_syntax_validity": sum(e["validjsoncount"] for e in original_reported) / n,
            "grammar_syntax_validity": sum(e["validvegacount"] for e in original_reported) / n,
            "phantom_rate": sum(e["phantomcount"] for e in original_reported)
            / max(1, sum(e["validjsoncount"] for e in original_reported)),
        }
    result["per_dataset"] = rows
    return result


def evaluate_filtered(recommender, tables, k: int, beam_width: int) -> dict:
    top1 = Counter()
    latencies, n_items, n_valid, n_phantom, enough, sources = [], 0, 0, 0, 0, Counter()
    per_dataset = []
    for index, (name, raw) in enumerate(tables):
        started = time.perf_counter()
        report = recommender.recommend_with_notes(raw, k, beam_width)
        latencies.append(time.perf_counter() - started)
        typed, infos = coerce_table(raw)
        columns = {c.name for c in infos}
        values = json_records(typed, max_rows=RENDER_ROWS)
        valid_keys = set()
        for item in report.items:
            n_items += 1
            sources[item.source] += 1
            phantom = spec_uses_phantom(item.spec, columns)
            n_phantom += phantom
            if grammar_valid(item.spec, values) and not phantom:
                n_valid += 1
                valid_keys.add(chart_key(item.spec))
        enough += len(valid_keys) >= 5
        if report.items:
            top1[str(report.items[0].spec.get("mark"))] += 1
        per_dataset.append(
            {
                "dataset": name,
                "returned": len(report.items),
                "distinct_valid": len(valid_keys),
                "top1": report.items[0].explanation if report.items else None,
                "notes": report.notes,
            }
        )
        print(f"  recommend {index + 1}/{len(tables)}", end="\r", file=sys.stderr)
    latencies.sort()
    n = len(tables)
    return {
        "datasets": n,
        "charts_returned": n_items,
        "valid_and_rendering_share": n_valid / n_items if n_items else 0.0,
        "phantom_fields": n_phantom,
        "share_datasets_with_5_distinct_valid_in_top10": enough / n if n else 0.0,
        "top1_marks": dict(top1.most_common()),
        "top1_max_mark_share": max(top1.values()) / n if top1 else 0.0,
        "sources": dict(sources),
        "latency_s_p50": latencies[len(latencies) // 2] if latencies else None,
        "latency_s_p95": latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
        if latencies
        else None,
        "per_dataset": per_dataset,
    }


def evaluate_heldout(
    recommender, data_dir: Path, beam_width: int, rows_per_spec: int, seed: int
) -> dict:
    from models.data2vis.beam import beam_search

    examples = load_examples(data_dir / "examples.jsonl")
    tables = load_example_tables(data_dir / "examplesdata")
    split = split_specs((e[0] for e in examples), seed=seed)
    test_examples = [e for e in examples if split[e[0]] == "test"]
    model = recommender.model
    level = model.config.level
    pairs = build_pairs(test_examples, tables, rows_per_spec, seed=seed + 2, level=level)
    counts = Counter()
    for index, pair in enumerate(pairs):
        beams = beam_search(model, pair.source, beam_width, constrain=level == "token")
        target = pair.target
        counts["pairs"] += 1
        if not beams:
            continue
        top = beams[0].tokens
        counts["exact"] += top == target
        counts["hit_at_beam"] += any(b.tokens == target for b in beams)
        predicted = parse_spec(detokenize(top)) or {}
        truth = json.loads(detokenize(target))
        counts["mark"] += predicted.get("mark") == truth.get("mark")
        p_enc, t_enc = predicted.get("encoding") or {}, truth.get("encoding") or {}
        counts["channel_set"] += set(p_enc) == set(t_enc)
        for channel, definition in t_enc.items():
            counts["channels"] += 1
            counts["channel_exact"] += p_enc.get(channel) == definition
            for prop in ("field", "type", "aggregate", "bin", "timeUnit"):
                counts[f"prop_{prop}_total"] += 1
                counts[f"prop_{prop}"] += (p_enc.get(channel) or {}).get(prop) == definition.get(
                    prop
                )

        print(f"  held-out {index + 1}/{len(pairs)}", end="\r", file=sys.stderr)
    n = max(counts["pairs"], 1)
    return {
        "test_specs": len(test_examples),
        "pairs": counts["pairs"],
        "exact_match_top1": counts["exact"] / n,
        "exact_match_in_beam": counts["hit_at_beam"] / n,
        "mark_accuracy": counts["mark"] / n,
        "channel_set_accuracy": counts["channel_set"] / n,
        "channel_definition_accuracy": counts["channel_exact"] / max(counts["channels"], 1),
        "property_accuracy": {
            p: counts[f"prop_{p}"] / max(counts[f"prop_{p}_total"], 1)
            for p in ("field", "type", "aggregate", "bin", "timeUnit")
        },
    }


def print_tables(results: dict) -> None:
    raw = results.get("raw")
    if raw:
        print(
            f"\nRaw beams, beam {results['beam_width']}, {raw['model_unconstrained']['datasets']} test datasets"
        )
        print(
            f"{'model':34s} {'LSV':>7s} {'GSV':>7s} {'phantom':>8s} {'phantom/ds':>11s} {'chart-valid':>12s}"
        )
        for label in (
            "original_bi_self_reported",
            "original_bi",
            "original_bi_normalized",
            "model_unconstrained",
            "model_constrained",
        ):
            if label in raw:
                r = raw[label]
                print(
                    f"{label:34s} {r['language_syntax_validity']:7.3f} {r['grammar_syntax_validity']:7.3f} "
                    f"{r['phantom_rate']:8.3f} {r.get('phantom_rate_mean_per_dataset', float('nan')):11.3f} "
                    f"{r.get('chart_validity', float('nan')):12.3f}"
                )
        print("targets (beam 15): LSV >= 0.95, GSV >= 0.93, phantom <= 0.10")
    filtered = results.get("filtered")
    if filtered:
        print(f"\nAfter filtering, recommend(k={results['k']}, beam_width={results['beam_width']})")
        for key in (
            "charts_returned",
            "valid_and_rendering_share",
            "phantom_fields",
            "share_datasets_with_5_distinct_valid_in_top10",
            "top1_max_mark_share",
            "top1_marks",
            "sources",
            "latency_s_p50",
            "latency_s_p95",
        ):
            value = filtered[key]
            print(
                f"  {key:46s} {value:.3f}" if isinstance(value, float) else f"  {key:46s} {value}"
            )
        print(
            "targets: valid 1.000, phantom 0, >= 5 distinct for >= 0.90 of datasets, top-1 max mark share <= 0.50"
        )
    heldout = results.get("heldout")
    if heldout:
        print(
            f"\nHeld-out corpus split ({heldout['test_specs']} unseen specs, {heldout['pairs']} records)"
        )
        for key, value in heldout.items():
            if isinstance(value, float):
                print(f"  {key:34s} {value:.3f}")
        for key, value in heldout["property_accuracy"].items():
            print(f"  property {key:25s} {value:.3f}")


def main() -> None:
    args = parse_args()
    import torch

    torch.set_num_threads(1)
    parts = set(args.parts.split(","))
    started = time.perf_counter()
    load_start = time.perf_counter()
    recommender = load_recommender(args.weights)
    if recommender.model is None:
        raise SystemExit(f"weights not loadable: {recommender.load_error}")
    results: dict = {
        "weights": str(args.weights),
        "beam_width": args.beam_width,
        "k": args.k,
        "model_load_s": round(time.perf_counter() - load_start, 3),
    }
    tables = load_test_tables(args.data_dir, args.limit) if parts & {"raw", "filtered"} else []
    if "raw" in parts:
        results["raw"] = evaluate_raw(
            recommender, tables, args.data_dir, args.beam_width, not args.no_original
        )
        results["level"] = recommender.model.config.level
    if "filtered" in parts:
        results["filtered"] = evaluate_filtered(recommender, tables, args.k, args.beam_width)
    if "heldout" in parts:
        results["heldout"] = evaluate_heldout(
            recommender, args.data_dir, args.beam_width, args.heldout_rows, args.seed
        )
    results["eval_seconds"] = round(time.perf_counter() - started, 1)
    print_tables(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nwrote {args.out} ({results['eval_seconds']} s)")


if __name__ == "__main__":
    main()
