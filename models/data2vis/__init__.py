"""Data2Vis chart recommendations: a data record in, ranked Vega-Lite specs out.

Re-creates Dibia & Demiralp, "Data2Vis: Automatic Generation of Data Visualizations Using
Sequence-to-Sequence Recurrent Neural Networks", IEEE CG&A 39(5), 2019 (arXiv:1804.03126):
an attentive encoder-decoder trained on (record -> spec) pairs, decoded with beam search,
plus validation, de-duplication and rule-based fill (see README.md).

Use `from models.data2vis.recommend import recommend, get_recommender, MODEL_VERSION`.
Importing this package loads neither torch nor the weights; `get_recommender()` does, once.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["MODEL_VERSION", "Recommendation", "Recommender", "get_recommender"]


def __getattr__(name: str) -> Any:
    # Lazy: the recommend module pulls pandas/jsonschema; torch loads only in get_recommender().
    if name in __all__:
        return getattr(importlib.import_module("models.data2vis.recommend"), name)
    raise AttributeError(f"module 'models.data2vis' has no attribute {name!r}")
