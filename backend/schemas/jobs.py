from marshmallow import INCLUDE, Schema, fields, validate

from backend.jobs.states import STATUSES
from backend.schemas.common import PageArgs, StrictSchema
from backend.schemas.imputation import (
    ImputationJobParamsSchema,
    ImputationLiveSchema,
    ImputationResultSchema,
)
from backend.schemas.projects import project_filter_field
from backend.schemas.synthesis import (
    TimeGANEvaluationParamsSchema,
    TimeGANEvaluationResultSchema,
    TimeGANTrainingParamsSchema,
    TimeGANTrainingResultSchema,
)
from backend.schemas.unions import AnyOfSchemas


class OtherJobPayloadSchema(Schema):
    """Params, live payload or result of a kind added by JOB_EXTRA_KINDS; also a result not
    made yet (an empty object)."""

    class Meta:
        unknown = INCLUDE


# A built-in kind's params, live payload and result (None: the kind sends no live payload).
# The stored values are sent as they are; these document them (and a test loads real jobs'
# values into them, so the two cannot drift apart).
KIND_PAYLOADS: dict[str, tuple[type[Schema], type[Schema] | None, type[Schema]]] = {
    "imputation": (ImputationJobParamsSchema, ImputationLiveSchema, ImputationResultSchema),
    "timegan_training": (TimeGANTrainingParamsSchema, None, TimeGANTrainingResultSchema),
    "timegan_evaluation": (TimeGANEvaluationParamsSchema, None, TimeGANEvaluationResultSchema),
}


def _documented(position: int) -> list[type[Schema]]:
    """The kinds' schemas at `position` (0 params, 1 live, 2 result), then the catch-all."""
    schemas = [payloads[position] for payloads in KIND_PAYLOADS.values()]
    return [*(s for s in schemas if s is not None), OtherJobPayloadSchema]


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


class JobSchema(Schema):
    id = fields.String(dump_only=True)
    kind = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    params = AnyOfSchemas(
        *_documented(0),
        metadata={
            "description": "The job's parameters, one shape per `kind`: ImputationJobParams "
            "(imputation), TimeGANTrainingParams (timegan_training), TimeGANEvaluationParams "
            "(timegan_evaluation)."
        },
    )
    dataset_id = fields.String(allow_none=True)
    project_id = fields.String(
        allow_none=True,
        dump_default=None,
        metadata={"description": "The dataset's project when started (a retrain: the model's)."},
    )
    retrained_from = fields.String(
        allow_none=True,
        dump_default=None,
        metadata={"description": "A retrain: the model whose configuration it trains."},
    )
    progress = fields.Nested(ProgressSchema)
    metrics = fields.List(
        fields.Dict(),
        metadata={"description": "One point per epoch/step: {step, <metric>: value}."},
    )
    live = AnyOfSchemas(
        *_documented(1),
        allow_none=True,
        metadata={
            "description": "A small payload for live views: the current imputed series of an "
            "imputation job (ImputationLive); null until the first report, and for TimeGAN jobs."
        },
    )
    result = AnyOfSchemas(
        *_documented(2),
        metadata={
            "description": "What the job made (dataset_id and/or model_id) and a summary, once it "
            "succeeded (an empty object before), one shape per `kind`: ImputationResult, "
            "TimeGANTrainingResult, TimeGANEvaluationResult."
        },
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
    project_id = project_filter_field()


class JobCreateSchema(StrictSchema):
    kind = fields.String(required=True)
    params = fields.Dict(load_default=dict)


class JobResumeSchema(StrictSchema):
    epochs = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=100_000),
        metadata={"description": "How many more epochs/steps."},
    )
