"""Small tables of the shapes the recommender must understand, made in code (no shared data)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def quarterly_macro(n_years: int = 12) -> pd.DataFrame:
    """year + quarter + measures, like statsmodels' macrodata."""
    rng = np.random.default_rng(0)
    n = 4 * n_years
    trend = np.linspace(0, 1, n)
    return pd.DataFrame(
        {
            "year": np.repeat(np.arange(1990, 1990 + n_years), 4),
            "quarter": np.tile([1, 2, 3, 4], n_years),
            "realgdp": 5000 + 3000 * trend + rng.normal(0, 40, n),
            "realcons": 3500 + 2000 * trend + rng.normal(0, 30, n),
            "infl": 3 + rng.normal(0, 1.5, n),
            "unemp": 6 - 2 * trend + rng.normal(0, 0.3, n),
        }
    )


def firm_panel(n_firms: int = 6, n_years: int = 20) -> pd.DataFrame:
    """(firm, year) rows, like Grunfeld's investment data."""
    rng = np.random.default_rng(1)
    rows = []
    for f in range(n_firms):
        base = 100 * (f + 1)
        for i, year in enumerate(range(1935, 1935 + n_years)):
            rows.append(
                {
                    "firm": f"Firm {chr(65 + f)}",
                    "year": year,
                    "invest": base * (1 + 0.05 * i) + rng.normal(0, 10),
                    "value": 10 * base * (1 + 0.03 * i) + rng.normal(0, 50),
                }
            )
    return pd.DataFrame(rows)


def cars_like(n: int = 300) -> pd.DataFrame:
    """Horsepower and MPG fall together; origin separates them."""
    rng = np.random.default_rng(2)
    origin = rng.choice(["USA", "Europe", "Japan"], size=n, p=[0.6, 0.2, 0.2])
    horsepower = np.where(origin == "USA", 130, 80) + rng.normal(0, 25, n)
    return pd.DataFrame(
        {
            "Name": [f"car {i}" for i in range(n)],
            "Miles_per_Gallon": 45 - 0.15 * horsepower + rng.normal(0, 3, n),
            "Horsepower": horsepower,
            "Cylinders": np.where(horsepower > 120, 8, np.where(horsepower > 90, 6, 4)),
            "Origin": origin,
        }
    )


def restaurant_bills(n: int = 240) -> pd.DataFrame:
    """A tips-like table: two measures and four text categories."""
    rng = np.random.default_rng(3)
    day = rng.choice(["Thur", "Fri", "Sat", "Sun"], size=n)
    total = 12 + 8 * (day == "Sun") + rng.gamma(2.0, 4.0, n)
    return pd.DataFrame(
        {
            "total_bill": total.round(2),
            "tip": (0.15 * total + rng.normal(0, 0.8, n)).round(2),
            "sex": rng.choice(["Female", "Male"], size=n),
            "smoker": rng.choice(["Yes", "No"], size=n),
            "day": day,
            "time": np.where(day == "Thur", "Lunch", "Dinner"),
        }
    )


def states(n: int = 51) -> pd.DataFrame:
    """One row per US state (and DC), named by its abbreviation: car-crash rates per state."""
    rng = np.random.default_rng(7)
    names = [f"{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(n)]
    alcohol = rng.gamma(4.0, 1.2, n)
    return pd.DataFrame(
        {
            "total": (2.5 * alcohol + rng.normal(8, 2, n)).round(1),
            "alcohol": alcohol.round(2),
            "premium": rng.normal(900, 150, n).round(2),
            "abbrev": names,
        }
    )


def passengers(n: int = 600) -> pd.DataFrame:
    """A titanic-like table of outcomes: survived (0/1) and alive (yes/no) say the same."""
    rng = np.random.default_rng(8)
    sex = rng.choice(["male", "female"], size=n, p=[0.65, 0.35])
    klass = rng.choice(["First", "Second", "Third"], size=n, p=[0.25, 0.2, 0.55])
    chance = 0.15 + 0.55 * (sex == "female") + 0.2 * (klass == "First") - 0.1 * (klass == "Third")
    survived = (rng.random(n) < chance).astype(int)
    return pd.DataFrame(
        {
            "survived": survived,
            "sex": sex,
            "age": rng.gamma(6.0, 5.0, n).round(0),
            "fare": np.where(klass == "First", 80, 15) * rng.gamma(2.0, 0.5, n),
            "class": klass,
            "alive": np.where(survived == 1, "yes", "no"),
        }
    )
