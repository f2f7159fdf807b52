"""Corpus building: the original's substring-replacement bug, value escaping, split by spec."""

import json

import pandas as pd

from models.data2vis.corpus import Pair, build_pairs, normalize_spec, replace_fields, split_specs
from models.data2vis.fields import coerce_table
from models.data2vis.vocab import detokenize, tokenize_spec

COUNT_SPEC = {
    "mark": "bar",
    "encoding": {
        "x": {"field": "count", "type": "quantitative", "bin": True, "scale": {"bandSize": 30}},
        "y": {"field": "*", "aggregate": "count", "type": "quantitative"},
        "color": {"field": "sex", "type": "nominal", "primitiveType": "string"},
    },
    "data": {"url": "jobs.json"},
    "config": {"cell": {"width": 400}},
}


def test_field_named_count_is_replaced_without_touching_the_count_aggregate():
    spec = replace_fields(normalize_spec(COUNT_SPEC), {"count": "num0", "sex": "str0"})
    assert spec["encoding"]["x"]["field"] == "num0"
    assert spec["encoding"]["y"] == {"aggregate": "count", "type": "quantitative"}
    assert spec["encoding"]["color"] == {"field": "str0", "type": "nominal"}
    assert "data" not in spec and "config" not in spec


def test_normalized_spec_keeps_meaning_and_drops_editor_state():
    spec = normalize_spec(COUNT_SPEC)
    assert spec["mark"] == "bar"
    assert spec["encoding"]["x"] == {"field": "count", "type": "quantitative", "bin": True}


def _awkward_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "count": [3, None, 7, 1],
            "name": ['say "hi"', "it's", None, "naïve café"],
            "flag": [True, False, None, True],
        }
    )


def test_pairs_from_values_with_nulls_quotes_apostrophes_and_booleans_stay_valid_json():
    typed, infos = coerce_table(_awkward_table())
    spec = normalize_spec(
        {
            "mark": "bar",
            "encoding": {
                "x": {"field": "name", "type": "nominal"},
                "y": {"field": "count", "aggregate": "mean", "type": "quantitative"},
            },
        }
    )
    pairs = build_pairs([("s1", "t", spec)], {"t": (typed, infos)}, rows_per_spec=20, seed=0)
    assert len(pairs) == 20
    for pair in pairs:
        target = json.loads(detokenize(pair.target))
        assert target["encoding"]["y"]["aggregate"] == "mean"
        fields = {d["field"] for d in target["encoding"].values()}
        assert fields <= {"num0", "str0", "str1"}
        # raw values never reach the token streams: only typed field tokens and value features
        assert not any("hi" in t or "caf" in t or "it's" in t for t in pair.source + pair.target)
    assert any("<null>" in p.source for p in pairs)


def test_target_tokens_round_trip_through_json():
    spec = {"mark": "point", "encoding": {"x": {"field": "num0", "type": "quantitative"}}}
    assert json.loads(detokenize(tokenize_spec(spec))) == spec


def test_split_is_by_spec_so_test_specs_are_unseen():
    ids = [f"spec{i}" for i in range(200)]
    split = split_specs(ids, seed=3)
    assert set(split) == set(ids)
    assert sum(v == "test" for v in split.values()) == 20
    table = coerce_table(pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["x", "y", "z"]}))
    spec = normalize_spec(
        {"mark": "tick", "encoding": {"x": {"field": "a", "type": "quantitative"}}}
    )
    examples = [(i, "t", spec) for i in ids]
    pairs: list[Pair] = build_pairs(examples, {"t": table}, rows_per_spec=2, seed=0)
    train_ids = {p.spec_id for p in pairs if split[p.spec_id] == "train"}
    test_ids = {p.spec_id for p in pairs if split[p.spec_id] == "test"}
    assert test_ids and not (train_ids & test_ids)
