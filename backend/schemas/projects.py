from marshmallow import Schema, fields, validate

from backend.schemas.common import PageArgs, StrictSchema

_NAME = validate.Length(min=1, max=100)
_DESCRIPTION = validate.Length(max=2000)


class ProjectCountsSchema(Schema):
    datasets = fields.Integer()
    jobs = fields.Integer()
    models = fields.Integer()


class ProjectSchema(Schema):
    id = fields.String(dump_only=True)
    name = fields.String()
    description = fields.String()
    created_at = fields.String(dump_only=True)
    updated_at = fields.String(dump_only=True)
    counts = fields.Nested(
        ProjectCountsSchema, metadata={"description": "Datasets, jobs and models in the project."}
    )


class ProjectCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=_NAME)
    description = fields.String(load_default="", validate=_DESCRIPTION)


class ProjectUpdateSchema(StrictSchema):
    name = fields.String(validate=_NAME)
    description = fields.String(validate=_DESCRIPTION)


class ProjectListArgs(PageArgs):
    pass


# `?project_id=` on the datasets, jobs and models lists: a project's id, or `default`.
def project_filter_field() -> fields.String:
    return fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={
            "description": "Only resources of this project; `default` for those in no project."
        },
    )
