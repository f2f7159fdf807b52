"""What BRITS and NAOMI share: device choice, series tensors, time gaps, the artifact zip."""

from __future__ import annotations

import dataclasses
import functools
import io
import json
import time
import zipfile
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import torch
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from models.imputation.data import (
    PreparedSeries,
    StandardScaler,
    interior_gap_lengths,
    merge_windows,
    training_starts,
    window_starts,
)

ARTIFACT_FORMAT = 1
T = TypeVar("T")


def resolve_device(name: str) -> torch.device:
    """'auto' picks CUDA when present, else CPU."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def time_gaps(mask: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
    """BRITS deltas: time since each column was last observed, (..., T, C) from (..., T) positions.

    delta_t = s_t - s_{t-1} + (1 - m_{t-1}) * delta_{t-1}, delta_0 = 0 (Cao et al. 2018, eq. 1).
    """
    steps = torch.diff(positions, dim=-1, prepend=positions[..., :1]).unsqueeze(-1)
    steps = steps.expand_as(mask)
    deltas = torch.empty_like(mask)
    running = torch.zeros_like(mask[..., 0, :])
    for t in range(mask.shape[-2]):
        running = steps[..., t, :] + (1.0 - (mask[..., t - 1, :] if t else 1.0)) * running
        deltas[..., t, :] = running
    return deltas


@dataclasses.dataclass
class SeriesTensors:
    """A scaled series on the device, built once per training data object."""

    values: torch.Tensor  # (T, C), 0 where missing
    mask: torch.Tensor  # (T, C) float
    positions: torch.Tensor  # (T,)


def series_tensors(
    series: PreparedSeries | tuple[np.ndarray, np.ndarray, np.ndarray],
    scaler: StandardScaler,
    device: torch.device,
) -> SeriesTensors:
    if isinstance(series, PreparedSeries):
        values, observed, positions = series.values, series.observed, series.positions
    else:
        values, observed, positions = series
    scaled = np.where(observed, scaler.transform(np.nan_to_num(values)), 0.0)
    return SeriesTensors(
        values=torch.as_tensor(scaled, dtype=torch.float32, device=device),
        mask=torch.as_tensor(observed, dtype=torch.float32, device=device),
        positions=torch.as_tensor(positions, dtype=torch.float32, device=device),
    )


def normalize_input(
    values: np.ndarray, observed: np.ndarray | None, positions: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    array = np.asarray(values, dtype=np.float64)
    flat = array.ndim == 1
    if flat:
        array = array[:, None]
    mask = ~np.isnan(array) if observed is None else np.asarray(observed, bool).reshape(array.shape)
    pos = (
        np.arange(len(array), dtype=np.float64)
        if positions is None
        else np.asarray(positions, float)
    )
    return array, mask, pos, flat


def pack_artifact(
    config: Any,
    scaler: StandardScaler | None,
    state: dict[str, Any],
    training: dict[str, Any],
    kind: str,
) -> bytes:
    """Zip config.json, scaler.json, training.json and state.pt (tensors only)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("meta.json", json.dumps({"format": ARTIFACT_FORMAT, "kind": kind}))
        archive.writestr("config.json", json.dumps(dataclasses.asdict(config)))
        archive.writestr("scaler.json", json.dumps(scaler.to_dict() if scaler else None))
        archive.writestr("training.json", json.dumps(training))
        weights = io.BytesIO()
        torch.save(state, weights)
        archive.writestr("state.pt", weights.getvalue())
    return buffer.getvalue()


def unpack_artifact(blob: bytes, kind: str) -> tuple[dict, StandardScaler | None, dict, dict]:
    """Read what `pack_artifact` wrote; tensors load with weights_only=True (nothing unpickled)."""
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        meta = json.loads(archive.read("meta.json"))
        if meta.get("kind") != kind:
            raise ValueError(f"This artifact holds a {meta.get('kind')!r} model, not {kind!r}.")
        if meta.get("format") != ARTIFACT_FORMAT:
            raise ValueError(f"Unsupported artifact format {meta.get('format')}.")
        config = json.loads(archive.read("config.json"))
        scaler_data = json.loads(archive.read("scaler.json"))
        training = json.loads(archive.read("training.json"))
        state = torch.load(
            io.BytesIO(archive.read("state.pt")), map_location="cpu", weights_only=True
        )
    scaler = StandardScaler.from_dict(scaler_data) if scaler_data else None
    return config, scaler, training, state


