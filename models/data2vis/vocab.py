"""Token vocabulary: data records and Vega-Lite specs as short sequences of JSON-level tokens.

The paper worked on characters (a 200-character spec is 200 decoder steps). Here a spec is
split into JSON tokens (`{`, `"encoding"`, `:`, `"num0"`, ...), about 4x shorter, and a data
record is described per field by its typed token plus coarse value features (see
`encode_record`), so the vocabulary is closed and small.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence

from models.data2vis.fields import KINDS, FieldKind

PAD, BOS, EOS, UNK = "<pad>", "<s>", "</s>", "<unk>"
SPECIALS = (PAD, BOS, EOS, UNK)
MAX_FIELDS_PER_KIND = 12  # typed tokens num0..num11, str0..str11, dt0..dt11

_JSON_TOKEN = re.compile(
    r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?'
)


def field_token(kind: FieldKind, index: int) -> str:
    """Typed placeholder for the index-th field of a kind, as it appears in JSON (quoted)."""
    return f'"{kind}{index}"'


ALL_FIELD_TOKENS = tuple(field_token(kind, i) for kind in KINDS for i in range(MAX_FIELDS_PER_KIND))


def canonical_spec(spec: dict) -> dict:
    """Key order the model is trained on: mark first, then encodings with sorted keys.

    Deciding the mark first makes beams branch over marks early and fit each mark its
    own encodings, instead of 15 beams that share encodings and differ only in the mark.
    """
    ordered = {key: spec[key] for key in ("mark", "encoding") if key in spec}
    for key in sorted(set(spec) - set(ordered)):
        ordered[key] = spec[key]
    if isinstance(ordered.get("encoding"), dict):
        ordered["encoding"] = json.loads(json.dumps(ordered["encoding"], sort_keys=True))
    return ordered


def tokenize_spec(spec: dict) -> list[str]:
    """Canonical JSON text of a spec (see canonical_spec) split into JSON tokens."""
    text = json.dumps(canonical_spec(spec), ensure_ascii=False)
    tokens = _JSON_TOKEN.findall(text)
    if "".join(tokens) != text.replace(" ", ""):
        raise ValueError(f"spec does not tokenize losslessly: {text[:80]}")
    return tokens


def detokenize(tokens: Iterable[str]) -> str:
    """Inverse of tokenize_spec: JSON text (may be invalid JSON for a bad model output)."""
    return "".join(tokens)


def _magnitude_bucket(value: float) -> str:
    if value == 0:
        return "<mag_zero>"
    exponent = int(math.floor(math.log10(abs(value))))
    return f"<mag{max(-3, min(9, exponent))}>"


def _length_bucket(text: str) -> str:
    n = len(text)
    for bound, name in ((1, "1"), (3, "3"), (8, "8"), (16, "16"), (32, "32")):
        if n <= bound:
            return f"<len{name}>"
    return "<len_long>"


def cardinality_token(cardinality: int) -> str:
    """Coarse count of distinct values: separates ordinal codes from measures and ids."""
    for bound in (1, 2, 5, 12, 30, 100, 1000):
        if cardinality <= bound:
            return f"<card{bound}>"
    return "<card_many>"


def value_tokens(kind: FieldKind, value: object) -> list[str]:
    """Coarse, closed-vocabulary description of one value of a field."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ["<null>"]
    if kind == "num":
        number = float(value)  # type: ignore[arg-type]
        out = ["<int>" if number.is_integer() else "<float>"]
        if number < 0:
            out.append("<neg>")
        out.append(_magnitude_bucket(number))
        return out
    if kind == "dt":
        return ["<date>"]
    text = str(value)
    out = ["<text>", _length_bucket(text)]
    if " " in text.strip():
        out.append("<words>")
    return out


def encode_record(fields: Sequence[tuple[str, FieldKind, object, int]]) -> list[str]:
    """Source tokens for one record: (typed token, kind, value, cardinality) per field, in order."""
    tokens: list[str] = []
    for token, kind, value, cardinality in fields:
        tokens.append(token)
        tokens.extend(value_tokens(kind, value))
        tokens.append(cardinality_token(cardinality))
    return tokens


def _json_value(kind: FieldKind, value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return value
    if kind == "num":
        number = float(value)  # type: ignore[arg-type]
        return int(number) if number.is_integer() and abs(number) < 1e15 else round(number, 4)
    if kind == "dt" and hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def record_characters(fields: Sequence[tuple[str, FieldKind, object]]) -> list[str]:
    """The paper's source format: the record as JSON text with typed field names, one token per character."""
    record = {name: _json_value(kind, value) for name, kind, value in fields}
    return list(json.dumps(record, ensure_ascii=False))


def spec_characters(spec: dict) -> list[str]:
    """The paper's target format: compact canonical JSON, one token per character."""
    return list(json.dumps(canonical_spec(spec), separators=(",", ":"), ensure_ascii=False))


class Vocabulary:
    """Shared source/target vocabulary (field tokens share one embedding on both sides)."""

    def __init__(self, tokens: Iterable[str]):
        ordered = list(SPECIALS)
        for token in list(ALL_FIELD_TOKENS) + sorted(set(tokens)):
            if token not in ordered:
                ordered.append(token)
        self.itos: list[str] = ordered
        self.stoi: dict[str, int] = {t: i for i, t in enumerate(ordered)}

    def __len__(self) -> int:
        return len(self.itos)

    @property
    def pad_id(self) -> int:
        return self.stoi[PAD]

    @property
    def bos_id(self) -> int:
        return self.stoi[BOS]

    @property
    def eos_id(self) -> int:
        return self.stoi[EOS]

    def encode(self, tokens: Iterable[str]) -> list[int]:
        unk = self.stoi[UNK]
        return [self.stoi.get(t, unk) for t in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        out = []
        for i in ids:
            token = self.itos[i]
            if token == EOS:
                break
            if token not in SPECIALS:
                out.append(token)
        return out

    def field_ids(self) -> dict[str, int]:
        """Typed field token -> id, for masking fields a record does not have."""
        return {t: self.stoi[t] for t in ALL_FIELD_TOKENS}

    def to_json(self) -> str:
        return json.dumps({"itos": self.itos}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Vocabulary:
        vocab = cls([])
        vocab.itos = list(json.loads(text)["itos"])
        vocab.stoi = {t: i for i, t in enumerate(vocab.itos)}
        return vocab
