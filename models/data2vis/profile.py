"""What a table is made of, for choosing charts: column roles, its time axis, groups and scales.

The recommender picks charts from this profile, not from column kinds alone: a year of
integers or a year + quarter pair is a time axis (never a zero-based quantity), a unique
integer counter is a row id, `species_id` that only restates `species` is redundant, and a
table whose rows are (time, firm) pairs is a panel with one series per firm.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from models.data2vis.fields import ColumnInfo
from models.data2vis.validate import escape_field

Role = Literal["measure", "category", "time", "id", "constant"]

STATS_ROWS = 5_000  # statistics are computed on a seeded sample: a chart choice needs no more
MAX_AXIS_CATEGORIES = 50  # more labels than this do not fit an axis
# A vertical axis holds more: one bar per row of a small table named row by row (the 50 US
# states and DC, the countries of a region).
MAX_ROW_LABELS = 60
MAX_COLOR_CATEGORIES = 10  # distinguishable colors in one legend (Tableau 10)
SMALL_INTEGER_CATEGORIES = 12  # an integer column with this few values is a category (cylinders)
MAX_MEASURES_COMPARED = 40  # pairwise checks between measures stay cheap on wide tables
EVEN_LEVELS = 30  # up to this many evenly spaced integer levels are ordered categories

_YEAR_NAME = re.compile(r"(^|[^a-z])(year|yr|yyyy|jahr|annee|año|ano)s?($|[^a-z])", re.I)
_QUARTER_NAME = re.compile(r"^(quarter|qtr|q)$", re.I)
_MONTH_NAME = re.compile(r"^(month|mon|mo|mm)$", re.I)
_EPOCH_NAME = re.compile(r"(time|date|timestamp|epoch|^ts$|_ts$|created|updated|when)", re.I)
_ID_NAME = re.compile(
    r"(^|[_\s-])(id|idx|index|key|code|no|nr|number)$|^(id|idx|index|unnamed.*)$", re.I
)
_GEO_NAME = re.compile(r"(^|_)(lat|lon|lng|latitude|longitude|centroid_lat|centroid_lon)$", re.I)
# Spearman's rho from which a measure restates an earlier one: a log, a unit conversion, or the
# same size measured again (a diamond's carat and its length, width and depth: 0.993-0.996).
# Distinct quantities that merely go together stay (a diamond's price and carat: 0.963).
RESTATES = 0.985
# Measures whose sum over rows means something (a population, sales); others are averaged.
_EXTENSIVE_NAME = re.compile(
    r"(pop|population|count|total|sum|sales|revenue|amount|volume|quantity|qty|number|"
    r"visits|deaths|cases|births|export|import|income|spend|cost|price_total|passengers|"
    r"sold|units|emission|production|consumption|frequency|freq|crimes|people|persons|"
    r"individuals|employees|jobs|households|area|acres|tons|tonnes|barrels|gallons)",
    re.I,
)
_MONTH_WORDS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}


_MONTH_ABBREVIATIONS = [m for m in _MONTH_WORDS if len(m) == 3]


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def calendar_order(values: pd.Series) -> list[str] | None:
    """The values in calendar order when they are all weekday or month names, else None."""
    if pd.api.types.is_numeric_dtype(values):
        return None
    present = [str(v) for v in pd.unique(values.dropna())]
    if not 2 <= len(present) <= 12:
        return None
    for names in (_WEEKDAYS, tuple(_MONTH_ABBREVIATIONS)):
        keys = [v.strip().lower()[:3] for v in present]
        if all(k in names for k in keys) and all(len(v.strip()) >= 3 for v in present):
            return sorted(present, key=lambda v: names.index(v.strip().lower()[:3]))
    return None


def datum(name: str) -> str:
    """A Vega expression reading a column, whatever characters its name holds."""
    return f"datum[{json.dumps(name)}]"


@dataclass(frozen=True)
class TimeAxis:
    """How to put a table's time on an axis: the field, the transform making it a date, a unit."""

    field: str  # escaped field name used in the encoding
    columns: tuple[str, ...]  # the columns it is made of (a year, or a year and a quarter)
    transform: tuple[dict, ...]  # calculate steps turning integers into dates (empty for dates)
    time_unit: str | None  # None: plot every timestamp as it is
    title: str
    # dataclasses.field: the class's own `field` attribute shadows the bare name here.
    values: pd.Series = dataclasses.field(repr=False, compare=False)  # as datetimes, for statistics

    def encoding(self, **extra: object) -> dict:
        definition: dict = {"field": self.field, "type": "temporal", "title": self.title}
        if self.time_unit:
            definition["timeUnit"] = self.time_unit
        return {**definition, **extra}


