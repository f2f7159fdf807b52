"""Quality of synthetic sequences, as in the TimeGAN paper (Sec. 5) and its reference code.

- discriminative score: a post-hoc GRU classifier told real from synthetic windows;
  |accuracy - 0.5| on held-out windows (0 is best).
- predictive score: a GRU trained on synthetic windows predicts the next step of real ones
  ("train on synthetic, test on real"); mean absolute error on the [0, 1] scale (lower is better).
- 2-D PCA and t-SNE coordinates of real and synthetic windows, and per-feature distribution
  comparisons (quantiles, histograms, Kolmogorov-Smirnov statistic).

Inputs are (windows, steps, features) arrays in the same units; both are scaled with the
real windows' per-feature min-max, as the reference scores data in [0, 1]. Every function
returns plain floats, lists and dicts, so results can be stored as JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from models.timegan.data import MinMaxScaler
from models.timegan.errors import TimeGANInputError

_QUANTILES = (0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0)


def checked_pair(real: np.ndarray, synthetic: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    real = np.asarray(real, dtype=np.float64)
    synthetic = np.asarray(synthetic, dtype=np.float64)
    if real.ndim != 3 or synthetic.ndim != 3 or real.shape[1:] != synthetic.shape[1:]:
        raise TimeGANInputError(
            f"real and synthetic must be (windows, steps, features) of equal steps and features, "
            f"got {real.shape} and {synthetic.shape}",
            code="bad_shape",
        )
    if real.shape[1] < 2:
        raise TimeGANInputError("windows need at least 2 steps", code="bad_shape")
    if len(real) < 2 or len(synthetic) < 2:
        raise TimeGANInputError("need at least 2 real and 2 synthetic windows", code="bad_shape")
    if not (np.isfinite(real).all() and np.isfinite(synthetic).all()):
        raise TimeGANInputError("windows contain NaN or infinite values", code="missing_values")
    return real, synthetic


def scaled_pair(
    real: np.ndarray, synthetic: np.ndarray, scale: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Both sets min-max scaled by the real one's per-feature range (or as given: `scale=False`).

    The reference scores data as its loaders return them: stock and energy min-max scaled,
    the Sines generator's values in their own units (already inside [0, 1], spanning about
    half of it). Scaling Sines again doubles every predictive MAE.
    """
    real, synthetic = checked_pair(real, synthetic)
    if not scale:
        return real.astype(np.float32), synthetic.astype(np.float32)
    scaler = MinMaxScaler.fit(real, [str(i) for i in range(real.shape[-1])])
    return (
        scaler.transform(real).astype(np.float32),
        scaler.transform(synthetic).astype(np.float32),
    )


