from marshmallow import fields, validate

from backend.jobs.kinds import IMPUTATION_MAX_EPOCHS
from backend.schemas.common import StrictSchema
from models.imputation import METHODS


class ImputationCreateSchema(StrictSchema):
    method = fields.String(load_default="auto", validate=validate.OneOf(METHODS))
    time_column = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "Default: the first temporal column, else row order."},
    )
    columns = fields.List(
        fields.String(),
        load_default=None,
        allow_none=True,
        metadata={"description": "Default: every numeric column."},
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
