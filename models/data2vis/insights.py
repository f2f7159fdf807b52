"""Charts chosen from a table's statistics: the first questions an analyst asks of it.

Each generator answers one question (how measures move over time, which measures go
together, how a measure is spread, how groups compare, what the table is made of) for the
columns where the answer is strongest, scores the chart by how much it says (correlation,
trend strength, share of variance between groups, imbalance of counts) and explains it in
words about this data ("Horsepower and MPG fall together: r = -0.78"). Encodings follow
the effectiveness rankings of Mackinlay / APT and CompassQL, which Draco 2's soft
constraints also encode: position before length before color, at most 10 colors, sorted
bars, labels on the axis that has room for them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from models.data2vis.profile import (
    MAX_AXIS_CATEGORIES,
    MAX_COLOR_CATEGORIES,
    Column,
    TableProfile,
    determines,
)

MAX_MEASURES = 10  # measures considered for pairs and per-measure charts (wide tables)
MAX_CATEGORIES = 12  # categories considered for groupings, splits and pairs
MAX_PAIRS = 6
LEAD_PAIR = 0.12  # bonus of the first two measures' scatter; decays for later columns
LEAD_DECAY = 0.6
SPLIT_GAIN = 0.1  # variance a second category must add to split bars by it
SEPARATES = 0.2  # share of variance between groups from which a category colors a scatter
RESTATED_MIX = 0.9  # Cramér's V from which one category nearly restates the other
HORIZONTAL_AFTER = 12  # more categories than this go on the y axis, where long labels fit
COUNT = {"aggregate": "count", "type": "quantitative", "title": "number of records"}


@dataclass(frozen=True)
class Insight:
    spec: dict
    score: float  # in (0, 1): how much the chart says about this table
    intent: str  # trend | relationship | distribution | comparison | composition
    explanation: str


# -- formatting ---------------------------------------------------------------------------


def fmt(value: float) -> str:
    """A number as a reader wants it: 3 significant digits, thousands separated."""
    if value is None or not math.isfinite(value):
        return "n/a"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100 or value == int(value):
        return f"{value:.0f}" if value == int(value) or magnitude >= 100 else f"{value:.1f}"
    return f"{value:.3g}"


def _member(category: Column, value: object) -> str:
    """A group named so it reads alone: 'Dinner', but 'size 2' rather than a bare '2'."""
    label = _label(value)
    return f"{category.name} {label}" if category.info.kind == "num" else label


def _label(value: object) -> str:
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


# -- statistics ---------------------------------------------------------------------------


def _floats(values: pd.Series | np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=float)


def _codes(groups: pd.Series | np.ndarray) -> np.ndarray:
    """Integer group codes, -1 for a missing value."""
    return pd.factorize(pd.Series(groups), use_na_sentinel=True)[0]


def correlation(a: pd.Series | np.ndarray, b: pd.Series | np.ndarray) -> float:
    """Pearson or Spearman, whichever is stronger (a monotone curve counts as related)."""
    x, y = _floats(a), _floats(b)
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if len(x) < 5 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return 0.0
    pearson = float(np.corrcoef(x, y)[0, 1])
    spearman = float(np.corrcoef(rankdata(x), rankdata(y))[0, 1])
    values = [v for v in (pearson, spearman) if math.isfinite(v)]
    return max(values, key=abs) if values else 0.0


def between_groups(measure: pd.Series | np.ndarray, groups: pd.Series | np.ndarray) -> float:
    """Share of a measure's variance between the groups (eta squared, 0..1), adjusted."""
    m = _floats(measure)
    codes = (
        groups if isinstance(groups, np.ndarray) and groups.dtype.kind == "i" else _codes(groups)
    )
    keep = np.isfinite(m) & (codes >= 0)
    m, codes = m[keep], codes[keep]
    if len(m) < 5:
        return 0.0
    counts = np.bincount(codes)
    present = counts > 0
    k, n = int(present.sum()), len(m)
    if k < 2 or n - k < k:
        # Fewer than two rows per group on average: each group's mean is mostly its own
        # noise (sleep cycles of 32 mammals in 20 order x status cells "explained" 94%).
        return 0.0
    center = m.mean()
    total = float(((m - center) ** 2).sum())
    if total <= 0:
        return 0.0
    means = np.bincount(codes, weights=m)[present] / counts[present]
    between = float((counts[present] * (means - center) ** 2).sum())
    # Groups of one row explain everything trivially; shrink by the groups per row.
    adjusted = 1 - (1 - between / total) * (n - 1) / max(n - k, 1)
    return float(min(max(adjusted, 0.0), 1.0))


def _eta(profile: TableProfile, measure: Column, category: Column) -> float:
    """between_groups, computed once per (measure, category) for a table."""
    key = (measure.name, category.name)
    if key not in profile.memo:
        codes_key = ("codes", category.name)
        if codes_key not in profile.memo:
            profile.memo[codes_key] = _codes(category.values)
        profile.memo[key] = between_groups(measure.values, profile.memo[codes_key])
    return profile.memo[key]


def cramers_v(a: pd.Series, b: pd.Series) -> float:
    frame = pd.DataFrame({"a": a.to_numpy(), "b": b.to_numpy()}).dropna()
    if len(frame) < 5:
        return 0.0
    table = pd.crosstab(frame["a"], frame["b"]).to_numpy(dtype=float)
    if min(table.shape) < 2:
        return 0.0
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    chi2 = float(((table - expected) ** 2 / np.where(expected == 0, 1, expected)).sum())
    return float(math.sqrt(chi2 / (table.sum() * (min(table.shape) - 1))))


