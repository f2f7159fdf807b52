"""Dataset in, k ranked Vega-Lite charts out: model beams + validation + rule-based fill.

Pipeline: type the columns -> choose column subsets (wide tables) and representative rows
-> beam search per record -> restore field names -> parse -> check fields against the real
columns -> Vega-Lite schema -> drop duplicates (same mark + encodings) -> rank -> render
check with vl-convert -> fill from rules when fewer than k survive.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from models.data2vis.corpus import MAX_RECORD_FIELDS, RecordView, make_view, source_tokens
from models.data2vis.explain import explain, intent_of
from models.data2vis.fields import ColumnInfo, coerce_table, json_records
from models.data2vis.insights import insights
from models.data2vis.profile import profile_table
from models.data2vis.rank import SAME_MARK, effectiveness
from models.data2vis.readable import spec_problems
from models.data2vis.validate import (
    VEGA_LITE_SCHEMA_URL,
    escape_field,
    field_errors,
    parse_spec,
    render_error,
    schema_errors,
    unescape_field,
)
from models.data2vis.vocab import detokenize
from models.runtime import tune_for_serving

if TYPE_CHECKING:
    from models.data2vis.model import Data2VisModel

log = logging.getLogger(__name__)

RenderCheck = Callable[[dict, list[dict]], "str | None"]

WEIGHTS_PATH = Path(__file__).resolve().parent / "weights" / "data2vis.zip"
MAX_SUBSETS = 4  # beam searches over column subsets for wide tables (latency bound)
MODEL_TEMPERATURE = 2.0  # flattens beam probabilities before the effectiveness prior weighs in
# A beam the statistics did not choose ranks by its probability and effectiveness, on a scale
# below most statistic-backed charts (its fields were chosen by a corpus, not by this data).
MODEL_SCALE = 0.45
REPEAT_INTENT = 0.95
REPEAT_MARK = 0.96
REPEAT_FIELD = 0.92  # a field shown again for the same question
REPEAT_FIELD_ELSEWHERE = 0.98  # a field shown again for another question: mostly welcome
REPEAT_AXES = 0.9  # the same fields on the axes again (a mean bar after a boxplot of a pair)
TYPING_ROWS = 10_000  # rows typed and profiled to choose charts (every n-th row beyond)
RENDER_ROWS = 100  # rows inlined for the render check: enough to exercise every encoding
RENDER_THREADS = 4


def _model_version() -> str:
    try:
        digest = hashlib.sha256(WEIGHTS_PATH.read_bytes()).hexdigest()[:10]
    except OSError:
        return "data2vis_rules_only"
    return f"data2vis_tokens_{digest}"


MODEL_VERSION = _model_version()


@dataclass(frozen=True)
class Recommendation:
    """One chart: a Vega-Lite spec without data (the caller binds it), its score and origin."""

    spec: dict
    score: float
    source: Literal["model", "rules"]
    explanation: str
    intent: str = "comparison"

    def to_dict(self) -> dict:
        return {
            "spec": self.spec,
            "score": self.score,
            "source": self.source,
            "explanation": self.explanation,
            "intent": self.intent,
        }


@dataclass(frozen=True)
class BeamCandidate:
    """One raw beam, decoded: text, parsed spec with real field names (None if unparsable)."""

    text: str
    log_prob: float
    spec: dict | None
    phantom: bool


@dataclass
class RecommendationReport:
    items: list[Recommendation]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Candidate:
    spec: dict
    score: float
    source: str
    explanation: str
    intent: str


def chart_signature(spec: dict) -> tuple:
    """What a reader sees first: the mark family and the fields on the axes (color aside).

    A scatter colored by species and the same scatter uncolored are one chart to a reader;
    only the better-scored one is kept.
    """
    mark = spec.get("mark")
    mark = mark.get("type") if isinstance(mark, dict) else mark
    encoding = spec.get("encoding") or {}
    fields = []
    for channel in ("x", "y", "theta"):
        definition = encoding.get(channel)
        if isinstance(definition, dict):
            fields.append(definition.get("field") or definition.get("aggregate") or "")
    return (SAME_MARK.get(str(mark), str(mark)), tuple(sorted(fields)))


def _says_nothing(spec: dict, typed: pd.DataFrame) -> bool:
    """A count of records by a field whose values are all equally common: every bar the same."""
    encoding = spec.get("encoding") or {}
    x, y = encoding.get("x"), encoding.get("y")
    if not (isinstance(x, dict) and isinstance(y, dict)):
        return False
    for counted, by in ((x, y), (y, x)):
        if (
            counted.get("aggregate") == "count"
            and isinstance(by.get("field"), str)
            and not by.get("bin")
        ):
            name = unescape_field(by["field"])
            if name in typed.columns and len(encoding) == 2:
                tally = typed[name].value_counts()
                return len(tally) > 1 and tally.min() == tally.max()
    return False


def _offer(pool: dict[tuple, Candidate], candidate: Candidate) -> None:
    if not math.isfinite(candidate.score):  # cannot be ranked (nor stored as JSON)
        return
    signature = chart_signature(candidate.spec)
    held = pool.get(signature)
    if held is None or held.score < candidate.score:
        pool[signature] = candidate


def _shown_fields(spec: dict) -> list[str]:
    """Fields on the axes, except time: every trend shares it, and that is no repetition."""
    encoding = spec.get("encoding") or {}
    return [
        d["field"]
        for ch in ("x", "y", "theta")
        if isinstance(d := encoding.get(ch), dict)
        and isinstance(d.get("field"), str)
        and d.get("type") != "temporal"
    ]


def diversified(candidates: list[Candidate]) -> list[Candidate]:
    """Greedy order by score, each pick discounting later ones that repeat it.

    A repeat of the question (intent), of the mark, of the very fields on the axes, or of a
    field already shown twice costs a little (a field shown again for the same question costs
    more than for another one), so ten strong scatter plots do not crowd out the best
    histogram or trend, and the charts cover more of the table's columns; the reported score
    stays the undiscounted one.
    """
    remaining = list(candidates)
    ordered: list[Candidate] = []
    intents: dict[str, int] = {}
    marks: dict[str, int] = {}
    fields: dict[object, int] = {}  # uses of a field, and of a field for one intent
    axes: dict[tuple, int] = {}

    def adjusted(candidate: Candidate) -> float:
        mark, on_axes = chart_signature(candidate.spec)
        factor = REPEAT_INTENT ** intents.get(candidate.intent, 0)
        factor *= REPEAT_AXES ** axes.get(on_axes, 0)
        factor *= REPEAT_MARK ** marks.get(mark, 0)
        for name in _shown_fields(candidate.spec):
            factor *= REPEAT_FIELD ** fields.get((candidate.intent, name), 0)
            factor *= REPEAT_FIELD_ELSEWHERE ** fields.get(name, 0)
        return candidate.score * factor

    while remaining:
        best = max(range(len(remaining)), key=lambda i: adjusted(remaining[i]))
        pick = remaining.pop(best)
        mark, on_axes = chart_signature(pick.spec)
        axes[on_axes] = axes.get(on_axes, 0) + 1
        intents[pick.intent] = intents.get(pick.intent, 0) + 1
        marks[mark] = marks.get(mark, 0) + 1
        for name in _shown_fields(pick.spec):
            fields[name] = fields.get(name, 0) + 1
            fields[(pick.intent, name)] = fields.get((pick.intent, name), 0) + 1
        ordered.append(pick)
    return ordered


def column_priority(column: ColumnInfo) -> float:
    """Higher for columns worth showing the model first: few missing values, useful cardinality."""
    if not column.usable:
        return -1.0
    present = 1.0 - column.missing / max(column.n_rows, 1)
    if column.cardinality <= 1:
        return 0.2 * present
    if column.kind == "str" and column.cardinality > 50:
        return 0.1 * present  # free text or ids: chartable only as counts of top values
    if column.kind == "num" and column.cardinality == column.n_rows and column.n_rows > 20:
        return 0.5 * present  # a strictly unique integer column is usually a row id
    return present


def select_views(columns: list[ColumnInfo]) -> tuple[list[RecordView], list[str]]:
    """Column subsets to show the model: all columns when few, else interleaved subsets of the best."""
    usable = [c for c in columns if c.usable]
    notes: list[str] = []
    if len(usable) <= MAX_RECORD_FIELDS:
        return ([make_view(usable)] if usable else []), notes
    ranked = sorted(usable, key=column_priority, reverse=True)
    capacity = MAX_SUBSETS * (MAX_RECORD_FIELDS - 2)
    considered = ranked[:capacity]
    n_subsets = min(MAX_SUBSETS, math.ceil(len(considered) / (MAX_RECORD_FIELDS - 2)))
    # Interleave so every subset mixes strong and weaker columns; keep the original order inside.
    position = {c.name: i for i, c in enumerate(columns)}
    views = []
    for s in range(n_subsets):
        subset = sorted(considered[s::n_subsets], key=lambda c: position[c.name])
        views.append(make_view(subset))
    if len(usable) > capacity:
        notes.append(
            f"{len(usable)} columns: the model saw the {capacity} most chartable ones in {n_subsets} subsets"
        )
    return views, notes


def representative_rows(
    table: pd.DataFrame, view: RecordView, n_rows: int, seed: int = 0
) -> list[dict]:
    """The most typical complete row (numbers nearest their medians) plus seeded random complete rows."""
    names = [c.name for c in view.columns]
    frame = table[names]
    missing = frame.isna().sum(axis=1).to_numpy()
    typicality = np.zeros(len(frame))
    for column in view.columns:
        if column.kind == "num":
            ranks = frame[column.name].rank(pct=True).fillna(0.0).to_numpy()
            typicality += np.abs(ranks - 0.5)
    order = np.lexsort((typicality, missing))
    chosen = [int(order[0])]
    fewest = missing[order[0]]
    pool = [i for i in np.flatnonzero(missing == fewest) if i != order[0]]
    rng = np.random.default_rng(seed)
    if pool and n_rows > 1:
        chosen.extend(
            int(i) for i in rng.choice(pool, size=min(n_rows - 1, len(pool)), replace=False)
        )
    return [frame.iloc[i].to_dict() for i in chosen]


def restore_fields(spec: dict, view: RecordView) -> tuple[dict, bool]:
    """Typed tokens back to (escaped) column names; True when a token is not in the record."""
    mapping = view.token_to_name
    phantom = False
    encoding = spec.get("encoding")
    if not isinstance(encoding, dict):
        return spec, phantom
    restored = {}
    for channel, definition in encoding.items():
        if isinstance(definition, dict) and isinstance(definition.get("field"), str):
            token = definition["field"]
            if token in mapping:
                name = mapping[token]
                definition = {**definition, "field": escape_field(name)}
                if definition["field"] != name:  # keep the backslashes out of the axis title
                    definition["title"] = name
            else:
                phantom = True
        restored[channel] = definition
    return {**spec, "encoding": restored}, phantom


class Recommender:
    """Holds the model (or None: rules only) and turns tables into ranked recommendations."""

    def __init__(
        self, model: Data2VisModel | None, load_error: str | None = None, records_per_view: int = 2
    ):
        self.model = model
        self.load_error = load_error
        self.records_per_view = records_per_view

    def decode_beams(
        self, view: RecordView, row: dict, beam_width: int, constrain: bool = True
    ) -> list[BeamCandidate]:
        """Raw beams for one record, restored to real field names (the paper's evaluation unit)."""
        from models.data2vis.beam import beam_search

        if self.model is None:
            return []
        level = self.model.config.level
        source = source_tokens(view, row, level)
        allowed = [f'"{t}"' for t in view.tokens]
        # The constraints work on JSON tokens; a character model is decoded bare.
        constrain = constrain and level == "token"
        out = []
        for hypothesis in beam_search(
            self.model, source, beam_width, allowed_fields=allowed, constrain=constrain
        ):
            text = detokenize(hypothesis.tokens)
            parsed = parse_spec(text)
            spec, phantom = restore_fields(parsed, view) if parsed is not None else (None, False)
            out.append(BeamCandidate(text, hypothesis.log_prob, spec, phantom))
        return out

    def recommend(
        self, table: pd.DataFrame, k: int = 10, beam_width: int = 15
    ) -> list[Recommendation]:
        return self.recommend_with_notes(table, k, beam_width).items

    def recommend_with_notes(
        self,
        table: pd.DataFrame,
        k: int = 10,
        beam_width: int = 15,
        render_check: RenderCheck | None = None,
    ) -> RecommendationReport:
        """Like recommend, plus notes that explain skipped columns, subsets or an empty result.

        render_check(spec, values) -> error or None draws each chart once; the service passes
        its sandboxed renderer (a separate process, no network). The default renders in-process
        with every URL refused, which is enough for specs this module generates itself.
        """
        check = render_check or render_error
        notes: list[str] = []
        if k <= 0:
            return RecommendationReport([], ["k must be positive"])
        if table is None or table.shape[1] == 0:
            return RecommendationReport([], ["the dataset has no columns"])
        if table.shape[0] == 0:
            return RecommendationReport([], ["the dataset has no rows"])
        if len(table) > TYPING_ROWS:
            # Choosing charts needs the table's shape, not every row: typing 100k rows of text
            # alone takes seconds. The chart itself still draws every row of the dataset.
            # Every n-th row: an even spread that keeps a series' steps regular.
            step = math.ceil(len(table) / TYPING_ROWS)
            notes.append(f"charts chosen from 1 row in {step} ({len(table):,} rows)")
            table = table.iloc[::step]
        typed, infos = coerce_table(table)
        by_name = {c.name: c for c in infos}
        empty = [c.name for c in infos if not c.usable]
        if empty:
            notes.append(f"skipped {len(empty)} column(s) with no values: {', '.join(empty[:5])}")
        if len(infos) < table.shape[1]:
            notes.append("duplicate column names: only the first of each was used")
        if not any(c.usable for c in infos):
            notes.append("no column has any values, so there is nothing to chart")
            return RecommendationReport([], notes)

        profile = profile_table(typed, infos)
        pool: dict[tuple, Candidate] = {}
        for insight in insights(profile):
            _offer(
                pool,
                Candidate(
                    insight.spec, insight.score, "rules", insight.explanation, insight.intent
                ),
            )
        if self.model is not None:
            try:
                model_specs = self._model_specs(typed, infos, beam_width, notes)
            except (
                Exception
            ) as error:  # an unforeseen table shape must cost the model's charts, not the request
                log.exception("data2vis model failed on a table of shape %s", table.shape)
                notes.append(
                    f"the model failed on this table ({type(error).__name__}); rule-based charts only"
                )
                model_specs = []
            best = max((lp for _, lp in model_specs), default=0.0)
            for spec, log_prob in model_specs:
                if _says_nothing(spec, typed):
                    continue
                if chart_signature(spec) in pool:
                    # The statistics chose this chart already. A vote for it (+0.02, +0.005)
                    # lowered chartbench recall (0.50 -> 0.46): the model's corpus likes any
                    # valid chart about equally, so its agreement carries no information.
                    continue
                weight = math.exp((log_prob - best) / MODEL_TEMPERATURE)
                score = MODEL_SCALE * weight * effectiveness(spec, by_name)
                _offer(pool, Candidate(spec, score, "model", explain(spec), intent_of(spec)))
        elif self.load_error:
            notes.append(f"model unavailable ({self.load_error}); rule-based charts only")
        unreadable = 0
        candidates = []
        for candidate in pool.values():
            if spec_problems(candidate.spec, typed):
                unreadable += 1
                continue
            candidates.append(candidate)
        if unreadable:
            log.debug("%d candidate(s) failed the readability check", unreadable)

        values = json_records(typed, max_rows=RENDER_ROWS)
        items: list[Recommendation] = []
        failed_render = 0
        ordered = diversified(candidates)
        position = 0
        while len(items) < k and position < len(ordered):
            # Render a batch in parallel (vl-convert works outside the GIL), keep the ranked order.
            # Exactly the charts still needed: a failure is rare, and costs one more round.
            batch = ordered[position : position + k - len(items)]
            position += len(batch)
            if render_check is None:  # in-process renders are serialized: no threads to use
                errors = [_check(c.spec, values, check) for c in batch]
            else:  # the sandbox renders in several processes at once
                errors = list(_render_pool().map(lambda c: _check(c.spec, values, check), batch))
            for candidate, problem in zip(batch, errors, strict=True):
                if problem is not None:
                    failed_render += 1
                    log.debug(
                        "dropped a %s chart that does not render: %s",
                        candidate.source,
                        problem,
                    )
                elif len(items) < k:
                    items.append(
                        Recommendation(
                            {"$schema": VEGA_LITE_SCHEMA_URL, **candidate.spec},
                            round(float(candidate.score), 6),
                            candidate.source,  # type: ignore[arg-type]
                            candidate.explanation,
                            candidate.intent,
                        )
                    )
        if failed_render:
            notes.append(
                f"{failed_render} candidate(s) dropped: not valid Vega-Lite or did not render"
            )
        if len(items) < k:
            notes.append(f"only {len(items)} distinct valid chart(s) exist for these columns")
        return RecommendationReport(items, notes)

    def _model_specs(
        self, typed: pd.DataFrame, infos: list[ColumnInfo], beam_width: int, notes: list[str]
    ) -> list[tuple[dict, float]]:
        """Valid, real-field model specs with their log-probabilities, over every view and record."""
        by_name = {c.name: c for c in infos}
        views, view_notes = select_views(infos)
        notes.extend(view_notes)
        out = []
        for view in views:
            for row in representative_rows(typed, view, self.records_per_view):
                for beam in self.decode_beams(view, row, beam_width):
                    spec = beam.spec
                    if spec is None or beam.phantom or set(spec) - {"mark", "encoding"}:
                        continue
                    if field_errors(spec, by_name):
                        continue
                    out.append((spec, beam.log_prob))
        return out


def _check(spec: dict, values: list[dict], render_check: RenderCheck) -> str | None:
    """Schema, then render: None when the chart is valid Vega-Lite and draws."""
    errors = schema_errors(spec)
    return errors[0] if errors else render_check(spec, values)


_render_pool_instance: ThreadPoolExecutor | None = None
_render_pool_lock = threading.Lock()


def _render_pool() -> ThreadPoolExecutor:
    # One pool per process: starting threads per request costs more than the renders on a busy machine.
    global _render_pool_instance
    with _render_pool_lock:
        if _render_pool_instance is None:
            _render_pool_instance = ThreadPoolExecutor(
                max_workers=RENDER_THREADS, thread_name_prefix="data2vis-check"
            )
        return _render_pool_instance


_lock = threading.Lock()
_recommender: Recommender | None = None


def load_recommender(path: Path = WEIGHTS_PATH, device: str = "cpu") -> Recommender:
    """A Recommender over the weights at path; rules only (with the reason) when they cannot load."""
    try:
        from models.data2vis.model import Data2VisModel

        model = Data2VisModel.from_bytes(path.read_bytes(), device=device)
    except (
        Exception
    ) as error:  # missing file, no torch, corrupt artifact: degrade, never fail a request
        log.warning("data2vis weights not loaded from %s: %s", path, error)
        return Recommender(None, load_error=f"{type(error).__name__}: {error}")
    return Recommender(model)


def get_recommender() -> Recommender:
    """The process-wide recommender that serves requests, loaded once on first use (thread-safe).

    Its first load also sizes torch's thread pool for serving (models/runtime.py).
    """
    global _recommender
    if _recommender is None:
        with _lock:
            if _recommender is None:
                tune_for_serving()
                _recommender = load_recommender()
    return _recommender


def recommend(table: pd.DataFrame, k: int = 10, beam_width: int = 15) -> list[Recommendation]:
    """k ranked, valid, distinct Vega-Lite charts for a table (fewer only when no more exist)."""
    return get_recommender().recommend(table, k, beam_width)
