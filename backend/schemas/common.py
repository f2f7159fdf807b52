"""Shapes every resource shares: problems, pages, ids."""

from __future__ import annotations

import functools

from marshmallow import Schema, fields, validate

MAX_PAGE_SIZE = 100
# Far beyond any real history; a larger page overflowed the stores' 64-bit offsets (500).
MAX_PAGE = 1_000_000


class StrictSchema(Schema):
    """Request bodies: unknown fields are an error, not silently dropped."""

    class Meta:
        ordered = True


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(metadata={"example": "/problems/not-found"})
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Raw(metadata={"description": "Field problems: field name -> list of messages."})


class PageArgs(StrictSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


@functools.cache
def page_schema(item_schema: type[Schema]) -> type[Schema]:
    """`{items, total, page, page_size}` around a list of `item_schema` (one class per item type)."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "total": fields.Integer(required=True),
            "page": fields.Integer(required=True),
            "page_size": fields.Integer(required=True),
        },
        name=name,
    )
