"""Responses the blueprints share that `@blp.response` does not build on its own."""

from __future__ import annotations

import functools
import json
from typing import Any

from flask import Response, url_for
from marshmallow import Schema


def accepted(job: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """A started or changed job with where to follow it (the view's 202 + Location)."""
    return job, {"Location": url_for("jobs.Job", job_id=job["id"])}


def projected_page(item_schema: type[Schema], body: dict[str, Any]) -> Response:
    """A page of stored documents as JSON, each projected onto `item_schema`'s output fields.

    For hot list endpoints: the store already holds these documents in their output shape
    (services write them), so a top-level projection gives the same JSON as a full
    marshmallow dump at a fraction of the cost. The view still declares the page schema
    with `@blp.response`, which documents the response; flask-smorest passes a ready
    `Response` through unserialized.
    """
    names = _dump_field_names(item_schema)
    items = [{name: doc[name] for name in names if name in doc} for doc in body["items"]]
    return Response(_ENCODER.encode({**body, "items": items}), mimetype="application/json")


# `json.dumps`' output (the same separators, ASCII escapes and key order), without its check
# for circular references, which a page decoded from the store cannot hold.
_ENCODER = json.JSONEncoder(check_circular=False)


@functools.cache
def _dump_field_names(item_schema: type[Schema]) -> tuple[str, ...]:
    schema = item_schema()
    return tuple(name for name, field in schema.fields.items() if not field.load_only)
