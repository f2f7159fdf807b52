"""`kalman`: fill gaps with the Kalman smoother of a small state-space model fitted per column.

Interpolation draws a straight line between the two observations next to a gap, so on a noisy
series it copies their noise into the gap, and on a series that returns to its mean it misses
the pull toward it. A state-space model fitted by maximum likelihood knows both: the smoother's
estimate of a missing value uses every observation, weighted by the fitted dynamics (a local
level shrinks the neighbours toward their surroundings; an AR(1) leans toward the mean in the
middle of a long gap). This is R imputeTS's `na_kalman` idea, with statsmodels' models.

Per column:
1. The values are standardized; where `detect_period_on_axis` finds a seasonal period, the
   seasonal shape of the seasonal baseline (`baselines.seasonal_shapes`) is also taken out.
2. Each of `SPECS` (white noise around a mean, random walk, AR(1) with a mean, local level,
   ARMA(1,1) with a mean, ARIMA(1,1,0)) is fitted to the raw and, with a period, to the
   seasonally adjusted values, on at most `MAX_FIT_STEPS` steps (the window with the most
   observations). The lowest AIC wins, in the original units: the adjusted fits' likelihoods
   count the ratio's Jacobian and their AIC the profile's period - 1 free values, so a
   spurious cycle does not win on fit alone.
3. The smoother runs with those parameters over the whole column. Each missing run's fill is
   a share of its estimate plus the rest of the simple method its model nests: time-weighted
   interpolation, or the seasonal profile for any seasonally adjusted fit (raw white noise
   nests the mean, which its smoother already is). Observed cells come back bit for bit. A
   column whose fits all fail or whose values are constant falls back to time-weighted
   interpolation.
4. The share is chosen per gap bucket (`choose_weights`): every observed stretch of the
   median length of the column's real gaps in that bucket is hidden in turn (rolling
   pseudo-gaps, `models.imputation.rolling`), filled by the smoother with the fitted
   parameters and by the nested simple method; the share in WEIGHTS with the lowest MAE over
   them is kept, shrunk toward none by how clearly it beat the simple method over the
   pseudo-gaps' blocks (`shrunk_share`: a share won by luck on a short series goes back to the
   simple method). Where nothing was measured for a gap length (too few pseudo-gaps: a long
   gap in a short series; no interior gap that long: a run at either end) the share is
   UNTESTED_SHARE, none: the simple method fills.

Why the blend, and why chosen per gap length: the AIC scores one-step-ahead prediction, a
fill needs interpolation across a gap of a given length. On real series the model the
likelihood prefers often interpolates worse than the simple method inside it (a local level
against the neighbours' line on short seasonal series, a mean-reverting ARMA that returns to
the yearly mean inside a 24-day gap), and elsewhere clearly better (a noisy level, a long gap
in a cycle). Hidden stretches of the real gaps' length measure exactly that, on every phase of
the column; one share among five is too little freedom to fit their noise (model card, rounds
7 and 8).

The first two are the simple methods' own models: white noise's smoother fills with the mean,
a random walk's draws the straight line between a gap's neighbours (linear interpolation), and
on seasonally adjusted values the seasonal profile (in row steps). So the smoother is
interpolation (or the mean, or the profile) unless the likelihood shows more structure, which
is why `auto` takes it as its default.

Steps are the row index (the models need a regular grid); time-weighted interpolation stays
`auto`'s default where rows are not evenly spaced. Parameters are per column; `fit` stores
them, so a fitted imputer fills other masks of the same series with fixed parameters (the
rolling check).
"""

from __future__ import annotations

import functools
import json
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any, ParamSpec, TypeVar

import numpy as np
import statsmodels.api as sm
from statsmodels.tsa.statespace.kalman_smoother import SMOOTHER_STATE
from threadpoolctl import ThreadpoolController

from models.imputation.baselines import (
    SeasonalShape,
    detect_period_on_axis,
    seasonal_axis,
    seasonal_shapes,
    time_weighted,
)
from models.imputation.data import PreparedSeries, interior_gap_lengths, missing_runs
from models.imputation.evaluate import BUCKETS, gap_bucket
from models.imputation.imputer import Budget, Imputer
from models.imputation.rolling import (
    RollingErrors,
    count_blocks,
    gap_cells,
    pseudo_gap_passes,
)

