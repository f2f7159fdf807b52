from __future__ import annotations

import pytest

from models.timegan import TimeGANConfig, TimeGANInputError


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("seq_len", 1),
        ("seq_len", 100_000),
        ("hidden_dim", 0),
        ("hidden_dim", 1_000_000),
        ("num_layers", 50),
        ("batch_size", 0),
        ("iterations", -1),
        ("module", "transformer"),
        ("learning_rate", 0.0),
        ("seed", -3),
        ("seq_len", 2.5),
    ],
)
def test_absurd_settings_are_rejected_with_the_field_named(field, value):
    with pytest.raises(TimeGANInputError) as caught:
        TimeGANConfig(**{field: value})
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == "invalid_config"
    assert caught.value.field == field
    assert field in str(caught.value)


def test_defaults_are_the_reference_configuration():
    config = TimeGANConfig()
    assert (
        config.seq_len,
        config.module,
        config.hidden_dim,
        config.num_layers,
        config.batch_size,
    ) == (
        24,
        "gru",
        24,
        3,
        128,
    )
    assert config.gamma == 1.0


def test_config_round_trips_through_a_dict():
    config = TimeGANConfig(module="lstm", hidden_dim=8, batch_norm=True, seed=5)
    assert TimeGANConfig.from_dict(config.to_dict()) == config
