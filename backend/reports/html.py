"""A report as one self-contained HTML page: no script, no network, opens from a file.

Charts come in as images drawn by the render sandbox (SVG for the HTML export; PNG at 2x for
the PDF, whose SVG drawing is pure Python and took ~0.8 s a chart) and are embedded as `data:`
images (an <img> never runs script, even if an SVG held some); profile histograms are small inline SVGs
drawn here; text blocks are sanitized HTML (backend/reports/markdown.py). Everything else is
escaped. A strict Content-Security-Policy meta forbids every load except `data:` images and
the inline stylesheet, so even a mistake cannot reach the network.

Printing (and the PDF, rendered from this page) puts each block on a page of its own, the
title above the first: `len(blocks)` pages (one for an empty report), plus one for each block
taller than a page (a long text, the profile of a wide table).
"""

from __future__ import annotations

import base64
from html import escape
from typing import Any

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
HISTOGRAM_WIDTH, HISTOGRAM_HEIGHT = 120, 32

STYLE = """
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #1d2733; margin: 0 auto;
       max-width: 60rem; padding: 1.5rem; line-height: 1.45; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
.meta { color: #5b6775; font-size: .9rem; margin: 0 0 1.5rem; }
.block { margin: 0 0 2rem; }
.block h2 { font-size: 1.2rem; margin: 0 0 .5rem; }
img.chart { display: block; max-width: 100%; height: auto; max-height: 22cm; }
.missing { color: #8a5300; font-style: italic; }
table { border-collapse: collapse; font-size: .85rem; margin: .5rem 0; }
th, td { border-bottom: 1px solid #d7dde4; padding: .25rem .5rem; text-align: left;
         vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.text pre { white-space: pre-wrap; }
.flag { color: #a4262c; font-weight: bold; }
@media screen {
  /* A narrow screen scrolls the profile table sideways rather than squeezing its summaries. */
  .profile { overflow: auto; }
  td.summary { min-width: 14rem; }
}
@page { size: A4; margin: 1.6cm; }
@media print {
  body { max-width: none; padding: 0; }
  .block { break-before: page; margin: 0; }
  .block.first { break-before: auto; }
  .profile table { width: 100%; font-size: .72rem; }
  /* A chart fills the page's width, and at most most of its height, keeping its shape. */
  img.chart { width: 100% !important; max-height: 20cm; object-fit: contain;
              object-position: left top; }
}
"""


def render_html(report: dict[str, Any]) -> str:
    """The page for a resolved report (backend/services/report_exports.py builds it)."""
    dataset = report["dataset"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(report['title'])}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{escape(report['title'])}</h1>",
        f'<p class="meta">Dataset {escape(dataset["filename"])} · {dataset.get("n_rows", 0):,} rows'
        f" · updated {escape(str(report.get('updated_at', ''))[:16].replace('T', ' '))} UTC</p>",
    ]
    for index, block in enumerate(report["blocks"]):
        css = "block first" if index == 0 else "block"
        parts.append(f'<section class="{css} {escape(block["type"])}">{_block(block)}</section>')
    parts.append("</body></html>")
    return "\n".join(parts)


def _block(block: dict[str, Any]) -> str:
    kind = block["type"]
    if kind == "text":
        return block["html"]
    if kind == "chart":
        return _chart(block)
    if kind == "profile":
        return _profile(block["profile"])
    return _summary(block.get("summary"), kind)


def _chart(block: dict[str, Any]) -> str:
    chart = block.get("chart")
    if chart is None:
        return '<p class="missing">This chart was deleted.</p>'
    title = f"<h2>{escape(chart['title'])}</h2>"
    image = block.get("image")
    if image is None:
        reason = escape(block.get("error") or "it cannot be drawn")
        return f'{title}<p class="missing">This chart could not be drawn: {reason}</p>'
    data = base64.b64encode(image["data"]).decode("ascii")
    # A PNG drawn at 2x shows at its drawn size (its pixels / 2), not twice as large.
    size = f' style="width: {image["width_px"]}px"' if image.get("width_px") else ""
    return (
        f'{title}<img class="chart" alt="{escape(chart["title"])}"{size} '
        f'src="data:{image["media_type"]};base64,{data}">'
    )


