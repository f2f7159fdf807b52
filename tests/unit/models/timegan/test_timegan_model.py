from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from models.timegan import TimeGAN, TimeGANInputError

REPO_ROOT = Path(__file__).resolve().parents[4]

pytestmark = pytest.mark.slow  # trains tiny TensorFlow models for real


def test_generate_returns_sequences_in_original_units(trained_model, series_frame):
    samples = trained_model.generate(12, seed=0)
    assert samples.shape == (12, 6, 2)
    assert np.isfinite(samples).all()
    for index, column in enumerate(["temperature", "load_kw"]):
        low, high = series_frame[column].min(), series_frame[column].max()
        # recovery ends in a sigmoid, so unscaled output would sit in [0, 1]
        assert low - 1e-6 <= samples[..., index].min() and samples[..., index].max() <= high + 1e-6
    assert samples[..., 1].mean() > 500


def test_generate_is_reproducible_with_a_seed(trained_model):
    first = trained_model.generate(8, seed=11)
    assert np.array_equal(first, trained_model.generate(8, seed=11))
    assert not np.allclose(first, trained_model.generate(8, seed=12))


def test_training_reports_every_phase_in_order(training_run):
    model, reports, first_phase = training_run
    assert first_phase == "embedding"
    assert [(r.phase, r.phase_step) for r in reports] == [
        ("embedding", 2),
        ("embedding", 3),
        ("supervised", 2),
        ("supervised", 3),
        ("joint", 2),
        ("joint", 3),
    ]
    assert [r.step for r in reports] == [2, 3, 5, 6, 8, 9]
    assert reports[-1].total == 9
    assert set(reports[-1].losses) >= {
        "discriminator",
        "moment",
        "supervised_rmse",
        "reconstruction_rmse",
    }
    assert all(np.isfinite(v) for r in reports for v in r.losses.values())
    assert model.is_trained and model.next_phase() is None


def test_saved_model_generates_identically_after_loading(trained_model):
    blob = trained_model.to_bytes()
    restored = TimeGAN.from_bytes(blob)
    assert restored.config == trained_model.config
    assert restored.columns == ["temperature", "load_kw"]
    assert restored.steps_done == trained_model.steps_done
    assert np.array_equal(restored.generate(10, seed=4), trained_model.generate(10, seed=4))


def test_saved_model_generates_identically_in_another_process(trained_model, tmp_path):
    (tmp_path / "model.zip").write_bytes(trained_model.to_bytes())
    code = (
        "import sys, numpy as np; from models.timegan import TimeGAN; "
        "m = TimeGAN.from_bytes(open(sys.argv[1], 'rb').read()); "
        "np.save(sys.argv[2], m.generate(5, seed=9))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "model.zip"), str(tmp_path / "out.npy")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert np.array_equal(np.load(tmp_path / "out.npy"), trained_model.generate(5, seed=9))


def test_resuming_from_a_checkpoint_continues_exactly(trained_model, series_frame, tiny_config):
    # Stop after one embedding step, checkpoint, and finish in a rebuilt model: weights,
    # optimizer moments and the batch/noise random state must all carry over.
    interrupted = TimeGAN(tiny_config).set_training_data(series_frame)
    interrupted.fit_steps("embedding", 1)
    resumed = TimeGAN.from_bytes(interrupted.to_bytes())
    assert resumed.next_phase() == "embedding" and resumed.remaining_steps("embedding") == 2
    resumed.fit(series_frame, chunk_steps=5)
    np.testing.assert_allclose(
        resumed.generate(6, seed=1), trained_model.generate(6, seed=1), rtol=1e-5, atol=1e-4
    )


def test_a_trained_model_can_be_given_more_iterations(trained_model):
    restored = TimeGAN.from_bytes(trained_model.to_bytes())
    assert restored.is_trained
    restored.set_iterations(5)
    assert restored.next_phase() == "embedding" and restored.remaining_steps("joint") == 2
    with pytest.raises(TimeGANInputError):
        restored.set_iterations(-1)


def test_training_needs_data_and_a_known_phase(tiny_config):
    model = TimeGAN(tiny_config)
    with pytest.raises(TimeGANInputError) as no_data:
        model.fit_steps("embedding", 1)
    assert no_data.value.code == "no_training_data"
    with pytest.raises(TimeGANInputError):
        model.fit_steps("warmup", 1)
    with pytest.raises(TimeGANInputError) as untrained:
        model.generate(3)
    assert untrained.value.code == "not_trained"
    with pytest.raises(TimeGANInputError):
        TimeGAN.from_bytes(b"not a zip")
