from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.context import current_user_id, store
from backend.schemas.charts import ChartCreateSchema, ChartListArgs, ChartSchema, ChartUpdateSchema
from backend.schemas.common import page_schema
from backend.services import charts

blp = Blueprint("charts", __name__, url_prefix="/api/v1/charts", description="Saved charts")

IMAGE_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


@blp.route("")
class Charts(MethodView):
    @blp.arguments(ChartListArgs, location="query")
    @blp.response(200, page_schema(ChartSchema))
    def get(self, args):
        """The caller's saved charts, newest first (optionally for one dataset)."""
        return charts.list_charts(
            store(),
            current_user_id(),
            dataset_id=args.get("dataset_id"),
            page_number=args["page"],
            page_size=args["page_size"],
        )

    @blp.arguments(ChartCreateSchema)
    @blp.response(201, ChartSchema)
    def post(self, body):
        """Save a Vega-Lite spec for one of the caller's datasets."""
        return charts.create_chart(store(), current_user_id(), body)


@blp.route("/<chart_id>")
class Chart(MethodView):
    @blp.response(200, ChartSchema)
    def get(self, chart_id):
        """One saved chart."""
        return charts.get_chart(store(), current_user_id(), chart_id)

    @blp.arguments(ChartUpdateSchema)
    @blp.response(200, ChartSchema)
    def patch(self, body, chart_id):
        """Rename a chart or replace its spec."""
        return charts.update_chart(store(), current_user_id(), chart_id, body)

    @blp.response(204)
    def delete(self, chart_id):
        """Delete a saved chart."""
        charts.delete_chart(store(), current_user_id(), chart_id)


@blp.route("/<chart_id>/image.png")
class ChartPng(MethodView):
    @blp.response(200, content_type="image/png")
    def get(self, chart_id):
        """The chart rendered server-side as PNG."""
        return Response(charts.render_chart(store(), current_user_id(), chart_id, "png"), mimetype="image/png")


@blp.route("/<chart_id>/image.svg")
class ChartSvg(MethodView):
    @blp.response(200, content_type="image/svg+xml")
    def get(self, chart_id):
        """The chart rendered server-side as SVG."""
        return Response(charts.render_chart(store(), current_user_id(), chart_id, "svg"), mimetype="image/svg+xml")
