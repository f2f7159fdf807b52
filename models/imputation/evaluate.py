"""Masked evaluation: hide observed cells, impute, score only the hidden cells."""

from __future__ import annotations

import numpy as np


def hide_random_points(observed: np.ndarray, rate: float, seed: int) -> np.ndarray:
    """A seeded mask hiding about `rate` of each column's observed cells, chosen at random."""
    mask = np.asarray(observed, bool)
    rng = np.random.default_rng(seed)
    hidden = np.zeros_like(mask)
    flat = mask.reshape(len(mask), -1)
    out = hidden.reshape(len(mask), -1)
    for j in range(flat.shape[1]):
        candidates = np.flatnonzero(flat[:, j])
        count = int(round(rate * len(candidates)))
        # Keep at least two observed cells so every method has something to work from.
        count = min(count, max(len(candidates) - 2, 0))
        out[rng.choice(candidates, size=count, replace=False), j] = True
    return hidden


def hide_gaps(
    observed: np.ndarray,
    gap_length: int | list[int],
    seed: int,
    rate: float = 0.1,
    min_gaps: int = 1,
) -> np.ndarray:
    """A seeded mask of contiguous gaps, each flanked by observed cells on both sides.

    `gap_length` is one length or a list to draw from (e.g. the real gap lengths). Gaps
    are added until about `rate` of each column's observed cells are hidden (at least
    `min_gaps` where they fit) and never touch each other.
    """
    mask = np.asarray(observed, bool)
    rng = np.random.default_rng(seed)
    lengths = np.atleast_1d(np.asarray(gap_length, dtype=np.int64))
    hidden = np.zeros_like(mask)
    flat = mask.reshape(len(mask), -1)
    out = hidden.reshape(len(mask), -1)
    length = len(mask)
    for j in range(flat.shape[1]):
        column = flat[:, j]
        budget = max(int(round(rate * column.sum())), min_gaps * int(lengths.min()))
        # Prefix sums make "are cells s-1 .. s+L all observed?" an O(1) test.
        prefix = np.concatenate([[0], np.cumsum(column)])
        taken = np.zeros(length + 2, dtype=bool)
        used = 0
        for start in rng.permutation(np.arange(1, max(length - int(lengths.min()), 1))):
            if used >= budget:
                break
            size = int(rng.choice(lengths))
            lo, hi = start - 1, start + size + 1  # the flanking cells must be observed too
            if hi > length or prefix[hi] - prefix[lo] != hi - lo or taken[lo : hi + 1].any():
                continue
            if used + size > budget and used > 0:
                continue
            out[start : start + size, j] = True
            taken[lo:hi] = True
            used += size
    return hidden


def score(imputed: np.ndarray, truth: np.ndarray, hidden: np.ndarray) -> dict[str, float]:
    """MAE, RMSE and MRE (sum |error| / sum |truth|, as in BRITS) over the hidden cells."""
    mask = np.asarray(hidden, bool)
    count = int(mask.sum())
    if count == 0:
        return {"mae": float("nan"), "rmse": float("nan"), "mre": float("nan"), "n": 0}
    error = np.asarray(imputed, float)[mask] - np.asarray(truth, float)[mask]
    scale = float(np.abs(np.asarray(truth, float)[mask]).sum())
    return {
        "mae": float(np.abs(error).mean()),
        "rmse": float(np.sqrt((error**2).mean())),
        "mre": float(np.abs(error).sum() / scale) if scale > 0 else float("nan"),
        "n": count,
    }


def score_per_column(imputed: np.ndarray, truth: np.ndarray, hidden: np.ndarray) -> list[dict[str, float]]:
    """`score` for each column of a (T, C) array."""
    return [score(imputed[:, j], truth[:, j], hidden[:, j]) for j in range(np.asarray(hidden).shape[1])]
