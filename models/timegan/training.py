"""Compiled training steps of TimeGAN's three phases, with the reference code's losses.

Each phase is one `tf.function` that runs `n` steps in a graph loop, drawing batches and
noise on the device from a seeded `tf.random.Generator`, so a chunk of steps costs one
Python call and its random state can be saved for an exact resume.
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf

from models.timegan.config import TimeGANConfig
from models.timegan.networks import TimeGANNetworks

PHASES = ("embedding", "supervised", "joint")

# Reference details (jsyoon0823/TimeGAN timegan.py): the discriminator is only updated
# while its loss is above 0.15, and the generator/embedder take two steps per joint step.
DISCRIMINATOR_UPDATE_THRESHOLD = 0.15
GENERATOR_STEPS_PER_JOINT_STEP = 2
# Loss weights of the reference: 10 * sqrt(reconstruction), 100 * sqrt(supervised),
# 100 * moments in the generator loss, 0.1 * supervised in the embedder loss.
RECONSTRUCTION_WEIGHT = 10.0
SUPERVISED_WEIGHT = 100.0
MOMENT_WEIGHT = 100.0
EMBEDDER_SUPERVISED_WEIGHT = 0.1

OPTIMIZER_NAMES = ("embedding", "supervised", "generator", "embedder", "discriminator")


def mse(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    return tf.reduce_mean(tf.square(a - b))


def bce_with_logits(label: float, logits: tf.Tensor) -> tf.Tensor:
    labels = tf.fill(tf.shape(logits), tf.constant(label, logits.dtype))
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits))


def moment_loss(x: tf.Tensor, x_hat: tf.Tensor) -> tf.Tensor:
    """|std difference| + |mean difference|, per step and feature over the batch (reference G_loss_V)."""
    mean_x, var_x = tf.nn.moments(x, axes=[0])
    mean_hat, var_hat = tf.nn.moments(x_hat, axes=[0])
    std_gap = tf.reduce_mean(tf.abs(tf.sqrt(var_hat + 1e-6) - tf.sqrt(var_x + 1e-6)))
    mean_gap = tf.reduce_mean(tf.abs(mean_hat - mean_x))
    return std_gap + mean_gap


def supervised_loss(h: tf.Tensor, h_hat_supervised: tf.Tensor) -> tf.Tensor:
    """The supervisor's one-step-ahead prediction error in latent space."""
    return mse(h[:, 1:, :], h_hat_supervised[:, :-1, :])


def make_optimizers(config: TimeGANConfig) -> dict[str, keras.optimizers.Optimizer]:
    # One Adam per objective, as the reference's five solvers.
    return {name: keras.optimizers.Adam(config.learning_rate) for name in OPTIMIZER_NAMES}


