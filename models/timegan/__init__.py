"""TimeGAN: synthetic multivariate time series.

Yoon, J., Jarrett, D., van der Schaar, M. "Time-series Generative Adversarial Networks."
Advances in Neural Information Processing Systems 32 (NeurIPS 2019).
Reference code: github.com/jsyoon0823/TimeGAN (TensorFlow 1); this is a TensorFlow 2 /
Keras re-implementation of its networks, losses and training schedule.

Importing this package loads no TensorFlow: `TimeGAN` and the metrics are imported on
first use, so an API process that never trains pays nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from models.timegan.config import TimeGANConfig
from models.timegan.data import MinMaxScaler, real_windows, samples_to_frame
from models.timegan.errors import TimeGANInputError

if TYPE_CHECKING:
    from models.timegan.model import TimeGAN, TrainingProgress

__all__ = [
    "MinMaxScaler",
    "TimeGAN",
    "TimeGANConfig",
    "TimeGANInputError",
    "TrainingProgress",
    "real_windows",
    "samples_to_frame",
]

_LAZY = {"TimeGAN": "models.timegan.model", "TrainingProgress": "models.timegan.model"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
