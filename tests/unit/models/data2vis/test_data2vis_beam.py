"""Beam search with the shipped weights, and the artifact round trip."""

import json

import pytest

torch = pytest.importorskip("torch")

from models.data2vis.beam import beam_search  # noqa: E402
from models.data2vis.model import Data2VisConfig, Data2VisModel  # noqa: E402
from models.data2vis.recommend import WEIGHTS_PATH  # noqa: E402
from models.data2vis.vocab import Vocabulary, detokenize, encode_record  # noqa: E402

RECORD = encode_record(
    [('"num0"', "num", 18.0, 129), ('"num1"', "num", 8, 5), ('"str0"', "str", "USA", 3)]
)


@pytest.fixture(scope="module")
def shipped_model() -> Data2VisModel:
    torch.set_num_threads(1)
    return Data2VisModel.from_bytes(WEIGHTS_PATH.read_bytes(), device="cpu")


def test_beam_search_returns_distinct_candidates_ranked_by_probability(shipped_model):
    beams = beam_search(shipped_model, RECORD, beam_width=8)
    assert 2 <= len(beams) <= 8
    assert len({tuple(b.tokens) for b in beams}) == len(beams)
    log_probs = [b.log_prob for b in beams]
    assert log_probs == sorted(log_probs, reverse=True)
    parsed = [
        json.loads(detokenize(b.tokens)) for b in beams
    ]  # constrained beams are balanced JSON
    assert all("mark" in spec and "encoding" in spec for spec in parsed)


def test_constrained_beams_only_use_fields_of_the_record(shipped_model):
    for beam in beam_search(shipped_model, RECORD, beam_width=10):
        fields = {d.get("field") for d in json.loads(detokenize(beam.tokens))["encoding"].values()}
        assert fields - {None} <= {"num0", "num1", "str0"}


def test_artifact_round_trip_gives_identical_beams():
    vocab = Vocabulary(
        ['"mark"', '"bar"', "{", "}", ":", ",", '"encoding"', "<int>", "<mag1>", "<card5>"]
    )
    model = Data2VisModel(
        vocab, Data2VisConfig(embedding_dim=8, hidden_size=8, seed=1), device="cpu"
    )
    pairs = [(['"num0"', "<int>", "<mag1>", "<card5>"], ["{", '"mark"', ":", '"bar"', "}"])] * 16
    model.fit_epoch(pairs)
    again = Data2VisModel.from_bytes(model.to_bytes(include_optimizer=True), device="cpu")
    assert again.epochs_trained == 1
    source = pairs[0][0]
    assert [(b.tokens, round(b.log_prob, 5)) for b in beam_search(model, source, 3)] == [
        (b.tokens, round(b.log_prob, 5)) for b in beam_search(again, source, 3)
    ]
