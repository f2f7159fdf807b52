from flask import Response
from flask.blueprints import BlueprintSetupState
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.context import current_user_id, store
from backend.api.problems import problem_response
from backend.charts import sandbox
from backend.errors import RendererUnavailableError
from backend.schemas.charts import ChartCreateSchema, ChartListArgs, ChartSchema, ChartUpdateSchema
from backend.schemas.common import page_schema
from backend.services import charts

blp = Blueprint("charts", __name__, url_prefix="/api/v1/charts", description="Saved charts")

IMAGE_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


@blp.record_once
def _configure_rendering(state: BlueprintSetupState) -> None:
    """Size the render sandbox from the app's settings when the app registers this blueprint.

    The pool is per process and shared by every app in it; outside tests its workers start
    now, so the first chart or recommendation does not wait for them.
    """
    config = state.app.extensions["config"]
    sandbox.configure(
        sandbox.Settings(
            workers=config.render_workers,
            memory_mb=config.render_memory_mb,
            timeout_s=config.render_timeout_s,
            queue_wait_s=config.render_queue_wait_s,
        ),
        start=not config.testing,
    )


@blp.app_errorhandler(RendererUnavailableError)
def _renderer_unavailable(error: RendererUnavailableError):  # noqa: ANN202
    # App-wide (recommendations render too); the generic AppError handler sends no Retry-After.
    return problem_response(error.to_problem(), {"Retry-After": str(error.retry_after_s)})


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
        return Response(
            charts.render_chart(store(), current_user_id(), chart_id, "png"), mimetype="image/png"
        )


@blp.route("/<chart_id>/image.svg")
class ChartSvg(MethodView):
    @blp.response(200, content_type="image/svg+xml")
    def get(self, chart_id):
        """The chart rendered server-side as SVG."""
        return Response(
            charts.render_chart(store(), current_user_id(), chart_id, "svg"),
            mimetype="image/svg+xml",
        )
