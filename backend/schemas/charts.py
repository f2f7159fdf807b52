from marshmallow import Schema, fields, validate

from backend.schemas.common import PageArgs, StrictSchema

TITLE = validate.Length(min=1, max=200)


class ChartSchema(Schema):
    id = fields.String(dump_only=True)
    dataset_id = fields.String()
    title = fields.String()
    spec = fields.Dict(
        metadata={"description": "Vega-Lite v6 spec; `data` points at the dataset's rows."}
    )
    created_at = fields.String(dump_only=True)
    updated_at = fields.String(dump_only=True)


class ChartCreateSchema(StrictSchema):
    dataset_id = fields.String(required=True)
    spec = fields.Dict(
        required=True,
        metadata={"description": "A Vega-Lite spec; its `data` is replaced by the dataset."},
    )
    title = fields.String(validate=TITLE)


class ChartUpdateSchema(StrictSchema):
    title = fields.String(validate=TITLE)
    spec = fields.Dict()


class ChartListArgs(PageArgs):
    dataset_id = fields.String()