def _post_hoc_hidden(n_features: int) -> int:
    # The reference uses int(dim / 2) units, which is 0 for a single feature.
    return max(n_features // 2, 1)


def _seeded_gru(units: int, seed: int, *, return_sequences: bool) -> Any:
    # Seeded initializers instead of keras.utils.set_random_seed: no global state is touched.
    import keras

    return keras.layers.GRU(
        units,
        return_sequences=return_sequences,
        kernel_initializer=keras.initializers.GlorotUniform(seed),
        recurrent_initializer=keras.initializers.Orthogonal(seed=seed + 1),
    )


def discriminative_score(
    real: np.ndarray,
    synthetic: np.ndarray,
    *,
    iterations: int = 2_000,
    batch_size: int = 128,
    seed: int = 0,
    scale: bool = True,
) -> float:
    """|accuracy - 0.5| of a post-hoc GRU classifier on a held-out 20% of each set."""
    import keras
    import tensorflow as tf

    real, synthetic = scaled_pair(real, synthetic, scale)
    rng = np.random.default_rng(seed)
    real_train, real_test = _split(real, rng)
    synth_train, synth_test = _split(synthetic, rng)
    n_features = real.shape[-1]
    classifier = keras.Sequential(
        [
            keras.Input(shape=(real.shape[1], n_features)),
            # The reference classifies from the GRU's last state.
            _seeded_gru(_post_hoc_hidden(n_features), seed, return_sequences=False),
            keras.layers.Dense(1, kernel_initializer=keras.initializers.GlorotUniform(seed + 2)),
        ]
    )
    optimizer = keras.optimizers.Adam()
    optimizer.build(classifier.trainable_variables)
    sampler = tf.random.Generator.from_seed(seed)
    real_t, synth_t = tf.constant(real_train), tf.constant(synth_train)

    def batch(data: tf.Tensor) -> tf.Tensor:
        k = min(batch_size, int(data.shape[0]))
        return tf.gather(data, tf.math.top_k(sampler.uniform([int(data.shape[0])]), k=k).indices)

    @tf.function
    def train(n_steps: tf.Tensor) -> tf.Tensor:
        loss = tf.constant(0.0)
        for _ in tf.range(n_steps):
            x_real, x_fake = batch(real_t), batch(synth_t)
            with tf.GradientTape() as tape:
                logit_real = classifier(x_real, training=True)
                logit_fake = classifier(x_fake, training=True)
                loss = tf.reduce_mean(
                    tf.nn.sigmoid_cross_entropy_with_logits(tf.ones_like(logit_real), logit_real)
                ) + tf.reduce_mean(
                    tf.nn.sigmoid_cross_entropy_with_logits(tf.zeros_like(logit_fake), logit_fake)
                )
            variables = classifier.trainable_variables
            optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
        return loss

    train(tf.constant(iterations))
    test = np.concatenate([real_test, synth_test])
    labels = np.concatenate([np.ones(len(real_test)), np.zeros(len(synth_test))])
    logits = classifier.predict_on_batch(test).reshape(-1)
    accuracy = float(np.mean((logits > 0) == (labels == 1)))
    return abs(0.5 - accuracy)


def predictive_score(
    real: np.ndarray,
    synthetic: np.ndarray,
    *,
    iterations: int = 5_000,
    batch_size: int = 128,
    seed: int = 0,
    scale: bool = True,
) -> float:
    """MAE on real windows of a next-step GRU predictor trained only on synthetic ones.

    With several features, as in the reference, the last feature at step t+1 is predicted
    from the other features up to step t. With a single feature there are no others, so
    every feature at t+1 is predicted from all features up to t.
    """
    import keras
    import tensorflow as tf

    real, synthetic = scaled_pair(real, synthetic, scale)
    n_features = real.shape[-1]
    train_x, train_y = _next_step_pairs(synthetic)
    test_x, test_y = _next_step_pairs(real)
    predictor = keras.Sequential(
        [
            keras.Input(shape=(train_x.shape[1], train_x.shape[2])),
            _seeded_gru(_post_hoc_hidden(n_features), seed, return_sequences=True),
            keras.layers.Dense(
                train_y.shape[-1],
                activation="sigmoid",
                kernel_initializer=keras.initializers.GlorotUniform(seed + 2),
            ),
        ]
    )
    optimizer = keras.optimizers.Adam()
    optimizer.build(predictor.trainable_variables)
    sampler = tf.random.Generator.from_seed(seed)
    x_all, y_all = tf.constant(train_x), tf.constant(train_y)
    n_train, k = int(train_x.shape[0]), min(batch_size, int(train_x.shape[0]))

    @tf.function
    def train(n_steps: tf.Tensor) -> tf.Tensor:
        loss = tf.constant(0.0)
        for _ in tf.range(n_steps):
            index = tf.math.top_k(sampler.uniform([n_train]), k=k).indices
            x, y = tf.gather(x_all, index), tf.gather(y_all, index)
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.abs(y - predictor(x, training=True)))
            variables = predictor.trainable_variables
            optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
        return loss

    train(tf.constant(iterations))
    predictions = np.concatenate(
        [predictor.predict_on_batch(test_x[i : i + 4096]) for i in range(0, len(test_x), 4096)]
    )
    return float(np.mean(np.abs(predictions - test_y)))


