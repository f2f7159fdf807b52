"""Train the Data2Vis seq2seq model on the rebuilt corpus; seeded and resumable.

    .venv/bin/python scripts/train_data2vis.py                 # defaults: ../shared/data2vis, ~minutes on 2 CPUs
    .venv/bin/python scripts/train_data2vis.py --epochs 30     # continues from the last checkpoint

Checkpoints (model + optimizer + history) go to --checkpoint-dir after every epoch; a rerun
resumes from the last one. The best epoch by dev loss is written to --out as data2vis.zip
(config, vocabulary, weights) with card.json (data, split, history, timings).
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from models.data2vis.corpus import (  # noqa: E402
    build_pairs,
    load_example_tables,
    load_examples,
    split_specs,
)

log = logging.getLogger("train_data2vis")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT.parent / "shared" / "data2vis")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "models" / "data2vis" / "weights")
    parser.add_argument("--checkpoint-dir", type=Path, default=REPO_ROOT / "var" / "data2vis_train")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument(
        "--rows-per-spec", type=int, default=6, help="records sampled per spec and epoch"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--time-budget-min", type=float, default=85.0, help="stop after the epoch that passes it"
    )
    parser.add_argument("--device", default="auto")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument("--hidden-size", type=int, default=64)
    parser.add_argument("--embedding-dim", type=int, default=48)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=3e-3)
    parser.add_argument(
        "--level",
        choices=("token", "char"),
        default="token",
        help="JSON tokens (shipped) or characters as in the paper (for the comparison in README)",
    )
    parser.add_argument(
        "--max-target-len", type=int, default=None, help="default 80 tokens / 220 characters"
    )
    parser.add_argument("--fresh", action="store_true", help="ignore existing checkpoints")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    import torch

    from models.data2vis.model import Data2VisConfig, Data2VisModel, seed_everything
    from models.data2vis.vocab import Vocabulary

    torch.set_num_threads(args.threads)
    seed_everything(args.seed)
    started = time.perf_counter()

    examples = load_examples(args.data_dir / "examples.jsonl")
    tables = load_example_tables(args.data_dir / "examplesdata")
    split = split_specs((spec_id for spec_id, _, _ in examples), seed=args.seed)
    by_split = {
        name: [e for e in examples if split[e[0]] == name] for name in ("train", "dev", "test")
    }
    log.info("specs: %s", {k: len(v) for k, v in by_split.items()})
    # Dev pairs are fixed; train pairs are resampled every epoch (new rows, column subsets, orders).
    dev_pairs = [
        (p.source, p.target)
        for p in build_pairs(by_split["dev"], tables, 3, seed=args.seed + 1, level=args.level)
    ]

    def train_pairs(epoch: int) -> list[tuple[list[str], list[str]]]:
        pairs = build_pairs(
            by_split["train"],
            tables,
            args.rows_per_spec,
            seed=args.seed * 100_003 + epoch,
            level=args.level,
        )
        return [(p.source, p.target) for p in pairs]

    args.checkpoint_dir.mkdir(parents=True, exist_ok=True)
    last_path = args.checkpoint_dir / "last.zip"
    best_path = args.checkpoint_dir / "best.zip"
    state_path = args.checkpoint_dir / "state.json"
    if last_path.exists() and state_path.exists() and not args.fresh:
        model = Data2VisModel.from_bytes(last_path.read_bytes(), device=args.device)
        state = json.loads(state_path.read_text())
        log.info("resumed from %s at epoch %d", last_path, model.epochs_trained)
    else:
        first = train_pairs(0)
        vocab = Vocabulary(t for s, tgt in first for t in (*s, *tgt))
        config = Data2VisConfig(
            embedding_dim=args.embedding_dim,
            hidden_size=args.hidden_size,
            batch_size=args.batch_size,
            learning_rate=args.learning_rate,
            seed=args.seed,
            level=args.level,
            max_target_len=args.max_target_len or (220 if args.level == "char" else 80),
        )
        model = Data2VisModel(vocab, config, device=args.device)
        state = {"history": [], "best_dev_loss": None, "best_epoch": None, "train_seconds": 0.0}
    n_params = sum(p.numel() for p in model.core.parameters())
    log.info(
        "device %s, vocab %d, parameters %d, dev pairs %d",
        model.device,
        len(model.vocab),
        n_params,
        len(dev_pairs),
    )

    while model.epochs_trained < args.epochs:
        if state["train_seconds"] / 60 > args.time_budget_min:
            log.info("time budget of %.0f min spent; stopping", args.time_budget_min)
            break
        epoch = model.epochs_trained
        pairs = train_pairs(epoch)
        epoch_start = time.perf_counter()
        last_report = [epoch_start]

        def on_batch(
            done: int, total: int, loss: float, last_report=last_report, epoch=epoch
        ) -> None:
            if time.perf_counter() - last_report[0] > 30:
                last_report[0] = time.perf_counter()
                log.info("epoch %d: %d/%d pairs, loss %.4f", epoch + 1, done, total, loss)

        metrics = model.fit_epoch(pairs, on_batch=on_batch)
        dev_loss = model.evaluate_loss(dev_pairs)
        seconds = time.perf_counter() - epoch_start
        state["train_seconds"] += seconds
        entry = {
            "epoch": model.epochs_trained,
            "pairs": len(pairs),
            "train_loss": round(metrics["train_loss"], 5),
            "dev_loss": round(dev_loss, 5),
            "seconds": round(seconds, 1),
        }
        state["history"].append(entry)
        log.info(
            "epoch %(epoch)d: train loss %(train_loss).4f, dev loss %(dev_loss).4f, %(seconds).0f s",
            entry,
        )
        if state["best_dev_loss"] is None or dev_loss < state["best_dev_loss"]:
            state["best_dev_loss"], state["best_epoch"] = dev_loss, model.epochs_trained
            best_path.write_bytes(model.to_bytes())
        last_path.write_bytes(model.to_bytes(include_optimizer=True))
        state_path.write_text(json.dumps(state, indent=2))

    args.out.mkdir(parents=True, exist_ok=True)
    artifact = best_path.read_bytes()
    (args.out / "data2vis.zip").write_bytes(artifact)
    card = {
        "paper": "Dibia & Demiralp, Data2Vis (IEEE CG&A 2019), arXiv:1804.03126",
        "data": {
            "source": str(args.data_dir),
            "specs": {k: len(v) for k, v in by_split.items()},
            "rows_per_spec_per_epoch": args.rows_per_spec,
            "split": f"by spec, seed {args.seed}",
        },
        "config": json.loads(json.dumps(model.config.__dict__)),
        "vocab_size": len(model.vocab),
        "parameters": n_params,
        "artifact_bytes": len(artifact),
        "best_epoch": state["best_epoch"],
        "best_dev_loss": state["best_dev_loss"],
        "history": state["history"],
        "train_seconds": round(state["train_seconds"], 1),
        "wall_seconds_this_run": round(time.perf_counter() - started, 1),
        "device": str(model.device),
        "torch_threads": args.threads,
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "command": "scripts/train_data2vis.py " + " ".join(sys.argv[1:]),
    }
    (args.out / "card.json").write_text(json.dumps(card, indent=2))
    log.info(
        "wrote %s (%d bytes) and card.json; best epoch %s",
        args.out / "data2vis.zip",
        len(artifact),
        state["best_epoch"],
    )


if __name__ == "__main__":
    main()
