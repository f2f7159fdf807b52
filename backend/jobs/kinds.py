"""Job kinds: a name -> the function that runs it and the schema of its parameters.

Built-in kinds are named by "module:function" and imported on first use, so starting the
API loads no torch or tensorflow. Extra modules (JOB_EXTRA_KINDS) may register more.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from backend.errors import InvalidInputError

JobFunction = Callable[[Any, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class JobKind:
    name: str
    target: str  # "package.module:function"
    # Parameter schema "module:Class" for POST /jobs; None means only its own endpoint starts it.
    params_schema: str | None = None
    description: str = ""

    def function(self) -> JobFunction:
        return _resolve(self.target)

    def load_params(self, params: dict[str, Any]) -> dict[str, Any]:
        if self.params_schema is None:
            raise InvalidInputError(f"Jobs of kind '{self.name}' are started from their own endpoint.")
        from marshmallow import ValidationError

        try:
            return _resolve(self.params_schema)().load(params)
        except ValidationError as exc:
            raise InvalidInputError("The job parameters are not valid.", errors=exc.messages) from exc


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
        raise InvalidInputError(f"Unknown job kind '{name}'.", errors={"kind": [f"one of {sorted(_KINDS)}"]}) from None


def names() -> list[str]:
    return sorted(_KINDS)


def load_extra(modules: tuple[str, ...]) -> None:
    """Import modules that call `register` (for tests and plug-ins)."""
    for module in modules:
        importlib.import_module(module)


register(JobKind("imputation", "backend.services.imputation:run_imputation", description="Fill gaps in time series"))
register(JobKind("timegan_training", "backend.services.synthesis:run_training", description="Train TimeGAN"))
register(JobKind("timegan_evaluation", "backend.services.synthesis:run_evaluation", description="Score a TimeGAN model"))
