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
    `min_gaps` of the longest length's worth where they fit) and never touch each other.
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
        budget = max(int(round(rate * column.sum())), min_gaps * int(lengths.max()))
        # Prefix sums make "are cells s-1 .. s+L all observed?" an O(1) test; plain Python
        # lists and one bulk draw of sizes keep the loop fast on 100,000-step series.
        prefix = np.concatenate([[0], np.cumsum(column)]).tolist()
        taken = bytearray(length + 2)
        used = 0
        starts = rng.permutation(np.arange(1, max(length - int(lengths.min()), 1))).tolist()
        before = rng.bit_generator.state
        sizes = lengths[rng.integers(len(lengths), size=len(starts))].tolist()
        drawn = 0
        for start, size in zip(starts, sizes, strict=True):
            if used >= budget:
                break
            drawn += 1
            lo, hi = start - 1, start + size + 1  # the flanking cells must be observed too
            if hi > length or prefix[hi] - prefix[lo] != hi - lo or any(taken[lo : hi + 1]):
                continue
            if used + size > budget and used > 0:
                continue
            out[start : start + size, j] = True
            taken[lo:hi] = b"\x01" * (hi - lo)
            used += size
        # Leave the generator where one draw per tried start would have (masks stay as before).
        rng.bit_generator.state = before
        rng.integers(len(lengths), size=drawn)
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


def score_per_column(
    imputed: np.ndarray, truth: np.ndarray, hidden: np.ndarray
) -> list[dict[str, float]]:
    """`score` for each column of a (T, C) array."""
    return [
        score(imputed[:, j], truth[:, j], hidden[:, j]) for j in range(np.asarray(hidden).shape[1])
    ]


def held_out_masks(
    observed: np.ndarray, seed: int, rate: float, folds: int = 1, min_gaps: int = 1
) -> tuple[list[np.ndarray], list[list[int]]]:
    """`folds` disjoint validation masks hiding about `rate` of each column's observed cells
    in gaps of the column's real interior gap lengths (single points where it has none).

    Each bucket of real lengths (`gap_bucket`) gets its share of the rate and at least
    `min_gaps` gaps per fold where they fit, so a rare long gap still gets a few held-out
    stretches to be judged on. Where the series has no room for that in every fold (a
    short series, a long gap), the few stretches that fit are dealt one per fold per round
    instead, the folds taken front and back half alternately (0, 3, 1, 4, 2 of 5), so the
    trailing folds `auto` confirms a choice on get their share in proportion instead of
    nothing (filled fold by fold, 240 monthly values with one 24-step gap gave 4, 3, 0, 0, 0). Folds are disjoint: every held-out stretch is scored once, and a fold that
    plays no part in a choice is really fresh. Buckets are placed longest first, in every
    fold, before single points break the series into short runs. Returns the masks and each
    column's interior gap lengths. The one mask builder of the job's validation and `auto`.
    """
    from models.imputation.data import interior_gap_lengths

    observed = np.asarray(observed, bool)
    lengths_by_column = [interior_gap_lengths(observed[:, j]) for j in range(observed.shape[1])]
    masks = [np.zeros_like(observed) for _ in range(max(folds, 1))]
    order = _alternate_halves(len(masks))
    for j, lengths in enumerate(lengths_by_column):
        by_bucket: dict[str, list[int]] = {}
        for n in lengths or [1]:
            by_bucket.setdefault(gap_bucket(n), []).append(n)
        taken = np.zeros(len(observed), bool)
        share = rate / len(by_bucket) * observed[:, j].sum()  # cells per fold and bucket
        for k, (_bucket, members) in enumerate(
            sorted(by_bucket.items(), key=lambda item: -max(item[1]))
        ):
            columns = [hidden[:, j] for hidden in masks]  # views: the folds' masks of column j
            before = taken.copy(), [c.copy() for c in columns]
            counts = [
                _hide_in(
                    observed[:, j],
                    taken,
                    columns[fold],
                    members,
                    seed + 7919 * j + 104_729 * fold + k,
                    share,
                    min_gaps,
                )
                for fold in range(len(masks))
            ]
            if min(counts) < min_gaps:
                # No room for `min_gaps` gaps in every fold: undo, and deal the few there are.
                taken[:] = before[0]
                for column, old in zip(columns, before[1], strict=True):
                    column[:] = old
                _deal_gaps(
                    observed[:, j],
                    taken,
                    columns,
                    members,
                    seed + 7919 * j + k,
                    order,
                    min_gaps,
                    share,
                )
    return masks, lengths_by_column


def _hide_in(
    observed: np.ndarray,
    taken: np.ndarray,
    fold: np.ndarray,
    members: list[int],
    seed: int,
    share: float,
    min_gaps: int,
) -> int:
    """Hide a fold's `share` of cells (at least `min_gaps` gaps where they fit) in gaps of
    `members` lengths among the observed, untaken cells; returns how many gaps it hid."""
    available = observed & ~taken
    mask = hide_gaps(
        available[:, None],
        members,
        seed=seed,
        rate=share / max(available.sum(), 1),
        min_gaps=min_gaps,
    )[:, 0]
    fold |= mask
    taken |= mask
    return int(np.count_nonzero(np.diff(mask.astype(np.int8), prepend=0) == 1))  # gaps never touch


def _deal_gaps(
    observed: np.ndarray,
    taken: np.ndarray,
    folds: list[np.ndarray],
    members: list[int],
    seed: int,
    order: list[int],
    min_gaps: int,
    share: float,
) -> None:
    """Hide gaps of `members` lengths in one column's fold masks (in place): `min_gaps` per
    fold dealt one per fold per round while they fit, then each fold's `share` of cells."""
    placed = np.zeros(len(folds))

    def hide(fold: int, cells: float, gaps: int, turn: int) -> None:
        before = folds[fold].sum()
        _hide_in(
            observed,
            taken,
            folds[fold],
            members,
            seed + 104_729 * fold + 1_299_709 * turn,
            cells,
            gaps,
        )
        placed[fold] += folds[fold].sum() - before

    for turn in range(min_gaps):
        before = placed.sum()
        for fold in order:
            hide(fold, 0.0, 1, turn)
        if placed.sum() == before:
            break  # no room left for another gap of this length
    for fold in order:
        if share > placed[fold]:
            hide(fold, share - placed[fold], 0, min_gaps)


def _alternate_halves(count: int) -> list[int]:
    """0..count-1 with the front and back half interleaved: 0, 3, 1, 4, 2 for 5."""
    front, back = list(range((count + 1) // 2)), list(range((count + 1) // 2, count))
    return [f for pair in zip(front, [*back, None], strict=False) for f in pair if f is not None][
        :count
    ]


# Gap-length buckets (inclusive bounds): single points, short, about a day of hourly
# data, and long gaps behave differently, and different methods win in each.
BUCKETS: tuple[tuple[str, int, int], ...] = (
    ("1", 1, 1),
    ("2-4", 2, 4),
    ("5-12", 5, 12),
    ("13-36", 13, 36),
    ("37+", 37, 10**12),
)


def gap_bucket(length: int) -> str:
    """The name of the bucket a gap of `length` steps falls in."""
    for name, lo, hi in BUCKETS:
        if lo <= length <= hi:
            return name
    raise ValueError(f"gap length must be positive, got {length}")
