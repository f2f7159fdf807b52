"""Vocabulary: lossless round trips and closed-vocabulary record encoding."""

import json

from models.data2vis.vocab import (
    ALL_FIELD_TOKENS,
    UNK,
    Vocabulary,
    detokenize,
    encode_record,
    tokenize_spec,
)


def test_vocabulary_round_trips_through_json_and_ids():
    spec = {
        "encoding": {
            "x": {"bin": True, "field": "num3", "type": "quantitative"},
            "y": {"aggregate": "count", "type": "quantitative"},
        },
        "mark": "area",
    }
    tokens = tokenize_spec(spec)
    vocab = Vocabulary(tokens)
    again = Vocabulary.from_json(vocab.to_json())
    assert again.itos == vocab.itos
    assert again.decode(again.encode(tokens) + [again.eos_id, again.stoi["{"]]) == tokens
    assert json.loads(detokenize(again.decode(again.encode(tokens)))) == spec


def test_every_field_token_is_in_the_vocabulary_even_if_unseen_in_training():
    vocab = Vocabulary([])
    assert all(token in vocab.stoi for token in ALL_FIELD_TOKENS)
    assert vocab.encode(["never-seen"]) == [vocab.stoi[UNK]]


def test_records_encode_values_as_features_not_text():
    tokens = encode_record(
        [
            ('"num0"', "num", -12.5, 40),
            ('"str0"', "str", 'O\'Brien "Jr"', 3),
            ('"dt0"', "dt", None, 9),
        ]
    )
    assert tokens[:5] == ['"num0"', "<float>", "<neg>", "<mag1>", "<card100>"]
    assert "<null>" in tokens
    assert not any("Brien" in t for t in tokens)