@dataclass(frozen=True)
class Column:
    name: str
    role: Role
    info: ColumnInfo
    values: pd.Series = dataclasses.field(repr=False, compare=False)  # the sample's values, typed
    extensive: bool = False  # sums of it mean something
    geographic: bool = False

    @property
    def cardinality(self) -> int:
        return self.info.cardinality

    @property
    def field(self) -> str:
        return escape_field(self.name)

    def category_encoding(self, **extra: object) -> dict:
        order = calendar_order(self.values)
        if order is not None:
            # Days and months read in calendar order, not alphabetically (Fri, Sat, Sun, Thur).
            return {**self._field(), "type": "ordinal", **extra, "sort": order}
        vl_type = "ordinal" if self.info.kind == "num" else "nominal"
        return {**self._field(), "type": vl_type, **extra}

    def measure_encoding(self, **extra: object) -> dict:
        return {**self._field(), "type": "quantitative", **extra}

    def _field(self) -> dict:
        # An escaped name (a\.b) would show its backslashes as the axis title.
        if self.field != self.name:
            return {"field": self.field, "title": self.name}
        return {"field": self.field}


@dataclass
class TableProfile:
    n_rows: int
    columns: list[Column]
    sample: pd.DataFrame = field(repr=False)
    time: TimeAxis | None = None
    time_unique: bool = False  # one row per time value: the table is one series
    series: Column | None = None  # rows are (time, series) pairs: a panel
    series_color: Column | None = None  # a column with few values to color series by
    redundant: dict[str, str] = field(default_factory=dict)  # column -> the column it restates
    memo: dict[tuple, Any] = dataclasses.field(
        default_factory=dict, repr=False
    )  # statistics computed once
    time_regular: bool = False  # time values step evenly (daily, monthly, quarterly, ...)
    label: Column | None = None  # text naming each row of a small table (a state, a country)
    # 0/1 columns (survived, defaulted): their mean over a group is a rate. Kept here even
    # when a text column restates one (alive: yes/no) and takes its place among the categories.
    rates: list[Column] = field(default_factory=list)

    @property
    def measures(self) -> list[Column]:
        return [c for c in self.columns if c.role == "measure"]

    @property
    def categories(self) -> list[Column]:
        return [c for c in self.columns if c.role == "category"]

    @property
    def is_time_series(self) -> bool:
        """Measured over time: one row per regular time step, or a panel of such series.

        A table of dated things (films by release date) has times too, but its rows are
        things, not moments: their measures are not first of all trends.
        """
        if self.time is None:
            return False
        return (self.time_unique and self.time_regular) or self.series is not None

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _is_integral(values: pd.Series) -> bool:
    present = values.dropna()
    return bool(len(present)) and bool(np.all(np.mod(present.to_numpy(dtype=float), 1) == 0))


def year_like(name: str, values: pd.Series) -> bool:
    present = values.dropna()
    if present.empty or not _is_integral(present):
        return False
    low, high = present.min(), present.max()
    if not (low >= 1000 and high <= 2200):
        return False
    if _YEAR_NAME.search(name):
        return True
    # No name hint: a column that runs in order (a yearly series), or whole numbers that all
    # fall in 1800-2100 with few distinct values repeated across rows (a panel's years).
    if present.nunique() >= 5 and bool(present.is_monotonic_increasing) and low >= 1700:
        return True
    return low >= 1800 and high <= 2100 and 3 <= present.nunique() <= 0.5 * len(present)


def epoch_scale(name: str, values: pd.Series) -> float | None:
    """Seconds (1) or milliseconds (1e-3) since 1970 when a number column is a timestamp."""
    present = values.dropna()
    if present.empty or not _is_integral(present) or present.nunique() < 3:
        return None
    low, high = float(present.min()), float(present.max())
    hinted = bool(_EPOCH_NAME.search(name))
    ordered = bool(present.is_monotonic_increasing)
    if not (hinted or ordered):
        return None
    if low >= 3.0e8 and high <= 4.2e9:  # 1979 .. 2103 in seconds
        return 1.0
    if low >= 3.0e11 and high <= 4.2e12:  # the same in milliseconds
        return 1e-3
    return None