SPECS = ("white_noise", "random_walk", "ar1", "local_level", "arma11", "arima110")
# The smoother's share of a fill; the rest is the simple method its model nests (module doc).
# Chosen per gap bucket from WEIGHTS on rolling pseudo-gaps, then shrunk by its evidence
# (`shrunk_share`), so a share is any value in [0, 1]. Where a bucket has too few of
# them (fewer than MIN_WEIGHT_BLOCKS independent blocks), or none (no interior gap of that
# length: a run at either end), the share is UNTESTED_SHARE: leaving the simple method
# needs evidence, as every switch in `auto` does. It used to be 3/4, a hedge that lost where
# it mattered most: a 10-step gap in 45 yearly values, where an ARIMA(1,1,0) carries its
# momentum into the gap (model card, round 9).
WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
UNTESTED_SHARE = 0.0
MIN_WEIGHT_BLOCKS = 5
# Fitting reads at most this many steps (likelihood evaluations grow with the length);
# smoothing with the fitted parameters covers the whole column (about 0.4 s for 100,000).
MAX_FIT_STEPS = 2000
MIN_OBSERVED = 8


# statsmodels' filters call BLAS on 1-3 dimensional state matrices, where a second OpenBLAS
# thread has nothing to do but to be woken: on a busy machine (two jobs or two benchmark
# workers on 2 cores) waiting for it is most of the time. One ARMA(1,1) fit on 400 steps with
# 10% missing took 3.8 s with two threads, 0.19 s with one (both under the same load).
_BLAS = ThreadpoolController()
P = ParamSpec("P")
R = TypeVar("R")


