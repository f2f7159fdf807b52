"""Request checks that run before any view: bodies no parser downstream can be trusted with."""

from __future__ import annotations

import json
from typing import Any

from flask import request
from webargs.core import is_json

from backend.errors import BadRequestError

# Vega-Lite specs, the deepest bodies the API takes, nest about ten levels; much deeper ones
# would hit the recursion limit in whatever walks them later (validation, rendering, storage).
MAX_JSON_BODY_DEPTH = 64


def check_json_body() -> None:
    """before_request: refuse JSON bodies Python's parser chokes on, as 400 problem+json.

    webargs turns a malformed body into a 400 itself, but json.loads raises RecursionError for
    very deep nesting and ValueError for integers of more than 4,300 digits, which reached the
    catch-all as 500s. The same body is parsed again by webargs; API bodies are small.
    """
    if request.method in ("GET", "HEAD", "OPTIONS") or not is_json(request.mimetype):
        return
    data = request.get_data(cache=True)
    if not data:
        return
    try:
        value = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return  # webargs answers these with its own 400
    except RecursionError as exc:
        raise BadRequestError(
            f"The request body is nested too deeply; the limit is {MAX_JSON_BODY_DEPTH} levels."
        ) from exc
    except ValueError as exc:
        raise BadRequestError("The request body has a number with more than 4,300 digits.") from exc
    if _depth_exceeds(value, MAX_JSON_BODY_DEPTH):
        raise BadRequestError(
            f"The request body is nested more than {MAX_JSON_BODY_DEPTH} levels deep."
        )


def _depth_exceeds(value: Any, limit: int) -> bool:
    # Iterative, so a deep value cannot overflow the stack here either.
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend(
            (child, depth + 1) for child in children if isinstance(child, dict | list) and child
        )
    return False