class PhaseTrainer:
    """Owns the per-phase compiled step loops for one set of networks and training windows."""

    def __init__(
        self,
        config: TimeGANConfig,
        networks: TimeGANNetworks,
        optimizers: dict[str, keras.optimizers.Optimizer],
        rng: tf.random.Generator,
        windows: np.ndarray,
    ) -> None:
        self.config = config
        self.nets = networks
        self.optimizers = optimizers
        self.rng = rng
        self.windows = tf.constant(windows, dtype=tf.float32)
        self.n_windows = int(windows.shape[0])
        self.batch = min(config.batch_size, self.n_windows)
        self.noise_shape = (self.batch, config.seq_len, int(windows.shape[-1]))
        self._steps: dict[str, Callable[[tf.Tensor], dict[str, tf.Tensor]]] = {
            "embedding": self._compile(self._embedding_steps),
            "supervised": self._compile(self._supervised_steps),
            "joint": self._compile(self._joint_steps),
        }

    def _compile(self, fn: Callable) -> Callable:
        return tf.function(fn, jit_compile=self.config.jit_compile, reduce_retracing=True)

    def run(self, phase: str, n_steps: int) -> dict[str, float]:
        losses = self._steps[phase](tf.constant(n_steps, dtype=tf.int32))
        return {name: float(value) for name, value in losses.items()}

    # -- sampling -----------------------------------------------------------------------
    def _real_batch(self) -> tf.Tensor:
        # A random subset without replacement, like the reference's permutation[:batch_size].
        keys = self.rng.uniform([self.n_windows])
        return tf.gather(self.windows, tf.math.top_k(keys, k=self.batch).indices)

    def _noise_batch(self) -> tf.Tensor:
        return self.rng.uniform(self.noise_shape)  # U(0, 1), as the reference's random_generator

    # -- phase 1: autoencoder (embedder + recovery) --------------------------------------
    def _embedding_steps(self, n_steps: tf.Tensor) -> dict[str, tf.Tensor]:
        nets, opt = self.nets, self.optimizers["embedding"]
        variables = nets.embedder.trainable_variables + nets.recovery.trainable_variables
        total = tf.constant(0.0)
        for _ in tf.range(n_steps):
            x = self._real_batch()
            with tf.GradientTape() as tape:
                x_tilde = nets.recovery(nets.embedder(x, training=True), training=True)
                reconstruction = mse(x, x_tilde)
                loss = RECONSTRUCTION_WEIGHT * tf.sqrt(reconstruction)
            opt.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
            total += tf.sqrt(reconstruction)
        return {"reconstruction_rmse": total / tf.cast(n_steps, tf.float32)}

    # -- phase 2: supervisor on real latent sequences -----------------------------------
    def _supervised_steps(self, n_steps: tf.Tensor) -> dict[str, tf.Tensor]:
        nets, opt = self.nets, self.optimizers["supervised"]
        # The reference's GS_solver lists generator and supervisor variables, but this loss
        # only reaches the supervisor (the embedder stays fixed in this phase).
        variables = nets.supervisor.trainable_variables
        total = tf.constant(0.0)
        for _ in tf.range(n_steps):
            x = self._real_batch()
            with tf.GradientTape() as tape:
                h = nets.embedder(x, training=True)
                loss = supervised_loss(h, nets.supervisor(h, training=True))
            opt.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
            total += tf.sqrt(loss)
        return {"supervised_rmse": total / tf.cast(n_steps, tf.float32)}

    # -- phase 3: joint adversarial training --------------------------------------------
    def _latent_pair(
        self, net: keras.Model, a: tf.Tensor, b: tf.Tensor
    ) -> tuple[tf.Tensor, tf.Tensor]:
        """net(a), net(b); one call on the stacked batch when no batch norm couples the samples.

        Without batch norm every sequence is processed independently, so the stacked call is
        the same computation with half the (per-op overhead bound) kernel launches.
        """
        if self.config.batch_norm:
            return net(a, training=True), net(b, training=True)
        both = net(tf.concat([a, b], axis=0), training=True)
        return both[: tf.shape(a)[0]], both[tf.shape(a)[0] :]

    def _generator_step(self, x: tf.Tensor, z: tf.Tensor) -> tuple[tf.Tensor, ...]:
        nets, gamma = self.nets, self.config.gamma
        variables = nets.generator.trainable_variables + nets.supervisor.trainable_variables
        with tf.GradientTape() as tape:
            h = nets.embedder(x, training=True)
            e_hat = nets.generator(z, training=True)
            h_hat_supervised, h_hat = self._latent_pair(nets.supervisor, h, e_hat)
            x_hat = nets.recovery(h_hat, training=True)
            y_fake, y_fake_e = self._latent_pair(nets.discriminator, h_hat, e_hat)
            adversarial = bce_with_logits(1.0, y_fake)
            adversarial_e = bce_with_logits(1.0, y_fake_e)
            supervised = supervised_loss(h, h_hat_supervised)
            moments = moment_loss(x, x_hat)
            loss = (
                adversarial
                + gamma * adversarial_e
                + SUPERVISED_WEIGHT * tf.sqrt(supervised)
                + MOMENT_WEIGHT * moments
            )
        self.optimizers["generator"].apply_gradients(
            zip(tape.gradient(loss, variables), variables, strict=True)
        )
        return adversarial, supervised, moments

    def _embedder_step(self, x: tf.Tensor) -> tf.Tensor:
        nets = self.nets
        variables = nets.embedder.trainable_variables + nets.recovery.trainable_variables
        with tf.GradientTape() as tape:
            h = nets.embedder(x, training=True)
            reconstruction = mse(x, nets.recovery(h, training=True))
            supervised = supervised_loss(h, nets.supervisor(h, training=True))
            loss = (
                RECONSTRUCTION_WEIGHT * tf.sqrt(reconstruction)
                + EMBEDDER_SUPERVISED_WEIGHT * supervised
            )
        self.optimizers["embedder"].apply_gradients(
            zip(tape.gradient(loss, variables), variables, strict=True)
        )
        return reconstruction

    def _discriminator_step(self, x: tf.Tensor, z: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        nets, gamma = self.nets, self.config.gamma
        variables = nets.discriminator.trainable_variables
        with tf.GradientTape() as tape:
            e_hat = nets.generator(z, training=True)
            h_hat = nets.supervisor(e_hat, training=True)
            if self.config.batch_norm:
                y_real = nets.discriminator(nets.embedder(x, training=True), training=True)
                y_fake = nets.discriminator(h_hat, training=True)
                y_fake_e = nets.discriminator(e_hat, training=True)
            else:
                h = nets.embedder(x, training=True)
                y_all = nets.discriminator(tf.concat([h, h_hat, e_hat], axis=0), training=True)
                y_real, y_fake, y_fake_e = tf.split(y_all, 3, axis=0)
            loss = (
                bce_with_logits(1.0, y_real)
                + bce_with_logits(0.0, y_fake)
                + gamma * bce_with_logits(0.0, y_fake_e)
            )
        gradients = tape.gradient(loss, variables)
        update = loss > DISCRIMINATOR_UPDATE_THRESHOLD

        def apply() -> tf.Tensor:
            self.optimizers["discriminator"].apply_gradients(zip(gradients, variables, strict=True))
            return tf.constant(1.0)

        updated = tf.cond(update, apply, lambda: tf.constant(0.0))
        return loss, updated

    def _joint_steps(self, n_steps: tf.Tensor) -> dict[str, tf.Tensor]:
        sums = {
            name: tf.constant(0.0)
            for name in (
                "generator_adversarial",
                "supervised_rmse",
                "moment",
                "reconstruction_rmse",
                "discriminator",
                "discriminator_update_rate",
            )
        }
        for _ in tf.range(n_steps):
            adversarial = supervised = moments = reconstruction = tf.constant(0.0)
            # A graph loop, not a Python one: the step is traced once instead of twice.
            for _ in tf.range(GENERATOR_STEPS_PER_JOINT_STEP):
                x, z = self._real_batch(), self._noise_batch()
                adversarial, supervised, moments = self._generator_step(x, z)
                reconstruction = self._embedder_step(x)
            d_loss, updated = self._discriminator_step(self._real_batch(), self._noise_batch())
            # Report the last generator/embedder step of each joint step, as the reference prints.
            sums = {
                "generator_adversarial": sums["generator_adversarial"] + adversarial,
                "supervised_rmse": sums["supervised_rmse"] + tf.sqrt(supervised),
                "moment": sums["moment"] + moments,
                "reconstruction_rmse": sums["reconstruction_rmse"] + tf.sqrt(reconstruction),
                "discriminator": sums["discriminator"] + d_loss,
                "discriminator_update_rate": sums["discriminator_update_rate"] + updated,
            }
        count = tf.cast(n_steps, tf.float32)
        return {name: value / count for name, value in sums.items()}