def _one_blas_thread(method: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(method)
    def limited(*args: P.args, **kwargs: P.kwargs) -> R:
        with _BLAS.limit(limits=1, user_api="blas"):
            return method(*args, **kwargs)

    return limited


@dataclass(frozen=True)
class ColumnFit:
    """What was fitted for one column: the model, its parameters and the scaling."""

    spec: str
    params: list[float]
    mean: float
    scale: float
    seasonal: bool
    aic: float
    # Gap bucket -> the smoother's share of the fill (the rest: the simple method it nests),
    # where pseudo-gaps measured it; UNTESTED_SHARE elsewhere.
    weights: dict[str, float] = field(default_factory=dict)
    # Gap bucket -> how its share was measured (`ShareChoice` as a dict), for the evidence.
    share_evidence: dict[str, dict[str, Any]] = field(default_factory=dict)

    def weight(self, bucket: str) -> float:
        return self.weights.get(bucket, UNTESTED_SHARE)


def _model(spec: str, y: np.ndarray) -> Any:
    if spec == "white_noise":  # its smoother fills with the mean: the mean baseline's model
        return sm.tsa.UnobservedComponents(y, level=True, stochastic_level=False, irregular=True)
    if spec == "random_walk":  # its smoother draws the straight line: interpolation's model
        return sm.tsa.UnobservedComponents(y, level=True, stochastic_level=True, irregular=False)
    if spec == "ar1":
        return sm.tsa.SARIMAX(y, order=(1, 0, 0), trend="c")
    if spec == "local_level":
        return sm.tsa.UnobservedComponents(y, "llevel")
    if spec == "arma11":
        return sm.tsa.SARIMAX(y, order=(1, 0, 1), trend="c")
    if spec == "arima110":
        return sm.tsa.SARIMAX(y, order=(1, 1, 0))
    raise ValueError(f"unknown state-space spec {spec!r}")


def _fit_window(known: np.ndarray) -> slice:
    """The MAX_FIT_STEPS-step window with the most observed cells (the whole column if shorter)."""
    if len(known) <= MAX_FIT_STEPS:
        return slice(0, len(known))
    counts = np.concatenate([[0], np.cumsum(known)])
    totals = counts[MAX_FIT_STEPS:] - counts[:-MAX_FIT_STEPS]
    start = int(np.argmax(totals))
    return slice(start, start + MAX_FIT_STEPS)


def _best_fit(
    y: np.ndarray,
    shape: SeasonalShape | None,
    free: int,
    specs: tuple[str, ...] = SPECS,
    start: list[float] | None = None,
) -> ColumnFit | None:
    """The lowest-AIC spec of `specs` on `y` (NaN where missing), in the raw column's units."""
    known = np.isfinite(y)
    mean, scale = float(y[known].mean()), float(y[known].std())
    if scale <= 0 or not np.isfinite(scale):
        return None
    window = _fit_window(known)
    z = ((y - mean) / scale)[window]
    # Log-likelihood of the raw values: the standardization's Jacobian, and a ratio's.
    jacobian = int(known[window].sum()) * np.log(scale)
    if shape is not None and shape.ratio:
        jacobian += float(np.log(np.abs(shape.component[window][known[window]])).sum())
    best: ColumnFit | None = None
    for spec in specs:
        model = _model(spec, z)
        try:
            with warnings.catch_warnings():
                # Start-value and convergence notices: a poor fit shows in its AIC.
                warnings.simplefilter("ignore")
                params = model.fit(start_params=start, disp=False, return_params=True)
                llf = float(model.loglike(params)) - jacobian
        except (ValueError, np.linalg.LinAlgError):
            continue
        if not np.isfinite(llf):
            continue
        aic = float(-2.0 * llf + 2.0 * (len(params) + free))
        if best is None or aic < best.aic:
            best = ColumnFit(spec, [float(v) for v in params], mean, scale, shape is not None, aic)
    return best


def fit_column(
    values: np.ndarray,
    known: np.ndarray,
    shape: SeasonalShape | None,
    period: int | None,
    structure: ColumnFit | None = None,
) -> ColumnFit | None:
    """Fit raw and (with a seasonal shape) adjusted values; keep the lower AIC.

    With `structure` (a fit of the same column on more data) only its spec and form (raw or
    seasonally adjusted) are fitted, started from its parameters: the parameters are this
    data's own, the search over models is not repeated.
    """
    if known.sum() < MIN_OBSERVED:
        return None
    raw = np.where(known, values, np.nan)
    if structure is not None:
        if structure.seasonal and shape is not None and period is not None:
            adjusted = np.where(known, shape.remove(values), np.nan)
            return _best_fit(adjusted, shape, period - 1, (structure.spec,), structure.params)
        start = None if structure.seasonal else structure.params
        return _best_fit(raw, None, 0, (structure.spec,), start)
    fits = [_best_fit(raw, None, 0)]
    if shape is not None and period is not None:
        fits.append(_best_fit(np.where(known, shape.remove(values), np.nan), shape, period - 1))
    found = [f for f in fits if f is not None]
    return min(found, key=lambda f: f.aic) if found else None


def smooth_column(
    values: np.ndarray, known: np.ndarray, fit: ColumnFit, shape: SeasonalShape | None
) -> np.ndarray | None:
    """The smoother's estimate of every step with the fitted parameters (None if it fails)."""
    series = shape.remove(values) if fit.seasonal and shape is not None else values
    z = np.where(known, (series - fit.mean) / fit.scale, np.nan)
    model = _model(fit.spec, z)
    # The smoothed state only (no covariances, no forecast bookkeeping): 3x faster, and the
    # estimate of an observation is the design row times the state plus its intercept. No
    # parameter covariance either: for ARMA(1,1) it is a numerical Hessian, 2/3 of a smooth.
    model.ssm.smoother_output = SMOOTHER_STATE
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            state = model.smooth(
                np.asarray(fit.params), cov_type="none"
            ).smoother_results.smoothed_state
    except (ValueError, np.linalg.LinAlgError):
        return None
    design = np.asarray(model.ssm["design"]).reshape(1, state.shape[0], -1)[0, :, 0]
    intercept = float(np.asarray(model.ssm["obs_intercept"]).reshape(-1)[0])
    estimate = (design @ state + intercept) * fit.scale + fit.mean
    if fit.seasonal and shape is not None:
        estimate = shape.restore(estimate)
    return estimate if np.isfinite(estimate).all() else None


@dataclass(frozen=True)
class ColumnData:
    """One column on the row grid: values (anything where not `known`), the observed mask, and
    its steps in calendar units (`axis`, the seasonal profile's) and in typical steps
    (`positions`, time interpolation's)."""

    values: np.ndarray
    known: np.ndarray
    axis: np.ndarray
    positions: np.ndarray

    @classmethod
    def of(cls, series: PreparedSeries, j: int) -> ColumnData:
        known = series.observed[:, j]
        axis = seasonal_axis(series.length, series.positions, series.step_seconds)
        return cls(np.where(known, series.values[:, j], 0.0), known, axis, series.positions)

    def rows(self, window: slice) -> ColumnData:
        return ColumnData(
            self.values[window], self.known[window], self.axis[window], self.positions[window]
        )

    def hiding(self, cells: np.ndarray) -> ColumnData:
        known = self.known.copy()
        known[cells] = False
        return ColumnData(self.values, known, self.axis, self.positions)


def _is_its_own_simple_method(fit: ColumnFit, shape: SeasonalShape | None) -> bool:
    """Raw white noise: its smoother is the mean, there is nothing to blend it with."""
    return fit.spec == "white_noise" and not (fit.seasonal and shape is not None)


def nested_simple(
    column: ColumnData, fit: ColumnFit, shape: SeasonalShape | None
) -> np.ndarray | None:
    """The simple method `fit`'s model nests, at every step: the seasonal profile for a
    seasonally adjusted fit, else time-weighted interpolation; None for raw white noise,
    whose smoother is already the mean."""
    if _is_its_own_simple_method(fit, shape):
        return None
    if fit.seasonal and shape is not None:
        return shape.fill(column.values, column.known, column.axis)
    return time_weighted(column.values, column.known, column.positions)


def blend_runs(
    estimate: np.ndarray, simple: np.ndarray | None, known: np.ndarray, fit: ColumnFit
) -> np.ndarray:
    """Each missing run: the smoother's share for its gap bucket of `estimate`, the rest `simple`."""
    if simple is None:
        return estimate
    share = np.full(len(known), UNTESTED_SHARE)
    for start, size in missing_runs(known):
        share[start : start + size] = fit.weight(gap_bucket(size))
    return share * estimate + (1.0 - share) * simple


@dataclass(frozen=True)
class ShareChoice:
    """One gap bucket's share of the smoother and the pseudo-gaps it was measured on."""

    share: float  # what fills: `won`, shrunk by its evidence
    won: float  # the share in WEIGHTS with the lowest MAE on the pseudo-gaps
    t: float | None  # its lead over the simple method in standard errors (None: no spread)
    length: int  # steps of each pseudo-gap
    pseudo_gaps: int
    blocks: int


def choose_weights(
    column: ColumnData, fit: ColumnFit, shape: SeasonalShape | None
) -> dict[str, float]:
    """Gap bucket -> the smoother's share of the fill (`choose_shares`)."""
    return {bucket: choice.share for bucket, choice in choose_shares(column, fit, shape).items()}


def choose_shares(
    column: ColumnData, fit: ColumnFit, shape: SeasonalShape | None
) -> dict[str, ShareChoice]:
    """Gap bucket -> the smoother's share of the fill: the one in WEIGHTS with the lowest MAE
    on rolling pseudo-gaps (`models.imputation.rolling`) of the median length of the column's
    real interior gaps in that bucket, with the fitted parameters fixed, on the fit window,
    shrunk by its evidence (`shrunk_share`). A bucket without real gaps or with fewer than
    MIN_WEIGHT_BLOCKS blocks of pseudo-gaps gets none (UNTESTED_SHARE applies)."""
    window = _fit_window(column.known)
    column = column.rows(window)
    if shape is not None:
        shape = SeasonalShape(shape.ratio, shape.component[window])
    if _is_its_own_simple_method(fit, shape):
        return {}
    lengths = np.asarray(interior_gap_lengths(column.known), dtype=np.int64)
    shares: dict[str, ShareChoice] = {}
    for bucket, lo, hi in BUCKETS:
        in_bucket = lengths[(lengths >= lo) & (lengths <= hi)]
        if not len(in_bucket):
            continue
        length = int(np.median(in_bucket))
        starts, passes = pseudo_gap_passes(column.known, length)
        if count_blocks(starts, length) < MIN_WEIGHT_BLOCKS:
            continue
        # (pseudo-gap, step) fills of each, in the order of `starts`.
        smoothed, simple = np.empty((2, len(starts), length))
        for chosen in passes:
            cells = gap_cells(starts[chosen], length)
            train = column.hiding(cells.ravel())
            estimate = smooth_column(train.values, train.known, fit, shape)
            nested = nested_simple(train, fit, shape)
            if estimate is None or nested is None:
                break
            smoothed[chosen], simple[chosen] = estimate[cells], nested[cells]
        else:
            truth = column.values[gap_cells(starts, length)]
            shares[bucket] = shrunk_share(starts, length, smoothed, simple, truth)
    return shares


def shrunk_share(
    starts: np.ndarray, length: int, smoothed: np.ndarray, simple: np.ndarray, truth: np.ndarray
) -> ShareChoice:
    """The share in WEIGHTS with the lowest MAE on these pseudo-gaps ((N, length) fills and
    truth), shrunk toward none by how clearly it beat the simple method over their blocks.

    The argmin over WEIGHTS is a winner on noisy evidence: on a short series its measured gain
    is partly luck. With t = gain / standard error (`RollingErrors.compare`), the factor
    1 - 1/t^2 (0 where t <= 1) is the MSE-optimal shrinkage mu^2 / (mu^2 + se^2) of an estimate
    with standard error se, with mu^2 estimated without bias by gain^2 - se^2. A share won by a
    wide margin keeps nearly all of itself; one won by about a standard error goes to the
    simple method (model card, round 10)."""
    errors = [float(np.abs(w * smoothed + (1.0 - w) * simple - truth).mean()) for w in WEIGHTS]
    best = WEIGHTS[int(np.argmin(errors))]
    blend = best * smoothed + (1.0 - best) * simple
    rolling = RollingErrors(
        length,
        starts,
        {
            "blend": np.abs(blend - truth).mean(axis=1),
            "simple": np.abs(simple - truth).mean(axis=1),
        },
    )
    gain_t = -rolling.compare("blend", "simple")["t"]
    factor = max(0.0, 1.0 - 1.0 / gain_t**2) if gain_t > 1.0 else 0.0
    return ShareChoice(
        share=round(best * factor, 3),
        won=best,
        t=round(gain_t, 2) if np.isfinite(gain_t) else None,
        length=length,
        pseudo_gaps=len(starts),
        blocks=rolling.n_blocks(),
    )


class KalmanImputer(Imputer):
    """State-space smoothing per column.

    Unfitted, every `fill` chooses and fits the models on the series it fills. `fit` chooses
    and fits them once; a fitted imputer fills with those fixed parameters. `for_held_out()`
    gives an imputer that keeps a fitted imputer's choice of model per column but fits its
    parameters on each series it fills (`auto`'s held-out folds: their cells never reach the
    parameters that fill them, and the search over models runs once, not once per fold).
    """

    name = "kalman"

    def __init__(
        self,
        fits: dict[int, ColumnFit | None] | None = None,
        structure: dict[int, ColumnFit | None] | None = None,
    ) -> None:
        self.fits = fits
        self.structure = structure

    def for_held_out(self) -> KalmanImputer:
        """Keeps the model chosen per column, refits its parameters on each series filled."""
        return KalmanImputer(structure=self.fits)

    def _shapes(
        self, series: PreparedSeries, columns: list[int]
    ) -> tuple[dict[int, SeasonalShape | None], int | None]:
        """The series' seasonal period (detected over all columns) and `columns`' shapes."""
        axis = seasonal_axis(series.length, series.positions, series.step_seconds)
        period = detect_period_on_axis(series.values, series.observed, axis, series.step_seconds)
        if period is None:
            return dict.fromkeys(columns), None
        shapes = seasonal_shapes(
            series.values[:, columns], series.observed[:, columns], axis, period
        )
        return dict(zip(columns, shapes, strict=True)), period

    @_one_blas_thread
    def fit(
        self,
        train: PreparedSeries,
        budget: Budget | None = None,
        validation: Callable[[Imputer], float] | None = None,
        on_check: Callable[[Imputer, dict[str, Any]], Any] | None = None,
    ) -> dict[str, Any]:
        """Choose and fit each column's model (nothing to train in epochs: `budget` is unused)."""
        shapes, period = self._shapes(train, list(range(train.n_columns)))
        self.fits = {}
        for j in range(train.n_columns):
            column = ColumnData.of(train, j)
            fit = fit_column(column.values, column.known, shapes[j], period)
            if fit is not None:
                shares = choose_shares(column, fit, shapes[j])
                fit = replace(
                    fit,
                    weights={bucket: c.share for bucket, c in shares.items()},
                    share_evidence={bucket: asdict(c) for bucket, c in shares.items()},
                )
            self.fits[j] = fit
        return {"status": "fitted", "epochs": 0, "models": self.describe()}

    def describe(self) -> dict[str, Any]:
        """Per column: the chosen model, whether it was fitted to seasonally adjusted values,
        and the smoother's share per gap bucket with how it was measured."""
        return {
            str(j): None
            if f is None
            else {
                "model": f.spec,
                "seasonal": f.seasonal,
                "aic": f.aic,
                "weights": f.weights,
                "shares": f.share_evidence,
            }
            for j, f in (self.fits or {}).items()
        }

    @_one_blas_thread
    def fill(self, series: PreparedSeries) -> np.ndarray:
        shapes, period = self._shapes(series, list(range(series.n_columns)))
        filled = np.stack(
            [self._estimate(series, j, shapes[j], period) for j in range(series.n_columns)], axis=1
        )
        return np.where(series.observed, series.values, filled)

    @_one_blas_thread
    def fill_column(self, series: PreparedSeries, column: int) -> np.ndarray:
        # One column's shape only: the rolling check calls this up to 64 times per column.
        shapes, period = self._shapes(series, [column])
        estimate = self._estimate(series, column, shapes[column], period)
        return np.where(series.observed[:, column], series.values[:, column], estimate)

    def _estimate(
        self, series: PreparedSeries, j: int, shape: SeasonalShape | None, period: int | None
    ) -> np.ndarray:
        """Column j's fill at every step (time-weighted interpolation if nothing fits)."""
        column = ColumnData.of(series, j)
        values, known = column.values, column.known
        if self.fits is not None:
            fit = self.fits.get(j)
            if fit is not None and fit.seasonal and shape is None:
                # Fitted on a seasonal adjustment this series no longer shows: refit raw.
                fit = fit_column(values, known, None, None)
        else:
            structure = None if self.structure is None else self.structure.get(j)
            fit = fit_column(values, known, shape, period, structure)
            if fit is not None:
                # Held-out folds keep the shares chosen with the model; a fill from scratch
                # chooses them on the series it fills.
                weights = (
                    structure.weights
                    if structure is not None
                    else choose_weights(column, fit, shape)
                )
                fit = replace(fit, weights=weights)
        estimate = None if fit is None else smooth_column(values, known, fit, shape)
        if fit is None or estimate is None:
            return time_weighted(series.values[:, j], known, series.positions)
        return blend_runs(estimate, nested_simple(column, fit, shape), known, fit)

    def to_bytes(self) -> bytes:
        fits = (
            None
            if self.fits is None
            else {str(j): None if f is None else asdict(f) for j, f in self.fits.items()}
        )
        return json.dumps({"kind": "kalman", "name": "kalman", "fits": fits}).encode()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KalmanImputer:
        fits = data.get("fits")
        return cls(
            None
            if fits is None
            else {int(j): None if f is None else ColumnFit(**f) for j, f in fits.items()}
        )
