from marshmallow import Schema, fields, validate

from backend.schemas.common import PageArgs, StrictSchema
from backend.schemas.projects import project_filter_field
from backend.services.models import SORTS, STATUSES

_ID = validate.Length(min=1, max=64)


class ArtifactFileSchema(Schema):
    name = fields.String()
    size = fields.Integer(metadata={"description": "Bytes."})
    sha256 = fields.String()


class ProducedSchema(Schema):
    type = fields.String(metadata={"enum": ["dataset"]})
    id = fields.String()


class ModelLineageSchema(Schema):
    retrained_from = fields.String(
        allow_none=True, metadata={"description": "The model whose configuration was retrained."}
    )
    resumed_from = fields.String(
        allow_none=True,
        metadata={"description": "The model the same job registered before it was resumed."},
    )
    produced = fields.List(
        fields.Nested(ProducedSchema),
        metadata={"description": "Datasets made with the model that still exist."},
    )


class ModelDataSchema(Schema):
    dataset_id = fields.String(allow_none=True)
    train = fields.Dict(allow_none=True, metadata={"description": "Rows/columns/windows used."})
    validation = fields.Dict(allow_none=True)
    test = fields.Dict(allow_none=True)


_STATUS = fields.String(
    metadata={
        "enum": list(STATUSES),
        "description": "New models are candidates; one production model per project and kind.",
    }
)
_HISTORY = fields.Dict(
    keys=fields.String(),
    values=fields.List(fields.Float(allow_none=True)),
    metadata={"description": "The training job's metric curves: name -> values, in order."},
)


class ModelSchema(Schema):
    id = fields.String(dump_only=True)
    kind = fields.String()
    version = fields.String(metadata={"description": "<kind>_<short git hash>_<n>"})
    params = fields.Dict()
    dataset_id = fields.String(allow_none=True)
    job_id = fields.String(allow_none=True)
    project_id = fields.String(
        allow_none=True, dump_default=None, metadata={"description": "null: the default project."}
    )
    status = _STATUS
    metrics = fields.Dict()
    artifacts = fields.Dict(
        keys=fields.String(), values=fields.String(), metadata={"description": "name -> blob id"}
    )
    created_at = fields.String(dump_only=True)
    evaluations = fields.List(
        fields.Dict(),
        dump_default=list,
        metadata={
            "description": "Synthesis evaluations, oldest first: each measure for the model, the held-out "
            "real floor and the trivial fakes, and the verdict per measure."
        },
    )
    data = fields.Nested(ModelDataSchema)
    history = _HISTORY
    artifact_files = fields.List(fields.Nested(ArtifactFileSchema))
    lineage = fields.Nested(ModelLineageSchema)


class ModelListArgs(PageArgs):
    kind = fields.String(validate=validate.Length(min=1, max=64))
    project_id = project_filter_field()
    status = fields.String(validate=validate.OneOf(STATUSES))
    dataset_id = fields.String(validate=_ID)
    sort = fields.String(load_default="-created_at", validate=validate.OneOf(SORTS))


class ModelKindsSchema(Schema):
    kinds = fields.List(
        fields.String(), metadata={"description": "Kinds the caller has models of."}
    )


class ModelUpdateSchema(StrictSchema):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))


class CompareArgs(StrictSchema):
    ids = fields.String(
        required=True,
        validate=validate.Length(min=1, max=400),
        metadata={"description": "2 to 5 model ids of one kind, comma-separated."},
    )


class ComparedModelSchema(Schema):
    id = fields.String()
    version = fields.String()
    status = _STATUS
    project_id = fields.String(allow_none=True)
    params = fields.Dict()
    metrics = fields.Dict()
    evaluations_latest = fields.Dict(allow_none=True)
    history = _HISTORY


class CompareSchema(Schema):
    kind = fields.String()
    models = fields.List(fields.Nested(ComparedModelSchema))


class RetrainSchema(StrictSchema):
    dataset_id = fields.String(required=True, validate=_ID)


class FillSchema(StrictSchema):
    dataset_id = fields.String(required=True, validate=_ID)


class RetrainBatchCreateSchema(StrictSchema):
    model_id = fields.String(
        validate=_ID, metadata={"description": "With dataset_ids: retrain this model on each."}
    )
    dataset_ids = fields.List(fields.String(validate=_ID), validate=validate.Length(min=1, max=20))
    project_id = fields.String(
        validate=_ID,
        metadata={"description": "Alone: retrain every model of this project on its own dataset."},
    )


class RetrainItemSchema(Schema):
    model_id = fields.String()
    dataset_id = fields.String(allow_none=True)
    job_id = fields.String(allow_none=True)
    error = fields.Dict(
        allow_none=True,
        metadata={"description": "Why the job was not started: {status, title, detail}."},
    )
    job_status = fields.String(allow_none=True)
    result_model_id = fields.String(
        allow_none=True, metadata={"description": "The version the job registered."}
    )


class RetrainBatchSchema(Schema):
    id = fields.String()
    created_at = fields.String()
    items = fields.List(fields.Nested(RetrainItemSchema))
