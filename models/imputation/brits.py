"""BRITS: bidirectional recurrent imputation for time series (Cao et al., NeurIPS 2018).

Each direction is a RITS network: an LSTM whose hidden state decays with the time since
each column was last seen, a history regression (value from the hidden state), a feature
regression (value from the other columns at the same step), a learned mix of the two,
and the complement fed back as input. The loss is the masked reconstruction error of all
three estimates in both directions plus the consistency loss between the directions.

Both directions run in one loop as a batch of two (batched matrix products with stacked
weights), which halves the Python steps per epoch; everything that does not depend on
the hidden state (decay factors, mixing weights, the mask's share of the LSTM gates) is
computed for all steps at once before the loop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from models.imputation.data import (
    MIN_OBSERVED_MODEL,
)
from models.imputation.torch_common import (
    EpochStart,
    SeriesTensors,
    TorchImputer,
    time_gaps,
)

DIRECTIONS = 2


@dataclass(frozen=True)
class BRITSConfig:
    # Training window. Short windows give more optimizer steps for the same work (an
    # epoch costs windows x steps); seattle-temps, 10% points, 30 epochs: MAE 0.89 with
    # 32 vs 1.73 with 96.
    window: int = 32
    # Inference window: the recurrence is the same at every step, so a model trained on
    # short windows can read longer ones and see both sides of long gaps. 0: `window`.
    inference_window: int = 192
    hidden_size: int = 64
    batch_size: int = 16
    learning_rate: float = 1e-2
    consistency_weight: float = 0.1  # the 0.1 of the paper's reference code
    # Share of observed training cells hidden in contiguous blocks each batch and scored
    # on the final imputation. 0 trains exactly as in the paper (observed cells only),
    # which learns one-step-ahead estimates and fills long gaps poorly (seattle-temps,
    # 24-step gaps, 64-step windows: MAE 7.4 at 0 vs 3.1 at 0.2 after 40 epochs).
    train_mask_rate: float = 0.2
    max_train_gap: int = 32
    # Draw the training blocks' lengths from the series' own gap lengths (uniform 1..
    # max_train_gap when it has none), so training practises the gaps being filled.
    match_gaps: bool = True
    grad_clip: float = 5.0
    # Imputations come from an exponential moving average of the weights over optimizer
    # steps (0: the last step's weights). At learning rate 1e-2 the last step's weights
    # swing from seed to seed on short tables; 5 seeds, 30 epochs, MAE with 0.9 vs without:
    # us-employment 5-step gaps 27.6 vs 29.9, 10% points 25.1 vs 27.0; stocks 5-step gaps
    # 12.0 vs 12.2. A longer memory (0.97) lags behind on short tables (120 steps in all).
    ema_decay: float = 0.9
    # Intra-op threads on CPU. The per-step ops are tiny, so extra threads mostly wait on
    # each other, and on a busy machine they can make an epoch 10x slower.
    cpu_threads: int = 1
    seed: int = 0
    device: str = "auto"

    def __post_init__(self) -> None:
        if self.window < 2 or self.hidden_size < 1 or self.batch_size < 1:
            raise ValueError("window >= 2, hidden_size >= 1 and batch_size >= 1 are required")
        if not 0.0 <= self.train_mask_rate < 1.0:
            raise ValueError("train_mask_rate must be in [0, 1)")
        if self.learning_rate <= 0:
            raise ValueError("learning_rate must be positive")
        if not 0.0 <= self.ema_decay < 1.0:
            raise ValueError("ema_decay must be in [0, 1)")


def _uniform(*shape: int, fan_in: int) -> nn.Parameter:
    bound = 1.0 / math.sqrt(max(fan_in, 1))
    return nn.Parameter(torch.empty(*shape).uniform_(-bound, bound))


class FusedBRITS(nn.Module):
    """Two RITS networks (forward, backward) with stacked weights: axis 0 is the direction."""

    def __init__(self, n_features: int, hidden_size: int) -> None:
        super().__init__()
        c, h, d = n_features, hidden_size, DIRECTIONS
        self.n_features, self.hidden_size = c, h
        self.decay_h_w = _uniform(d, c, h, fan_in=c)
        self.decay_h_b = _uniform(d, 1, h, fan_in=c)
        self.decay_x_w = _uniform(d, 1, c, fan_in=c)  # diagonal: each column decays on its own gap
        self.decay_x_b = _uniform(d, 1, c, fan_in=c)
        self.hist_w = _uniform(d, h, c, fan_in=h)
        self.hist_b = _uniform(d, 1, c, fan_in=h)
        self.feat_w = _uniform(d, c, c, fan_in=c)
        self.feat_b = _uniform(d, 1, c, fan_in=c)
        self.mix_w = _uniform(d, 2 * c, c, fan_in=2 * c)
        self.mix_b = _uniform(d, 1, c, fan_in=2 * c)
        # LSTM input is [complement, mask]; the mask part is precomputed for all steps.
        self.gate_x_w = _uniform(d, c, 4 * h, fan_in=h)
        self.gate_m_w = _uniform(d, c, 4 * h, fan_in=h)
        self.gate_h_w = _uniform(d, h, 4 * h, fan_in=h)
        self.gate_b = _uniform(d, 1, 4 * h, fan_in=h)
        self.off_diagonal: torch.Tensor
        self.register_buffer("off_diagonal", 1.0 - torch.eye(c).unsqueeze(0), persistent=False)

    def forward(
        self, x: torch.Tensor, m: torch.Tensor, delta: torch.Tensor
    ) -> dict[str, torch.Tensor]:
        """x, m, delta: (D, B, T, C), direction 1 already reversed in time."""
        d, b, steps, c = x.shape
        gamma_h = torch.exp(
            -torch.relu(
                torch.einsum("dbtc,dch->dbth", delta, self.decay_h_w) + self.decay_h_b[:, None]
            )
        )
        gamma_x = torch.exp(-torch.relu(delta * self.decay_x_w[:, None] + self.decay_x_b[:, None]))
        alpha = torch.sigmoid(
            torch.einsum("dbtk,dkc->dbtc", torch.cat([gamma_x, m], dim=-1), self.mix_w)
            + self.mix_b[:, None]
        )
        gates_m = torch.einsum("dbtc,dcg->dbtg", m, self.gate_m_w) + self.gate_b[:, None]
        feat_w = self.feat_w * self.off_diagonal  # a column may not regress on itself
        h = x.new_zeros(d, b, self.hidden_size)
        cell = x.new_zeros(d, b, self.hidden_size)
        hist_list, feat_list, comb_list = [], [], []
        # unbind, not x[:, :, t]: indexing a step of a tensor that needs grad makes its
        # backward allocate a full-size zero tensor per step (10x slower on CPU).
        steps_gamma_h = gamma_h.unbind(2)
        steps_alpha = alpha.unbind(2)
        steps_gates_m = gates_m.unbind(2)
        steps_x, steps_m = x.unbind(2), m.unbind(2)
        for t in range(steps):
            x_t, m_t = steps_x[t], steps_m[t]
            h = h * steps_gamma_h[t]
            x_hist = torch.baddbmm(self.hist_b, h, self.hist_w)
            x_c = m_t * x_t + (1 - m_t) * x_hist
            z_feat = torch.baddbmm(self.feat_b, x_c, feat_w)
            a_t = steps_alpha[t]
            c_hat = a_t * z_feat + (1 - a_t) * x_hist
            c_c = m_t * x_t + (1 - m_t) * c_hat
            gates = steps_gates_m[t] + torch.bmm(c_c, self.gate_x_w) + torch.bmm(h, self.gate_h_w)
            i, f, g, o = gates.chunk(4, dim=-1)
            cell = torch.sigmoid(f) * cell + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(cell)
            hist_list.append(x_hist)
            feat_list.append(z_feat)
            comb_list.append(c_hat)
        return {
            "hist": torch.stack(hist_list, dim=2),
            "feat": torch.stack(feat_list, dim=2),
            "comb": torch.stack(comb_list, dim=2),
        }


def _masked_step_error(
    estimate: torch.Tensor, target: torch.Tensor, mask: torch.Tensor
) -> torch.Tensor:
    # Per step: sum |error| over observed cells / their count, then averaged over steps,
    # as in the reference implementation.
    per_step = (torch.abs(estimate - target) * mask).sum(dim=(1, 3)) / (mask.sum(dim=(1, 3)) + 1e-5)
    return per_step.mean(dim=1).sum()


class BRITS(TorchImputer):
    """BRITS imputer over one series of any length and any number of columns."""

    kind = "brits"
    config_class = BRITSConfig
    min_observed = MIN_OBSERVED_MODEL

    # --- building -------------------------------------------------------------------
    def _new_network(self, n_features: int) -> nn.Module:
        return FusedBRITS(n_features, self.config.hidden_size)

    # --- training -------------------------------------------------------------------
    def _batch(
        self, tensors: SeriesTensors, starts: np.ndarray, window: int
    ) -> tuple[torch.Tensor, ...]:
        index = self._window_index(starts, window)
        x, m, pos = tensors.values[index], tensors.mask[index], tensors.positions[index]
        return x, m, pos

    def _run(
        self, network: nn.Module, x: torch.Tensor, m: torch.Tensor, pos: torch.Tensor
    ) -> tuple[dict[str, torch.Tensor], torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        x_b, m_b = x.flip(1), m.flip(1)
        pos_b = -pos.flip(1)  # backward time runs the other way; distances stay positive
        xs = torch.stack([x, x_b])
        ms = torch.stack([m, m_b])
        with torch.no_grad():
            deltas = torch.stack([time_gaps(m, pos), time_gaps(m_b, pos_b)])
        out = network(xs, ms, deltas)
        forward_imp = out["comb"][0]
        backward_imp = out["comb"][1].flip(1)
        return (
            out,
            xs,
            ms,
            (forward_imp + backward_imp) / 2,
            torch.abs(forward_imp - backward_imp).mean(),
        )

    def _batch_loss(self, epoch: EpochStart, starts: np.ndarray) -> torch.Tensor:
        """Reconstruction of observed cells (3 estimates, both directions), consistency, and
        the imputation error on this batch's hidden training blocks."""
        x, m, pos = self._batch(epoch.tensors, starts, epoch.window)
        target_mask = None
        if self.config.train_mask_rate > 0:
            longest = min(self.config.max_train_gap, epoch.window // 2)
            hidden = self._hide_blocks(m, longest, epoch.gap_lengths)
            target_mask = hidden.float()
            m = m * (~hidden).float()
            x_in = x * m
        else:
            x_in = x
        assert self.network is not None
        out, xs, ms, imputed, consistency = self._run(self.network, x_in, m, pos)
        truth = torch.stack([x_in, x_in.flip(1)])
        loss = (
            _masked_step_error(out["hist"], truth, ms)
            + _masked_step_error(out["feat"], truth, ms)
            + _masked_step_error(out["comb"], truth, ms)
            + self.config.consistency_weight * consistency
        )
        if target_mask is not None and target_mask.sum() > 0:
            loss = loss + (torch.abs(imputed - x) * target_mask).sum() / target_mask.sum()
        return loss

    # --- inference ------------------------------------------------------------------
    def _inference_window(self) -> int:
        return self.config.inference_window or self.config.window

    def _fill_windows(self, tensors: SeriesTensors, starts: np.ndarray, window: int) -> np.ndarray:
        x, m, p = self._batch(tensors, starts, window)
        return self._run(self._inference_network(), x, m, p)[3].cpu().numpy()
