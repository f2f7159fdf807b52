"""Markdown to HTML that is safe to show anywhere: parsed without raw HTML, then sanitized.

Two layers, so a mistake in one is caught by the other: markdown-it (CommonMark, tables and
strikethrough) escapes any HTML the author typed, and nh3 (the Ammonia sanitizer) keeps only
the tags below, with no event handlers, no styles, and links only to http(s) and mailto
(a `javascript:` link loses its href). Images are dropped: an exported report must not load
anything from the network, and a remote image would be a tracking pixel.
"""

from __future__ import annotations

import functools

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "s", "del", "code",
        "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


@functools.cache
def _parser() -> MarkdownIt:
    # "html": False makes markdown-it escape raw HTML; linkify stays off (no surprise links).
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def render_markdown(text: str) -> str:
    """Sanitized HTML for `text`."""
    return nh3.clean(
        _parser().render(text),
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )
