"""Time-series imputation: baselines, BRITS, NAOMI, masked evaluation and an `auto` chooser.

Papers:
- BRITS: W. Cao, D. Wang, J. Li, H. Zhou, L. Li, Y. Li. "BRITS: Bidirectional Recurrent
  Imputation for Time Series." NeurIPS 2018. https://arxiv.org/abs/1805.10572
- NAOMI: Y. Liu, R. Yu, S. Zheng, E. Zhan, Y. Yue. "NAOMI: Non-Autoregressive Multiresolution
  Sequence Imputation." NeurIPS 2019. https://arxiv.org/abs/1901.10946

Importing this package loads numpy and pandas only; `get_imputer("brits")` imports torch
on first use, so an API process that never trains never loads it.
"""

from __future__ import annotations

import importlib
from typing import Any

from models.imputation.errors import ImputationInputError, UnknownMethodError

# Learned models: name -> (module, class, config class).
MODELS: dict[str, tuple[str, str, str]] = {
    "brits": ("models.imputation.brits", "BRITS", "BRITSConfig"),
    "naomi": ("models.imputation.naomi", "NAOMI", "NAOMIConfig"),
}
# Simple methods: a formula, nothing fitted ("the best simple method" `auto` is measured against).
BASELINE_METHODS = ("mean", "locf", "linear", "time", "seasonal")
# Statistical models fitted by maximum likelihood in one go (no epochs): `statespace.py`.
STATISTICAL_METHODS = ("kalman",)
# The one list of method names (the API's choices, in this order).
METHODS: tuple[str, ...] = ("auto", *BASELINE_METHODS, *STATISTICAL_METHODS, *MODELS)


def get_imputer(name: str) -> type[Any]:
    """The model class for a learned method ('brits', 'naomi'), imported on first use."""
    if name not in MODELS:
        raise UnknownMethodError(f"Unknown model {name!r}; choose one of {sorted(MODELS)}.")
    module, cls, _ = MODELS[name]
    return getattr(importlib.import_module(module), cls)


def get_config(name: str) -> type:
    """The frozen Config dataclass of a learned method."""
    if name not in MODELS:
        raise UnknownMethodError(f"Unknown model {name!r}; choose one of {sorted(MODELS)}.")
    module, _, cls = MODELS[name]
    return getattr(importlib.import_module(module), cls)


def make_imputer(name: str, config: Any = None) -> Any:
    """An untrained `Imputer` (models.imputation.imputer) for any method but 'auto'.

    `config` is a learned method's Config instance (default: its defaults).
    """
    from models.imputation.imputer import BaselineImputer, ModelImputer

    if name in MODELS:
        return ModelImputer(name, get_imputer(name)(config))
    if name in STATISTICAL_METHODS:
        from models.imputation.statespace import KalmanImputer

        return KalmanImputer()
    return BaselineImputer(name)


__all__ = [
    "BASELINE_METHODS",
    "METHODS",
    "MODELS",
    "STATISTICAL_METHODS",
    "ImputationInputError",
    "get_config",
    "get_imputer",
    "make_imputer",
]
