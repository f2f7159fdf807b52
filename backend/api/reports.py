from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.context import config, current_user_id, store
from backend.schemas.common import page_schema
from backend.schemas.reports import (
    BlockCreateSchema,
    BlockOrderSchema,
    BlockUpdateSchema,
    ReportCreateSchema,
    ReportListArgs,
    ReportSchema,
    ReportUpdateSchema,
    SharedReportSchema,
    ShareSchema,
)
from backend.services import report_exports, reports

blp = Blueprint(
    "reports", __name__, url_prefix="/api/v1/reports", description="Data summary reports"
)
shared_blp = Blueprint(
    "shared",
    __name__,
    url_prefix="/api/v1/shared",
    description="Reports their owners shared: read-only, no sign-in, the link's token is the key",
)

# The exported page's own policy: its charts are data: images, its styles inline, nothing else.
EXPORT_POLICY = report_exports.html.CSP + "; frame-ancestors 'none'"


def _download(body: str | bytes, filename: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if mimetype == "text/html":
        response.headers["Content-Security-Policy"] = EXPORT_POLICY
    return response


def _render_threads() -> int:
    return config().render_workers


@blp.route("")
class Reports(MethodView):
    @blp.arguments(ReportListArgs, location="query")
    @blp.response(200, page_schema(ReportSchema))
    def get(self, args):
        """The caller's reports, newest first (optionally for one dataset)."""
        return reports.list_reports(
            store(),
            current_user_id(),
            dataset_id=args.get("dataset_id"),
            page_number=args["page"],
            page_size=args["page_size"],
        )

    @blp.arguments(ReportCreateSchema)
    @blp.response(201, ReportSchema)
    def post(self, body):
        """Start an empty report about one of the caller's datasets (429 past MAX_REPORTS_PER_USER)."""
        return reports.create_report(
            store(), current_user_id(), body, max_reports=config().max_reports_per_user
        )


@blp.route("/<report_id>")
class Report(MethodView):
    @blp.response(200, ReportSchema)
    def get(self, report_id):
        """One report with its blocks in order."""
        return reports.get_report(store(), current_user_id(), report_id)

    @blp.arguments(ReportUpdateSchema)
    @blp.response(200, ReportSchema)
    def patch(self, body, report_id):
        """Rename a report."""
        return reports.rename_report(store(), current_user_id(), report_id, body["title"])

    @blp.response(204)
    def delete(self, report_id):
        """Delete a report (its share link stops working)."""
        reports.delete_report(store(), current_user_id(), report_id)


@blp.route("/<report_id>/blocks")
class ReportBlocks(MethodView):
    @blp.arguments(BlockCreateSchema)
    @blp.response(201, ReportSchema)
    def post(self, body, report_id):
        """Add a block (a chart of the report's dataset, Markdown text, the profile, a job or model summary); 422 when what it names is not the caller's or not usable."""
        return reports.add_block(store(), current_user_id(), report_id, body)


# Registered before /blocks/<block_id> so "order" is never taken for a block id.
@blp.route("/<report_id>/blocks/order")
class ReportBlockOrder(MethodView):
    @blp.arguments(BlockOrderSchema)
    @blp.response(200, ReportSchema)
    def put(self, body, report_id):
        """Reorder the blocks; block_ids must list every block once (else 422)."""
        return reports.reorder_blocks(store(), current_user_id(), report_id, body["block_ids"])


@blp.route("/<report_id>/blocks/<block_id>")
class ReportBlock(MethodView):
    @blp.arguments(BlockUpdateSchema)
    @blp.response(200, ReportSchema)
    def patch(self, body, report_id, block_id):
        """Replace a text block's Markdown."""
        return reports.edit_block(store(), current_user_id(), report_id, block_id, body["markdown"])

    @blp.response(200, ReportSchema)
    def delete(self, report_id, block_id):
        """Remove a block."""
        return reports.delete_block(store(), current_user_id(), report_id, block_id)


@blp.route("/<report_id>/share")
class ReportShare(MethodView):
    @blp.response(200, ShareSchema)
    def post(self, report_id):
        """The report's read-only link (made now with an unguessable token, or the existing one)."""
        return reports.share_report(store(), current_user_id(), report_id)

    @blp.response(204)
    def delete(self, report_id):
        """Revoke the link: its token answers 404 from now on."""
        reports.unshare_report(store(), current_user_id(), report_id)


@blp.route("/<report_id>/export.html")
class ReportExportHtml(MethodView):
    @blp.response(200, content_type="text/html")
    def get(self, report_id):
        """The report as one self-contained HTML file (charts as inline SVG images, no scripts, no network)."""
        page, filename = report_exports.export_html(
            store(), current_user_id(), report_id, render_threads=_render_threads()
        )
        return _download(page, filename, "text/html")


@blp.route("/<report_id>/export.pdf")
class ReportExportPdf(MethodView):
    @blp.response(200, content_type="application/pdf")
    def get(self, report_id):
        """The report as PDF, one block per page (a block taller than a page continues on the next)."""
        document, filename = report_exports.export_pdf(
            store(), current_user_id(), report_id, render_threads=_render_threads()
        )
        return _download(document, filename, "application/pdf")


@shared_blp.route("/reports/<token>")
class SharedReport(MethodView):
    @shared_blp.doc(security=[])
    @shared_blp.response(200, SharedReportSchema)
    def get(self, token):
        """A shared report, read-only, every block resolved (chart specs with their data inlined)."""
        return report_exports.shared_report(store(), token)


@shared_blp.route("/reports/<token>/export.html")
class SharedReportExportHtml(MethodView):
    @shared_blp.doc(security=[])
    @shared_blp.response(200, content_type="text/html")
    def get(self, token):
        """A shared report as one self-contained HTML file."""
        page, filename = report_exports.shared_export_html(
            store(), token, render_threads=_render_threads()
        )
        return _download(page, filename, "text/html")
