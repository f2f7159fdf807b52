"""Reports resolved for reading: the shared read-only JSON, and the HTML and PDF exports.

Each block is resolved against the report owner's records: a chart to its stored spec (checked
against the allow-list again) with the dataset's rows inlined, or to an SVG drawn in the render
sandbox; text to sanitized HTML; the profile to the stored (or now computed) profile; a job or
model to a short summary. Something a block refers to that was deleted since shows as deleted
(`chart`/`summary` null) instead of failing the whole report.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from backend.charts import vegalite
from backend.errors import InvalidInputError
from backend.reports import html, markdown, pdf, summaries
from backend.services import charts, datasets, profiles, reports
from backend.storage import Store
from models.data2vis.validate import escape_field

# PDF charts are PNGs drawn at twice their size: sharp in print, and several times cheaper
# for WeasyPrint than drawing their SVG, which it does in pure Python.
PNG_SCALE = 2


class _ImageCache:
    """Drawn chart images, newest used kept, up to `max_bytes` in all (one per API process).

    An image depends on the chart's spec (a change bumps its `updated_at`), its dataset's bytes
    (never change) and the format, which make the key; so the editor's preview, which exports
    again after each edit, redraws only the charts that changed.
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self._max_bytes = max_bytes
        self._images: OrderedDict[tuple[str, ...], dict[str, Any]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...]) -> dict[str, Any] | None:
        with self._lock:
            image = self._images.get(key)
            if image is not None:
                self._images.move_to_end(key)
            return image

    def put(self, key: tuple[str, ...], image: dict[str, Any]) -> None:
        with self._lock:
            if key in self._images:
                return
            self._images[key] = image
            self._bytes += len(image["data"])
            while self._bytes > self._max_bytes and len(self._images) > 1:
                _, dropped = self._images.popitem(last=False)
                self._bytes -= len(dropped["data"])

    def clear(self) -> None:
        with self._lock:
            self._images.clear()
            self._bytes = 0


image_cache = _ImageCache()


def shared_report(store: Store, token: str) -> dict[str, Any]:
    """The report a share link opens, every block resolved, charts as specs with data inlined."""
    return resolve(store, reports.get_shared_report(store, token), charts_as="spec")


def export_html(
    store: Store, owner_id: str, report_id: str, *, render_threads: int = 2
) -> tuple[str, str]:
    """(page, file name) of the owner's report as one self-contained HTML file."""
    report = reports.get_report_document(store, owner_id, report_id)
    return _page(store, report, "svg", render_threads), export_filename(report, "html")


def export_pdf(
    store: Store, owner_id: str, report_id: str, *, render_threads: int = 2
) -> tuple[bytes, str]:
    """(PDF, file name): the HTML export printed, one block per page (backend/reports/html.py)."""
    report = reports.get_report_document(store, owner_id, report_id)
    page = _page(store, report, "png", render_threads)
    return pdf.html_to_pdf(page), export_filename(report, "pdf")


def shared_export_html(store: Store, token: str, *, render_threads: int = 2) -> tuple[str, str]:
    report = reports.get_shared_report(store, token)
    return _page(store, report, "svg", render_threads), export_filename(report, "html")


def _page(store: Store, report: dict[str, Any], image_format: str, render_threads: int) -> str:
    resolved = resolve(store, report, charts_as=image_format, render_threads=render_threads)
    return html.render_html(resolved)


def columns_named(spec: Any, columns: list[str]) -> list[str]:
    """The columns whose name (or its Vega-Lite escaped form) occurs as a word in a string of
    the spec.

    Every way a Vega-Lite spec reads a column (a field, a transform, an expression such as
    `datum['a b'] > 3`) writes its name in a string value, not next to other letters, digits
    or underscores, so this never drops a column the chart draws; it may keep one it does not
    (a name that is also a word of a title), which is harmless.
    """
    texts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key != "data":  # the bound rows URL, not a column
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(spec)
    blob = "\n".join(texts)
    return [
        name
        for name in columns
        if any(
            re.search(rf"(?<![A-Za-z0-9_]){re.escape(form)}(?![A-Za-z0-9_])", blob)
            for form in {name, escape_field(name)}
        )
    ]


def export_filename(report: dict[str, Any], extension: str) -> str:
    """A plain ASCII file name from the title ("Q3 sales: €" -> "Q3-sales.pdf")."""
    letters = "".join(
        ch for ch in unicodedata.normalize("NFKD", report["title"]) if not unicodedata.combining(ch)
    )  # "é" -> "e"; other non-ASCII characters become separators below
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", letters).strip("-._")[:80]
    return f"{stem or 'report'}.{extension}"


def resolve(
    store: Store, report: dict[str, Any], *, charts_as: str, render_threads: int = 2
) -> dict[str, Any]:
    """The report with every block's content; `charts_as` is "spec" (the JSON view: specs with
    their data inlined) or an image format, "svg" or "png" (exports: each chart drawn)."""
    owner_id = report["owner_id"]
    dataset = datasets.get_dataset(store, owner_id, report["dataset_id"])
    resolver = _Resolver(store, owner_id, dataset)
    blocks = [resolver.block(b, charts_as) for b in report["blocks"]]
    if charts_as != "spec":
        resolver.draw_charts(blocks, charts_as, render_threads)
    return {
        "id": report["id"],
        "title": report["title"],
        "dataset": {
            "id": dataset["id"],
            "filename": dataset["filename"],
            "n_rows": dataset.get("n_rows"),
            "n_columns": dataset.get("n_columns"),
        },
        "blocks": blocks,
        "created_at": report["created_at"],
        "updated_at": report.get("updated_at", report["created_at"]),
    }


