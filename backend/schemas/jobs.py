from marshmallow import Schema, fields, validate

from backend.jobs.states import STATUSES
from backend.schemas.common import PageArgs, StrictSchema


class ProgressSchema(Schema):
    phase = fields.String()
    step = fields.Integer(metadata={"description": "Epochs or steps done."})
    total = fields.Integer(metadata={"description": "Epochs or steps this run aims for."})
    elapsed_s = fields.Float()
    eta_s = fields.Float(allow_none=True)


class JobErrorSchema(Schema):
    type = fields.String()
    title = fields.String()
    detail = fields.String()


class CheckpointSchema(Schema):
    step = fields.Integer()
    saved_at = fields.String()


class JobResultSchema(Schema):
    class Meta:
        unknown = "include"

    dataset_id = fields.String()
    model_id = fields.String()


class JobSchema(Schema):
    id = fields.String(dump_only=True)
    kind = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    params = fields.Dict()
    dataset_id = fields.String(allow_none=True)
    progress = fields.Nested(ProgressSchema)
    metrics = fields.List(
        fields.Dict(),
        metadata={"description": "One point per epoch/step: {step, <metric>: value}."},
    )
    live = fields.Dict(
        allow_none=True,
        metadata={
            "description": "A small payload for live views (e.g. the current imputed series)."
        },
    )
    result = fields.Dict(
        metadata={
            "description": "Links to what the job made: dataset_id and/or model_id, and a summary."
        }
    )
    error = fields.Nested(JobErrorSchema, allow_none=True)
    checkpoint = fields.Nested(CheckpointSchema, allow_none=True)
    cancel_requested = fields.Boolean()
    runs = fields.Integer(metadata={"description": "1 + the number of resumes."})
    runner = fields.String()
    created_at = fields.String()
    started_at = fields.String()
    finished_at = fields.String()
    updated_at = fields.String()


class JobListArgs(PageArgs):
    kind = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))


class JobCreateSchema(StrictSchema):
    kind = fields.String(required=True)
    params = fields.Dict(load_default=dict)


class JobResumeSchema(StrictSchema):
    epochs = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=100_000),
        metadata={"description": "How many more epochs/steps."},
    )
