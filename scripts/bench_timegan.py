"""Benchmark our TimeGAN on Sines and Stocks, side by side with ydata-synthetic's TimeGAN.

For each dataset, with the reference configuration (seq_len 24, GRU, hidden 24, 3 layers,
batch 128): train ours for `--iterations` steps per phase, report iterations per second
per phase, then the discriminative and predictive scores (mean and spread over
`--metric-runs` post-hoc runs, 10 as in the reference: one run of the discriminative score
can swing from 0.01 to 0.3 on the same samples). Then train ydata-synthetic 1.4's TimeGAN, installed in its
own virtualenv (it needs TensorFlow 2.15 and numpy < 2), on the same windows for
`--ydata-iterations` steps per phase and report its iterations per second, and the ratio.

    .venv/bin/python scripts/bench_timegan.py --quick
    .venv/bin/python scripts/bench_timegan.py --iterations 10000
    .venv/bin/python scripts/bench_timegan.py --load-dir bench_results/timegan_models --skip-ydata  # re-score saved models
    .venv/bin/python scripts/bench_timegan.py --datasets sines --load-dir bench_results/timegan_models \
        --joint-iterations 12500 --skip-ydata  # train a saved model's joint phase further, then score

Prints a table and writes JSON to bench_results/timegan.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from models.timegan import TimeGAN, TimeGANConfig, quality, real_windows  # noqa: E402
from models.timegan.training import PHASES  # noqa: E402

DEFAULT_STOCKS = REPO_ROOT.parent / "shared" / "timegan" / "stock_data.csv"
DEFAULT_ENERGY = REPO_ROOT.parent / "shared" / "timegan" / "energy_data.csv"
YDATA_VENV = REPO_ROOT / "bench_results" / ".venv-ydata"
# ydata-synthetic 1.4.0 declares tensorflow==2.15.*, numpy<2, pandas<3 and Python <3.12,
# and an unpinned tensorflow-probability[tf]; 0.23.0 is the release built for TF 2.15.
YDATA_REQUIREMENTS = ["ydata-synthetic==1.4.0", "tensorflow-probability==0.23.0"]

# Issue 6 targets (paper: Stocks 0.102 / 0.038, Sines 0.011 / 0.093).
TARGETS = {
    "sines": {"discriminative": 0.05, "predictive": 0.10},
    "stocks": {"discriminative": 0.15, "predictive": 0.040},
}

# Runs inside the ydata virtualenv: times ydata's own training loop by wrapping the tqdm
# iterators its TimeGAN.train() iterates over (one per phase), so their code runs unchanged.
YDATA_RUNNER = r"""
import json, os, sys, time
os.environ["YDATA_SYNTHETIC_NO_ANALYTICS"] = "1"  # no network calls from the package
import numpy as np
import ydata_synthetic.synthesizers.timeseries.timegan.model as timegan_module
from ydata_synthetic.synthesizers.base import ModelParameters

stamps = {}
def timed(iterable, desc=""):
    marks = stamps.setdefault(desc, [])
    for item in iterable:
        marks.append(time.perf_counter())
        yield item
    marks.append(time.perf_counter())
timegan_module.tqdm = timed

windows_path, iterations, out_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
windows = np.load(windows_path)
params = ModelParameters(batch_size=128, lr=1e-3, latent_dim=24, gamma=1)
model = timegan_module.TimeGAN(params)
model.seq_len, model.n_seq = windows.shape[1], windows.shape[2]
start = time.perf_counter()
# Their fit() only reverses, scales and windows a table, then calls train(); we hand
# train() the same scaled windows our model gets.
model.train(data=list(windows), train_steps=iterations)
total = time.perf_counter() - start
names = {"Emddeding network training": "embedding", "Supervised network training": "supervised",
         "Joint networks training": "joint"}
result = {"iterations": iterations, "total_s": total, "iterations_per_second": {}, "first_step_s": {}}
for desc, marks in stamps.items():
    phase = names.get(desc, desc)
    marks = np.asarray(marks)
    # marks[1] - marks[0] is the first step (graph tracing); rate over the steps after it.
    result["first_step_s"][phase] = float(marks[1] - marks[0])
    steps = len(marks) - 2
    result["iterations_per_second"][phase] = float(steps / (marks[-1] - marks[1])) if steps > 0 else None
