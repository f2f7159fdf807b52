"""Short summaries of a job or a model record for a report: facts, final metrics, scorecard.

Plain dicts in, plain dicts out (`{title, facts, metrics, scorecard}`), the same shape for the
shared JSON and the HTML export.
"""

from __future__ import annotations

import math
from typing import Any

KIND_NAMES = {
    "imputation": "Imputation",
    "timegan_training": "TimeGAN training",
    "timegan_evaluation": "TimeGAN evaluation",
    "timegan": "TimeGAN model",
}
MAX_METRICS = 12


def job_summary(job: dict[str, Any], dataset_name: str | None) -> dict[str, Any]:
    kind = job.get("kind", "job")
    result = job.get("result") or {}
    facts = [
        _fact("Kind", KIND_NAMES.get(kind, kind)),
        _fact("Dataset", dataset_name or job.get("dataset_id") or "-"),
        _fact("Status", job.get("status", "-")),
        _fact("Finished", job.get("finished_at") or job.get("updated_at") or "-"),
    ]
    if (job.get("params") or {}).get("method"):
        facts.append(_fact("Method", job["params"]["method"]))
    history = job.get("metrics") or []
    final = history[-1] if history else {}
    metrics = _scalars({k: v for k, v in final.items() if k != "step"})
    if "step" in final:
        metrics.insert(0, _fact("Steps", final["step"]))
    metrics += _scalars({k: v for k, v in result.items() if not k.endswith("_id")})
    card = result.get("scorecard")
    return {
        "title": f"{KIND_NAMES.get(kind, kind)} job",
        "facts": facts,
        "metrics": metrics[:MAX_METRICS],
        "scorecard": scorecard_rows(card) if isinstance(card, dict) else None,
    }


def model_summary(model: dict[str, Any], dataset_name: str | None) -> dict[str, Any]:
    kind = model.get("kind", "model")
    facts = [
        _fact("Kind", KIND_NAMES.get(kind, kind)),
        _fact("Version", model.get("version", "-")),
        _fact("Dataset", dataset_name or model.get("dataset_id") or "-"),
        _fact("Trained", model.get("created_at", "-")),
    ]
    evaluations = model.get("evaluations") or []
    latest = evaluations[-1] if evaluations else None
    return {
        "title": f"Model {model.get('version', '')}".strip(),
        "facts": facts,
        "metrics": _scalars(model.get("metrics") or {})[:MAX_METRICS],
        "scorecard": scorecard_rows(latest) if latest else None,
    }


def scorecard_rows(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Per measure: the model's mean, the held-out real floor's, and whether it was flagged
    (the model did not beat every trivial fake; models/timegan/quality.py)."""
    scores = card.get("scores") or {}
    verdicts = card.get("verdict") or {}
    rows = []
    for measure in card.get("measures") or []:
        name = measure.get("name") if isinstance(measure, dict) else str(measure)
        label = measure.get("label", name) if isinstance(measure, dict) else name
        rows.append(
            {
                "measure": str(label),
                "model": _mean(scores.get("model", {}).get(name)),
                "heldout_real": _mean(scores.get("heldout_real", {}).get(name)),
                "flagged": (verdicts.get(name) or {}).get("flagged"),
            }
        )
    return rows


def _mean(score: Any) -> float | None:
    value = score.get("mean") if isinstance(score, dict) else score
    return _finite(value)


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) or math.isinf(value) else float(value)


def _scalars(values: dict[str, Any]) -> list[dict[str, str]]:
    """The numbers and short texts among `values` (nested structures are left to the SPA)."""
    facts = []
    for key, value in values.items():
        if isinstance(value, bool):
            facts.append(_fact(key, "yes" if value else "no"))
        elif (number := _finite(value)) is not None:
            facts.append(_fact(key, f"{number:.4g}"))
        elif isinstance(value, str) and len(value) <= 80:
            facts.append(_fact(key, value))
    return facts


def _fact(label: str, value: Any) -> dict[str, str]:
    return {"label": label, "value": str(value)}
