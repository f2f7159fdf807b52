"""Beam search over the decoder, with two constraints the original lacked.

1. Field tokens the record does not contain are masked out, so the model cannot invent a
   column (the original's "phantom fields", 32% of its beams).
2. Braces must balance: `}` only inside an object and end-of-sequence only at depth 0.
Both can be switched off to measure the bare model.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import torch

from models.data2vis.model import Data2VisModel
from models.data2vis.vocab import BOS, PAD, UNK


@dataclass(frozen=True)
class Hypothesis:
    tokens: list[str]
    log_prob: float


@torch.no_grad()
def beam_search(
    model: Data2VisModel,
    source: list[str],
    beam_width: int = 15,
    max_len: int | None = None,
    allowed_fields: Iterable[str] | None = None,
    constrain: bool = True,
) -> list[Hypothesis]:
    """Up to beam_width finished, distinct hypotheses, most probable first.

    allowed_fields: quoted typed tokens ('"num0"') that may appear; None means those in source.
    """
    vocab, core = model.vocab, model.core
    core.eval()
    device = model.device
    max_len = max_len or model.config.max_target_len
    vocab_size = len(vocab)

    banned = torch.zeros(vocab_size, dtype=torch.bool, device=device)
    for token in (PAD, BOS, UNK):
        banned[vocab.stoi[token]] = True
    if constrain:
        allowed = set(allowed_fields) if allowed_fields is not None else set(source)
        for token, index in vocab.field_ids().items():
            if token not in allowed:
                banned[index] = True
    open_id, close_id, eos_id = vocab.stoi.get("{"), vocab.stoi.get("}"), vocab.eos_id

    source_ids = torch.tensor([vocab.encode(source)], dtype=torch.long, device=device)
    memory, memory_mask, hidden = core.encode(source_ids)

    tokens = torch.full((1, 1), vocab.bos_id, dtype=torch.long, device=device)
    scores = torch.zeros(1, device=device)
    depths = torch.zeros(1, dtype=torch.long, device=device)
    finished: list[Hypothesis] = []

    for step in range(max_len):
        alive = tokens.size(0)
        logits, hidden = core.decode(
            tokens[:, -1:], hidden, memory.expand(alive, -1, -1), memory_mask.expand(alive, -1)
        )
        log_probs = torch.log_softmax(logits[:, -1], dim=-1)
        log_probs = log_probs.masked_fill(banned.unsqueeze(0), float("-inf"))
        if constrain and open_id is not None and close_id is not None:
            at_top = depths == 0
            log_probs[at_top, close_id] = float("-inf")
            not_closed = depths > 0
            if step == 0:
                not_closed = torch.ones_like(not_closed)
            log_probs[not_closed, eos_id] = float("-inf")
        total = (scores.unsqueeze(1) + log_probs).view(-1)
        n_candidates = min(2 * beam_width, int(torch.isfinite(total).sum()))
        if n_candidates == 0:
            break
        top_scores, top_index = total.topk(n_candidates)
        rows = torch.div(top_index, vocab_size, rounding_mode="floor")
        cols = top_index % vocab_size

        keep_rows: list[int] = []
        keep_cols: list[int] = []
        keep_scores: list[float] = []
        for rank, (score, row, col) in enumerate(
            zip(top_scores.tolist(), rows.tolist(), cols.tolist(), strict=True)
        ):
            if col == eos_id:
                # Only an end that ranks within the beam finishes a hypothesis; a low-probability
                # end among the spare candidates would otherwise crowd out better live ones.
                if rank < beam_width:
                    finished.append(Hypothesis(vocab.decode(tokens[row, 1:].tolist()), score))
            elif len(keep_rows) < beam_width:
                keep_rows.append(row)
                keep_cols.append(col)
                keep_scores.append(score)
        if not keep_rows:
            break
        # Scores only fall as hypotheses grow: stop once no live one can enter the top beam_width.
        if (
            len(finished) >= beam_width
            and max(keep_scores) < sorted(h.log_prob for h in finished)[-beam_width]
        ):
            break
        row_index = torch.tensor(keep_rows, device=device)
        col_index = torch.tensor(keep_cols, device=device)
        tokens = torch.cat([tokens[row_index], col_index.unsqueeze(1)], dim=1)
        hidden = hidden[:, row_index]
        scores = torch.tensor(keep_scores, device=device)
        depths = depths[row_index]
        if open_id is not None and close_id is not None:
            depths = (
                depths + torch.eq(col_index, open_id).long() - torch.eq(col_index, close_id).long()
            )

    finished.sort(key=lambda h: h.log_prob, reverse=True)
    return finished[:beam_width]
