"""Sequence-to-sequence model with attention (PyTorch): record tokens in, spec tokens out.

Same idea as Data2Vis (bidirectional RNN encoder, attentive RNN decoder, beam search), scaled
down: GRUs instead of 2x512 LSTMs and a JSON-token vocabulary instead of characters, so it
trains in minutes on two CPU cores. Imported lazily: `import models.data2vis` loads no torch.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from models.data2vis.vocab import Vocabulary

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Data2VisConfig:
    """Hyperparameters; the defaults are the shipped model."""

    embedding_dim: int = 48
    hidden_size: int = 64  # per encoder direction; the decoder has 2x this
    dropout: float = 0.1
    learning_rate: float = 3e-3
    batch_size: int = 128
    max_target_len: int = 80
    seed: int = 0
    level: str = "token"  # "token" (JSON tokens, shipped) or "char" (the paper's characters)

    def __post_init__(self) -> None:
        if self.embedding_dim <= 0 or self.hidden_size <= 0 or self.batch_size <= 0:
            raise ValueError("embedding_dim, hidden_size and batch_size must be positive")
        if self.level not in ("token", "char"):
            raise ValueError("level must be 'token' or 'char'")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError("dropout must be in [0, 1)")


class Seq2SeqCore(nn.Module):
    """Bi-GRU encoder, GRU decoder, Luong (general) attention, shared token embedding."""

    def __init__(self, vocab_size: int, config: Data2VisConfig, pad_id: int):
        super().__init__()
        hidden = config.hidden_size
        self.pad_id = pad_id
        self.embedding = nn.Embedding(vocab_size, config.embedding_dim, padding_idx=pad_id)
        self.encoder = nn.GRU(config.embedding_dim, hidden, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(2 * hidden, 2 * hidden)
        self.decoder = nn.GRU(config.embedding_dim, 2 * hidden, batch_first=True)
        self.attention = nn.Linear(2 * hidden, 2 * hidden, bias=False)
        self.combine = nn.Linear(4 * hidden, 2 * hidden)
        self.output = nn.Linear(2 * hidden, vocab_size)
        self.dropout = nn.Dropout(config.dropout)

    def encode(self, source: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Encoder states (B,S,2H), source mask (B,S) and the decoder's first hidden state."""
        mask = source != self.pad_id
        lengths = mask.sum(1).clamp(min=1).cpu()
        embedded = self.dropout(self.embedding(source))
        packed = nn.utils.rnn.pack_padded_sequence(
            embedded, lengths, batch_first=True, enforce_sorted=False
        )
        outputs, last = self.encoder(packed)
        outputs, _ = nn.utils.rnn.pad_packed_sequence(
            outputs, batch_first=True, total_length=source.size(1)
        )
        summary = torch.cat([last[0], last[1]], dim=-1)
        return outputs, mask, torch.tanh(self.bridge(summary)).unsqueeze(0)

    def decode(
        self,
        target_in: torch.Tensor,
        hidden: torch.Tensor,
        memory: torch.Tensor,
        memory_mask: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits (B,T,V) for target_in (B,T) and the decoder's new hidden state."""
        states, hidden = self.decoder(self.dropout(self.embedding(target_in)), hidden)
        scores = torch.bmm(self.attention(states), memory.transpose(1, 2))
        scores = scores.masked_fill(~memory_mask.unsqueeze(1), float("-inf"))
        context = torch.bmm(torch.softmax(scores, dim=-1), memory)
        combined = torch.tanh(self.combine(torch.cat([states, context], dim=-1)))
        return self.output(self.dropout(combined)), hidden

    def forward(self, source: torch.Tensor, target_in: torch.Tensor) -> torch.Tensor:
        memory, memory_mask, hidden = self.encode(source)
        logits, _ = self.decode(target_in, hidden, memory, memory_mask)
        return logits


def pick_device(device: str = "auto") -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def _pad(rows: Sequence[Sequence[int]], pad_id: int) -> torch.Tensor:
    width = max(len(r) for r in rows)
    out = torch.full((len(rows), width), pad_id, dtype=torch.long)
    for i, row in enumerate(rows):
        out[i, : len(row)] = torch.tensor(row, dtype=torch.long)
    return out


class Data2VisModel:
    """User-facing wrapper: vocabulary + core, `fit_epoch`, `evaluate_loss`, `to_bytes`/`from_bytes`."""

    def __init__(
        self, vocab: Vocabulary, config: Data2VisConfig | None = None, device: str = "auto"
    ):
        self.config = config or Data2VisConfig()
        self.vocab = vocab
        self.device = pick_device(device)
        torch.manual_seed(self.config.seed)
        self.core = Seq2SeqCore(len(vocab), self.config, vocab.pad_id).to(self.device)
        self.optimizer = torch.optim.Adam(self.core.parameters(), lr=self.config.learning_rate)
        self.epochs_trained = 0

    def _batch(self, pairs: Sequence[tuple[list[str], list[str]]]) -> tuple[torch.Tensor, ...]:
        sources = [self.vocab.encode(s) for s, _ in pairs]
        targets = [self.vocab.encode(t)[: self.config.max_target_len - 1] for _, t in pairs]
        target_in = [[self.vocab.bos_id, *t] for t in targets]
        target_out = [[*t, self.vocab.eos_id] for t in targets]
        pad = self.vocab.pad_id
        return tuple(
            x.to(self.device)
            for x in (_pad(sources, pad), _pad(target_in, pad), _pad(target_out, pad))
        )

    def _loss(self, batch: tuple[torch.Tensor, ...]) -> torch.Tensor:
        source, target_in, target_out = batch
        logits = self.core(source, target_in)
        return F.cross_entropy(
            logits.reshape(-1, logits.size(-1)),
            target_out.reshape(-1),
            ignore_index=self.vocab.pad_id,
        )

    def fit_epoch(
        self,
        pairs: Sequence[tuple[list[str], list[str]]],
        on_batch: Callable[[int, int, float], Any] | None = None,
    ) -> dict[str, float]:
        """One pass over the pairs in a seeded random order; returns the mean training loss."""
        self.core.train()
        order = list(range(len(pairs)))
        random.Random(self.config.seed + self.epochs_trained).shuffle(order)
        total, count = 0.0, 0
        size = self.config.batch_size
        for start in range(0, len(order), size):
            batch = self._batch([pairs[i] for i in order[start : start + size]])
            loss = self._loss(batch)
            self.optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(self.core.parameters(), 1.0)
            self.optimizer.step()
            total += float(loss.detach()) * len(batch[0])
            count += len(batch[0])
            if on_batch is not None:
                on_batch(start + len(batch[0]), len(order), float(loss.detach()))
        self.epochs_trained += 1
        return {"train_loss": total / max(count, 1)}

    @torch.no_grad()
    def evaluate_loss(self, pairs: Sequence[tuple[list[str], list[str]]]) -> float:
        self.core.eval()
        total, count = 0.0, 0
        for start in range(0, len(pairs), 256):
            batch = self._batch(pairs[start : start + 256])
            total += float(self._loss(batch)) * len(batch[0])
            count += len(batch[0])
        return total / max(count, 1)

    def to_bytes(self, include_optimizer: bool = False) -> bytes:
        """Zip of format, config, vocabulary and weights (state_dicts only, nothing pickled)."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "format.json",
                json.dumps({"format": FORMAT_VERSION, "epochs_trained": self.epochs_trained}),
            )
            archive.writestr("config.json", json.dumps(asdict(self.config)))
            archive.writestr("vocab.json", self.vocab.to_json())
            state = io.BytesIO()
            weights = {k: v.detach().cpu() for k, v in self.core.state_dict().items()}
            torch.save(weights, state)
            archive.writestr("weights.pt", state.getvalue())
            if include_optimizer:
                state = io.BytesIO()
                torch.save(self.optimizer.state_dict(), state)
                archive.writestr("optimizer.pt", state.getvalue())
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes, device: str = "auto") -> Data2VisModel:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            meta = json.loads(archive.read("format.json"))
            if meta["format"] != FORMAT_VERSION:
                raise ValueError(f"unsupported data2vis artifact format {meta['format']}")
            config = Data2VisConfig(**json.loads(archive.read("config.json")))
            vocab = Vocabulary.from_json(archive.read("vocab.json").decode("utf-8"))
            model = cls(vocab, config, device=device)
            weights = torch.load(
                io.BytesIO(archive.read("weights.pt")), map_location=model.device, weights_only=True
            )
            model.core.load_state_dict(weights)
            if "optimizer.pt" in archive.namelist():
                optimizer_state = torch.load(
                    io.BytesIO(archive.read("optimizer.pt")),
                    map_location=model.device,
                    weights_only=True,
                )
                model.optimizer.load_state_dict(optimizer_state)
            model.epochs_trained = int(meta.get("epochs_trained", 0))
        model.core.eval()
        return model


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
