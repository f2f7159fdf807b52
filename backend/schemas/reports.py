"""Reports (blocks, share links), the shared read-only view, and dataset profiles."""

from marshmallow import Schema, fields, validate

from backend.reports.profiling import KINDS
from backend.schemas.common import PageArgs, StrictSchema
from backend.services.reports import BLOCK_TYPES, MAX_BLOCKS, MAX_MARKDOWN_CHARS

TITLE = validate.Length(min=1, max=200)
ID = validate.Length(min=1, max=64)
MARKDOWN = validate.Length(max=MAX_MARKDOWN_CHARS)


class BlockSchema(Schema):
    id = fields.String(required=True, metadata={"description": "Made by the server."})
    type = fields.String(required=True, validate=validate.OneOf(BLOCK_TYPES))
    chart_id = fields.String()
    markdown = fields.String()
    job_id = fields.String()
    model_id = fields.String()


class ShareSchema(Schema):
    token = fields.String(required=True)
    url = fields.String(
        required=True, metadata={"description": "The SPA's page for the read-only report."}
    )


class ReportSchema(Schema):
    id = fields.String(dump_only=True)
    dataset_id = fields.String(required=True)
    title = fields.String(required=True)
    blocks = fields.List(fields.Nested(BlockSchema), required=True)
    share = fields.Nested(ShareSchema, allow_none=True, required=True)
    created_at = fields.String(dump_only=True)
    updated_at = fields.String(dump_only=True)


class ReportCreateSchema(StrictSchema):
    dataset_id = fields.String(required=True, validate=ID)
    title = fields.String(required=True, validate=TITLE)


class ReportUpdateSchema(StrictSchema):
    title = fields.String(required=True, validate=TITLE)


class ReportListArgs(PageArgs):
    dataset_id = fields.String(validate=ID)


class BlockCreateSchema(StrictSchema):
    type = fields.String(required=True, validate=validate.OneOf(BLOCK_TYPES))
    chart_id = fields.String(
        validate=ID, metadata={"description": "type chart: a saved chart of the report's dataset."}
    )
    markdown = fields.String(
        validate=MARKDOWN, metadata={"description": "type text: Markdown, sanitized on output."}
    )
    job_id = fields.String(
        validate=ID, metadata={"description": "type job: one of the caller's succeeded jobs."}
    )
    model_id = fields.String(
        validate=ID, metadata={"description": "type model: one of the caller's models."}
    )
    position = fields.Integer(
        validate=validate.Range(min=0, max=MAX_BLOCKS),
        metadata={"description": "Insert before this index (0 = first); appended when absent."},
    )


class BlockUpdateSchema(StrictSchema):
    markdown = fields.String(required=True, validate=MARKDOWN)


class BlockOrderSchema(StrictSchema):
    block_ids = fields.List(
        fields.String(validate=ID),
        required=True,
        validate=validate.Length(max=MAX_BLOCKS),
        metadata={"description": "Every block id of the report, each once, in the new order."},
    )


# The profile of a dataset.


class HistogramBinSchema(Schema):
    start = fields.Float(required=True)
    end = fields.Float(required=True)
    count = fields.Integer(required=True)


class NumberStatsSchema(Schema):
    min = fields.Float(allow_none=True)
    max = fields.Float(allow_none=True)
    mean = fields.Float(allow_none=True)
    std = fields.Float(allow_none=True)
    q25 = fields.Float(allow_none=True)
    q50 = fields.Float(allow_none=True)
    q75 = fields.Float(allow_none=True)
    histogram = fields.List(fields.Nested(HistogramBinSchema), required=True)


class TopValueSchema(Schema):
    value = fields.String(required=True)
    count = fields.Integer(required=True)


class CategoryStatsSchema(Schema):
    top = fields.List(fields.Nested(TopValueSchema), required=True)
    other_count = fields.Integer(required=True, metadata={"description": "Values outside `top`."})


class TimeStatsSchema(Schema):
    min = fields.String(required=True)
    max = fields.String(required=True)
    frequency = fields.String(
        allow_none=True, metadata={"description": "A pandas offset alias (D, h, MS...) or null."}
    )
    gaps = fields.Integer(
        required=True, metadata={"description": "Steps over 1.5x the usual (median) step."}
    )
    largest_gap = fields.String(
        allow_none=True, metadata={"description": "The longest step in words, e.g. '3 days'."}
    )
    largest_gap_s = fields.Float(allow_none=True)
    largest_gap_start = fields.String(allow_none=True)


class TextStatsSchema(Schema):
    min_length = fields.Integer()
    max_length = fields.Integer()
    mean_length = fields.Float()


class ColumnProfileSchema(Schema):
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    count = fields.Integer(required=True, metadata={"description": "Non-missing values, all rows."})
    missing = fields.Integer(required=True, metadata={"description": "Missing values, all rows."})
    distinct = fields.Integer(required=True, metadata={"description": "In the profiled rows."})
    number = fields.Nested(NumberStatsSchema)
    category = fields.Nested(
        CategoryStatsSchema, metadata={"description": "category and boolean columns."}
    )
    time = fields.Nested(TimeStatsSchema)
    text = fields.Nested(TextStatsSchema)


class ProfileSchema(Schema):
    dataset_id = fields.String(required=True)
    rows = fields.Integer(required=True)
    profiled_rows = fields.Integer(
        required=True,
        metadata={"description": "Rows the statistics beyond counts were computed on."},
    )
    sampled = fields.Boolean(
        required=True, metadata={"description": "True when profiled_rows is a random sample."}
    )
    columns = fields.List(fields.Nested(ColumnProfileSchema), required=True)
    created_at = fields.String()


# The shared, read-only report: every block resolved.


class SummaryFactSchema(Schema):
    label = fields.String(required=True)
    value = fields.String(required=True)


class ScorecardRowSchema(Schema):
    measure = fields.String(required=True)
    model = fields.Float(allow_none=True)
    heldout_real = fields.Float(allow_none=True)
    flagged = fields.Boolean(allow_none=True)


class SummarySchema(Schema):
    title = fields.String(required=True)
    facts = fields.List(fields.Nested(SummaryFactSchema), required=True)
    metrics = fields.List(fields.Nested(SummaryFactSchema), required=True)
    scorecard = fields.List(fields.Nested(ScorecardRowSchema), allow_none=True)


class ResolvedChartSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    spec = fields.Dict(
        required=True,
        metadata={
            "description": "The Vega-Lite spec with the dataset's rows inlined (data.values)."
        },
    )


class ResolvedBlockSchema(BlockSchema):
    html = fields.String(metadata={"description": "text: the Markdown rendered and sanitized."})
    chart = fields.Nested(
        ResolvedChartSchema, allow_none=True, metadata={"description": "chart: null if deleted."}
    )
    profile = fields.Nested(ProfileSchema)
    summary = fields.Nested(
        SummarySchema, allow_none=True, metadata={"description": "job/model: null if deleted."}
    )
    error = fields.String(
        allow_none=True,
        metadata={"description": "chart: why it is not shown (its stored spec is refused now)."},
    )


class SharedDatasetSchema(Schema):
    id = fields.String(required=True)
    filename = fields.String(required=True)
    n_rows = fields.Integer()
    n_columns = fields.Integer()


class SharedReportSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    dataset = fields.Nested(SharedDatasetSchema, required=True)
    blocks = fields.List(fields.Nested(ResolvedBlockSchema), required=True)
    created_at = fields.String()
    updated_at = fields.String()