def _next_step_pairs(windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if windows.shape[-1] == 1:
        return windows[:, :-1, :], windows[:, 1:, :]
    return windows[:, :-1, :-1], windows[:, 1:, -1:]


def _split(
    data: np.ndarray, rng: np.random.Generator, train_share: float = 0.8
) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(len(data))
    cut = min(max(int(len(data) * train_share), 1), len(data) - 1)
    return data[order[:cut]], data[order[cut:]]


def projection_coordinates(
    real: np.ndarray,
    synthetic: np.ndarray,
    *,
    max_windows: int = 1_000,
    seed: int = 0,
    tsne: bool = True,
) -> dict[str, Any]:
    """2-D PCA (fit on real) and t-SNE (fit on both) points for real and synthetic windows.

    As the reference's visualization: up to `max_windows` random windows of each, each
    window reduced to its per-step mean over features (a seq_len-long vector).
    """
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE

    real, synthetic = scaled_pair(real, synthetic)
    rng = np.random.default_rng(seed)
    n = min(max_windows, len(real), len(synthetic))
    real_vectors = real[rng.permutation(len(real))[:n]].mean(axis=2)
    synth_vectors = synthetic[rng.permutation(len(synthetic))[:n]].mean(axis=2)
    pca = PCA(n_components=2, random_state=seed).fit(real_vectors)
    result: dict[str, Any] = {
        "n_windows": int(n),
        "pca": {
            "real": _points(pca.transform(real_vectors)),
            "synthetic": _points(pca.transform(synth_vectors)),
            "explained_variance_ratio": [float(v) for v in pca.explained_variance_ratio_],
        },
    }
    if tsne:
        both = np.concatenate([real_vectors, synth_vectors])
        perplexity = float(min(40.0, max(2.0, (len(both) - 1) / 3)))
        embedded = TSNE(
            n_components=2, perplexity=perplexity, init="pca", random_state=seed
        ).fit_transform(both)
        result["tsne"] = {"real": _points(embedded[:n]), "synthetic": _points(embedded[n:])}
    return result


def _points(values: np.ndarray) -> list[list[float]]:
    return [[float(x), float(y)] for x, y in values]


def ks_statistic(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sample Kolmogorov-Smirnov statistic: the largest gap between the empirical CDFs."""
    a, b = np.sort(np.asarray(a, dtype=np.float64)), np.sort(np.asarray(b, dtype=np.float64))
    grid = np.concatenate([a, b])
    cdf_a = np.searchsorted(a, grid, side="right") / len(a)
    cdf_b = np.searchsorted(b, grid, side="right") / len(b)
    return float(np.max(np.abs(cdf_a - cdf_b)))


def feature_distributions(
    real: np.ndarray,
    synthetic: np.ndarray,
    columns: Sequence[str] | None = None,
    *,
    bins: int = 20,
) -> list[dict[str, Any]]:
    """Per feature, in original units: summary stats, quantiles, shared-bin histograms, KS."""
    real, synthetic = checked_pair(real, synthetic)
    n_features = real.shape[-1]
    names = list(columns) if columns is not None else [f"x{i}" for i in range(n_features)]
    report = []
    for index, name in enumerate(names):
        r, s = real[..., index].reshape(-1), synthetic[..., index].reshape(-1)
        low, high = float(min(r.min(), s.min())), float(max(r.max(), s.max()))
        edges = np.linspace(low, high if high > low else low + 1.0, bins + 1)
        report.append(
            {
                "feature": str(name),
                "real": _summary(r, edges),
                "synthetic": _summary(s, edges),
                "bin_edges": [float(e) for e in edges],
                "quantile_levels": list(_QUANTILES),
                "ks_statistic": ks_statistic(r, s),
            }
        )
    return report


def _summary(values: np.ndarray, edges: np.ndarray) -> dict[str, Any]:
    counts, _ = np.histogram(values, bins=edges)
    return {
        "mean": float(values.mean()),
        "std": float(values.std()),
        "quantiles": [float(q) for q in np.quantile(values, _QUANTILES)],
        "histogram": [float(c) / len(values) for c in counts],
    }


def evaluate(
    real: np.ndarray,
    synthetic: np.ndarray,
    columns: Sequence[str] | None = None,
    *,
    metric_runs: int = 1,
    discriminative_iterations: int = 2_000,
    predictive_iterations: int = 5_000,
    seed: int = 0,
    tsne: bool = True,
) -> dict[str, Any]:
    """Everything above in one JSON-able dict; scores as mean and std over `metric_runs` seeds."""
    if metric_runs < 1:
        raise TimeGANInputError(
            "metric_runs must be at least 1", code="invalid_config", field="metric_runs"
        )
    discriminative = [
        discriminative_score(real, synthetic, iterations=discriminative_iterations, seed=seed + run)
        for run in range(metric_runs)
    ]
    predictive = [
        predictive_score(real, synthetic, iterations=predictive_iterations, seed=seed + run)
        for run in range(metric_runs)
    ]
    return {
        "discriminative_score": spread(discriminative),
        "predictive_score": spread(predictive),
        "projections": projection_coordinates(real, synthetic, seed=seed, tsne=tsne),
        "features": feature_distributions(real, synthetic, columns),
    }


def spread(values: Sequence[float]) -> dict[str, Any]:
    """Mean, standard deviation and the values of repeated runs of a score."""
    return {
        "mean": float(np.mean(values)),
        "std": float(np.std(values)),
        "runs": [float(v) for v in values],
    }
