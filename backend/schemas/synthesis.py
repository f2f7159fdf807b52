from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from backend.jobs.kinds import TIMEGAN_MAX_ITERATIONS
from backend.schemas.common import StrictSchema

# Compute budget of one TimeGAN training step: batch_size x seq_len x hidden_size x num_layers
# (time and the recurrent activations kept for backprop grow with it). Every field at its own
# maximum multiplied out to 8.6e9 and reached 15.6 GB in two minutes; the defaults are 221,184.
# A compiled step cannot be interrupted, so the cap also bounds how late a cancel can land:
# at 1,048,576 a joint step takes 2.7 s (one thread, busy 2-core machine; peak RSS 1.3 GB), at
# 8,388,608 it took 47.5 s (3.0 GB).
TIMEGAN_MAX_STEP_WORK = 1 << 20


class SynthesizerCreateSchema(StrictSchema):
    columns = fields.List(
        fields.String(),
        load_default=None,
        allow_none=True,
        metadata={"description": "Default: every numeric column that holds a value."},
    )
    seq_len = fields.Integer(load_default=24, validate=validate.Range(min=2, max=512))
    module = fields.String(load_default="gru", validate=validate.OneOf(["gru", "lstm"]))
    hidden_size = fields.Integer(load_default=24, validate=validate.Range(min=1, max=512))
    num_layers = fields.Integer(load_default=3, validate=validate.Range(min=1, max=8))
    batch_size = fields.Integer(load_default=128, validate=validate.Range(min=1, max=4096))
    iterations = fields.Integer(
        load_default=1000,
        validate=validate.Range(min=1, max=TIMEGAN_MAX_ITERATIONS),
        metadata={"description": "Training steps of each of the three phases."},
    )
    learning_rate = fields.Float(load_default=1e-3, validate=validate.Range(min=1e-6, max=1.0))
    batch_norm = fields.Boolean(load_default=False)
    seed = fields.Integer(load_default=0, validate=validate.Range(min=0))

    @validates_schema
    def _within_step_budget(self, data: dict[str, Any], **kwargs: Any) -> None:
        work = data["batch_size"] * data["seq_len"] * data["hidden_size"] * data["num_layers"]
        if work > TIMEGAN_MAX_STEP_WORK:
            message = (
                f"batch_size x seq_len x hidden_size x num_layers is {work:,}; the most one training "
                f"step may take is {TIMEGAN_MAX_STEP_WORK:,}. Lower one of them."
            )
            raise ValidationError(message, field_name="batch_size")


class SampleCreateSchema(StrictSchema):
    n = fields.Integer(load_default=100, validate=validate.Range(min=1, max=10_000))
    seed = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0),
        metadata={"description": "Same seed, same sequences."},
    )


class EvaluationCreateSchema(StrictSchema):
    metric_runs = fields.Integer(
        load_default=3,
        validate=validate.Range(min=1, max=10),
        metadata={"description": "Runs of each of the paper's two post-hoc GRU scores."},
    )
    iterations = fields.Integer(
        load_default=1000,
        validate=validate.Range(min=10, max=20_000),
        metadata={"description": "Training steps of each post-hoc GRU."},
    )
    classifier_runs = fields.Integer(
        load_default=3,
        validate=validate.Range(min=1, max=10),
        metadata={
            "description": "Runs (splits and seeds) of the stronger real-vs-synthetic classifier."
        },
    )
    max_windows = fields.Integer(
        load_default=1000,
        validate=validate.Range(min=10, max=20_000),
        metadata={
            "description": "Real windows used; half are the reference, half the held-out floor the fakes are made from."
        },
    )
    tsne = fields.Boolean(load_default=True)
    seed = fields.Integer(load_default=0, validate=validate.Range(min=0))


# ---- What `timegan_training` and `timegan_evaluation` jobs hold (GET /jobs/{id}) ----


class TimeGANTrainingParamsSchema(SynthesizerCreateSchema):
    """The `timegan_training` job's params: the request with its defaults, the columns resolved."""

    dataset_id = fields.String(required=True)