def imbalance(values: pd.Series) -> float:
    """0 when every category is as common as the others, towards 1 when one dominates."""
    counts = values.value_counts(dropna=True).to_numpy(dtype=float)
    if len(counts) < 2:
        return 0.0
    p = counts / counts.sum()
    entropy = float(-(p * np.log(p)).sum())
    return 1.0 - entropy / math.log(len(counts))


def skewness(values: pd.Series) -> float:
    present = values.dropna().to_numpy(dtype=float)
    present = present[np.isfinite(present)]
    if len(present) < 3:
        return 0.0
    # Divided by the largest magnitude first: cubes of values near 1e300 (or squares in the
    # standard deviation) overflow to inf and the skew came out NaN.
    largest = np.abs(present).max()
    if largest > 0:
        present = present / largest
    spread = present.std()
    if spread == 0:
        return 0.0
    return float((((present - present.mean()) / spread) ** 3).mean())


# -- shared pieces ------------------------------------------------------------------------


def _spec(mark: str | dict, encoding: dict, transform: list[dict] | None = None) -> dict:
    spec: dict = {"mark": mark, "encoding": encoding}
    if transform:
        spec = {"transform": transform, **spec}
    return spec


def _measure_aggregate(measure: Column) -> str:
    return "sum" if measure.extensive else "mean"


def _total_or_mean(profile: TableProfile, measure: Column) -> str:
    """Sum an additive measure over a category's rows, unless the rows repeat over time: the
    population of 1850 plus that of 2000 is no population at all."""
    repeated_in_time = profile.time is not None and not profile.time_unique
    return "sum" if measure.extensive and not repeated_in_time else "mean"


def _category_axis(category: Column, sort: str | None) -> tuple[str, dict]:
    """(channel, definition) for a category on the axis where its labels fit."""
    # Many text labels fit only on the y axis; numbered levels (ages 0..90) stay on x, in order.
    horizontal = category.cardinality > HORIZONTAL_AFTER and category.info.kind != "num"
    channel = "y" if horizontal else "x"
    extra: dict = {}
    if sort and category.info.kind != "num":
        extra["sort"] = sort.replace("VALUE", "x" if channel == "y" else "y")
    if channel == "x" and category.info.kind != "num":
        # Short labels read level; longer ones slant rather than stand on end.
        longest = category.values.dropna().astype(str).str.len().max()
        extra["axis"] = (
            {"labelAngle": -40, "labelLimit": 120} if longest and longest > 8 else {"labelAngle": 0}
        )
    return channel, category.category_encoding(**extra)


def _primary_measures(profile: TableProfile) -> list[Column]:
    """Measures in table order, geographic coordinates last (their scatter is a map)."""
    measures = profile.measures
    return ([m for m in measures if not m.geographic] + [m for m in measures if m.geographic])[
        :MAX_MEASURES
    ]


def _primary_categories(profile: TableProfile) -> list[Column]:
    """The first categories in table order: wide tables (64 pixel columns of 0-16) would
    otherwise cost thousands of pairwise statistics for charts nobody reads first."""
    return profile.categories[:MAX_CATEGORIES]


def _position_bonus(index: int) -> float:
    # Earlier columns are usually the ones the table is about; a gentle tie-breaker.
    return -0.012 * min(index, 10)


def comparable_measures(measures: list[Column]) -> list[Column]:
    """Measures one axis can show side by side: every measure of the table on one scale (a wide
    table of prices, of repeated experiments), or measures named alike (x_1, x_2, x_3).

    One scale: every median within 2x of the others and the value ranges overlapping.
    Only the whole set counts; a few measures that happen to share a scale (money supply and
    population in a macro table) are different quantities.
    """
    if len(measures) < 2:
        return []
    stemmed = [m for m in measures if _stem(m) == _stem(measures[0])]
    if len(stemmed) >= 2 and len(stemmed) == len(measures):
        return measures
    quartiles = [np.nanpercentile(m.values.to_numpy(dtype=float), [0, 50, 100]) for m in measures]
    medians = [abs(q[1]) for q in quartiles]
    if min(medians) <= 0 or max(medians) / min(medians) > 2:
        return []
    low = max(q[0] for q in quartiles)
    high = min(q[2] for q in quartiles)
    return measures if low <= high else []


def _stem(measure: Column) -> str:
    return measure.name.rstrip("0123456789_ -.").lower()


def _fold(measures: list[Column]) -> list[dict]:
    # fold reads field paths: a column called "a.b" must be escaped like any encoding field.
    return [{"fold": [m.field for m in measures], "as": ["series", "value"]}]


# -- trends -------------------------------------------------------------------------------


def _time_order(profile: TableProfile) -> pd.Series:
    assert profile.time is not None
    values = profile.time.values
    return values.loc[profile.sample.index] if len(values) == profile.n_rows else values