def _period_values(values: pd.Series, kind: Literal["quarter", "month"]) -> pd.Series | None:
    """Quarter 1-4 (or 'Q1') / month 1-12 (or 'Jan') as integers; None when it is not one."""
    top = 4 if kind == "quarter" else 12
    if pd.api.types.is_numeric_dtype(values):
        numbers = values
    else:
        text = values.astype("string").str.strip().str.lower()
        if kind == "quarter":
            numbers = pd.to_numeric(text.str.extract(r"^q?([1-4])$")[0], errors="coerce")
        else:
            numbers = text.map(lambda v: _MONTH_WORDS.get(v) if isinstance(v, str) else None)
            numbers = numbers.fillna(pd.to_numeric(text, errors="coerce"))
        if numbers.isna().mean() > 0.05:
            return None
    present = numbers.dropna()
    if present.empty or not _is_integral(present) or present.min() < 1 or present.max() > top:
        return None
    return numbers.astype(float)


def _time_axis(typed: pd.DataFrame, infos: list[ColumnInfo]) -> TimeAxis | None:
    """The table's time axis: dates first, then year + quarter/month, a year, epoch numbers."""
    dated = [c for c in infos if c.kind == "dt" and c.usable and c.cardinality > 1]
    if dated:
        best = max(dated, key=lambda c: (c.cardinality, -c.missing))
        values = typed[best.name]
        span_days = (values.max() - values.min()).days if values.notna().any() else 0
        unique = values.nunique() >= 0.9 * values.notna().sum()
        # One row per timestamp: draw each; many rows per instant (events): bucket by a unit.
        unit = (
            None
            if unique
            else (
                "year"
                if span_days > 3 * 365
                else "yearmonth"
                if span_days > 90
                else "yearmonthdate"
            )
        )
        return TimeAxis(escape_field(best.name), (best.name,), (), unit, best.name, values)
    numbers = [c for c in infos if c.kind == "num" and c.usable]
    years = [c for c in numbers if year_like(c.name, typed[c.name])]
    if years:
        year = years[0]
        for kind, unit in (("quarter", "yearquarter"), ("month", "yearmonth")):
            pattern = _QUARTER_NAME if kind == "quarter" else _MONTH_NAME
            for other in infos:
                if other.name == year.name or not pattern.match(other.name.strip()):
                    continue
                period = _period_values(typed[other.name], kind)  # type: ignore[arg-type]
                if period is None:
                    continue
                months = (period - 1) * 3 if kind == "quarter" else period - 1
                values = pd.to_datetime(
                    {"year": typed[year.name], "month": months + 1, "day": 1}, errors="coerce"
                )
                month_expr = _month_expression(other.name, typed[other.name], kind)  # type: ignore[arg-type]
                if month_expr is None:
                    return _year_axis(year, typed)  # mixed spellings: the year alone is safe
                step = {
                    "calculate": f"datetime({datum(year.name)}, {month_expr}, 1)",
                    "as": year.name,
                }
                title = f"{year.name}, {other.name}"
                return TimeAxis(
                    escape_field(year.name), (year.name, other.name), (step,), unit, title, values
                )
        return _year_axis(year, typed)
    for column in numbers:
        scale = epoch_scale(column.name, typed[column.name])
        if scale is not None:
            factor = 1000 if scale == 1.0 else 1
            step = {"calculate": f"toDate({datum(column.name)} * {factor})", "as": column.name}
            values = pd.to_datetime(typed[column.name] * factor, unit="ms", errors="coerce")
            return TimeAxis(
                escape_field(column.name), (column.name,), (step,), None, column.name, values
            )
    return None


def _month_expression(
    name: str, values: pd.Series, kind: Literal["quarter", "month"]
) -> str | None:
    """A Vega expression for the 0-based month a quarter or month column starts."""
    column = datum(name)
    if pd.api.types.is_numeric_dtype(values):
        return f"({column} - 1) * 3" if kind == "quarter" else f"{column} - 1"
    text = values.dropna().astype(str).str.strip().str.lower()
    if kind == "quarter" and text.str.fullmatch(r"q?[1-4]").all():
        digits = f'toNumber(replace({column}, regexp("[^0-9]", "g"), ""))'
        return f"({digits} - 1) * 3"
    if kind == "month" and text.str[:3].isin(_MONTH_ABBREVIATIONS).all():
        names = json.dumps(_MONTH_ABBREVIATIONS)
        return f"indexof({names}, lower(substring({column}, 0, 3)))"
    return None


