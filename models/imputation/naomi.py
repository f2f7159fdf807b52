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

import math
from dataclasses import dataclass
from typing import cast

import numpy as np
import torch
from torch import nn

from models.imputation.data import MIN_OBSERVED_MODEL
from models.imputation.torch_common import (
    EpochStart,
    SeriesTensors,
    TorchImputer,
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
    match_gaps: bool = True  # block lengths from the series' own gaps, as BRITS
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
            anchor = (x_left * has_left + x_right * has_right) / (has_left + has_right).clamp(
                min=1.0
            )
            prediction = anchor + self.decoder(features).gather(1, level[:, None])[:, 0]
            if score_mask is not None:
                scored = score_mask[b, t, c]
                loss = loss + (torch.abs(prediction - values[b, t, c]) * scored).sum()
                count += int(scored.sum())
            filled = filled.index_put((b, t, c), prediction)
            known = known.index_put((b, t, c), torch.ones_like(b, dtype=torch.bool))
        return filled, loss, count


class NAOMI(TorchImputer):
    """NAOMI imputer over one series of any length and any number of columns."""

    kind = "naomi"
    config_class = NAOMIConfig
    min_observed = MIN_OBSERVED_MODEL

    def _new_network(self, n_features: int) -> nn.Module:
        cfg = self.config
        return NAOMINetwork(n_features, cfg.hidden_size, cfg.decoder_size, cfg.levels)

    def _windows(
        self, tensors: SeriesTensors, starts: np.ndarray, window: int
    ) -> tuple[torch.Tensor, torch.Tensor]:
        index = self._window_index(starts, window)
        return tensors.values[index], tensors.mask[index]

    def _batch_loss(self, epoch: EpochStart, starts: np.ndarray) -> torch.Tensor | None:
        """Mean L1 on observed cells hidden by fresh random blocks; None when none got hidden."""
        values, mask = self._windows(epoch.tensors, starts, epoch.window)
        longest = min(self.config.max_train_gap, epoch.window - 2)
        hidden = self._hide_blocks(mask, longest, epoch.gap_lengths)
        if not bool(hidden.any()):
            return None
        known = (mask > 0) & ~hidden
        network = cast(NAOMINetwork, self.network)
        _, loss_sum, count = network.complete(values, known, hidden.float())
        return loss_sum / max(count, 1)

    def _fill_windows(self, tensors: SeriesTensors, starts: np.ndarray, window: int) -> np.ndarray:
        # NAOMI works on the step grid: the positions in `tensors` are not read.
        values, mask = self._windows(tensors, starts, window)
        network = cast(NAOMINetwork, self._inference_network())
        return network.complete(values, mask > 0)[0].cpu().numpy()