def _summary(summary: dict[str, Any] | None, kind: str) -> str:
    if summary is None:
        return f'<p class="missing">This {kind} was deleted.</p>'
    rows = "".join(
        f"<tr><th>{escape(f['label'])}</th><td>{escape(f['value'])}</td></tr>"
        for f in summary["facts"] + summary["metrics"]
    )
    html = f"<h2>{escape(summary['title'])}</h2><table>{rows}</table>"
    if summary.get("scorecard"):
        body = "".join(
            f"<tr><td>{escape(r['measure'])}</td><td class=num>{_num(r['model'])}</td>"
            f"<td class=num>{_num(r['heldout_real'])}</td>"
            f"<td>{'<span class=flag>flagged</span>' if r['flagged'] else ''}</td></tr>"
            for r in summary["scorecard"]
        )
        html += (
            "<table><thead><tr><th>Measure (lower is better)</th><th>Model</th>"
            f"<th>Held-out real</th><th></th></tr></thead><tbody>{body}</tbody></table>"
        )
    return html


def _profile(profile: dict[str, Any]) -> str:
    sample = (
        f" Statistics beyond counts from a random sample of {profile['profiled_rows']:,} rows."
        if profile["sampled"]
        else ""
    )
    rows = "".join(_profile_row(c) for c in profile["columns"])
    return (
        f"<h2>Dataset profile</h2><p>{profile['rows']:,} rows, {len(profile['columns'])} columns."
        f"{sample}</p><div class=profile><table><thead><tr><th>Column</th><th>Kind</th>"
        "<th>Count</th><th>Missing</th><th>Distinct</th><th>Summary</th><th>Distribution</th>"
        f"</tr></thead><tbody>{rows}</tbody></table></div>"
    )


def _profile_row(column: dict[str, Any]) -> str:
    summary, plot = "", ""
    if column.get("number"):
        n = column["number"]
        summary = (
            f"min {_num(n['min'])} · q25 {_num(n['q25'])} · median {_num(n['q50'])} · "
            f"q75 {_num(n['q75'])} · max {_num(n['max'])} · mean {_num(n['mean'])} · sd {_num(n['std'])}"
        )
        plot = histogram_svg(n["histogram"])
    elif column.get("category"):
        c = column["category"]
        shown = ", ".join(f"{escape(t['value'][:40])} ({t['count']:,})" for t in c["top"][:5])
        rest = c["other_count"] + sum(t["count"] for t in c["top"][5:])
        summary = shown + (f", others ({rest:,})" if rest else "")
        plot = histogram_svg([{"count": t["count"]} for t in c["top"]])
    elif column.get("time"):
        t = column["time"]
        summary = f"{_moment(t['min'])} to {_moment(t['max'])}"
        summary += f" · every {escape(t['frequency'])}" if t.get("frequency") else ""
        if t.get("gaps"):
            gaps = "1 gap" if t["gaps"] == 1 else f"{t['gaps']:,} gaps"
            summary += f" · {gaps}, longest {escape(t['largest_gap'] or '')}"
    elif column.get("text"):
        x = column["text"]
        summary = f"text, {x['min_length']}-{x['max_length']} characters"
    return (
        f"<tr><td>{escape(column['name'])}</td><td>{column['kind']}</td>"
        f"<td class=num>{column['count']:,}</td><td class=num>{column['missing']:,}</td>"
        f"<td class=num>{column['distinct']:,}</td><td class=summary>{summary}</td><td>{plot}</td></tr>"
    )


def histogram_svg(bins: list[dict[str, Any]]) -> str:
    """A small inline bar plot of bin counts (numbers: a histogram; categories: top values)."""
    counts = [int(b["count"]) for b in bins]
    if not counts or max(counts) == 0:
        return ""
    width = HISTOGRAM_WIDTH / len(counts)
    top = max(counts)
    bars = "".join(
        f'<rect fill="#4c78a8" x="{i * width:.2f}" y="{HISTOGRAM_HEIGHT - h:.2f}" width="{max(width - 1, 0.5):.2f}" height="{h:.2f}"/>'
        for i, h in enumerate(HISTOGRAM_HEIGHT * c / top for c in counts)
    )
    return (
        f'<svg class="hist" width="{HISTOGRAM_WIDTH}" '
        f'height="{HISTOGRAM_HEIGHT}" viewBox="0 0 {HISTOGRAM_WIDTH} {HISTOGRAM_HEIGHT}" '
        f'role="img" aria-label="distribution">{bars}</svg>'
    )


def _moment(iso: str) -> str:
    """An ISO time as a person reads it: no "T", no midnight on dates."""
    return escape(iso.removesuffix("T00:00:00").replace("T", " "))


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"
