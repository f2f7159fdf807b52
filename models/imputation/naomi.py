"""NAOMI: non-autoregressive multiresolution imputation (Liu et al., NeurIPS 2019).

A forward and a backward GRU read the window (values and mask). Every gap is filled
divide-and-conquer style: the step halfway between its known neighbours (pivots) is
predicted from the forward state at the left pivot and the backward state at the right
pivot, by the decoder of the resolution matching the gap size; the filled step becomes a
pivot and the halves are filled the same way, coarse to fine. As in the paper, training
hides parts of observed windows with random masks and scores the predictions there.

One difference from the reference code, for speed: all gaps of a batch advance one
resolution level per iteration (the midpoints of every gap are predicted together and
the GRUs re-read the window once per level), instead of one gap at a time.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from models.imputation.data import (
    MIN_OBSERVED_MODEL,
    PreparedSeries,
    StandardScaler,
    merge_windows,
    training_starts,
    window_starts,
)
from models.imputation.torch_common import (
    SeriesTensors,
    normalize_input,
    optimizer_to,
    pack_artifact,
    random_blocks,
    resolve_device,
    restore_rng,
    rng_state,
    series_tensors,
    thread_limited,
    unpack_artifact,
)


@dataclass(frozen=True)
class NAOMIConfig:
    window: int = 96  # the longest gap filled with both pivots in view is about window - 2
    hidden_size: int = 64
    decoder_size: int = 64
    batch_size: int = 16
    learning_rate: float = 3e-3
    train_mask_rate: float = 0.3  # share of observed cells hidden per training window
    max_train_gap: int = 48
    grad_clip: float = 5.0
    cpu_threads: int = 1  # see BRITSConfig.cpu_threads
    seed: int = 0
    device: str = "auto"

    def __post_init__(self) -> None:
        if self.window < 3 or self.hidden_size < 1 or self.batch_size < 1 or self.decoder_size < 1:
            raise ValueError("window >= 3 and positive sizes are required")
        if not 0.0 < self.train_mask_rate < 1.0:
            raise ValueError("train_mask_rate must be in (0, 1)")

    @property
    def levels(self) -> int:
        return int(math.ceil(math.log2(self.window + 1))) + 1


class NAOMINetwork(nn.Module):
    def __init__(self, n_features: int, hidden_size: int, decoder_size: int, levels: int) -> None:
        super().__init__()
        self.n_features, self.levels = n_features, levels
        self.forward_rnn = nn.GRU(2 * n_features, hidden_size, batch_first=True)
        self.backward_rnn = nn.GRU(2 * n_features, hidden_size, batch_first=True)
        width = 2 * hidden_size + 4 + levels + n_features
        self.decoder = nn.Sequential(
            nn.Linear(width, decoder_size),
            nn.ReLU(),
            nn.Linear(decoder_size, decoder_size),
            nn.ReLU(),
            nn.Linear(decoder_size, levels),  # one output head per resolution
        )

    def complete(
        self, values: torch.Tensor, known: torch.Tensor, score_mask: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, int]:
        """Fill every unknown cell of (B, T, C) windows; returns filled, summed L1 on score_mask, count."""
        batch, steps, columns = values.shape
        known = known.bool()
        filled = values * known
        steps_index = torch.arange(steps, device=values.device).view(1, steps, 1)
        zero_state = values.new_zeros(batch, 1, self.forward_rnn.hidden_size)
        pad = values.new_zeros(batch, 1, columns)
        loss, count = values.new_zeros(()), 0
        while True:
            unknown = ~known
            if not bool(unknown.any()):
                break
            inputs = torch.cat([filled, known.float()], dim=-1)
            forward_states, _ = self.forward_rnn(inputs)
            backward_states, _ = self.backward_rnn(inputs.flip(1))
            backward_states = backward_states.flip(1)
            # Nearest known step on each side of every cell (-1 / steps when there is none).
            left = torch.where(known, steps_index, -1).cummax(dim=1).values
            right = torch.where(known, steps_index, steps).flip(1).cummin(dim=1).values.flip(1)
            middle = unknown & (steps_index == torch.div(left + right, 2, rounding_mode="floor"))
            b, t, c = middle.nonzero(as_tuple=True)
            lo, hi = left[b, t, c], right[b, t, c]
            padded_values = torch.cat([pad, filled, pad], dim=1)
            x_left, x_right = padded_values[b, lo + 1, c], padded_values[b, hi + 1, c]
            has_left, has_right = (lo >= 0).float(), (hi < steps).float()
            level = torch.floor(torch.log2((hi - lo).float())).long().clamp(0, self.levels - 1)
            features = torch.cat(
                [
                    torch.cat([zero_state, forward_states], dim=1)[b, lo + 1],
                    torch.cat([backward_states, zero_state], dim=1)[b, hi],
                    torch.stack([x_left, x_right, has_left, has_right], dim=1),
                    nn.functional.one_hot(level, self.levels).float(),
                    nn.functional.one_hot(c, columns).float(),
                ],
                dim=1,
            )
            # Predict a correction to the mean of the available pivots: the network starts
            # as a (coarse) interpolation and learns the shape inside gaps from there.
            anchor = (x_left * has_left + x_right * has_right) / (has_left + has_right).clamp(min=1.0)
            prediction = anchor + self.decoder(features).gather(1, level[:, None])[:, 0]
            if score_mask is not None:
                scored = score_mask[b, t, c]
                loss = loss + (torch.abs(prediction - values[b, t, c]) * scored).sum()
                count += int(scored.sum())
            filled = filled.index_put((b, t, c), prediction)
            known = known.index_put((b, t, c), torch.ones_like(b, dtype=torch.bool))
        return filled, loss, count


class NAOMI:
    """NAOMI imputer over one series of any length and any number of columns."""

    kind = "naomi"
    min_observed = MIN_OBSERVED_MODEL

    def __init__(self, config: NAOMIConfig | None = None) -> None:
        self.config = config or NAOMIConfig()
        self.device = resolve_device(self.config.device)
        self.scaler: StandardScaler | None = None
        self.network: NAOMINetwork | None = None
        self.optimizer: torch.optim.Optimizer | None = None
        self.epoch = 0
        self._rng = np.random.default_rng(self.config.seed)
        self._cache: tuple[int, SeriesTensors] | None = None

    def _build(self, n_features: int) -> None:
        torch.manual_seed(self.config.seed)
        cfg = self.config
        self.network = NAOMINetwork(n_features, cfg.hidden_size, cfg.decoder_size, cfg.levels).to(self.device)
        self.optimizer = torch.optim.Adam(self.network.parameters(), lr=cfg.learning_rate)

    def _tensors(self, data: PreparedSeries) -> SeriesTensors:
        if self._cache is None or self._cache[0] != id(data):
            self._cache = (id(data), series_tensors(data, self.scaler, self.device))
        return self._cache[1]

    def _windows(self, tensors: SeriesTensors, starts: np.ndarray, window: int) -> tuple[torch.Tensor, torch.Tensor]:
        index = torch.as_tensor(starts[:, None] + np.arange(window)[None, :], device=self.device)
        return tensors.values[index], tensors.mask[index]

    @thread_limited
    def fit_epoch(self, data: PreparedSeries) -> dict[str, float]:
        """One pass over all windows with fresh random masks; returns the mean L1 on hidden cells."""
        setup_s = 0.0
        if self.network is None:
            # Built on the first epoch (the column count comes with the data); the first
            # torch.optim use imports a lot once per process, which is no epoch's work.
            built = time.perf_counter()
            self.scaler = StandardScaler.fit(data.values, data.observed)
            self._build(data.n_columns)
            setup_s = time.perf_counter() - built
        started = time.perf_counter()
        if data.n_columns != self.network.n_features:
            raise ValueError(f"The model has {self.network.n_features} column(s), the data {data.n_columns}.")
        tensors = self._tensors(data)
        window = min(self.config.window, data.length)
        starts = training_starts(data.length, window, self._rng)
        self.network.train()
        total, batches = 0.0, 0
        for first in range(0, len(starts), self.config.batch_size):
            values, mask = self._windows(tensors, starts[first : first + self.config.batch_size], window)
            hidden = random_blocks(
                self._rng, tuple(mask.shape), self.config.train_mask_rate, min(self.config.max_train_gap, window - 2)
            )
            hidden = torch.as_tensor(hidden, device=self.device) & (mask > 0)
            if not bool(hidden.any()):
                continue
            known = (mask > 0) & ~hidden
            _, loss_sum, count = self.network.complete(values, known, hidden.float())
            loss = loss_sum / max(count, 1)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if self.config.grad_clip:
                nn.utils.clip_grad_norm_(self.network.parameters(), self.config.grad_clip)
            self.optimizer.step()
            total += float(loss.detach())
            batches += 1
        self.epoch += 1
        metrics = {"epoch": float(self.epoch), "loss": total / max(batches, 1), "seconds": time.perf_counter() - started}
        if setup_s:
            metrics["setup_seconds"] = setup_s
        return metrics

    def fit(
        self,
        data: PreparedSeries,
        epochs: int,
        on_epoch: Callable[[dict[str, float]], Any] | None = None,
    ) -> NAOMI:
        """Run `epochs` more epochs; `on_epoch` gets each epoch's metrics."""
        for _ in range(epochs):
            metrics = self.fit_epoch(data)
            if on_epoch is not None:
                on_epoch(metrics)
        return self

    @thread_limited
    @torch.no_grad()
    def impute(
        self,
        values: np.ndarray,
        observed: np.ndarray | None = None,
        positions: np.ndarray | None = None,
    ) -> np.ndarray:
        """Fill the cells that are not observed; observed cells come back bit-identical.

        NAOMI works on the step grid; `positions` is accepted for a common interface.
        """
        if self.network is None:
            raise RuntimeError("Train the model (fit_epoch) before imputing.")
        array, mask, pos, flat = normalize_input(values, observed, positions)
        tensors = series_tensors((array, mask, pos), self.scaler, self.device)
        length = len(array)
        window = min(self.config.window, length)
        starts = window_starts(length, window, max(window // 2, 1))
        self.network.eval()
        pieces = []
        chunk = self.config.batch_size * 4
        for first in range(0, len(starts), chunk):
            values_w, mask_w = self._windows(tensors, starts[first : first + chunk], window)
            filled, _, _ = self.network.complete(values_w, mask_w > 0)
            pieces.append(filled.cpu().numpy())
        merged = merge_windows(np.concatenate(pieces), starts, length)
        out = np.where(mask, array, self.scaler.inverse(merged.astype(np.float64)))
        return out[:, 0] if flat else out

    def to_bytes(self) -> bytes:
        """Weights, optimizer state, epoch counter and mask sampling state: training resumes exactly."""
        state = {}
        if self.network is not None:
            state = {"network": self.network.state_dict(), "optimizer": self.optimizer.state_dict()}
        training = {
            "epoch": self.epoch,
            "n_features": self.network.n_features if self.network else None,
            "rng": rng_state(self._rng),
        }
        return pack_artifact(self.config, self.scaler, state, training, self.kind)

    @classmethod
    def from_bytes(cls, blob: bytes, device: str | None = None) -> NAOMI:
        config_data, scaler, training, state = unpack_artifact(blob, cls.kind)
        if device is not None:
            config_data["device"] = device
        model = cls(NAOMIConfig(**config_data))
        model.scaler = scaler
        model.epoch = int(training["epoch"])
        model._rng = restore_rng(training["rng"])
        if training["n_features"] is not None:
            model._build(int(training["n_features"]))
            model.network.load_state_dict(state["network"])
            model.optimizer.load_state_dict(state["optimizer"])
            optimizer_to(model.optimizer, model.device)
        return model

    def params(self) -> dict[str, Any]:
        return dataclasses.asdict(self.config)