def _describe_trend(
    times: pd.Series,
    measure: pd.Series,
    name: str,
    title: str,
    how: str = "mean",
    scale: float = 1.0,
) -> tuple[float, str]:
    """(strength 0..1, sentence) for a measure along time: per-time means (or totals, scaled
    from the sample to the table) in time order."""
    frame = pd.DataFrame({"t": times.to_numpy(), "m": measure.to_numpy(dtype=float)}).dropna()
    if frame["t"].nunique() < 3:
        return 0.0, f"{name} over {title}"
    series = frame.groupby("t")["m"].agg(how).sort_index() * (scale if how == "sum" else 1.0)
    name = f"total {name}" if how == "sum" else name
    rho = pd.Series(np.arange(len(series)), dtype=float).corr(pd.Series(series.to_numpy()).rank())
    rho = 0.0 if rho is None or not math.isfinite(rho) else float(rho)
    first, last = float(series.iloc[0]), float(series.iloc[-1])
    peak_at = series.idxmax()
    peak = pd.Timestamp(peak_at).strftime("%Y-%m-%d").removesuffix("-01-01")
    if abs(rho) >= 0.5:
        verb = "rises" if rho > 0 else "falls"
        sentence = f"{name} {verb} over {title}, from {fmt(first)} to {fmt(last)}"
    else:
        sentence = (
            f"{name} over {title}: no steady trend, peak {fmt(float(series.max()))} at {peak}"
        )
    # A smooth series says something even without a trend: lag-1 autocorrelation.
    smooth = series.autocorr(1) if len(series) > 3 else 0.0
    smooth = 0.0 if smooth is None or not math.isfinite(smooth) else max(float(smooth), 0.0)
    return max(abs(rho), 0.6 * smooth), sentence


def trends(profile: TableProfile) -> Iterator[Insight]:
    time = profile.time
    if time is None:
        return
    base = 0.8 if profile.is_time_series else 0.5
    transform = list(time.transform)
    times = _time_order(profile)
    measures = [m for m in _primary_measures(profile) if not m.geographic]
    panel, color = profile.series, profile.series_color
    for index, measure in enumerate(measures):
        grouped = panel is not None and color is not panel
        how = _measure_aggregate(measure) if grouped else "mean"
        scale = profile.n_rows / max(len(profile.sample), 1)
        strength, sentence = _describe_trend(
            times, measure.values, measure.name, time.title, how, scale
        )
        encoding: dict = {"x": time.encoding()}
        if panel is not None and color is panel:
            encoding["y"] = measure.measure_encoding(scale={"zero": False})
            encoding["color"] = color.category_encoding()
            sentence += f"; one line per {color.name}"
        elif panel is not None and color is not None:
            aggregate = _measure_aggregate(measure)
            encoding["y"] = measure.measure_encoding(aggregate=aggregate, scale={"zero": False})
            encoding["color"] = color.category_encoding()
            sentence = (
                f"{sentence}, by {color.name}"
                if how == "sum"
                else f"mean {sentence}, by {color.name}"
            )
        elif profile.time_unique:
            # A line is read by its shape: the axis spans the data, not zero to the maximum.
            encoding["y"] = measure.measure_encoding(scale={"zero": False})
        else:
            encoding["y"] = measure.measure_encoding(aggregate=how, scale={"zero": False})
            sentence = sentence if how == "sum" else f"mean {sentence}"
        mark = {"type": "line", "point": len(times.dropna().unique()) <= 30}
        score = base + 0.15 * strength + _position_bonus(index)
        yield Insight(_spec(mark, encoding, transform), score, "trend", sentence)
        if measure.extensive and color is not None:
            area = {
                "x": time.encoding(),
                "y": measure.measure_encoding(aggregate="sum"),
                "color": color.category_encoding(),
            }
            yield Insight(
                _spec("area", area, transform),
                base - 0.12 + 0.1 * strength + _position_bonus(index),
                "composition",
                f"total {measure.name} over {time.title}, stacked by {color.name}",
            )
    similar = comparable_measures([m for m in measures if not m.geographic])
    if profile.time_unique and similar:
        encoding = {
            "x": time.encoding(),
            "y": {"field": "value", "type": "quantitative", "title": "value"},
            "color": {"field": "series", "type": "nominal", "title": None},
        }
        names = ", ".join(m.name for m in similar[:4]) + (", ..." if len(similar) > 4 else "")
        yield Insight(
            _spec("line", encoding, transform + _fold(similar[:MAX_COLOR_CATEGORIES])),
            base + 0.16,
            "trend",
            f"{names} side by side over {time.title}",
        )
    if profile.time_unique and measures:
        yield from _single_series_views(profile, measures[0], base)
        yield from _cycles(profile, measures[:3], times)
    yield from _categories_over_time(profile, times)
    if not profile.time_unique and panel is None:
        # Events in time: how many per period (not when every period has as many: a design).
        unit = time.time_unit or "yearmonth"
        period = {"year": "Y", "yearquarter": "Q"}.get(unit, "M")
        present = _wall_time(times.dropna())
        counts = present.dt.to_period(period).value_counts() if len(present) else None
        spread = (
            float(counts.std() / counts.mean()) if counts is not None and len(counts) > 2 else 0.0
        )
        if spread < 0.05:
            return
        x = {"field": time.field, "type": "temporal", "timeUnit": unit, "title": time.title}
        yield Insight(
            _spec("bar", {"x": x, "y": COUNT}, transform),
            0.5 + 0.2 * min(spread, 1.0),
            "trend",
            f"records per {unit.removeprefix('year') or 'year'} of {time.title}",
        )


