"""A field whose value is one of several schemas, documented in OpenAPI as `anyOf`.

A job's `params`, `live` and `result` take one shape per job kind. The stored value is sent as
it is (no per-kind dump), and the OpenAPI document lists the shapes, so the SPA's generated
types name them instead of casting.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields


class AnyOfSchemas(fields.Raw):
    """Dumped as stored; documented as `anyOf` the given schemas.

    anyOf, not oneOf: a catch-all member (an open object) may overlap the specific ones.
    """

    def __init__(self, *schemas: type[Schema], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.schemas = schemas


def any_of_properties(self: Any, field: fields.Field, **kwargs: Any) -> dict[str, Any]:
    """apispec attribute function (bound to its field converter): `anyOf` refs of an AnyOfSchemas."""
    if not isinstance(field, AnyOfSchemas):
        return {}
    return {"anyOf": [self.resolve_nested_schema(schema) for schema in field.schemas]}
