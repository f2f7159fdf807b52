"""The five TimeGAN networks (Yoon et al. 2019, Fig. 1): stacked GRU/LSTM plus a dense head."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import keras

from models.timegan.config import TimeGANConfig


@dataclass
class TimeGANNetworks:
    embedder: keras.Model  # real space -> latent space
    recovery: keras.Model  # latent space -> real space
    generator: keras.Model  # noise -> latent space
    supervisor: keras.Model  # latent step t -> latent step t + 1
    discriminator: keras.Model  # latent sequence -> real/fake logit per step

    def as_dict(self) -> dict[str, keras.Model]:
        return {
            "embedder": self.embedder,
            "recovery": self.recovery,
            "generator": self.generator,
            "supervisor": self.supervisor,
            "discriminator": self.discriminator,
        }


def _rnn_layer(config: TimeGANConfig, seed: int, name: str) -> keras.layers.Layer:
    options: dict[str, Any] = {
        "units": config.hidden_dim,
        "return_sequences": True,
        "kernel_initializer": keras.initializers.GlorotUniform(seed=seed),
        "recurrent_initializer": keras.initializers.Orthogonal(seed=seed + 1),
        "name": name,
    }
    if config.module == "gru":
        return keras.layers.GRU(**options)
    return keras.layers.LSTM(**options)


def _stacked_net(
    name: str,
    config: TimeGANConfig,
    input_dim: int,
    output_dim: int,
    num_layers: int,
    activation: str | None,
    seed: int,
) -> keras.Model:
    layers: list[keras.layers.Layer] = [keras.Input(shape=(config.seq_len, input_dim))]
    for index in range(num_layers):
        layers.append(_rnn_layer(config, seed + 10 * index, f"{config.module}_{index}"))
        if config.batch_norm:
            layers.append(keras.layers.BatchNormalization(name=f"batch_norm_{index}"))
    layers.append(
        keras.layers.Dense(
            output_dim,
            activation=activation,
            kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 999),
            name="head",
        )
    )
    return keras.Sequential(layers, name=name)


def build_networks(config: TimeGANConfig, n_features: int) -> TimeGANNetworks:
    """Build all five networks with seeded initializers (same seed, same starting weights)."""
    hidden = config.hidden_dim
    seed = config.seed * 10_000
    # As in the reference: sigmoid heads everywhere but the discriminator (logits), the
    # noise has one dimension per feature, and the supervisor has one layer fewer.
    return TimeGANNetworks(
        embedder=_stacked_net(
            "embedder", config, n_features, hidden, config.num_layers, "sigmoid", seed + 1_000
        ),
        recovery=_stacked_net(
            "recovery", config, hidden, n_features, config.num_layers, "sigmoid", seed + 2_000
        ),
        generator=_stacked_net(
            "generator", config, n_features, hidden, config.num_layers, "sigmoid", seed + 3_000
        ),
        supervisor=_stacked_net(
            "supervisor",
            config,
            hidden,
            hidden,
            max(config.num_layers - 1, 1),
            "sigmoid",
            seed + 4_000,
        ),
        discriminator=_stacked_net(
            "discriminator", config, hidden, 1, config.num_layers, None, seed + 5_000
        ),
    )
