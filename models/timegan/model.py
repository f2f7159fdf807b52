"""TimeGAN (TensorFlow 2 / Keras): train phase by phase, generate in original units, save as bytes."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from models.timegan.config import TimeGANConfig
from models.timegan.data import MinMaxScaler, SeriesLike, training_windows
from models.timegan.errors import TimeGANInputError
from models.timegan.networks import TimeGANNetworks, build_networks
from models.timegan.training import OPTIMIZER_NAMES, PHASES, PhaseTrainer, make_optimizers

ARTIFACT_FORMAT = 1
_GENERATE_BATCH = 4_096  # bounds memory when a caller asks for many sequences


@dataclass(frozen=True)
class TrainingProgress:
    """One progress report: where training stands and the mean losses of the last chunk."""

    phase: str
    phase_step: int
    phase_total: int
    step: int
    total: int
    losses: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "phase_step": self.phase_step,
            "phase_total": self.phase_total,
            "step": self.step,
            "total": self.total,
            "losses": dict(self.losses),
        }


class TimeGAN:
    """Yoon et al. (2019) TimeGAN over min-max scaled windows of a multivariate series.

    A job owns the loop: `set_training_data(data)`, then `fit_steps(model.next_phase(), n)`
    until `next_phase()` is None, saving `to_bytes()` between chunks as a checkpoint.
    """

    def __init__(self, config: TimeGANConfig | None = None) -> None:
        self.config = config or TimeGANConfig()
        self.scaler: MinMaxScaler | None = None
        self.steps_done: dict[str, int] = dict.fromkeys(PHASES, 0)
        self._networks: TimeGANNetworks | None = None
        self._optimizers: dict[str, keras.optimizers.Optimizer] | None = None
        self._rng: tf.random.Generator | None = None
        self._trainer: PhaseTrainer | None = None
        self._generate_fn: Callable[[tf.Tensor], tf.Tensor] | None = None

    # -- state -------------------------------------------------------------------------
    @property
    def columns(self) -> list[str]:
        return list(self.scaler.columns) if self.scaler else []

    @property
    def n_features(self) -> int:
        return len(self.columns)

    @property
    def is_trained(self) -> bool:
        return self.next_phase() is None

    @property
    def device(self) -> str:
        return "gpu" if tf.config.list_physical_devices("GPU") else "cpu"

    def set_iterations(self, iterations: int) -> None:
        """Change the steps per phase, e.g. to train a finished model further on resume."""
        self.config = dataclasses.replace(self.config, iterations=iterations)

    def remaining_steps(self, phase: str) -> int:
        self._check_phase(phase)
        return max(self.config.iterations - self.steps_done[phase], 0)

    def next_phase(self) -> str | None:
        """The first phase with steps left, in the paper's order; None when training is done."""
        return next((phase for phase in PHASES if self.remaining_steps(phase) > 0), None)

    def progress(self, losses: dict[str, float] | None = None) -> TrainingProgress:
        phase = self.next_phase() or PHASES[-1]
        return TrainingProgress(
            phase=phase,
            phase_step=self.steps_done[phase],
            phase_total=self.config.iterations,
            step=sum(min(done, self.config.iterations) for done in self.steps_done.values()),
            total=self.config.iterations * len(PHASES),
            losses=dict(losses or {}),
        )

    # -- training ----------------------------------------------------------------------
    def set_training_data(self, data: SeriesLike, columns: Sequence[str] | None = None) -> TimeGAN:
        """Check, scale and window the data; keeps the scaler of a model that has one (resume)."""
        if columns is None and self.scaler is not None and isinstance(data, pd.DataFrame):
            columns = self.columns  # a resumed model trains on the columns it was built for
        prepared = training_windows(
            data, self.config.seq_len, columns=columns, seed=self.config.seed, scaler=self.scaler
        )
        if self.scaler is None:
            self.scaler = prepared.scaler
        self._ensure_built()
        assert self._networks is not None and self._optimizers is not None and self._rng is not None
        self._trainer = PhaseTrainer(
            self.config, self._networks, self._optimizers, self._rng, prepared.windows
        )
        return self

    def fit_steps(self, phase: str, n_steps: int) -> dict[str, float]:
        """Run `n_steps` training steps of one phase; returns the mean losses over them."""
        self._check_phase(phase)
        if self._trainer is None:
            raise TimeGANInputError(
                "call set_training_data(data) before training", code="no_training_data"
            )
        if n_steps < 1:
            raise TimeGANInputError(
                "n_steps must be at least 1", code="invalid_config", field="n_steps"
            )
        losses = self._trainer.run(phase, int(n_steps))
        self.steps_done[phase] += int(n_steps)
        return losses

    def fit(
        self,
        data: SeriesLike | None = None,
        columns: Sequence[str] | None = None,
        *,
        on_progress: Callable[[TrainingProgress], None] | None = None,
        chunk_steps: int = 100,
    ) -> TimeGAN:
        """Train every phase to `config.iterations` steps (continuing where a restored model stopped)."""
        if data is not None:
            self.set_training_data(data, columns)
        while (phase := self.next_phase()) is not None:
            losses = self.fit_steps(phase, min(chunk_steps, self.remaining_steps(phase)))
            if on_progress is not None:
                on_progress(
                    TrainingProgress(
                        phase=phase,
                        phase_step=self.steps_done[phase],
                        phase_total=self.config.iterations,
                        step=self.progress().step,
                        total=self.config.iterations * len(PHASES),
                        losses=losses,
                    )
                )
        return self

    # -- generation --------------------------------------------------------------------
    def generate(self, n: int, seed: int | None = None) -> np.ndarray:
        """`n` synthetic sequences, shape (n, seq_len, features), in the data's original units."""
        if self.scaler is None or self._networks is None:
            raise TimeGANInputError("the model has not been trained", code="not_trained")
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= n <= 1_000_000:
            raise TimeGANInputError(
                f"n must be an integer between 1 and 1000000, got {n!r}",
                code="invalid_config",
                field="n",
            )
        rng = (
            tf.random.Generator.from_seed(seed)
            if seed is not None
            else tf.random.Generator.from_non_deterministic_state()
        )
        if self._generate_fn is None:
            nets = self._networks
            shape = [None, self.config.seq_len, self.n_features]

            @tf.function(input_signature=[tf.TensorSpec(shape, tf.float32)])
            def generate_scaled(z: tf.Tensor) -> tf.Tensor:
                h_hat = nets.supervisor(nets.generator(z, training=False), training=False)
                return nets.recovery(h_hat, training=False)

            self._generate_fn = generate_scaled
        chunks = []
        for start in range(0, int(n), _GENERATE_BATCH):
            size = min(_GENERATE_BATCH, int(n) - start)
            z = rng.uniform([size, self.config.seq_len, self.n_features])
            chunks.append(self._generate_fn(z).numpy())
        return self.scaler.inverse_transform(np.concatenate(chunks, axis=0))

    # -- persistence -------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """A zip of JSON and npz members (config, scaler, progress, weights, optimizer and RNG state)."""
        if self.scaler is None or self._networks is None:
            raise TimeGANInputError(
                "the model has no data yet; nothing to save", code="not_trained"
            )
        assert self._optimizers is not None and self._rng is not None
        weights = {
            f"{name}/{index:03d}": value
            for name, net in self._networks.as_dict().items()
            for index, value in enumerate(net.get_weights())
        }
        optimizer_state = {
            f"{name}/{index:03d}": np.asarray(variable.numpy())
            for name, optimizer in self._optimizers.items()
            for index, variable in enumerate(optimizer.variables)
        }
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "format.json", json.dumps({"format": ARTIFACT_FORMAT, "kind": "timegan"})
            )
            archive.writestr("config.json", json.dumps(self.config.to_dict()))
            archive.writestr("scaler.json", json.dumps(self.scaler.to_dict()))
            archive.writestr(
                "progress.json",
                json.dumps(
                    {
                        "steps_done": self.steps_done,
                        "rng_algorithm": int(self._rng.algorithm),
                    }
                ),
            )
            archive.writestr("weights.npz", _npz_bytes(weights))
            archive.writestr("optimizer.npz", _npz_bytes(optimizer_state))
            archive.writestr("rng.npz", _npz_bytes({"state": self._rng.state.numpy()}))
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> TimeGAN:
        """Rebuild a model saved by `to_bytes` (in any process); unpickles nothing."""
        try:
            with zipfile.ZipFile(io.BytesIO(blob)) as archive:
                header = json.loads(archive.read("format.json"))
                if header.get("kind") != "timegan" or header.get("format") != ARTIFACT_FORMAT:
                    raise TimeGANInputError(
                        f"not a TimeGAN artifact of format {ARTIFACT_FORMAT}: {header}",
                        code="bad_artifact",
                    )
                config = TimeGANConfig.from_dict(json.loads(archive.read("config.json")))
                scaler = MinMaxScaler.from_dict(json.loads(archive.read("scaler.json")))
                progress = json.loads(archive.read("progress.json"))
                weights = _npz_load(archive.read("weights.npz"))
                optimizer_state = _npz_load(archive.read("optimizer.npz"))
                rng_state = _npz_load(archive.read("rng.npz"))["state"]
        except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as error:
            raise TimeGANInputError(
                f"unreadable TimeGAN artifact: {error}", code="bad_artifact"
            ) from error
        model = cls(config)
        model.scaler = scaler
        model.steps_done = {phase: int(progress["steps_done"].get(phase, 0)) for phase in PHASES}
        model._ensure_built()
        assert model._networks is not None and model._optimizers is not None
        for name, net in model._networks.as_dict().items():
            net.set_weights(_members(weights, name))
        for name, optimizer in model._optimizers.items():
            for variable, value in zip(
                optimizer.variables, _members(optimizer_state, name), strict=True
            ):
                variable.assign(value)
        model._rng = tf.random.Generator.from_state(rng_state, alg=int(progress["rng_algorithm"]))
        return model

    # -- internals ---------------------------------------------------------------------
    def _ensure_built(self) -> None:
        if self._networks is not None:
            return
        self._networks = build_networks(self.config, self.n_features)
        self._optimizers = make_optimizers(self.config)
        nets = self._networks
        # Build every optimizer eagerly on its variable list: slots created inside the
        # compiled loops would be re-created on each trace.
        variable_lists = {
            "embedding": nets.embedder.trainable_variables + nets.recovery.trainable_variables,
            "supervised": nets.supervisor.trainable_variables,
            "generator": nets.generator.trainable_variables + nets.supervisor.trainable_variables,
            "embedder": nets.embedder.trainable_variables + nets.recovery.trainable_variables,
            "discriminator": nets.discriminator.trainable_variables,
        }
        for name in OPTIMIZER_NAMES:
            self._optimizers[name].build(variable_lists[name])
        self._rng = tf.random.Generator.from_seed(self.config.seed)

    @staticmethod
    def _check_phase(phase: str) -> None:
        if phase not in PHASES:
            raise TimeGANInputError(
                f"phase must be one of {', '.join(PHASES)}, got {phase!r}", code="invalid_phase"
            )


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]  # numpy's stub types **kwds as allow_pickle
    return buffer.getvalue()


def _npz_load(blob: bytes) -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(blob), allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


def _members(arrays: dict[str, np.ndarray], prefix: str) -> list[np.ndarray]:
    keys = sorted(key for key in arrays if key.startswith(prefix + "/"))
    return [arrays[key] for key in keys]
