"""Forecast combination for `auto`: an even blend of the default and a challenger.

Where a challenger had the lower MAE than the default on a bucket's evidence but did not
pass the significance test, `auto` may fill with `(1 - WEIGHT) * default + WEIGHT *
challenger` instead of the default alone. By the triangle inequality a convex blend's MAE
is at most the weighted mean of the two MAEs, and lower where their errors differ in sign:
interpolation and a seasonal profile or the mean err fairly independently. The weight is
fixed at one half (never more than unproven evidence supports, never tuned per series).

A blend is named `"<default>+<challenger>"` in `auto`'s choice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np

from models.imputation.data import PreparedSeries
from models.imputation.imputer import Imputer

# The challenger's share of a blend.
WEIGHT = 0.5
SEPARATOR = "+"


def blend_name(default: str, challenger: str) -> str:
    return f"{default}{SEPARATOR}{challenger}"


def blend_parts(name: str) -> tuple[str, str] | None:
    """(default, challenger) of a blend's name, None for a single method."""
    if SEPARATOR not in name:
        return None
    default, challenger = name.split(SEPARATOR, 1)
    return default, challenger


def blend_fill(default: np.ndarray, challenger: np.ndarray, weight: float = WEIGHT) -> np.ndarray:
    return (1.0 - weight) * default + weight * challenger


class BlendImputer(Imputer):
    """The blend of two methods without epochs (baselines, kalman); observed cells are returned as they are."""

    def __init__(self, name: str, imputers: Mapping[str, Imputer] | None = None) -> None:
        """`imputers`: the parts by name where they are at hand (fitted), else made here."""
        parts = blend_parts(name)
        if parts is None:
            raise ValueError(f"{name!r} is not a blend (default{SEPARATOR}challenger)")
        from models.imputation import make_imputer

        self.name = name
        known = imputers or {}
        default, challenger = (known.get(p) or make_imputer(p) for p in parts)
        self.parts = (default, challenger)

    def fill(self, series: PreparedSeries) -> np.ndarray:
        default, challenger = (imputer.fill(series) for imputer in self.parts)
        return np.where(series.observed, series.values, blend_fill(default, challenger))

    def to_bytes(self) -> bytes:
        return json.dumps({"kind": "blend", "name": self.name, "weight": WEIGHT}).encode()