class TimeGANTrainingResultSchema(Schema):
    model_id = fields.String(required=True)


class TimeGANEvaluationParamsSchema(EvaluationCreateSchema):
    """The `timegan_evaluation` job's params: the request with its defaults."""

    model_id = fields.String(required=True)
    dataset_id = fields.String(
        required=True, metadata={"description": "The model's training dataset (the real data)."}
    )


class SpreadSchema(Schema):
    """A score over repeated runs."""

    mean = fields.Float(required=True)
    std = fields.Float(required=True)
    runs = fields.List(fields.Float(), required=True)


class ScorecardMeasureSchema(Schema):
    name = fields.String(required=True)
    label = fields.String(required=True)
    description = fields.String(required=True)
    structure = fields.Boolean(required=True)


class WindowCountsSchema(Schema):
    reference = fields.Integer(required=True)
    per_candidate = fields.Integer(required=True)


class VerdictSchema(Schema):
    beats = fields.Dict(
        keys=fields.String(),
        values=fields.Boolean(),
        required=True,
        metadata={"description": "fake -> whether the model scores strictly lower."},
    )
    flagged = fields.Boolean(required=True)
    floor = fields.Float(
        required=True, allow_none=True, metadata={"description": "The held-out real score."}
    )


class AutocorrelationFeatureSchema(Schema):
    feature = fields.String(required=True)
    real = fields.List(fields.Float(), required=True)
    synthetic = fields.List(fields.Float(), required=True)


class AutocorrelationSchema(Schema):
    lags = fields.List(fields.Integer(), required=True)
    features = fields.List(fields.Nested(AutocorrelationFeatureSchema), required=True)


class ScorecardSchema(Schema):
    """Every measure (lower is better) for the model, the held-out real floor and each trivial fake."""

    n_windows = fields.Nested(WindowCountsSchema, required=True)
    scaled_by_real_range = fields.Boolean(required=True)
    measures = fields.List(fields.Nested(ScorecardMeasureSchema), required=True)
    candidates = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "model, heldout_real, then the fakes."},
    )
    scores = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(
            keys=fields.String(), values=fields.Nested(SpreadSchema, allow_none=True)
        ),
        required=True,
        metadata={"description": "candidate -> measure -> score (null: not measured)."},
    )
    verdict = fields.Dict(keys=fields.String(), values=fields.Nested(VerdictSchema), required=True)
    autocorrelation = fields.Nested(AutocorrelationSchema, required=True)


class ProjectionSchema(Schema):
    real = fields.List(fields.List(fields.Float()), required=True)
    synthetic = fields.List(fields.List(fields.Float()), required=True)
    explained_variance_ratio = fields.List(fields.Float(), metadata={"description": "PCA only."})


class FeatureSummarySchema(Schema):
    mean = fields.Float(required=True)
    std = fields.Float(required=True)
    quantiles = fields.List(fields.Float(), required=True)
    histogram = fields.List(fields.Float(), required=True)


class FeatureDistributionSchema(Schema):
    feature = fields.String(required=True)
    real = fields.Nested(FeatureSummarySchema, required=True)
    synthetic = fields.Nested(FeatureSummarySchema, required=True)
    bin_edges = fields.List(fields.Float(), required=True)
    quantile_levels = fields.List(fields.Float(), required=True)
    ks_statistic = fields.Float(required=True)


class TimeGANEvaluationResultSchema(Schema):
    model_id = fields.String(required=True)
    n_windows = fields.Integer(required=True)
    discriminative_score = fields.Nested(SpreadSchema, required=True, allow_none=True)
    predictive_score = fields.Nested(SpreadSchema, required=True, allow_none=True)
    scorecard = fields.Nested(ScorecardSchema, required=True)
    pca = fields.Nested(ProjectionSchema, required=True)
    tsne = fields.Nested(ProjectionSchema, metadata={"description": "When asked for (tsne)."})
    distributions = fields.List(fields.Nested(FeatureDistributionSchema), required=True)
