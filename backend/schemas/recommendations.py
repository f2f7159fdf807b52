from marshmallow import Schema, fields, validate

from backend.schemas.common import StrictSchema


class RecommendationArgsSchema(StrictSchema):
    k = fields.Integer(load_default=10, validate=validate.Range(min=1, max=30))
    beam_width = fields.Integer(load_default=15, validate=validate.Range(min=1, max=30))


class RecommendationSchema(Schema):
    spec = fields.Dict(required=True, metadata={"description": "Vega-Lite v6, bound to the dataset's rows."})
    score = fields.Float(required=True)
    source = fields.String(required=True, metadata={"enum": ["model", "rules"]})
    explanation = fields.String(required=True, metadata={"example": "mean price by year, line"})


class RecommendationListSchema(Schema):
    items = fields.List(fields.Nested(RecommendationSchema), required=True)
    model_version = fields.String(required=True)
    k = fields.Integer()
    beam_width = fields.Integer()
    notes = fields.List(fields.String(), metadata={"description": "Why fewer than k, skipped columns, column subsets."})
    created_at = fields.String()
