"""Small, fast TimeGAN fixtures: a two-feature series in original units and a tiny config."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.timegan import TimeGANConfig


@pytest.fixture(scope="session")
def series_frame() -> pd.DataFrame:
    """Two noisy periodic features far from [0, 1] (so unscaled output would show), plus a label column."""
    rng = np.random.default_rng(7)
    steps = np.arange(160)
    return pd.DataFrame(
        {
            "label": ["a", "b"] * 80,
            "temperature": 20 + 5 * np.sin(steps / 6) + rng.normal(0, 0.3, len(steps)),
            "load_kw": 900 + 150 * np.cos(steps / 9) + rng.normal(0, 10, len(steps)),
        }
    )


@pytest.fixture(scope="session")
def tiny_config() -> TimeGANConfig:
    return TimeGANConfig(seq_len=6, hidden_dim=4, num_layers=1, batch_size=16, iterations=3, seed=3)


@pytest.fixture(scope="module")
def training_run(series_frame, tiny_config):
    """One tiny model trained through all three phases in chunks of 2 steps, and its progress
    reports; shared read-only by a test module (training is the slow part of these tests)."""
    from models.timegan import TimeGAN

    reports = []
    model = TimeGAN(tiny_config).set_training_data(series_frame)
    phases_before = model.next_phase()
    model.fit(on_progress=reports.append, chunk_steps=2)
    return model, reports, phases_before


@pytest.fixture(scope="module")
def trained_model(training_run):
    return training_run[0]