def _year_axis(year: ColumnInfo, typed: pd.DataFrame) -> TimeAxis:
    # Overwrite the integer with a date of that year, so the field keeps its name and a
    # time scale (never a zero-based quantity) shows it.
    step = {"calculate": f"datetime({datum(year.name)}, 0, 1)", "as": year.name}
    values = pd.to_datetime({"year": typed[year.name], "month": 1, "day": 1}, errors="coerce")
    return TimeAxis(escape_field(year.name), (year.name,), (step,), "year", year.name, values)


def _role(info: ColumnInfo, values: pd.Series, n_rows: int, time_columns: set[str]) -> Role:
    if info.name in time_columns:
        return "time"
    if not info.usable or info.cardinality <= 1:
        return "constant"
    if info.kind == "dt":
        return "category" if info.cardinality <= SMALL_INTEGER_CATEGORIES else "id"
    if info.kind == "num":
        present = values.dropna()
        integral = _is_integral(present)
        if (
            integral
            and info.cardinality <= SMALL_INTEGER_CATEGORIES
            and info.cardinality < 0.5 * n_rows
        ):
            return "category"
        if integral and info.cardinality <= EVEN_LEVELS and info.cardinality <= 0.2 * n_rows:
            # Evenly spaced levels repeated across rows (age groups 0, 5, ..., 90) are ordered
            # categories a table is broken down by, not a measured quantity.
            levels = np.sort(present.unique())
            if len(set(np.diff(levels))) == 1:
                return "category"
        if integral and info.cardinality >= 0.98 * (n_rows - info.missing) and n_rows > 20:
            diffs = np.diff(present.to_numpy(dtype=float))
            if _ID_NAME.search(info.name) or (len(diffs) and np.all(diffs == diffs[0])):
                return "id"  # a row counter or key, not a quantity
        if _ID_NAME.search(info.name) and integral:
            return "id"
        return "measure"
    # Text: a category when its values repeat, a label (id) when nearly every row has its own.
    if info.cardinality <= MAX_AXIS_CATEGORIES or info.cardinality <= 0.5 * (n_rows - info.missing):
        return "category"
    return "id"


def _redundant(columns: list[Column]) -> dict[str, str]:
    """Categories that only restate another (species_id and species): column -> kept column."""
    out: dict[str, str] = {}
    candidates = [c for c in columns if c.role in ("category", "id") and c.cardinality <= 5_000]
    candidates = candidates[:MAX_MEASURES_COMPARED]
    codes = {c.name: pd.factorize(c.values, use_na_sentinel=True)[0] for c in candidates}
    for i, a in enumerate(candidates):
        for b in candidates[i + 1 :]:
            if a.name in out or b.name in out or a.cardinality != b.cardinality:
                continue
            ca, cb = codes[a.name], codes[b.name]
            both = (ca >= 0) & (cb >= 0)
            if not both.any():
                continue
            ca, cb = ca[both], cb[both]
            distinct = len(np.unique(ca))
            if distinct != len(np.unique(cb)):
                continue
            if len(np.unique(ca * (int(cb.max()) + 1) + cb)) == distinct:
                # One-to-one: keep the text one (a name reads better than a code), else the first.
                keep, drop = (b, a) if (a.info.kind == "num" and b.info.kind != "num") else (a, b)
                out[drop.name] = keep.name
    return out


def _restated_measures(measures: list[Column]) -> dict[str, str]:
    out: dict[str, str] = {}
    ranks = {m.name: m.values.rank() for m in measures[:MAX_MEASURES_COMPARED]}
    names = list(ranks)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if a in out or b in out:
                continue
            rho = ranks[a].corr(ranks[b])
            if rho is not None and abs(rho) >= RESTATES:
                out[b] = a
    return out


def _is_rate(column: Column) -> bool:
    """A column of 0s and 1s (and nothing else): an outcome whose mean is a share."""
    if column.info.kind != "num" or column.role != "category":
        return False
    return set(column.values.dropna().unique()) == {0, 1}


def _row_label(columns: list[Column], n_rows: int) -> Column | None:
    """The first text column naming every row of a small table, one name per row."""
    if n_rows > MAX_ROW_LABELS:
        return None
    for column in columns:
        present = column.values.dropna()
        if (
            column.info.kind == "str"
            and column.role in ("category", "id")
            and len(present) >= max(3, 0.95 * n_rows)
            and present.nunique() == len(present)
        ):
            return column
    return None


