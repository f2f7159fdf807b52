from marshmallow import ValidationError, fields, validate, validates_schema

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
        metadata={"description": "Default: every numeric column."},
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
    def _within_step_budget(self, data, **kwargs):  # noqa: ANN001, ANN202
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
