"""One interface for baselines and models: fit, fill, validate, save; one training loop."""

from __future__ import annotations

import numpy as np
import pytest

from models.imputation import METHODS, MODELS, make_imputer
from models.imputation.data import PreparedSeries
from models.imputation.errors import UnknownMethodError
from models.imputation.evaluate import hide_gaps
from models.imputation.imputer import Budget, ModelImputer, imputer_from_bytes, train_epochs


def _series():
    steps = np.arange(24 * 12)
    truth = np.stack([10 * np.sin(2 * np.pi * steps / 24), np.cos(2 * np.pi * steps / 24)], axis=1)
    hidden = hide_gaps(np.ones_like(truth, bool), 5, seed=0, rate=0.1)
    return truth, hidden, PreparedSeries.from_arrays(np.where(hidden, np.nan, truth))


@pytest.mark.parametrize("name", [m for m in METHODS if m not in MODELS and m != "auto"])
def test_baselines_fit_fill_validate_and_save_like_any_imputer(name):
    truth, hidden, series = _series()
    imputer = make_imputer(name)
    assert imputer.fit(series, Budget(epochs=10))["epochs"] == 0  # nothing to learn
    filled = imputer.fill(series)
    assert np.array_equal(filled[series.observed], series.values[series.observed])
    assert imputer.validate(series, truth, hidden)["n"] == int(hidden.sum())
    again = imputer_from_bytes(imputer.to_bytes())
    np.testing.assert_array_equal(again.fill(series), filled)
    with pytest.raises(UnknownMethodError):
        make_imputer("magic")


class _Counting:
    """A stand-in model whose validation error is lowest at epoch 2."""

    def __init__(self) -> None:
        self.epoch = 0

    def fit_epoch(self, data):
        self.epoch += 1
        return {"loss": float(self.epoch), "seconds": 0.0}

    def impute(self, values, observed, positions=None):
        return np.where(observed, values, abs(self.epoch - 2))

    def to_bytes(self) -> bytes:
        return str(self.epoch).encode()

    @classmethod
    def from_bytes(cls, blob: bytes):
        model = cls()
        model.epoch = int(blob)
        return model


def test_the_training_loop_keeps_the_best_epoch_and_leaves_the_model_on_its_last():
    _, hidden, series = _series()
    truth = np.where(hidden, 0.0, series.values)
    imputer = ModelImputer("counting", _Counting())
    checks = []
    best, info = train_epochs(
        imputer,
        series,
        Budget(epochs=5),
        lambda m: m.validate(series, truth, hidden)["mae"],
        on_check=lambda m, record: checks.append(record["epoch"]),
    )
    assert checks == [1, 2, 3, 4, 5] and imputer.epoch == 5  # resumable from the last weights
    assert best.epoch == 2 and info["best_epoch"] == 2 and info["best_validation_mae"] == 0.0


def test_a_learned_model_round_trips_through_the_interface():
    _, _, series = _series()
    from models.imputation import get_config

    imputer = make_imputer(
        "brits", get_config("brits")(window=24, hidden_size=4, batch_size=8, device="cpu")
    )
    info = imputer.fit(series, Budget(epochs=1))
    assert info["status"] == "trained" and imputer.epoch == 1
    again = imputer_from_bytes(imputer.to_bytes())
    assert isinstance(again, ModelImputer) and again.name == "brits"
    np.testing.assert_array_equal(again.fill(series), imputer.fill(series))
