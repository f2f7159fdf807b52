"""Serving sizes torch's process-wide thread pool once: one intra-op thread per request."""

import torch

from models import runtime
from models.data2vis import recommend


def test_loading_the_serving_recommender_gives_torch_one_thread(monkeypatch):
    before = torch.get_num_threads()
    monkeypatch.setattr(runtime, "_tuned_for_serving", False)
    monkeypatch.setattr(recommend, "_recommender", None)
    monkeypatch.setattr(recommend, "load_recommender", lambda: recommend.Recommender(None))
    torch.set_num_threads(2)
    try:
        recommend.get_recommender()
        assert torch.get_num_threads() == runtime.SERVING_THREADS == 1
        # Set once: a later change (a script's own choice) is not undone by the next request.
        torch.set_num_threads(2)
        recommend.get_recommender()
        runtime.tune_for_serving()
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
