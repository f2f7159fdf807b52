from marshmallow import fields, validate

from backend.schemas.common import StrictSchema


class SynthesizerCreateSchema(StrictSchema):
    columns = fields.List(fields.String(), load_default=None, allow_none=True,
                          metadata={"description": "Default: every numeric column."})
    seq_len = fields.Integer(load_default=24, validate=validate.Range(min=2, max=512))
    module = fields.String(load_default="gru", validate=validate.OneOf(["gru", "lstm"]))
    hidden_size = fields.Integer(load_default=24, validate=validate.Range(min=1, max=512))
    num_layers = fields.Integer(load_default=3, validate=validate.Range(min=1, max=8))
    batch_size = fields.Integer(load_default=128, validate=validate.Range(min=1, max=4096))
    iterations = fields.Integer(load_default=1000, validate=validate.Range(min=1, max=100_000),
                                metadata={"description": "Training steps of each of the three phases."})
    learning_rate = fields.Float(load_default=1e-3, validate=validate.Range(min=1e-6, max=1.0))
    batch_norm = fields.Boolean(load_default=False)
    seed = fields.Integer(load_default=0, validate=validate.Range(min=0))


class SampleCreateSchema(StrictSchema):
    n = fields.Integer(load_default=100, validate=validate.Range(min=1, max=10_000))
    seed = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0),
                          metadata={"description": "Same seed, same sequences."})


class EvaluationCreateSchema(StrictSchema):
    metric_runs = fields.Integer(load_default=3, validate=validate.Range(min=1, max=10))
    iterations = fields.Integer(load_default=1000, validate=validate.Range(min=10, max=20_000),
                                metadata={"description": "Training steps of each post-hoc GRU."})
    max_windows = fields.Integer(load_default=1000, validate=validate.Range(min=10, max=20_000))
    tsne = fields.Boolean(load_default=True)
    seed = fields.Integer(load_default=0, validate=validate.Range(min=0))
