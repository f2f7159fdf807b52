from marshmallow import Schema, fields

from backend.schemas.common import PageArgs


class ModelSchema(Schema):
    id = fields.String(dump_only=True)
    kind = fields.String()
    version = fields.String(metadata={"description": "<kind>_<short git hash>_<n>"})
    params = fields.Dict()
    dataset_id = fields.String(allow_none=True)
    job_id = fields.String(allow_none=True)
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


class ModelListArgs(PageArgs):
    kind = fields.String()