def _in_place_of(columns: list[Column], redundant: dict[str, str]) -> list[Column]:
    """Columns without the redundant ones, each kept column where the first of those it
    stands for was: titanic's `class` takes `pclass`'s place near the front, and the order
    of the columns says what the table is about."""
    first = {c.name: i for i, c in enumerate(columns)}
    for dropped, kept in redundant.items():
        first[kept] = min(first[kept], first[dropped])
    return sorted((c for c in columns if c.name not in redundant), key=lambda c: first[c.name])


def _code_as_id(column: Column, columns: list[Column]) -> Column:
    """An integer 'measure' that one value per country (or other key) fixes is a code (iso_num)."""
    if column.role != "measure" or not _is_integral(column.values):
        return column
    for key in columns:
        if (
            key.role in ("category", "id")
            and key.cardinality >= 10
            and column.cardinality >= 0.9 * key.cardinality
            and determines(column.values, key.values)
        ):
            return replace(column, role="id")
    return column


def _regular(times: pd.Series) -> bool:
    """Most steps between distinct times within 15% of the typical step (months, trading days)."""
    distinct = np.sort(times.dropna().unique())
    if len(distinct) < 3:
        return False
    steps = np.diff(distinct).astype("timedelta64[s]").astype(float)
    typical = float(np.median(steps))
    if typical <= 0:
        return False
    return float(np.mean(np.abs(steps / typical - 1) <= 0.15)) >= 0.7


def determines(parent: pd.Series, child: pd.Series) -> bool:
    """Every child value belongs to one parent value (country -> continent)."""
    pairs = pd.DataFrame({"c": child, "p": parent}).dropna()
    return not pairs.empty and bool((pairs.groupby("c")["p"].nunique() <= 1).all())


def profile_table(typed: pd.DataFrame, infos: list[ColumnInfo], seed: int = 0) -> TableProfile:
    """Roles, time axis and series structure of a typed table (see fields.coerce_table)."""
    n_rows = len(typed)
    sample = typed if n_rows <= STATS_ROWS else typed.sample(n=STATS_ROWS, random_state=seed)
    time = _time_axis(typed, infos)
    time_columns = set(time.columns) if time else set()
    # Further year columns (a birth year beside the survey year) are times too: never charted
    # as quantities from zero, and not the table's time axis either.
    time_columns |= {
        c.name for c in infos if c.kind == "num" and c.usable and year_like(c.name, typed[c.name])
    }
    columns = []
    for info in infos:
        values = sample[info.name]
        role = _role(info, values, n_rows, time_columns)
        columns.append(
            Column(
                name=info.name,
                role=role,
                info=info,
                values=values,
                extensive=role == "measure"
                and bool(_EXTENSIVE_NAME.search(info.name))
                and bool((values.dropna() >= 0).all()),
                geographic=bool(_GEO_NAME.search(info.name)),
            )
        )
    rates = [c for c in columns if _is_rate(c)]
    redundant = _redundant(columns)
    columns = [_code_as_id(c, columns) for c in _in_place_of(columns, redundant)]
    if time is None:
        # Outside a time series (where trending measures all rise in step), a measure in
        # lockstep rank with an earlier one restates it: a log, a unit conversion.
        restated = _restated_measures([c for c in columns if c.role == "measure"])
        redundant.update(restated)
        columns = [c for c in columns if c.name not in restated]
    profile = TableProfile(n_rows, columns, sample, time=time, redundant=redundant, rates=rates)
    if time is None:
        profile.label = _row_label(columns, n_rows)
        return profile
    times = time.values.loc[sample.index] if len(time.values) == n_rows else time.values
    present = times.dropna()
    profile.time_unique = bool(len(present)) and present.nunique() >= 0.95 * len(present)
    profile.time_regular = _regular(time.values)  # all rows: a sample would break the steps
    if not profile.time_unique:
        # A panel: some grouping column makes (time, group) unique, e.g. (year, country).
        keys = [c for c in columns if c.role in ("category", "id") and c.cardinality >= 2]
        for key in sorted(keys, key=lambda c: c.cardinality):
            frame = pd.DataFrame({"t": times, "k": key.values}).dropna()
            if len(frame) and frame.drop_duplicates().shape[0] >= 0.95 * len(frame):
                profile.series = key
                break
    if profile.series is not None:
        if profile.series.cardinality <= MAX_COLOR_CATEGORIES and profile.series.role == "category":
            profile.series_color = profile.series
        else:
            parents = [
                c
                for c in columns
                if c.role == "category"
                and c is not profile.series
                and 2 <= c.cardinality <= MAX_COLOR_CATEGORIES
                and determines(c.values, profile.series.values)
            ]
            profile.series_color = parents[0] if parents else None
    return profile