class _Resolver:
    """Loads what the blocks of one report refer to, each thing once."""

    def __init__(self, store: Store, owner_id: str, dataset: dict[str, Any]) -> None:
        self.store, self.owner_id, self.dataset = store, owner_id, dataset
        self._records: list[dict[str, Any]] | None = None
        self._records_lock = threading.Lock()  # the drawing threads share the rows
        self._profile: dict[str, Any] | None = None
        self._names: dict[str, str | None] = {dataset["id"]: dataset["filename"]}

    def block(self, block: dict[str, Any], charts_as: str) -> dict[str, Any]:
        out = dict(block)
        kind = block["type"]
        if kind == "text":
            out["html"] = markdown.render_markdown(block["markdown"])
        elif kind == "chart":
            out.update(self._chart(block["chart_id"], with_data=charts_as == "spec"))
        elif kind == "profile":
            out["profile"] = self._dataset_profile()
        elif kind == "job":
            job = self.store.jobs.get(block["job_id"], self.owner_id)
            out["summary"] = job and summaries.job_summary(job, self._name(job.get("dataset_id")))
        elif kind == "model":
            model = self.store.models.get(block["model_id"], self.owner_id)
            out["summary"] = model and summaries.model_summary(
                model, self._name(model.get("dataset_id"))
            )
        return out

    def draw_charts(self, blocks: list[dict[str, Any]], image_format: str, threads: int) -> None:
        """Draw every chart block as an image, `threads` at once (the render pool's size)."""
        todo = [b for b in blocks if b["type"] == "chart" and b.get("chart")]
        with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
            drawn = list(pool.map(lambda block: self._image(block, image_format), todo))
        for block, (image, error) in zip(todo, drawn, strict=True):
            block["image"], block["error"] = image, error
            block["chart"] = {k: v for k, v in block["chart"].items() if k != "stored"}

    def _chart(self, chart_id: str, *, with_data: bool) -> dict[str, Any]:
        chart = self.store.charts.get(chart_id, self.owner_id)
        if chart is None:
            return {"chart": None}
        shown: dict[str, Any] = {"id": chart["id"], "title": chart["title"]}
        if not with_data:
            return {"chart": {**shown, "stored": chart}}
        try:
            spec = charts.inlined_spec(chart, self.dataset, self._rows_for(chart))
        except InvalidInputError as error:  # a stored spec the allow-list refuses now
            return {"chart": None, "error": error.detail}
        return {"chart": {**shown, "spec": spec}}

    def _image(
        self, block: dict[str, Any], image_format: str
    ) -> tuple[dict[str, Any] | None, str | None]:
        """(image, None), or (None, why) for a chart that cannot be drawn; a busy pool raises."""
        chart = block["chart"]["stored"]
        key = (chart["id"], str(chart.get("updated_at")), self.dataset["blob_id"], image_format)
        cached = image_cache.get(key)
        if cached is not None:
            return cached, None
        try:
            spec = charts.inlined_spec(chart, self.dataset, self._rows_for(chart))
            data = vegalite.render(spec, image_format, scale=PNG_SCALE)
        except InvalidInputError as error:  # refused by the allow-list, or unrenderable
            return None, error.detail
        if image_format == "svg":
            image: dict[str, Any] = {"media_type": "image/svg+xml", "data": data}
        else:
            # The PNG header's width field (bytes 16-20), at the size the chart was drawn.
            width_px = int.from_bytes(data[16:20], "big") // PNG_SCALE
            image = {"media_type": "image/png", "data": data, "width_px": width_px}
        image_cache.put(key, image)
        return image, None

    def _rows_for(self, chart: dict[str, Any]) -> list[dict[str, Any]]:
        """The dataset's rows with only the columns the chart's spec names.

        A shared report's JSON carries each chart's data: the other columns would show the
        link's holders more than the charts do (and weigh rows x columns x charts).
        """
        names = [c["name"] for c in self.dataset["columns"]]
        used = columns_named(chart["spec"], names)
        if len(used) == len(names):
            return self._chart_records()
        return [{name: row.get(name) for name in used} for row in self._chart_records()]

    def _chart_records(self) -> list[dict[str, Any]]:
        # Charts of one report share one dataset: its rows are converted once, when a chart
        # needs them (not at all when every image comes from the cache).
        with self._records_lock:
            if self._records is None:
                self._records = charts.chart_records(self.store, self.dataset)
            return self._records

    def _dataset_profile(self) -> dict[str, Any]:
        if self._profile is None:
            self._profile = profiles.get_profile(self.store, self.owner_id, self.dataset["id"])
        return self._profile

    def _name(self, dataset_id: str | None) -> str | None:
        if not dataset_id:
            return None
        if dataset_id not in self._names:
            found = self.store.datasets.get(dataset_id, self.owner_id)
            self._names[dataset_id] = found["filename"] if found else None
        return self._names[dataset_id]
