"""Text that XML (hence SVG) can hold: vl-convert aborts the whole process, a Rust panic rather
than an exception, when a forbidden character reaches SVG text (e.g. a stray \\x1a in uploaded
data). Dependency-free on purpose: the render sandbox's workers import it without pandas."""

from __future__ import annotations

import re

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(value: object) -> object:
    """Recursively replace XML-invalid characters in every string (keys too) with U+FFFD.

    Applied to spec and data together, so field names and data keys still match.
    """
    if isinstance(value, str):
        return _XML_INVALID.sub("\ufffd", value)
    if isinstance(value, dict):
        return {xml_safe(k): xml_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [xml_safe(v) for v in value]
    return value
