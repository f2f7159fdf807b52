from marshmallow import Schema, fields, validate

from backend.jobs.kinds import IMPUTATION_MAX_EPOCHS
from backend.schemas.common import StrictSchema
from models.imputation import METHODS


class ImputationCreateSchema(StrictSchema):
    method = fields.String(
        load_default="auto",
        validate=validate.OneOf(METHODS),
        metadata={
            "description": "auto: validated per column and gap length (the default); where no "
            "method beats it on held-out gaps, the Kalman smoother fills (time interpolation "
            "on an unevenly spaced series; trading days count as evenly spaced). "
            "mean, locf, linear, time, seasonal: formulas. kalman: the Kalman smoother of a "
            "state-space model fitted per column, blended with the simple method its model "
            "nests (interpolation or the seasonal profile) in a share chosen per gap length on "
            "stretches of the series hidden in turn (the simple method alone where too few "
            "exist). brits, naomi: trained networks."
        },
    )
    time_column = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "Default: the first temporal column, else row order."},
    )
    columns = fields.List(
        fields.String(),
        load_default=None,
        allow_none=True,
        metadata={"description": "Default: every numeric column that holds a value."},
    )
    epochs = fields.Integer(
        load_default=30, validate=validate.Range(min=1, max=IMPUTATION_MAX_EPOCHS)
    )
    window_size = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=4, max=2048)
    )
    learning_rate = fields.Float(
        load_default=None, allow_none=True, validate=validate.Range(min=1e-6, max=1.0)
    )
    hidden_size = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=2, max=1024)
    )
    batch_size = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=1024)
    )
    time_budget_s = fields.Float(
        load_default=60.0,
        validate=validate.Range(min=1, max=3600),
        metadata={"description": "auto: training budget."},
    )
    epoch_budget = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=2000),
        metadata={
            "description": "auto: epochs per model and fold instead of the time budget (repeatable choices)."
        },
    )
    seed = fields.Integer(load_default=0)


# ---- What an `imputation` job holds (GET /jobs/{id}): documented, sent as stored ----


class ImputationJobParamsSchema(ImputationCreateSchema):
    """The `imputation` job's params: the request with its defaults, the columns resolved."""

    dataset_id = fields.String(required=True)
    model_id = fields.String(
        metadata={"description": "A fill (POST /models/{id}/fill): the trained model used."}
    )


class LiveColumnSchema(Schema):
    values = fields.List(fields.Float(allow_none=True), required=True)
    imputed = fields.List(
        fields.Boolean(), required=True, metadata={"description": "True where the value is filled."}
    )


class ImputationLiveSchema(Schema):
    """The current imputed series (each epoch for BRITS/NAOMI, once at the end otherwise)."""

    time_column = fields.String(required=True, allow_none=True)
    index = fields.List(
        fields.Raw(metadata={"oneOf": [{"type": "string"}, {"type": "number"}]}),
        required=True,
        metadata={"description": "Times (ISO strings or numbers), or row numbers."},
    )
    columns = fields.Dict(
        keys=fields.String(), values=fields.Nested(LiveColumnSchema), required=True
    )
    downsampled_from = fields.Integer(
        metadata={"description": "Steps of the whole series (the payload keeps a few thousand)."}
    )


class ValidationScoreSchema(Schema):
    """Held-out validation over observed cells hidden in gaps like the real ones."""

    mae = fields.Float(allow_none=True)
    rmse = fields.Float(allow_none=True)
    mre = fields.Float(allow_none=True)
    n = fields.Integer(metadata={"description": "Cells scored."})


class ImputationResultSchema(Schema):
    dataset_id = fields.String(
        required=True, metadata={"description": "The imputed dataset (the source is unchanged)."}
    )
    model_id = fields.String(metadata={"description": "brits, naomi, auto: the registered model."})
    used_model_id = fields.String(
        metadata={
            "description": "A fill: the trained model that filled the gaps (nothing trained)."
        }
    )
    method = fields.String(required=True)
    filled_cells = fields.Integer(required=True)
    notes = fields.List(fields.String(), required=True)
    validation = fields.Nested(ValidationScoreSchema, metadata={"description": "brits, naomi."})
    choice = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.String()),
        metadata={"description": "auto: column -> gap-length bucket -> method."},
    )
    evidence = fields.Dict(
        metadata={
            "description": "auto: what was compared on which held-out gaps (decisions, validation, budget)."
        }
    )