def _single_series_views(profile: TableProfile, measure: Column, base: float) -> Iterator[Insight]:
    """A series' level as an area, and each value against the one before (its memory)."""
    time = profile.time
    assert time is not None
    transform = list(time.transform)
    area = {"x": time.encoding(), "y": measure.measure_encoding()}
    yield Insight(
        _spec({"type": "area", "opacity": 0.7}, area, transform),
        base - 0.2,
        "trend",
        f"{measure.name} over {time.title}, filled to zero",
    )
    ordered = pd.Series(
        measure.values.to_numpy(dtype=float), index=_time_order(profile)
    ).sort_index()
    lag1 = ordered.autocorr(1) if ordered.notna().sum() >= 20 else None
    if lag1 is None or not math.isfinite(lag1):
        return
    previous = f"previous {measure.name}"
    steps = [
        *transform,
        {
            "sort": [{"field": time.field}],
            "window": [{"op": "lag", "field": measure.field, "as": previous}],
        },
    ]
    encoding = {
        "x": {
            "field": previous.replace(".", "\\."),
            "type": "quantitative",
            "scale": {"zero": False},
        },
        "y": measure.measure_encoding(scale={"zero": False}),
    }
    memory = (
        "follows its previous value closely"
        if abs(lag1) >= 0.7
        else "keeps little of its previous value"
    )
    yield Insight(
        _spec({"type": "point", "filled": True, "opacity": 0.7}, encoding, steps),
        0.42 + 0.2 * abs(lag1),
        "relationship",
        f"{measure.name} {memory}: lag-1 autocorrelation {lag1:.2f}",
    )


