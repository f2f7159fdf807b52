from flask import request, send_file
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import ValidationError

from backend.api.context import config, current_user_id, dataset_quotas, job_queue, store
from backend.api.responses import accepted, projected_page
from backend.errors import InvalidInputError
from backend.schemas.common import page_schema
from backend.schemas.datasets import (
    UPLOAD_PROJECT_ID,
    DatasetListArgs,
    DatasetSchema,
    DatasetUpdateSchema,
    DatasetUploadSchema,
    RowsArgs,
    RowsSchema,
)
from backend.schemas.imputation import ImputationCreateSchema
from backend.schemas.jobs import JobSchema
from backend.schemas.recommendations import RecommendationArgsSchema, RecommendationListSchema
from backend.schemas.reports import ProfileSchema
from backend.schemas.synthesis import SynthesizerCreateSchema
from backend.services import (
    datasets,
    imputation,
    profiles,
    projects,
    recommendations,
    synthesis,
)
from backend.tabular import tables

blp = Blueprint(
    "datasets", __name__, url_prefix="/api/v1/datasets", description="Uploaded and derived datasets"
)


# A schema instance, not its class: webargs builds a new instance of a class on every request
# (copying each field), which was a tenth of the list's CPU; schemas keep no state between loads.
LIST_ARGS = DatasetListArgs()


@blp.route("")
class Datasets(MethodView):
    @blp.arguments(LIST_ARGS, location="query")
    @blp.response(200, page_schema(DatasetSchema))
    def get(self, args):
        """The caller's upload history, newest first."""
        body = datasets.list_datasets(
            store(),
            current_user_id(),
            page_number=args["page"],
            page_size=args["page_size"],
            q=args.get("q"),
            project_id=args.get("project_id"),
        )
        return projected_page(DatasetSchema, body)

    @blp.arguments(DatasetUploadSchema, location="files")
    @blp.response(201, DatasetSchema)
    def post(self, files):
        """Upload a CSV, TSV, JSON or JSON Lines file; it is stored, parsed and typed.

        An optional `project_id` form field puts it in one of the caller's projects."""
        upload = files["file"]
        owner_id = current_user_id()
        return datasets.create_dataset(
            store(),
            owner_id,
            upload.stream,
            upload.filename,
            limits=_upload_limits(),
            quotas=dataset_quotas(),
            project_id=projects.checked_project_id(store(), owner_id, _form_project_id()),
        )


def _form_project_id() -> str | None:
    """The upload's optional `project_id` form field (422 when it is not an id's length)."""
    value = request.form.get("project_id")
    if value is None:
        return None
    try:
        UPLOAD_PROJECT_ID(value)
    except ValidationError as exc:
        raise InvalidInputError(
            "project_id is not a project id.", errors={"project_id": exc.messages}
        ) from exc
    return value


def _upload_limits() -> tables.Limits:
    cfg = config()
    return tables.Limits(
        max_columns=cfg.max_upload_columns,
        max_header_bytes=cfg.max_upload_header_bytes,
        max_line_bytes=cfg.max_upload_line_bytes,
        max_cell_chars=cfg.max_upload_cell_chars,
    )


@blp.route("/<dataset_id>")
class Dataset(MethodView):
    @blp.response(200, DatasetSchema)
    def get(self, dataset_id):
        """One dataset: columns with Vega-Lite types and missing counts."""
        return datasets.get_dataset(store(), current_user_id(), dataset_id)

    @blp.arguments(DatasetUpdateSchema)
    @blp.response(200, DatasetSchema)
    def patch(self, body, dataset_id):
        """Move the dataset to another of the caller's projects (null: the default project)."""
        return datasets.move_dataset(store(), current_user_id(), dataset_id, body["project_id"])

    @blp.response(204)
    def delete(self, dataset_id):
        """Delete the dataset, its file and its saved charts."""
        datasets.delete_dataset(store(), current_user_id(), dataset_id)


@blp.route("/<dataset_id>/profile")
class DatasetProfile(MethodView):
    @blp.response(200, ProfileSchema)
    def get(self, dataset_id):
        """Per-column statistics and distributions, computed on first request and stored."""
        return profiles.get_profile(store(), current_user_id(), dataset_id)


@blp.route("/<dataset_id>/file")
class DatasetFile(MethodView):
    @blp.response(200, content_type="application/octet-stream")
    def get(self, dataset_id):
        """The original bytes, as uploaded."""
        stream, dataset = datasets.open_file(store(), current_user_id(), dataset_id)
        return send_file(
            stream,
            mimetype=datasets.media_type(dataset),
            as_attachment=True,
            download_name=datasets.download_name(dataset),
        )


@blp.route("/<dataset_id>/rows")
class DatasetRows(MethodView):
    @blp.arguments(RowsArgs, location="query")
    @blp.response(200, RowsSchema)
    def get(self, args, dataset_id):
        """Rows as JSON records (missing values are null)."""
        return datasets.get_rows(
            store(), current_user_id(), dataset_id, offset=args["offset"], limit=args["limit"]
        )


@blp.route("/<dataset_id>/recommendations")
class DatasetRecommendations(MethodView):
    @blp.response(200, RecommendationListSchema)
    def get(self, dataset_id):
        """The last chart recommendations made for this dataset."""
        return recommendations.last_recommendations(store(), current_user_id(), dataset_id)

    @blp.arguments(RecommendationArgsSchema)
    @blp.response(200, RecommendationListSchema)
    def post(self, body, dataset_id):
        """Recommend k ranked, valid, distinct Vega-Lite charts (Data2Vis beam search + rules)."""
        return recommendations.recommend_for_dataset(
            store(), current_user_id(), dataset_id, k=body["k"], beam_width=body["beam_width"]
        )


@blp.route("/<dataset_id>/imputations")
class DatasetImputations(MethodView):
    @blp.arguments(ImputationCreateSchema)
    @blp.response(202, JobSchema)
    def post(self, body, dataset_id):
        """Start filling missing values (baseline, BRITS, NAOMI or auto); live progress on the job."""
        job = imputation.start_imputation(
            store(), job_queue(), current_user_id(), dataset_id, body, quotas=dataset_quotas()
        )
        return accepted(job)


@blp.route("/<dataset_id>/synthesizers")
class DatasetSynthesizers(MethodView):
    @blp.arguments(SynthesizerCreateSchema)
    @blp.response(202, JobSchema)
    def post(self, body, dataset_id):
        """Start training TimeGAN on the dataset's numeric columns; the job registers the model."""
        job = synthesis.start_training(store(), job_queue(), current_user_id(), dataset_id, body)
        return accepted(job)