json.dump(result, open(out_path, "w"))
"""


def sines_windows(n: int = 10_000, seq_len: int = 24, dim: int = 5, seed: int = 0) -> np.ndarray:
    """The reference Sines data: per sequence and feature, sin(f t + p) with f, p ~ U(0, 0.1), in [0, 1]."""
    rng = np.random.default_rng(seed)
    freq = rng.uniform(0, 0.1, size=(n, 1, dim))
    phase = rng.uniform(0, 0.1, size=(n, 1, dim))
    steps = np.arange(seq_len)[None, :, None]
    return (np.sin(freq * steps + phase) + 1) * 0.5


def train_ours(
    model: TimeGAN,
    data: Any,
    chunk_steps: int,
    iterations: int,
    joint_iterations: int,
    joint_budget_s: float | None = None,
    checkpoint: Path | None = None,
) -> tuple[TimeGAN, dict[str, Any]]:
    """Train each phase up to `iterations` steps and the joint phase up to `joint_iterations`.

    A restored model continues where it stopped; joint steps beyond `iterations` are what a
    resumed training job of the API adds (more steps go to the joint phase). With a
    `joint_budget_s` the joint phase also stops once that much time went into it (the steps
    reached are recorded); with a `checkpoint` path the model is saved after every chunk.
    """
    model.set_training_data(data)
    targets = {phase: iterations for phase in PHASES} | {"joint": max(joint_iterations, iterations)}
    rates, first_step_s, losses = {}, {}, {}
    start = time.perf_counter()
    for phase in PHASES:
        if model.steps_done[phase] >= targets[phase]:
            continue
        began = time.perf_counter()
        model.fit_steps(phase, 1)  # traces the compiled loop; timed separately
        first_step_s[phase] = time.perf_counter() - began
        began, steps = time.perf_counter(), 0
        while (left := targets[phase] - model.steps_done[phase]) > 0:
            if (
                phase == "joint"
                and joint_budget_s is not None
                and time.perf_counter() - began > joint_budget_s
            ):
                print(
                    f"    joint: time budget spent at {model.steps_done[phase]} steps", flush=True
                )
                break
            n = min(chunk_steps, left)
            losses[phase] = model.fit_steps(phase, n)
            steps += n
            print(
                f"    {phase}: {model.steps_done[phase]}/{targets[phase]} {losses[phase]}",
                flush=True,
            )
            if (
                checkpoint is not None
            ):  # written whole, then renamed: a kill never leaves half a model
                partial = checkpoint.with_suffix(".partial")
                partial.write_bytes(model.to_bytes())
                partial.replace(checkpoint)
        elapsed = time.perf_counter() - began
        rates[phase] = steps / elapsed if steps else None
    return model, {
        "iterations": dict(model.steps_done),
        "iterations_per_second": rates,
        "first_step_s": first_step_s,
        "total_s": time.perf_counter() - start,
        "last_losses": losses,
    }


# As the reference scores them: Sines in the generator's own units (inside [0, 1]), Stocks and
# Energy after its loader's min-max scaling (our metrics scale by the real windows' range).
SCALE_FOR_SCORES = {"sines": False, "stocks": True, "energy": True}


def measure_settings(args: argparse.Namespace, paper_runs: int) -> quality.MeasureSettings:
    return quality.MeasureSettings(
        classifier_runs=args.classifier_runs,
        paper_runs=paper_runs,
        paper_iterations=args.discriminative_iterations,
        predictive_iterations=args.predictive_iterations,
    )


def reference_points(
    name: str, reference: np.ndarray, heldout: np.ndarray, args: argparse.Namespace
) -> dict[str, Any]:
    """Floor and fakes' scores; kept in bench_results/ and reused while data and settings match
    (they do not depend on the model, so a re-scored model needs none of them again)."""
    measures = measure_settings(args, args.reference_paper_runs)
    settings = {
        "classifier_runs": measures.classifier_runs,
        "paper_runs": measures.paper_runs,
        "paper_iterations": measures.paper_iterations,
        "predictive_iterations": measures.predictive_iterations,
        "seed": args.seed,
        "n": len(heldout),
        "n_reference": len(reference),
        "scale": SCALE_FOR_SCORES[name],
    }
    path = args.out.parent / f"timegan_references_{name}.json"
    if path.exists():
        cached = json.loads(path.read_text())
        if cached["settings"] == settings:
            print(f"  reference points from {path}", flush=True)
            return cached
    began = time.perf_counter()
    scores = quality.reference_scores(
        reference,
        heldout,
        len(heldout),
        measures,
        seed=args.seed,
        scale=SCALE_FOR_SCORES[name],
        on_candidate=lambda c: print(f"  measuring {c}", flush=True),
    )
    result = {"settings": settings, "scores": scores, "seconds": time.perf_counter() - began}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2))
    return result


def print_scorecard(name: str, card: dict[str, Any]) -> None:
    columns = card["candidates"]
    print(f"\n{name}: every measure (lower is better), model vs held-out real (floor) vs fakes")
    print(" | ".join([f"{'measure':>16}", *(f"{c:>17}" for c in columns), "beats every fake"]))
    for measure in card["measures"]:
        cells = []
        for candidate in columns:
            score = card["scores"][candidate].get(measure["name"])
            if score is None:  # the reference points can leave the paper's scores out
                cells.append("-")
                continue
            spread = f"+-{score['std']:.3f}" if len(score["runs"]) > 1 else ""
            cells.append(f"{score['mean']:.4f}{spread}")
        verdict = card["verdict"][measure["name"]]
        lost_to = [fake for fake, won in verdict["beats"].items() if not won]
        said = "yes" if not lost_to else "NO (not " + ", ".join(lost_to) + ")"
        print(
            " | ".join(
                [
                    f"{measure['name']:>16}",
                    *(f"{c:>17}" for c in cells),
                    said if verdict["beats"] else "no fake measured",
                ]
            )
        )


def ensure_ydata_venv() -> Path:
    python = YDATA_VENV / "bin" / "python"
    if python.exists():
        return python
    base = shutil.which("python3.11") or sys.executable
    print(
        f"  creating {YDATA_VENV} with {base} and installing {' '.join(YDATA_REQUIREMENTS)}",
        flush=True,
    )
    subprocess.run([base, "-m", "venv", str(YDATA_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", *YDATA_REQUIREMENTS], check=True)
    return python


def run_ydata(scaled_windows: np.ndarray, iterations: int, timeout_s: int) -> dict[str, Any]:
    python = ensure_ydata_venv()
    with tempfile.TemporaryDirectory() as tmp:
        windows_path, out_path, runner = (
            Path(tmp, "w.npy"),
            Path(tmp, "out.json"),
            Path(tmp, "run.py"),
        )
        np.save(windows_path, scaled_windows.astype(np.float32))
        runner.write_text(YDATA_RUNNER)
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "YDATA_SYNTHETIC_NO_ANALYTICS": "1"}
        completed = subprocess.run(
            [str(python), str(runner), str(windows_path), str(iterations), str(out_path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
        if completed.returncode != 0:
            return {"error": completed.stderr[-2000:]}
        return json.loads(out_path.read_text())


def load_dataset(name: str, args: argparse.Namespace) -> tuple[Any, np.ndarray]:
    """(training data as our model takes it, real windows in original units)."""
    if name == "sines":
        windows = sines_windows(args.sines_n, seed=args.seed)
        return windows, windows
    frame = pd.read_csv(args.stocks if name == "stocks" else args.energy)
    windows, _ = real_windows(frame, 24)
    return frame, windows


def fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--stocks", type=Path, default=DEFAULT_STOCKS, help="stock_data.csv of the reference"
    )
    parser.add_argument(
        "--energy", type=Path, default=DEFAULT_ENERGY, help="energy_data.csv of the reference"
    )
    parser.add_argument(
        "--datasets", default="sines,stocks", help="comma-separated: sines, stocks, energy"
    )
    parser.add_argument(
        "--iterations", type=int, default=10_000, help="our training steps per phase"
    )
    parser.add_argument(
        "--joint-iterations",
        type=int,
        default=None,
        help="joint-phase steps (default: --iterations); with --load-dir, trains the saved model's joint phase up to this",
    )
    parser.add_argument(
        "--joint-budget-min",
        type=float,
        default=None,
        help="stop the joint phase after this many minutes even if --joint-iterations is not reached (steps are recorded)",
    )
    parser.add_argument(
        "--ydata-iterations", type=int, default=None, help="ydata steps per phase (speed only)"
    )
    parser.add_argument(
        "--metric-runs",
        type=int,
        default=10,
        help="runs of the paper's two post-hoc scores for the model (the reference averages 10)",
    )
    parser.add_argument(
        "--reference-paper-runs",
        type=int,
        default=1,
        help="runs of the paper's two scores for the floor and each fake (0: leave them out)",
    )
    parser.add_argument(
        "--score-windows",
        type=int,
        default=4_000,
        help="real windows scored (a random subset when there are more): half reference, half floor",
    )
    parser.add_argument(
        "--classifier-runs",
        type=int,
        default=5,
        help="runs of the stronger classifier, every candidate",
    )
    parser.add_argument(
        "--score-only",
        action="store_true",
        help="with --load-dir: score the saved models as they are",
    )
    parser.add_argument(
        "--references-only",
        action="store_true",
        help="only measure the floor and the fakes (saved for later runs); no model is trained or scored",
    )
    parser.add_argument("--discriminative-iterations", type=int, default=2_000)
    parser.add_argument("--predictive-iterations", type=int, default=5_000)
    parser.add_argument("--sines-n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-ydata", action="store_true")
    parser.add_argument("--ydata-timeout-s", type=int, default=3_600)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="short training (300 steps per phase, ydata 30) that fits a 2-core session; scores are far from converged",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="TensorFlow intra/inter-op threads (default: TensorFlow's choice); 1 lets two runs share 2 cores",
    )
    parser.add_argument(
        "--save-dir",
        type=Path,
        default=None,
        help="keep each trained model here as <dataset>.timegan",
    )
    parser.add_argument(
        "--load-dir",
        type=Path,
        default=None,
        help="score the <dataset>.timegan models saved here by --save-dir instead of training them anew",
    )
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench_results" / "timegan.json")
    args = parser.parse_args(argv)
    if args.quick:
        args.iterations = min(args.iterations, 300)
        args.ydata_iterations = args.ydata_iterations or 30
        args.metric_runs = min(args.metric_runs, 3)
    args.ydata_iterations = args.ydata_iterations or min(args.iterations, 200)
    args.joint_iterations = args.joint_iterations or args.iterations

    import tensorflow as tf

    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    report: dict[str, Any] = {
        "command": " ".join(
            [Path(sys.argv[0]).name, *(argv if argv is not None else sys.argv[1:])]
        ),
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_at_start": list(os.getloadavg()),
            "python": platform.python_version(),
            "tensorflow": tf.__version__,
            "gpus": [d.name for d in tf.config.list_physical_devices("GPU")],
            "tf_threads": args.threads,
        },
        "quick": bool(args.quick),
        "targets": TARGETS,
        "datasets": {},
    }
    for name in args.datasets.split(","):
        print(f"== {name}", flush=True)
        data, real = load_dataset(name, args)
        # Half the real windows are what every candidate is compared with; the other half is the
        # floor, and the fakes are made from it.
        if len(real) > args.score_windows:  # the classifier's cost grows with the windows
            real = real[
                np.random.default_rng(args.seed).permutation(len(real))[: args.score_windows]
            ]
        reference, heldout = quality.split_real(real, seed=args.seed)
        references = reference_points(name, reference, heldout, args)
        if args.references_only:
            report["datasets"][name] = {"n_windows": len(real), "references": references}
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(report, indent=2))
            continue
        config = TimeGANConfig(
            seq_len=24,
            module="gru",
            hidden_dim=24,
            num_layers=3,
            batch_size=128,
            iterations=args.iterations,
            seed=args.seed,
        )
        print(
            f"  ours: {config.iterations} iterations per phase, joint {args.joint_iterations}",
            flush=True,
        )
        load_before = list(os.getloadavg())
        saved = args.load_dir / f"{name}.timegan" if args.load_dir else None
        joint_budget_s = args.joint_budget_min * 60 if args.joint_budget_min else None
        checkpoint = args.save_dir / f"{name}.timegan" if args.save_dir else None
        if checkpoint is not None:
            checkpoint.parent.mkdir(parents=True, exist_ok=True)
        if saved is not None and saved.exists():
            model = TimeGAN.from_bytes(saved.read_bytes())
            print(f"  loaded {saved} ({model.steps_done})", flush=True)
            if not args.score_only and args.joint_iterations > model.steps_done["joint"]:
                model, ours = train_ours(
                    model,
                    data,
                    100,
                    args.iterations,
                    args.joint_iterations,
                    joint_budget_s,
                    checkpoint,
                )
            else:
                ours = {"iterations": dict(model.steps_done), "iterations_per_second": {}}
            ours["loaded_from"] = str(saved)
        else:
            model, ours = train_ours(
                TimeGAN(config),
                data,
                100,
                args.iterations,
                args.joint_iterations,
                joint_budget_s,
                checkpoint,
            )
        # The machine is shared: record how busy it was around each timed run.
        ours["load_average"] = {"before": load_before, "after": list(os.getloadavg())}
        if args.save_dir is not None:
            args.save_dir.mkdir(parents=True, exist_ok=True)
            (args.save_dir / f"{name}.timegan").write_bytes(model.to_bytes())
        synthetic = model.generate(len(heldout), seed=args.seed)
        print("  scoring", flush=True)
        began = time.perf_counter()
        card = quality.scorecard(
            reference,
            heldout,
            synthetic,
            measure_settings(args, args.metric_runs),
            seed=args.seed,
            scale=SCALE_FOR_SCORES[name],
            references=references["scores"],
        )
        ours["scorecard"] = card
        ours["scoring_seconds"] = time.perf_counter() - began
        ours["reference_settings"] = references["settings"]
        ours["meets_targets"] = {
            metric: card["scores"]["model"][metric]["mean"] <= bound
            for metric, bound in TARGETS.get(name, {}).items()
        }
        print_scorecard(name, card)
        entry: dict[str, Any] = {
            "n_windows": len(real),
            "config": model.config.to_dict(),
            "ours": ours,
        }
        if not args.skip_ydata:
            print(
                f"  ydata-synthetic 1.4: {args.ydata_iterations} iterations per phase", flush=True
            )
            scaled = model.scaler.transform(real)
            load_before = list(os.getloadavg())
            theirs = run_ydata(scaled, args.ydata_iterations, args.ydata_timeout_s)
            theirs["load_average"] = {"before": load_before, "after": list(os.getloadavg())}
            entry["ydata"] = theirs
            if "iterations_per_second" in theirs:
                entry["speedup"] = {
                    phase: (
                        ours["iterations_per_second"][phase]
                        / theirs["iterations_per_second"][phase]
                    )
                    if ours["iterations_per_second"].get(phase)
                    and theirs["iterations_per_second"].get(phase)
                    else None
                    for phase in PHASES
                }
            else:
                print(f"  ydata failed: {theirs.get('error', '')[-500:]}", flush=True)
        report["datasets"][name] = entry
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2))

    for name, entry in report["datasets"].items():
        if "ours" not in entry:
            continue
        card = entry["ours"]["scorecard"]
        print_scorecard(f"{name} ({entry['ours']['iterations']} steps per phase)", card)
        beaten = [m for m, v in card["verdict"].items() if v["beats"] and not v["flagged"]]
        print(
            f"  {name}: beats every fake on {', '.join(beaten) or 'nothing'}; "
            f"structure measures all beaten: {all(m in beaten for m in quality.STRUCTURE_MEASURES if m in card['verdict'])}"
        )
        for metric, bound in TARGETS.get(name, {}).items() if args.metric_runs else ():
            print(
                f"  {name} {metric} (paper's network, half the real windows): "
                f"{card['scores']['model'][metric]['mean']:.3f} target <= {bound}"
            )
    print()
    header = ["dataset", "phase", "ours it/s", "ydata it/s", "speedup", "ours iters"]
    print(" | ".join(f"{h:>12}" for h in header))
    for name, entry in report["datasets"].items():
        for phase in PHASES if "ours" in entry else ():
            ours_rate = entry["ours"]["iterations_per_second"].get(phase)
            theirs_rate = entry.get("ydata", {}).get("iterations_per_second", {}).get(phase)
            speedup = entry.get("speedup", {}).get(phase)
            print(
                " | ".join(
                    f"{c:>12}"
                    for c in [
                        name,
                        phase,
                        fmt(ours_rate, 2),
                        fmt(theirs_rate, 2),
                        fmt(speedup, 2),
                        str(entry["ours"]["iterations"][phase]),
                    ]
                )
            )
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
