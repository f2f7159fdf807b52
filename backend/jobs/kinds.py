"""Job kinds: a name -> the function that runs it and the schema of its parameters.

Built-in kinds are named by "module:function" and imported on first use, so starting the
API loads no torch or tensorflow. Extra modules (JOB_EXTRA_KINDS) may register more.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from backend.errors import InvalidInputError
from backend.jobs.protocols import JobFunction


@dataclass(frozen=True)
class JobKind:
    name: str
    target: str  # "package.module:function"
    # Parameter schema "module:Class" for POST /jobs; None means only its own endpoint starts it.
    params_schema: str | None = None
    description: str = ""
    # Compute budget: the most epochs/steps a job of this kind may reach, resumes included
    # (None: the kind trains nothing step by step, so a resume cannot add any).
    max_steps: int | None = None
    # Wall-clock limit of one run (JOB_TIME_LIMITS overrides it); past it the job fails.
    time_limit_s: float = 3600.0

    def function(self) -> JobFunction:
        return _resolve(self.target)

    def load_params(self, params: dict[str, Any]) -> dict[str, Any]:
        if self.params_schema is None:
            raise InvalidInputError(
                f"Jobs of kind '{self.name}' are started from their own endpoint."
            )
        from marshmallow import ValidationError

        try:
            return _resolve(self.params_schema)().load(params)
        except ValidationError as exc:
            raise InvalidInputError(
                "The job parameters are not valid.", errors=exc.messages
            ) from exc


def _resolve(target: str) -> Any:
    module_name, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise InvalidInputError(
            f"Unknown job kind '{name}'.", errors={"kind": [f"one of {sorted(_KINDS)}"]}
        ) from None


def find(name: str) -> JobKind | None:
    return _KINDS.get(name)


def names() -> list[str]:
    return sorted(_KINDS)


def load_extra(modules: tuple[str, ...]) -> None:
    """Import modules that call `register` (for tests and plug-ins)."""
    for module in modules:
        importlib.import_module(module)


def time_limit_s(kind: JobKind, overrides: tuple[tuple[str, float], ...] = ()) -> float:
    """The wall-clock limit of one run of `kind`: its JOB_TIME_LIMITS entry, else its default."""
    return dict(overrides).get(kind.name, kind.time_limit_s)


# Budgets. Epochs/steps: what the request schemas allow a first run (a resume may not go past
# them either). Time limits leave auto imputation its longest time budget (1 h) plus the fill.
IMPUTATION_MAX_EPOCHS = 2000
TIMEGAN_MAX_ITERATIONS = 100_000  # per phase; a run has three phases
register(
    JobKind(
        "imputation",
        "backend.services.imputation:run_imputation",
        description="Fill gaps in time series",
        max_steps=IMPUTATION_MAX_EPOCHS,
        time_limit_s=2 * 3600.0,
    )
)
register(
    JobKind(
        "timegan_training",
        "backend.services.synthesis:run_training",
        description="Train TimeGAN",
        max_steps=3 * TIMEGAN_MAX_ITERATIONS,
        time_limit_s=6 * 3600.0,
    )
)
register(
    JobKind(
        "timegan_evaluation",
        "backend.services.synthesis:run_evaluation",
        description="Score a TimeGAN model",
        time_limit_s=2 * 3600.0,
    )
)
