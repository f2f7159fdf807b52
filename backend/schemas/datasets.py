from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from backend.schemas.common import PageArgs, StrictSchema
from backend.schemas.projects import project_filter_field

VEGA_TYPES = ("quantitative", "temporal", "nominal", "ordinal")


class ColumnSchema(Schema):
    name = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(VEGA_TYPES))
    missing = fields.Integer(required=True)


class LineageSchema(Schema):
    source_dataset_id = fields.String(allow_none=True)
    job_id = fields.String(allow_none=True)
    kind = fields.String(allow_none=True)


class DatasetSchema(Schema):
    id = fields.String(dump_only=True)
    filename = fields.String()
    format = fields.String(metadata={"enum": ["csv", "tsv", "json", "jsonl"]})
    size_bytes = fields.Integer()
    sha256 = fields.String()
    n_rows = fields.Integer()
    n_columns = fields.Integer()
    columns = fields.List(fields.Nested(ColumnSchema))
    lineage = fields.Nested(LineageSchema, allow_none=True)
    created_at = fields.String(dump_only=True)
    project_id = fields.String(
        allow_none=True, dump_default=None, metadata={"description": "null: the default project."}
    )


class DatasetUploadSchema(StrictSchema):
    file = Upload(
        required=True, metadata={"description": "CSV, TSV, JSON (array of records) or JSON Lines."}
    )
    # A plain form field beside the file: read from the form by the view (webargs reads one
    # location per schema), declared here so the one multipart request body documents it.
    project_id = fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={"description": "Put the dataset in this project of the caller's."},
    )


UPLOAD_PROJECT_ID = validate.Length(min=1, max=64)


class DatasetUpdateSchema(StrictSchema):
    project_id = fields.String(
        required=True,
        allow_none=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "Move the dataset to this project; null: the default project."},
    )


class DatasetListArgs(PageArgs):
    q = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Only datasets whose filename contains this text."},
    )
    project_id = project_filter_field()


class RowsArgs(StrictSchema):
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=100_000))


class RowsSchema(Schema):
    items = fields.List(
        fields.Dict(),
        required=True,
        metadata={"description": "Rows as records; missing values are null."},
    )
    total = fields.Integer(required=True)
    offset = fields.Integer(required=True)
    limit = fields.Integer(required=True)
