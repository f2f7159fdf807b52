"""Hyperparameters of a TimeGAN model, validated once when the config is built."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from models.timegan.errors import TimeGANInputError

MODULES = ("gru", "lstm")

# Bounds that catch typos and requests that would exhaust memory or never finish,
# while leaving room well beyond the paper's settings (seq_len 24, hidden 24, 3 layers).
_INT_BOUNDS: dict[str, tuple[int, int]] = {
    "seq_len": (2, 1_000),
    "hidden_dim": (1, 1_024),
    "num_layers": (1, 10),
    "batch_size": (1, 8_192),
    "iterations": (0, 1_000_000),
}


@dataclass(frozen=True)
class TimeGANConfig:
    """Settings of one TimeGAN model; defaults are the reference configuration.

    `iterations` is the number of training steps of EACH of the three phases
    (embedding, supervised, joint), as in the reference code.
    """

    seq_len: int = 24
    module: str = "gru"
    hidden_dim: int = 24
    num_layers: int = 3
    batch_size: int = 128
    iterations: int = 10_000
    learning_rate: float = 1e-3
    gamma: float = 1.0
    batch_norm: bool = False
    seed: int = 0
    # Compile the training loops with XLA. Off by default: on the 2-core CPU build machine
    # it compiled for ~60 s and then ran the reference configuration slower, not faster;
    # left as an option to try on a GPU worker.
    jit_compile: bool = False

    def __post_init__(self) -> None:
        for name, (low, high) in _INT_BOUNDS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TimeGANInputError(
                    f"{name} must be an integer, got {value!r}", code="invalid_config", field=name
                )
            if not low <= value <= high:
                raise TimeGANInputError(
                    f"{name} must be between {low} and {high}, got {value}",
                    code="invalid_config",
                    field=name,
                )
        if self.module not in MODULES:
            raise TimeGANInputError(
                f"module must be one of {', '.join(MODULES)}, got {self.module!r}",
                code="invalid_config",
                field="module",
            )
        if not 0.0 < float(self.learning_rate) <= 1.0:
            raise TimeGANInputError(
                f"learning_rate must be in (0, 1], got {self.learning_rate}",
                code="invalid_config",
                field="learning_rate",
            )
        if not 0.0 <= float(self.gamma) <= 1_000.0:
            raise TimeGANInputError(
                f"gamma must be in [0, 1000], got {self.gamma}",
                code="invalid_config",
                field="gamma",
            )
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise TimeGANInputError(
                f"seed must be a non-negative integer, got {self.seed!r}",
                code="invalid_config",
                field="seed",
            )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TimeGANConfig:
        known = {key: value for key, value in values.items() if key in cls.__dataclass_fields__}
        return cls(**known)
