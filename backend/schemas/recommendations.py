from marshmallow import Schema, fields, validate

from backend.schemas.common import StrictSchema


class RecommendationArgsSchema(StrictSchema):
    k = fields.Integer(load_default=10, validate=validate.Range(min=1, max=30))
    beam_width = fields.Integer(load_default=15, validate=validate.Range(min=1, max=30))


class RecommendationSchema(Schema):
    spec = fields.Dict(
        required=True, metadata={"description": "Vega-Lite v6, bound to the dataset's rows."}
    )
    score = fields.Float(required=True)
    source = fields.String(
        required=True,
        metadata={
            "enum": ["model", "rules"],
            "description": "model: a Data2Vis beam; rules: chosen from the data's statistics.",
        },
    )
    explanation = fields.String(
        required=True,
        metadata={
            "description": "What the chart shows in this data; the SPA uses it as the chart's title.",
            "example": "Horsepower and Miles_per_Gallon fall together (r = -0.78)",
        },
    )
    intent = fields.String(
        required=True,
        metadata={
            "enum": ["trend", "relationship", "distribution", "comparison", "composition"],
            "description": "The question the chart answers; the SPA groups recommendations by it.",
        },
    )


class RecommendationListSchema(Schema):
    items = fields.List(fields.Nested(RecommendationSchema), required=True)
    model_version = fields.String(required=True)
    k = fields.Integer()
    beam_width = fields.Integer()
    notes = fields.List(
        fields.String(),
        metadata={"description": "Why fewer than k, skipped columns, column subsets."},
    )
    created_at = fields.String()
