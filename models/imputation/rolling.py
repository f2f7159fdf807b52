"""Rolling pseudo-gaps: evidence about one gap length from every observed stretch of it.

Disjoint held-out folds score each observed cell once, so a short series has room for few
long held-out stretches (240 monthly values: six of 24 steps). Here every fully observed
stretch of `length` steps (with an observed neighbour on each side) is hidden in turn and
filled by each method, so the data say how each method does over that gap length at every
phase of the series, not at five or six places.

Overlapping pseudo-gaps are not independent, so they are not the units of the test:
the series is cut into consecutive blocks of `length + 1` steps, each pseudo-gap belongs
to the block it starts in, and a block's mean difference in MAE is one unit. Pseudo-gaps
of neighbouring blocks can share cells and neighbours, never those of blocks further
apart, so the blocks' differences are correlated at lag 1 at most; the paired t-test's
variance counts a positive lag-1 correlation in full (1 + 2 rho_1; a negative one is
ignored, which only makes the test more cautious), with blocks - 1 degrees of freedom.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from models.imputation.data import PreparedSeries
from models.imputation.imputer import Imputer

# Pseudo-gaps hidden at the same time in one fill are this many gap lengths apart, so one
# fill hides at most about a quarter of the column (the methods still see most of it).
SPACING = 4
# Fewest fills per method and gap length is 1; at most this many (longer gaps use every
# `stride`-th start instead of every start).
MAX_PASSES = 64


def block_of(starts: np.ndarray, length: int) -> np.ndarray:
    """The block (of length + 1 steps) each pseudo-gap starting at `starts` belongs to."""
    return starts // (length + 1)


def count_blocks(starts: np.ndarray, length: int) -> int:
    """How many independent-enough units (blocks, module doc) the pseudo-gaps fall in."""
    return int(len(np.unique(block_of(starts, length))))


@dataclass
class RollingErrors:
    """Each method's MAE on each pseudo-gap of one column and one gap length."""

    length: int
    starts: np.ndarray  # (N,) first step of each pseudo-gap, ascending
    mae: dict[str, np.ndarray] = field(default_factory=dict)  # method -> (N,)

    @property
    def blocks(self) -> np.ndarray:
        """The block (of length + 1 steps) each pseudo-gap starts in."""
        return block_of(self.starts, self.length)

    def block_differences(self, challenger: str, incumbent: str) -> np.ndarray:
        """Per block: mean MAE difference challenger - incumbent over its pseudo-gaps."""
        gain = self.mae[challenger] - self.mae[incumbent]
        ids, index = np.unique(self.blocks, return_inverse=True)
        return np.bincount(index, weights=gain, minlength=len(ids)) / np.bincount(
            index, minlength=len(ids)
        )

    def n_blocks(self) -> int:
        return count_blocks(self.starts, self.length)

    def overall_mae(self, method: str) -> float:
        return float(self.mae[method].mean()) if len(self.starts) else float("inf")

    def compare(self, challenger: str, incumbent: str) -> dict[str, float]:
        """One-sided test of "challenger has the lower MAE" over the blocks (module doc): the
        blocks, the mean difference, its p-value and its t statistic (negative where the
        challenger is ahead)."""
        d = self.block_differences(challenger, incumbent) if len(self.starts) else np.zeros(0)
        n = len(d)
        if n < 2:
            return {"n": n, "difference": 0.0, "p": 1.0, "t": 0.0}
        mean = float(d.mean())
        centred = d - mean
        variance = float((centred**2).sum() / (n - 1))
        rho = float((centred[1:] * centred[:-1]).sum() / max((centred**2).sum(), 1e-300))
        se = np.sqrt(variance * (1.0 + 2.0 * max(rho, 0.0)) / n)
        p = (0.0 if mean < 0 else 1.0) if se == 0.0 else float(stats.t.cdf(mean / se, df=n - 1))
        if se == 0.0:  # every block differs by the same amount
            t = 0.0 if mean == 0.0 else float(np.copysign(np.inf, mean))
        else:
            t = float(mean / se)
        return {"n": n, "difference": mean, "p": p, "t": t}


def pseudo_gap_starts(
    observed: np.ndarray, length: int, scorable: np.ndarray | None = None
) -> np.ndarray:
    """Starts s of every stretch [s, s + length) of `scorable` observed cells whose two
    neighbours are observed (a neighbour may be an unscorable cell: it is only input)."""
    observed = np.asarray(observed, bool)
    target = observed if scorable is None else observed & np.asarray(scorable, bool)
    size = len(observed)
    if size < length + 2:
        return np.zeros(0, np.int64)
    counts = np.concatenate([[0], np.cumsum(target)])
    starts = np.arange(1, size - length)
    full = counts[starts + length] - counts[starts] == length
    return starts[full & observed[starts - 1] & observed[starts + length]]


def pseudo_gap_passes(
    observed: np.ndarray, length: int, scorable: np.ndarray | None = None
) -> tuple[np.ndarray, list[np.ndarray]]:
    """The pseudo-gaps of `length` steps of one column (their starts, ascending; every
    `stride`-th where there would be more than MAX_PASSES fills) and, per fill, the indices
    into those starts hidden together (`SPACING` lengths apart)."""
    spacing = SPACING * (length + 1)
    stride = max(1, -(-spacing // MAX_PASSES))
    starts = pseudo_gap_starts(observed, length, scorable)
    starts = starts[starts % stride == 0]
    # The kept starts are multiples of `stride`; the k-th multiple goes to pass k mod `cycle`,
    # so starts in one pass are at least `spacing` apart and every start is in one pass (taking
    # `starts % spacing` as the pass dropped up to 2/3 of them where `stride` does not divide
    # `spacing`: gap lengths 33, 34, 36...).
    cycle = -(-spacing // stride)
    which = (starts // stride) % cycle
    passes = [np.flatnonzero(which == offset) for offset in range(cycle)]
    return starts, [chosen for chosen in passes if len(chosen)]


def gap_cells(starts: np.ndarray, length: int) -> np.ndarray:
    """(N, length) step indices of the pseudo-gaps starting at `starts`."""
    return starts[:, None] + np.arange(length)[None, :]


def rolling_errors(
    series: PreparedSeries,
    column: int,
    length: int,
    imputers: dict[str, Imputer],
    scorable: np.ndarray | None = None,
) -> RollingErrors:
    """Hide every observed stretch of `length` steps of `column` in turn (a few at a time,
    `SPACING` lengths apart) and score each method's fill of it. Only `scorable` cells
    (T,) are scored (`auto` keeps its confirmation cells fresh); the rest stay input.
    `imputers` maps a method's name to its imputer (a fitted one keeps its parameters)."""
    methods = list(imputers)
    starts, passes = pseudo_gap_passes(series.observed[:, column], length, scorable)
    out = RollingErrors(length, starts, {m: np.full(len(starts), np.nan) for m in methods})
    truth = series.values[:, column]
    for chosen in passes:
        cells = gap_cells(starts[chosen], length)
        mask = series.observed.copy()
        mask[cells.ravel(), column] = False
        train = series.with_observed(mask)
        for method in methods:
            filled = imputers[method].fill_column(train, column)
            out.mae[method][chosen] = np.abs(filled[cells] - truth[cells]).mean(axis=1)
    return out
