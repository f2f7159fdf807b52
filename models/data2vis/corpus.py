"""Training corpus: (data record -> Vega-Lite spec) pairs rebuilt the way Data2Vis did, minus its bugs.

The original generator replaced field names with typed tokens by substring replacement over
the whole JSON text, so a field called `count` also rewrote `"aggregate": "count"`. Here
specs are normalized as dicts and only the value of an encoding's `field` key is ever
replaced; values are carried as typed Python objects, so nulls, booleans, quotes and
apostrophes never touch the JSON syntax.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from models.data2vis.fields import ColumnInfo, coerce_table
from models.data2vis.vocab import (
    MAX_FIELDS_PER_KIND,
    encode_record,
    record_characters,
    spec_characters,
    tokenize_spec,
)

CHANNELS = ("x", "y", "color", "size", "shape", "detail", "row", "column", "opacity")
FIELD_PROPERTIES = ("field", "type", "aggregate", "bin", "timeUnit")
MAX_RECORD_FIELDS = 12  # a record shows at most this many columns (wide tables are split)

# examples/<folder> -> examplesdata/<file> (the campaigns examples were drawn from weball26)
EXAMPLE_DATASETS = {
    "barley1": "barley.json",
    "birdstrikes1": "birdstrikes.json",
    "burtin1": "burtin.json",
    "campaigns1": "weball26.json",
    "cars1": "cars.json",
    "crimea1": "crimea.json",
    "driving1": "driving.json",
    "iris1": "iris.json",
    "jobs1": "jobs.json",
    "movies1": "movies.json",
    "population1": "population.json",
}


def normalize_spec(spec: dict) -> dict:
    """Keep what a chart means (mark, channels, field/type/aggregate/bin/timeUnit); drop data and config."""
    mark = spec.get("mark")
    if isinstance(mark, dict):
        mark = mark.get("type")
    encoding: dict[str, dict] = {}
    for channel, definition in (spec.get("encoding") or {}).items():
        if channel not in CHANNELS or not isinstance(definition, dict):
            continue
        kept = {k: definition[k] for k in FIELD_PROPERTIES if k in definition}
        if kept.get("aggregate") == "count" and kept.get("field") in ("*", None):
            kept.pop("field", None)  # Vega-Lite counts records without a field
        if "bin" in kept:
            if not kept["bin"]:
                kept.pop("bin")
            else:
                kept["bin"] = True
        encoding[channel] = kept
    return {"mark": mark, "encoding": encoding}


def spec_fields(spec: dict) -> list[str]:
    """Field names an (already normalized) spec refers to, in channel order, without repeats."""
    names: list[str] = []
    for definition in spec.get("encoding", {}).values():
        field = definition.get("field") if isinstance(definition, dict) else None
        if isinstance(field, str) and field not in names:
            names.append(field)
    return names


def replace_fields(spec: dict, mapping: dict[str, str]) -> dict:
    """Rename encoding fields only (never other strings such as `"aggregate": "count"`).

    Raises KeyError for a field missing from the mapping: a caller must not silently
    emit a spec that points at a column the record does not show.
    """
    out = {key: value for key, value in spec.items() if key != "encoding"}
    encoding = {}
    for channel, definition in spec.get("encoding", {}).items():
        definition = dict(definition)
        if "field" in definition:
            definition["field"] = mapping[definition["field"]]
        encoding[channel] = definition
    out["encoding"] = encoding
    return out


@dataclass(frozen=True)
class RecordView:
    """A record as the model sees it: which columns, in which order, with which tokens."""

    columns: tuple[ColumnInfo, ...]
    tokens: tuple[str, ...]  # bare typed names ("num0"), aligned with columns

    @property
    def name_to_token(self) -> dict[str, str]:
        return {c.name: t for c, t in zip(self.columns, self.tokens, strict=True)}

    @property
    def token_to_name(self) -> dict[str, str]:
        return {t: c.name for c, t in zip(self.columns, self.tokens, strict=True)}


def make_view(columns: Sequence[ColumnInfo]) -> RecordView:
    """Number the columns per kind in order of appearance (num0, str0, num1, ...)."""
    counters = {"num": 0, "str": 0, "dt": 0}
    chosen: list[ColumnInfo] = []
    tokens: list[str] = []
    for column in columns:
        if counters[column.kind] >= MAX_FIELDS_PER_KIND or len(chosen) >= MAX_RECORD_FIELDS:
            continue
        tokens.append(f"{column.kind}{counters[column.kind]}")
        counters[column.kind] += 1
        chosen.append(column)
    return RecordView(tuple(chosen), tuple(tokens))


def source_tokens(view: RecordView, row: dict[str, object], level: str = "token") -> list[str]:
    """Encoder input for one row of a table seen through a view (JSON tokens or characters)."""
    if level == "char":
        return record_characters(
            [
                (token, column.kind, row.get(column.name))
                for column, token in zip(view.columns, view.tokens, strict=True)
            ]
        )
    return encode_record(
        [
            (f'"{token}"', column.kind, row.get(column.name), column.cardinality)
            for column, token in zip(view.columns, view.tokens, strict=True)
        ]
    )


@dataclass(frozen=True)
class Pair:
    spec_id: str
    source: list[str]
    target: list[str]


def load_examples(path: Path) -> list[tuple[str, str, dict]]:
    """(spec id, example folder, normalized spec) from examples.jsonl."""
    out = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line)
            out.append(
                (f"{item['folder']}/{item['file']}", item["folder"], normalize_spec(item["spec"]))
            )
    return out


def load_example_tables(data_dir: Path) -> dict[str, tuple[pd.DataFrame, list[ColumnInfo]]]:
    """Typed tables of examplesdata/, keyed by example folder."""
    tables = {}
    for folder, filename in EXAMPLE_DATASETS.items():
        raw = pd.DataFrame(json.loads((data_dir / filename).read_text(encoding="utf-8")))
        tables[folder] = coerce_table(raw)
    return tables


def split_specs(
    spec_ids: Iterable[str], seed: int, dev_share: float = 0.1, test_share: float = 0.1
) -> dict[str, str]:
    """Assign each spec (not each row) to train/dev/test, so test specs are never seen in training."""
    ids = sorted(set(spec_ids))
    random.Random(seed).shuffle(ids)
    n_test = int(len(ids) * test_share)
    n_dev = int(len(ids) * dev_share)
    split = {}
    for i, spec_id in enumerate(ids):
        split[spec_id] = "test" if i < n_test else "dev" if i < n_test + n_dev else "train"
    return split


def build_pairs(
    examples: Sequence[tuple[str, str, dict]],
    tables: dict[str, tuple[pd.DataFrame, list[ColumnInfo]]],
    rows_per_spec: int,
    seed: int,
    shuffle_columns: bool = True,
    level: str = "token",
) -> list[Pair]:
    """Sample rows for every spec; each row shows the spec's fields plus a random set of others.

    Random column subsets and orders (an augmentation the paper did not use) keep the model
    from learning "num3 of cars is always Horsepower" and let it see records of many widths.
    """
    rng = random.Random(seed)
    pairs: list[Pair] = []
    records = {folder: table.to_dict("records") for folder, (table, _) in tables.items()}
    for spec_id, folder, spec in examples:
        _, infos = tables[folder]
        by_name = {c.name: c for c in infos}
        used = spec_fields(spec)
        if any(name not in by_name for name in used):
            continue
        others = [c for c in infos if c.name not in used]
        for _ in range(rows_per_spec):
            if shuffle_columns:
                extra = rng.sample(
                    others, rng.randint(0, min(len(others), MAX_RECORD_FIELDS - len(used)))
                )
                columns = [by_name[n] for n in used] + extra
                rng.shuffle(columns)
            else:
                columns = list(infos)
            view = make_view(columns)
            mapping = view.name_to_token
            if any(name not in mapping for name in used):
                continue
            rows = records[folder]
            row = rows[rng.randrange(len(rows))]
            anonymized = replace_fields(spec, mapping)
            target = spec_characters(anonymized) if level == "char" else tokenize_spec(anonymized)
            pairs.append(Pair(spec_id, source_tokens(view, row, level), target))
    return pairs