def rng_state(rng: np.random.Generator) -> dict:
    return dict(rng.bit_generator.state)


def restore_rng(state: dict) -> np.random.Generator:
    rng = np.random.default_rng()
    rng.bit_generator.state = state
    return rng


def optimizer_to(optimizer: torch.optim.Optimizer, device: torch.device) -> None:
    """Move loaded optimizer moments to the model's device (they load on CPU)."""
    for state in optimizer.state.values():
        for key, value in state.items():
            if isinstance(value, torch.Tensor) and key != "step":
                state[key] = value.to(device)


def thread_limited(method: Callable[..., T]) -> Callable[..., T]:
    """Run a model method with `config.cpu_threads` intra-op threads on CPU, then restore."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> T:
        wanted = getattr(self.config, "cpu_threads", 0)
        if self.device.type != "cpu" or not wanted:
            return method(self, *args, **kwargs)
        before = torch.get_num_threads()
        torch.set_num_threads(wanted)
        try:
            return method(self, *args, **kwargs)
        finally:
            torch.set_num_threads(before)

    return wrapper


def random_blocks(
    rng: np.random.Generator,
    shape: tuple[int, ...],  # (windows, steps, columns)
    rate: float,
    longest: int,
    lengths: np.ndarray | None = None,
) -> np.ndarray:
    """Training masks for (B, T, C) windows: contiguous blocks covering about `rate` of cells.

    Block lengths are drawn from `lengths` (the series' real gap lengths) when given, so
    the model practises the gaps it will fill; otherwise uniformly from 1..longest, which
    teaches single missing points and long gaps alike. Either way no block exceeds `longest`.
    """
    batch, steps, columns = shape
    longest = max(1, min(longest, steps - 1))
    pool = (
        np.clip(np.asarray(lengths, dtype=np.int64), 1, longest)
        if lengths is not None and len(lengths)
        else None
    )
    mean_length = float(pool.mean()) if pool is not None else (1 + longest) / 2
    hide = np.zeros(shape, dtype=bool)
    counts = rng.poisson(rate * steps / mean_length, size=(batch, columns))
    for bi, ci in zip(*np.nonzero(counts), strict=True):
        n = counts[bi, ci]
        sizes = (
            rng.choice(pool, size=n) if pool is not None else rng.integers(1, longest + 1, size=n)
        )
        starts = rng.integers(0, steps, size=n)
        for start, size in zip(starts, sizes, strict=True):
            hide[bi, start : start + size, ci] = True
    return hide


@dataclasses.dataclass(frozen=True)
class EpochStart:
    tensors: SeriesTensors
    window: int
    starts: np.ndarray
    started: float
    setup_s: float
    gap_lengths: np.ndarray | None  # real gap lengths to draw training blocks from


class TorchImputer:
    """What BRITS and NAOMI share: state, the epoch loop, the optimizer step, persistence.

    A subclass sets `kind` and `config_class`, makes its network in `_new_network(n_features)`,
    and implements `_batch_loss` (training) and `_fill_windows` (inference).
    """

    kind = ""
    config_class: type = object
    min_observed = 0

    def __init__(self, config: Any = None) -> None:
        self.config = config or self.config_class()
        self.device = resolve_device(self.config.device)
        self.scaler: StandardScaler | None = None
        self.network: torch.nn.Module | None = None
        self.optimizer: torch.optim.Optimizer | None = None
        self.averaged: AveragedModel | None = None  # moving average of the weights, for inference
        self.epoch = 0
        self._rng = np.random.default_rng(self.config.seed)
        self._cache: tuple[int, SeriesTensors, np.ndarray] | None = None

    def _new_network(self, n_features: int) -> torch.nn.Module:
        raise NotImplementedError

    def _build(self, n_features: int) -> None:
        """A seeded network for `n_features` columns, its Adam optimizer and its weight average."""
        torch.manual_seed(self.config.seed)
        self.network = self._new_network(n_features).to(self.device)
        self.optimizer = torch.optim.Adam(self.network.parameters(), lr=self.config.learning_rate)
        decay = getattr(self.config, "ema_decay", 0.0)
        self.averaged = (
            AveragedModel(self.network, multi_avg_fn=get_ema_multi_avg_fn(decay)) if decay else None
        )

    def _inference_network(self) -> torch.nn.Module:
        """The weight average once it has seen a step, else the trained weights themselves."""
        assert self.network is not None
        if self.averaged is not None and int(self.averaged.n_averaged) > 0:
            return self.averaged.module
        return self.network

    def _window_index(self, starts: np.ndarray, window: int) -> torch.Tensor:
        """(N, window) step indices of the windows starting at `starts`."""
        return torch.as_tensor(starts[:, None] + np.arange(window)[None, :], device=self.device)

    def _hide_blocks(
        self, mask: torch.Tensor, longest: int, gap_lengths: np.ndarray | None
    ) -> torch.Tensor:
        """This batch's training blocks: observed cells hidden from the input and scored."""
        hide = random_blocks(
            self._rng, tuple(mask.shape), self.config.train_mask_rate, longest, gap_lengths
        )
        return torch.as_tensor(hide, device=mask.device) & (mask > 0)

    def _prepared(self, data: PreparedSeries) -> tuple[SeriesTensors, np.ndarray]:
        """The data's tensors and its interior gap lengths (all columns), built once per data object."""
        assert self.scaler is not None  # fitted with the network on the first epoch
        if self._cache is None or self._cache[0] != id(data):
            gaps = [n for column in data.observed.T for n in interior_gap_lengths(column)]
            self._cache = (
                id(data),
                series_tensors(data, self.scaler, self.device),
                np.asarray(gaps, dtype=np.int64),
            )
        return self._cache[1], self._cache[2]

    def _begin_epoch(self, data: PreparedSeries) -> EpochStart:
        """Build on first use, check the columns, draw this epoch's training windows."""
        setup_s = 0.0
        if self.network is None:
            # Built on the first epoch (the column count comes with the data); the first
            # torch.optim use imports a lot once per process, which is no epoch's work.
            built = time.perf_counter()
            self.scaler = StandardScaler.fit(data.values, data.observed)
            self._build(data.n_columns)
            setup_s = time.perf_counter() - built
        assert self.network is not None
        started = time.perf_counter()
        if data.n_columns != self.network.n_features:
            raise ValueError(
                f"The model has {self.network.n_features} column(s), the data {data.n_columns}."
            )
        window = min(self.config.window, data.length)
        starts = training_starts(data.length, window, self._rng)
        self.network.train()
        tensors, gaps = self._prepared(data)
        return EpochStart(
            tensors, window, starts, started, setup_s, gaps if self.config.match_gaps else None
        )

    def _end_epoch(self, epoch: EpochStart, mean_loss: float) -> dict[str, float]:
        self.epoch += 1
        metrics = {
            "epoch": float(self.epoch),
            "loss": mean_loss,
            "seconds": time.perf_counter() - epoch.started,
        }
        if epoch.setup_s:
            metrics["setup_seconds"] = epoch.setup_s
        return metrics

    def _step(self, loss: torch.Tensor) -> float:
        """One optimizer step on `loss` (gradients clipped); the loss as a float."""
        assert self.optimizer is not None and self.network is not None
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if self.config.grad_clip:
            torch.nn.utils.clip_grad_norm_(self.network.parameters(), self.config.grad_clip)
        self.optimizer.step()
        if self.averaged is not None:
            self.averaged.update_parameters(self.network)
        return float(loss.detach())

    @thread_limited
    def fit_epoch(
        self, data: PreparedSeries, on_batch: Callable[[], None] | None = None
    ) -> dict[str, float]:
        """One pass over this epoch's shuffled windows; returns the mean training loss.

        `on_batch` is called before every batch; it may raise to stop mid-epoch (a cancelled
        job), which leaves the model mid-epoch: resume from the last epoch's checkpoint.
        """
        epoch = self._begin_epoch(data)
        total, batches = 0.0, 0
        for first in range(0, len(epoch.starts), self.config.batch_size):
            if on_batch is not None:
                on_batch()
            loss = self._batch_loss(epoch, epoch.starts[first : first + self.config.batch_size])
            if loss is None:
                continue
            total += self._step(loss)
            batches += 1
        return self._end_epoch(epoch, total / max(batches, 1))

    def _batch_loss(self, epoch: EpochStart, starts: np.ndarray) -> torch.Tensor | None:
        """The training loss on the windows at `starts`; None skips the batch."""
        raise NotImplementedError

    def _inference_window(self) -> int:
        return self.config.window

    def _fill_windows(self, tensors: SeriesTensors, starts: np.ndarray, window: int) -> np.ndarray:
        """Scaled (N, window, C) windows starting at `starts`, every cell filled."""
        raise NotImplementedError

    @thread_limited
    @torch.no_grad()
    def impute(
        self,
        values: np.ndarray,
        observed: np.ndarray | None = None,
        positions: np.ndarray | None = None,
    ) -> np.ndarray:
        """Fill the cells that are not observed; observed cells come back bit-identical.

        Half-overlapping windows are filled a chunk at a time and merged (`merge_windows`).
        """
        if self.network is None:
            raise RuntimeError("Train the model (fit_epoch) before imputing.")
        assert self.scaler is not None
        array, mask, pos, flat = normalize_input(values, observed, positions)
        tensors = series_tensors((array, mask, pos), self.scaler, self.device)
        length = len(array)
        window = min(self._inference_window(), length)
        starts = window_starts(length, window, max(window // 2, 1))
        self._inference_network().eval()
        chunk = max(self.config.batch_size, 1) * 4
        pieces = [
            self._fill_windows(tensors, starts[i : i + chunk], window)
            for i in range(0, len(starts), chunk)
        ]
        merged = merge_windows(np.concatenate(pieces), starts, length)
        out = np.where(mask, array, self.scaler.inverse(merged.astype(np.float64)))
        return out[:, 0] if flat else out

    def fit(
        self,
        data: PreparedSeries,
        epochs: int,
        on_epoch: Callable[[dict[str, float]], Any] | None = None,
    ) -> TorchImputer:
        """Run `epochs` more epochs; `on_epoch` gets each epoch's metrics."""
        for _ in range(epochs):
            metrics = self.fit_epoch(data)
            if on_epoch is not None:
                on_epoch(metrics)
        return self

    def to_bytes(self) -> bytes:
        """Weights, optimizer state, epoch counter and sampling state: training resumes exactly."""
        state = {}
        if self.network is not None:
            assert self.optimizer is not None
            state = {"network": self.network.state_dict(), "optimizer": self.optimizer.state_dict()}
            if self.averaged is not None:
                state["averaged"] = self.averaged.state_dict()
        training = {
            "epoch": self.epoch,
            "n_features": self.network.n_features if self.network else None,
            "rng": rng_state(self._rng),
        }
        return pack_artifact(self.config, self.scaler, state, training, self.kind)

    @classmethod
    def from_bytes(cls, blob: bytes, device: str | None = None) -> Any:
        config_data, scaler, training, state = unpack_artifact(blob, cls.kind)
        if device is not None:
            config_data["device"] = device
        model = cls(cls.config_class(**config_data))
        model.scaler = scaler
        model.epoch = int(training["epoch"])
        model._rng = restore_rng(training["rng"])
        if training["n_features"] is not None:
            model._build(int(training["n_features"]))
            assert model.network is not None and model.optimizer is not None
            model.network.load_state_dict(state["network"])
            model.optimizer.load_state_dict(state["optimizer"])
            if model.averaged is not None and "averaged" in state:
                # Artifacts from before weight averaging have none; theirs starts at the next step.
                model.averaged.load_state_dict(state["averaged"])
            optimizer_to(model.optimizer, model.device)
        return model

    def params(self) -> dict[str, Any]:
        return dataclasses.asdict(self.config)
