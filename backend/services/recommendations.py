"""Chart recommendations for a stored dataset (Data2Vis beams + rules), kept on the dataset."""

from __future__ import annotations

from typing import Any

from backend.charts import sandbox, vegalite
from backend.clock import now_iso
from backend.errors import NotFoundError, RendererUnavailableError
from backend.services import datasets
from backend.storage import Store


def recommend_for_dataset(
    store: Store, owner_id: str, dataset_id: str, *, k: int, beam_width: int
) -> dict[str, Any]:
    """Rank k valid charts for the dataset, bind each to it, store them as its last recommendations."""
    # Imported here: the recommender's module loads pandas and jsonschema, and its first use torch.
    from models.data2vis.recommend import MODEL_VERSION, get_recommender

    dataset = datasets.get_dataset(store, owner_id, dataset_id)
    frame = datasets.load_frame(store, dataset)
    try:
        # Each candidate is drawn once in the render sandbox: a chart the model invents must
        # not crash or stall the API process, nor fetch anything.
        report = get_recommender().recommend_with_notes(
            frame, k=k, beam_width=beam_width, render_check=sandbox.render_check
        )
    except sandbox.RendererUnavailable as error:
        raise RendererUnavailableError(str(error), retry_after_s=error.retry_after_s) from error
    result = {
        "items": [
            {**item.to_dict(), "spec": vegalite.bind_to_dataset(item.spec, dataset_id)}
            for item in report.items
        ],
        "model_version": MODEL_VERSION,
        "k": k,
        "beam_width": beam_width,
        "notes": report.notes,
        "created_at": now_iso(),
    }
    store.datasets.update(dataset_id, owner_id, {"recommendations": result})
    return result


def last_recommendations(store: Store, owner_id: str, dataset_id: str) -> dict[str, Any]:
    dataset = datasets.get_dataset(store, owner_id, dataset_id)
    if not dataset.get("recommendations"):
        raise NotFoundError(
            "This dataset has no recommendations yet; POST to this URL to make them."
        )
    return dataset["recommendations"]