# Cycles within a series: (Vega-Lite unit, pandas accessor, name, least span, coarsest step).
CYCLES = (
    ("month", "month", "month", pd.Timedelta(days=2 * 365), pd.Timedelta(days=31)),
    ("day", "day_of_week", "day of the week", pd.Timedelta(weeks=8), pd.Timedelta(days=1)),
    ("hours", "hour", "hour of the day", pd.Timedelta(days=3), pd.Timedelta(hours=1)),
)
_PHASE_NAMES = {
    "month": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "day_of_week": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
CYCLE_SAYS = 0.1  # share of variance from which a cycle is worth its chart


def _phase_name(accessor: str, phase: float) -> str:
    names = _PHASE_NAMES.get(accessor)
    return names[int(phase) - (accessor == "month")] if names else f"{int(phase)}h"


def _cycles(profile: TableProfile, measures: list[Column], times: pd.Series) -> Iterator[Insight]:
    """A series sampled finer than its cycles (monthly or daily over years, hourly over days):
    the mean of each measure per month of the year, day of the week or hour of the day, where
    that cycle explains a share of its variance (temperatures by month, traffic by weekday)."""
    time = profile.time
    assert time is not None
    present = times.dropna()
    if time.transform or len(present) < 24:
        return  # whole years or year + quarter: no cycle within them
    step = pd.Series(np.sort(present.unique())).diff().median()
    span = present.max() - present.min()
    for unit, accessor, name, least_span, coarsest_step in CYCLES:
        if span < least_span or not step <= coarsest_step:
            continue
        phase = getattr(times.dt, accessor).to_numpy(dtype=float)
        for index, measure in enumerate(measures):
            eta = between_groups(measure.values, phase)
            if eta < CYCLE_SAYS:
                continue
            means = pd.Series(measure.values.to_numpy(dtype=float)).groupby(phase).mean()
            low, high = means.idxmin(), means.idxmax()
            x = {"field": time.field, "type": "ordinal", "timeUnit": unit, "title": name}
            encoding = {"x": x, "y": measure.measure_encoding(aggregate="mean")}
            yield Insight(
                _spec("bar", encoding),
                0.5 + 0.3 * math.sqrt(eta) + _position_bonus(index),
                "trend",
                f"mean {measure.name} by {name}: lowest {fmt(float(means[low]))} "
                f"({_phase_name(accessor, low)}), highest {fmt(float(means[high]))} "
                f"({_phase_name(accessor, high)}); the cycle explains {eta:.0%} of its variance",
            )


def _wall_time(times: pd.Series) -> pd.Series:
    """Timestamps as the clock read them: periods have no time zone. (Times with several UTC
    offsets were read as UTC instants, `models.timeparse`: their periods are UTC days.)"""
    return times.dt.tz_localize(None) if times.dt.tz is not None else times


def _coarse_unit(times: pd.Series) -> str:
    present = times.dropna()
    span_days = (present.max() - present.min()).days if len(present) else 0
    return "year" if span_days > 3 * 365 else "yearmonth" if span_days > 90 else "yearmonthdate"


def _categories_over_time(profile: TableProfile, times: pd.Series) -> Iterator[Insight]:
    """How a category's mix changes over time (weather types per month), as stacked counts."""
    time = profile.time
    assert time is not None
    if profile.series is not None or times.dropna().nunique() < 4:
        return
    unit = time.time_unit if time.transform else _coarse_unit(times)
    unit = unit or "year"
    buckets = _wall_time(times).dt.to_period(
        {"year": "Y", "yearquarter": "Q", "yearmonth": "M"}.get(unit, "D")
    )
    for category in _primary_categories(profile):
        if not 2 <= category.cardinality <= MAX_COLOR_CATEGORIES:
            continue
        v = cramers_v(category.values, buckets.astype(str))
        if v < 0.1:
            continue  # the same mix in every period (often a designed table): nothing to see
        x = {"field": time.field, "type": "temporal", "timeUnit": unit, "title": time.title}
        encoding = {"x": x, "y": COUNT, "color": category.category_encoding()}
        change = "changes" if v >= 0.3 else "barely changes"
        yield Insight(
            _spec("bar", encoding, list(time.transform)),
            0.45 + 0.3 * v,
            "composition",
            f"the mix of {category.name} {change} over {time.title} (Cramér's V = {v:.2f})",
        )


# -- relationships ------------------------------------------------------------------------


def _separating_category(
    profile: TableProfile, a: Column, b: Column
) -> tuple[Column | None, float]:
    best, best_eta = None, 0.0
    for category in _primary_categories(profile):
        if not 2 <= category.cardinality <= MAX_COLOR_CATEGORIES:
            continue
        eta = 0.5 * (_eta(profile, a, category) + _eta(profile, b, category))
        eta *= grouping_weight(category)
        if eta > best_eta:
            best, best_eta = category, eta
    return best, best_eta


def relationships(profile: TableProfile) -> Iterator[Insight]:
    measures = [m for m in _primary_measures(profile) if not m.geographic]
    scored = []
    for (i, a), (j, b) in combinations(enumerate(measures), 2):
        r = _correlation(profile, a, b)
        # Authors put the columns a table is about first: the first two measures are the pair
        # people plot first (sepal length and width, bill and tip), related or not.
        lead = LEAD_PAIR * LEAD_DECAY ** (i + j - 1)
        color, eta = _separating_category(profile, a, b)
        if eta < SEPARATES:
            color, eta = None, 0.0
        # A pair says something when the measures move together, or when a category splits
        # the cloud into clusters (iris' sepals: r = -0.1, three clear species groups).
        said = max(abs(r), 0.8 * eta)
        scored.append((0.42 + 0.4 * said + 0.05 * eta + lead, abs(r), r, a, b, color, eta))
    scored.sort(key=lambda item: -item[0])
    large = profile.n_rows > 2_000
    for rank, (base_score, strength, r, a, b, color, _) in enumerate(scored[:MAX_PAIRS]):
        if strength >= 0.3:
            verb = (
                "rise together" if r > 0 else "fall together" if strength >= 0.5 else "move apart"
            )
            if r > 0 and strength < 0.5:
                verb = "tend to rise together"
            sentence = f"{a.name} and {b.name} {verb}: r = {r:.2f}"
        else:
            sentence = f"{a.name} and {b.name} are hardly related: r = {r:.2f}"
        encoding: dict = {
            "x": a.measure_encoding(scale={"zero": False}),
            "y": b.measure_encoding(scale={"zero": False}),
        }
        if color is not None:
            encoding["color"] = color.category_encoding()
            sentence += f"; {color.name} separates them"
        mark: dict = {"type": "point", "filled": True, "opacity": 0.5 if large else 0.8}
        if large:
            mark["size"] = 12
        score = base_score - 0.01 * rank
        if profile.is_time_series:
            # Measures that share a trend correlate; their trends (0.8 and up) come first.
            score = min(score - 0.1, 0.75)
        yield Insight(_spec(mark, encoding), score, "relationship", sentence)
        if rank == 0 and profile.n_rows >= 100:
            heat = {
                "x": a.measure_encoding(bin={"maxbins": 30}),
                "y": b.measure_encoding(bin={"maxbins": 30}),
                "color": {**COUNT, "scale": {"scheme": "blues"}},
            }
            yield Insight(
                _spec("rect", heat),
                score - 0.22,
                "relationship",
                f"where {a.name} and {b.name} cluster: records per cell (r = {r:.2f})",
            )


# -- distributions ------------------------------------------------------------------------


def grouping_weight(category: Column) -> float:
    """Text categories are groupings by the author's intent; small integers are often counts."""
    return 1.0 if category.info.kind != "num" else 0.7


def importance(profile: TableProfile, measure: Column) -> float:
    """How central a measure is to its table (0..1): its mean |r| with the other measures and
    mean share of variance explained by the categories. The measure a table is about (life
    expectancy, a bill, fuel economy) relates to the rest; a coordinate or a code does not.
    """
    key = ("importance", measure.name)
    if key not in profile.memo:
        others = [m for m in _primary_measures(profile) if m is not measure and not m.geographic]
        links = [abs(_correlation(profile, measure, m)) for m in others]
        groups = [
            math.sqrt(_eta(profile, measure, c))
            for c in _primary_categories(profile)
            if 2 <= c.cardinality <= MAX_AXIS_CATEGORIES
        ]
        parts = [float(np.mean(x)) for x in (links, groups) if x]
        profile.memo[key] = float(np.mean(parts)) if parts else 0.0
    return profile.memo[key]


def _correlation(profile: TableProfile, a: Column, b: Column) -> float:
    key = ("r", *sorted((a.name, b.name)))
    if key not in profile.memo:
        profile.memo[key] = correlation(a.values, b.values)
    return profile.memo[key]


def _groupings(profile: TableProfile, measure: Column) -> list[tuple[float, Column]]:
    """(weight, category) for every category a measure can be broken down by, best first.

    The weight mixes how much the groups differ (eta) with how natural the grouping is: a
    text column with a handful of values (sex, day, continent) is what people group by even
    when the differences are small, so the spread only orders them.
    """
    out = []
    for category in _primary_categories(profile):
        if not 2 <= category.cardinality <= MAX_AXIS_CATEGORIES or category is profile.label:
            continue  # a group per row is no grouping: `named_rows` draws those bars
        few = 1.0 if category.cardinality <= MAX_COLOR_CATEGORIES else 0.6
        weight = (
            grouping_weight(category)
            * few
            * (0.5 + 0.5 * math.sqrt(_eta(profile, measure, category)))
        )
        out.append((weight, category))
    return sorted(out, key=lambda item: -item[0])


def _group_extremes(measure: Column, category: Column, how: str = "median") -> str:
    frame = pd.DataFrame(
        {"m": measure.values.to_numpy(dtype=float), "g": category.values.to_numpy()}
    )
    summary = frame.dropna().groupby("g")["m"].agg(how).sort_values()
    low, high = summary.index[0], summary.index[-1]
    return (
        f"{how} {measure.name} from {fmt(float(summary.iloc[0]))} ({_member(category, low)}) "
        f"to {fmt(float(summary.iloc[-1]))} ({_member(category, high)})"
    )


def distributions(profile: TableProfile) -> Iterator[Insight]:
    measures = [m for m in _primary_measures(profile) if not m.geographic]
    for index, measure in enumerate(measures):
        values = measure.values.dropna().to_numpy(dtype=float)
        if len(values) < 3:
            continue
        skew = skewness(measure.values)
        q1, median, q3 = np.percentile(values, [25, 50, 75])
        shape = (
            "skewed right"
            if skew > 0.75
            else "skewed left"
            if skew < -0.75
            else "roughly symmetric"
        )
        sentence = (
            f"{measure.name}: median {fmt(median)}, half between {fmt(q1)} and {fmt(q3)}; {shape}"
        )
        histogram = {"x": measure.measure_encoding(bin={"maxbins": 30}), "y": COUNT}
        central = importance(profile, measure)
        yield Insight(
            _spec("bar", histogram),
            0.54 + 0.06 * min(abs(skew) / 2, 1.0) + 0.12 * central + _position_bonus(index),
            "distribution",
            sentence,
        )
        fence_low, fence_high = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
        outside = float(np.mean((values < fence_low) | (values > fence_high)))
        inside = values[(values >= fence_low) & (values <= fence_high)]
        yield Insight(
            # One box alone would be a 20-pixel strip: give it a readable height and thickness.
            {
                **_spec(
                    {"type": "boxplot", "size": 40},
                    {"x": measure.measure_encoding(scale={"zero": False})},
                ),
                "height": 120,
            },
            0.44 + 0.1 * central + min(outside, 0.1) + _position_bonus(index),
            "distribution",
            f"{measure.name}: {outside:.0%} of values lie outside the whiskers "
            f"({fmt(float(inside.min()))} to {fmt(float(inside.max()))})",
        )
        for weight, category in _groupings(profile, measure)[:3]:
            channel, axis = _category_axis(category, None)
            other = "x" if channel == "y" else "y"
            box = {channel: axis, other: measure.measure_encoding(scale={"zero": False})}
            sentence = f"{measure.name} by {category.name}: {_group_extremes(measure, category)}"
            score = 0.4 + 0.25 * weight + 0.12 * central + _position_bonus(index)
            yield Insight(_spec("boxplot", box), score, "distribution", sentence)
            if profile.n_rows / category.cardinality > 150:
                continue  # a strip of hundreds of ticks per group is a smear
            strip = {channel: axis, other: measure.measure_encoding(scale={"zero": False})}
            yield Insight(
                _spec({"type": "tick", "opacity": 0.6}, strip),
                score - 0.1,
                "distribution",
                f"every {measure.name} value by {category.name}",
            )
    similar = comparable_measures(measures)
    if len(similar) >= 3 or (len(similar) == 2 and len({_stem(m) for m in similar}) == 1):
        folded = similar[:MAX_COLOR_CATEGORIES]
        encoding = {
            "x": {
                "field": "value",
                "type": "quantitative",
                "bin": {"maxbins": 30},
                "title": "value",
            },
            "y": {**COUNT, "stack": None},
            "color": {"field": "series", "type": "nominal", "title": None},
        }
        yield Insight(
            _spec({"type": "bar", "opacity": 0.55}, encoding, _fold(folded)),
            0.62,
            "distribution",
            f"distributions of {', '.join(m.name for m in folded[:4])} overlaid",
        )


# -- comparisons and counts -------------------------------------------------------------


def comparisons(profile: TableProfile) -> Iterator[Insight]:
    scored = []
    for measure in [m for m in _primary_measures(profile) if not m.geographic]:
        central = importance(profile, measure)
        for weight, category in _groupings(profile, measure)[:3]:
            scored.append((0.4 + 0.25 * weight + 0.12 * central, measure, category))
    scored.sort(key=lambda item: -item[0])
    for rank, (score, measure, category) in enumerate(scored[: 2 * MAX_PAIRS]):
        aggregate = _total_or_mean(profile, measure)
        channel, axis = _category_axis(category, "-VALUE")
        other = "x" if channel == "y" else "y"
        encoding = {channel: axis, other: measure.measure_encoding(aggregate=aggregate)}
        how = "sum" if aggregate == "sum" else "mean"
        sentence = _group_extremes(measure, category, how).replace(
            f"{how} {measure.name}", f"{how} {measure.name} by {category.name}", 1
        )
        score += (0.03 if aggregate == "sum" else 0) - 0.005 * rank - 0.01
        split, gain = _splitting_category(profile, measure, category)
        if split is not None:
            # Bars split by a second category that changes the picture (people by age and
            # sex): stacked when they add up, side by side when they are means.
            encoding["color"] = split.category_encoding()
            if aggregate != "sum":
                encoding[f"{channel}Offset"] = split.category_encoding()
            sentence += f"; {split.name} adds {gain:.0%} of the variance"
            score += 0.05
        yield Insight(_spec("bar", encoding), score, "comparison", sentence)
        if aggregate == "sum" and category.cardinality <= 6:
            pie = {
                "theta": measure.measure_encoding(aggregate="sum"),
                "color": category.category_encoding(),
            }
            share = _top_share(measure, category)
            yield Insight(_spec("arc", pie), score - 0.1, "composition", share)


def _splitting_category(
    profile: TableProfile, measure: Column, category: Column
) -> tuple[Column | None, float]:
    """A second category (few values) that explains much more of a measure with the first."""
    alone = _eta(profile, measure, category)
    best, best_gain = None, SPLIT_GAIN
    for other in _primary_categories(profile):
        if other is category or not 2 <= other.cardinality <= MAX_COLOR_CATEGORIES:
            continue
        if category.cardinality * other.cardinality > 200:
            continue  # too many bars to read
        cells = category.values.astype(str) + "\u0000" + other.values.astype(str)
        gain = between_groups(measure.values, cells) - max(alone, _eta(profile, measure, other))
        if gain > best_gain:
            best, best_gain = other, gain
    return best, best_gain


GRID_SCORE = 0.6  # a heatmap of a complete grid shows every value in its place


def _two_way(profile: TableProfile) -> Iterator[Insight]:
    """A measure over two categories at once (yield by variety and site), as a heatmap.

    Where the two categories name one row each (a field's columns and rows, years and
    months), the heatmap is the table itself laid out on its grid: it is scored as such, and
    its explanation says how much each of the two explains. Elsewhere it is scored by how
    much of the measure the pair's cells explain."""
    grid = [c for c in _primary_categories(profile) if 3 <= c.cardinality <= 30]
    measures = [m for m in _primary_measures(profile) if not m.geographic][:3]
    best = None
    for a, b in combinations(grid, 2):
        cells = a.values.astype(str) + "\u0000" + b.values.astype(str)
        if cells.nunique() > 400:
            continue
        one_each = cells.nunique() >= 0.95 * len(cells)
        for measure in measures:
            eta = 1.0 if one_each else between_groups(measure.values, cells)
            if best is None or eta > best[0]:
                best = (eta, one_each, measure, a, b)
    if best is None:
        return
    eta, one_each, measure, a, b = best
    aggregate = _total_or_mean(profile, measure)
    wide, tall = (a, b) if a.cardinality >= b.cardinality else (b, a)
    encoding = {
        "x": wide.category_encoding(),
        "y": tall.category_encoding(),
        "color": measure.measure_encoding(aggregate=aggregate),
    }
    if one_each:
        shares = [_eta(profile, measure, c) for c in (wide, tall)]
        yield Insight(
            _spec("rect", encoding),
            GRID_SCORE,
            "comparison",
            f"{measure.name} on the grid of {wide.name} and {tall.name}: {wide.name} explains "
            f"{shares[0]:.0%} of its variance, {tall.name} {shares[1]:.0%}",
        )
        return
    yield Insight(
        _spec("rect", encoding),
        0.3 + 0.3 * math.sqrt(eta),
        "comparison",
        f"{aggregate} {measure.name} for each {wide.name} and {tall.name}: "
        f"the pair explains {eta:.0%} of its variance",
    )


def _top_share(measure: Column, category: Column) -> str:
    frame = pd.DataFrame(
        {"m": measure.values.to_numpy(dtype=float), "g": category.values.to_numpy()}
    )
    totals = frame.dropna().groupby("g")["m"].sum().sort_values(ascending=False)
    share = float(totals.iloc[0] / totals.sum()) if totals.sum() else 0.0
    return f"{_member(category, totals.index[0])} holds {share:.0%} of all {measure.name}"


def counts(profile: TableProfile) -> Iterator[Insight]:
    categories = [
        c for c in _primary_categories(profile) if 2 <= c.cardinality <= MAX_AXIS_CATEGORIES
    ]
    for index, category in enumerate(categories):
        tally = category.values.value_counts(dropna=True)
        if tally.iloc[0] == tally.iloc[-1]:
            continue  # every value equally common (a designed table): the bars would say nothing
        top, n_top = tally.index[0], int(tally.iloc[0])
        uneven = imbalance(category.values)
        ordered = category.info.kind == "num"
        channel, axis = _category_axis(category, None if ordered else "-VALUE")
        other = "x" if channel == "y" else "y"
        sentence = (
            f"{_label(top)} is the most common {category.name}: "
            f"{n_top / tally.sum():.0%} of records"
        )
        score = 0.47 + 0.25 * uneven + _position_bonus(index)
        yield Insight(_spec("bar", {channel: axis, other: COUNT}), score, "comparison", sentence)
        if category.cardinality <= 6:
            pie = {"theta": COUNT, "color": category.category_encoding()}
            yield Insight(
                _spec("arc", pie),
                score - 0.14,
                "composition",
                f"share of records by {category.name}: {_member(category, top)} {n_top / tally.sum():.0%}",
            )
    for a, b in combinations(categories, 2):
        small, big = (a, b) if a.cardinality <= b.cardinality else (b, a)
        if small.cardinality > MAX_COLOR_CATEGORIES:
            continue
        v = cramers_v(a.values, b.values)
        if v < 0.1 or determines(small.values, big.values):
            # Independent (or a designed table): every stack the same mix. Determined (who:
            # man / woman / child, and adult_male): every bar one color, nothing to see.
            continue
        channel, axis = _category_axis(big, None)
        other = "x" if channel == "y" else "y"
        encoding = {channel: axis, other: COUNT, "color": small.category_encoding()}
        relation = "depends on" if v >= 0.3 else "barely depends on"
        yield Insight(
            _spec("bar", encoding),
            0.25 + 0.45 * v,
            "composition",
            f"{small.name} {relation} {big.name} (Cramér's V = {v:.2f})",
        )


def named_rows(profile: TableProfile) -> Iterator[Insight]:
    """A small table naming each row (states, countries): each measure as one bar per row,
    sorted, the chart its authors draw first."""
    label = profile.label
    if label is None:
        return
    for index, measure in enumerate(m for m in _primary_measures(profile) if not m.geographic):
        values = pd.Series(measure.values.to_numpy(dtype=float), index=label.values.to_numpy())
        values = values.dropna().sort_values()
        if len(values) < 3:
            continue
        encoding = {
            "y": label.category_encoding(sort="-x", axis={"labelLimit": 160}),
            "x": measure.measure_encoding(),
        }
        sentence = (
            f"{measure.name} by {label.name}: from {fmt(float(values.iloc[0]))} "
            f"({_label(values.index[0])}) to {fmt(float(values.iloc[-1]))} "
            f"({_label(values.index[-1])})"
        )
        score = 0.62 + 0.12 * importance(profile, measure) + _position_bonus(index)
        yield Insight(_spec("bar", encoding), score, "comparison", sentence)


def rates(profile: TableProfile) -> Iterator[Insight]:
    """A 0/1 outcome's rate in each group (survival by class), for the groupings that split it
    most: the share itself is what a table of outcomes is about."""
    restated = profile.redundant  # survived <-> alive: the same outcome, no grouping
    for rate in profile.rates[:2]:
        twins = {name for name, kept in restated.items() if kept == rate.name}
        twins |= {restated[rate.name]} if rate.name in restated else set()
        scored = []
        for category in _primary_categories(profile):
            if category.name == rate.name or category.name in twins:
                continue
            if not 2 <= category.cardinality <= MAX_AXIS_CATEGORIES or category is profile.label:
                continue
            eta = _eta(profile, rate, category) * grouping_weight(category)
            scored.append((eta, category))
        scored.sort(key=lambda item: -item[0])
        chosen: list[tuple[float, Column]] = []
        for eta, category in scored:
            # who (man / woman / child) after sex says the same again: the next grouping.
            if all(cramers_v(category.values, c.values) < RESTATED_MIX for _, c in chosen):
                chosen.append((eta, category))
        for rank, (eta, category) in enumerate(chosen[:3]):
            channel, axis = _category_axis(category, "-VALUE")
            other = "x" if channel == "y" else "y"
            title = f"share of {rate.name}"
            encoding = {
                channel: axis,
                other: rate.measure_encoding(aggregate="mean", title=title, axis={"format": "%"}),
            }
            frame = pd.DataFrame(
                {"r": rate.values.to_numpy(dtype=float), "g": category.values.to_numpy()}
            )
            shares = frame.dropna().groupby("g")["r"].mean().sort_values()
            sentence = (
                f"{title} by {category.name}: {shares.iloc[0]:.0%} "
                f"({_member(category, shares.index[0])}) to {shares.iloc[-1]:.0%} "
                f"({_member(category, shares.index[-1])})"
            )
            score = 0.6 + 0.3 * math.sqrt(max(eta, 0.0)) - 0.01 * rank
            yield Insight(_spec("bar", encoding), score, "comparison", sentence)


def places(profile: TableProfile) -> Iterator[Insight]:
    """Where the rows are: longitude against latitude, the outline of a map without one."""
    geographic = [m for m in profile.measures if m.geographic]
    latitude = next((m for m in geographic if "lat" in m.name.lower()), None)
    longitude = next((m for m in geographic if re.search("lon|lng", m.name, re.I)), None)
    if latitude is None or longitude is None:
        return
    encoding: dict = {
        "x": longitude.measure_encoding(scale={"zero": False}),
        "y": latitude.measure_encoding(scale={"zero": False}),
    }
    groups = [c for c in _primary_categories(profile) if 2 <= c.cardinality <= MAX_COLOR_CATEGORIES]
    if groups:
        encoding["color"] = groups[0].category_encoding()
    mark = {"type": "circle", "size": 12 if profile.n_rows > 1_000 else 30, "opacity": 0.7}
    lat, lon = latitude.values.dropna(), longitude.values.dropna()
    sentence = (
        f"where the {profile.n_rows:,} records lie: latitude {fmt(float(lat.min()))} to "
        f"{fmt(float(lat.max()))}, longitude {fmt(float(lon.min()))} to {fmt(float(lon.max()))}"
    )
    # Alone (a table of places) it is the first chart; beside other measures, one of many.
    score = 0.62 if len(geographic) == len(profile.measures) else 0.5
    yield Insight(_spec(mark, encoding), score, "distribution", sentence)


GENERATORS = (
    trends,
    relationships,
    distributions,
    comparisons,
    named_rows,
    rates,
    _two_way,
    counts,
    places,
)


def insights(profile: TableProfile) -> list[Insight]:
    """Every candidate chart for the table, each scored by what it says about this data."""
    out: list[Insight] = []
    for generate in GENERATORS:
        out.extend(generate(profile))
    return out
