from flask import send_file
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.context import config, current_user_id, dataset_quotas, job_queue, store
from backend.api.responses import accepted
from backend.schemas.common import page_schema
from backend.schemas.datasets import DatasetSchema
from backend.schemas.jobs import JobSchema
from backend.schemas.models import (
    CompareArgs,
    CompareSchema,
    FillSchema,
    ModelKindsSchema,
    ModelListArgs,
    ModelSchema,
    ModelUpdateSchema,
    RetrainBatchCreateSchema,
    RetrainBatchSchema,
    RetrainSchema,
)
from backend.schemas.synthesis import EvaluationCreateSchema, SampleCreateSchema
from backend.services import models, retraining, synthesis

blp = Blueprint(
    "models", __name__, url_prefix="/api/v1/models", description="Registry of trained models"
)


@blp.route("")
class Models(MethodView):
    @blp.arguments(ModelListArgs, location="query")
    @blp.response(200, page_schema(ModelSchema))
    def get(self, args):
        """The caller's trained models (filters are exact; newest first unless `sort` says)."""
        return models.list_models(
            store(),
            current_user_id(),
            kind=args.get("kind"),
            project_id=args.get("project_id"),
            status=args.get("status"),
            dataset_id=args.get("dataset_id"),
            sort=args["sort"],
            page_number=args["page"],
            page_size=args["page_size"],
        )


@blp.route("/kinds")
class ModelKinds(MethodView):
    @blp.response(200, ModelKindsSchema)
    def get(self):
        """The kinds the caller has models of (for a filter's choices)."""
        return {"kinds": models.model_kinds(store(), current_user_id())}


@blp.route("/compare")
class ModelCompare(MethodView):
    @blp.arguments(CompareArgs, location="query")
    @blp.response(200, CompareSchema)
    def get(self, args):
        """2-5 of the caller's models of one kind side by side: params, metrics, the latest
        evaluation, loss curves (422 for mixed kinds, 404 for one not the caller's)."""
        ids = [i.strip() for i in args["ids"].split(",") if i.strip()]
        return models.compare_models(store(), current_user_id(), ids)


@blp.route("/retrain-batch")
class RetrainBatches(MethodView):
    @blp.arguments(RetrainBatchCreateSchema)
    @blp.response(202, RetrainBatchSchema)
    def post(self, body):
        """Retrain `model_id` on each of `dataset_ids`, or every model of `project_id` on its own
        dataset, through the job queue. An item the user's limits refuse (429) or whose data
        does not fit (422) carries its error; the others start."""
        return retraining.start_batch(
            store(), job_queue(), current_user_id(), body, quotas=dataset_quotas()
        )


@blp.route("/retrain-batch/<batch_id>")
class RetrainBatch(MethodView):
    @blp.response(200, RetrainBatchSchema)
    def get(self, batch_id):
        """A retrain batch: each item's job status now and the version its job registered."""
        return retraining.batch_status(store(), current_user_id(), batch_id)


@blp.route("/<model_id>")
class Model(MethodView):
    @blp.response(200, ModelSchema)
    def get(self, model_id):
        """One model: kind, version, project, status, params, data used, metrics, loss history,
        evaluations, artifact files (size, sha256), lineage."""
        return models.model_record(store(), current_user_id(), model_id)

    @blp.arguments(ModelUpdateSchema)
    @blp.response(200, ModelSchema)
    def patch(self, body, model_id):
        """Set the status. One production model per project and kind: promoting one demotes the
        project's previous production model of that kind to candidate."""
        return models.set_status(store(), current_user_id(), model_id, body["status"])

    @blp.response(204)
    def delete(self, model_id):
        """Delete a model and its artifact blobs."""
        models.delete_model(store(), current_user_id(), model_id)


@blp.route("/<model_id>/artifacts/<name>")
class ModelArtifact(MethodView):
    @blp.response(200, content_type="application/octet-stream")
    def get(self, model_id, name):
        """Download one artifact file (its size and sha256 are on the model's record)."""
        stream, filename = models.open_artifact(store(), current_user_id(), model_id, name)
        return send_file(
            stream,
            mimetype="application/octet-stream",
            as_attachment=True,
            download_name=filename,
        )


@blp.route("/<model_id>/retrain")
class ModelRetrain(MethodView):
    @blp.arguments(RetrainSchema)
    @blp.response(202, JobSchema)
    def post(self, body, model_id):
        """Train the model's configuration on another dataset as a job; it registers the next
        version, in the model's project, with `lineage.retrained_from` = this model."""
        job = retraining.retrain(
            store(),
            job_queue(),
            current_user_id(),
            model_id,
            body["dataset_id"],
            quotas=dataset_quotas(),
        )
        return accepted(job)


@blp.route("/<model_id>/fill")
class ModelFill(MethodView):
    @blp.arguments(FillSchema)
    @blp.response(202, JobSchema)
    def post(self, body, model_id):
        """Fill a dataset's gaps with a trained BRITS/NAOMI model, without training, as an
        `imputation` job that makes an imputed dataset (422 for other kinds or missing columns)."""
        job = retraining.start_fill(
            store(),
            job_queue(),
            current_user_id(),
            model_id,
            body["dataset_id"],
            quotas=dataset_quotas(),
        )
        return accepted(job)


@blp.route("/<model_id>/samples")
class ModelSamples(MethodView):
    @blp.arguments(SampleCreateSchema)
    @blp.response(201, DatasetSchema)
    def post(self, body, model_id):
        """Generate n synthetic sequences (original units, long format) as a new dataset.

        At most 500,000 rows (n x seq_len; 422 past it) and MAX_UPLOAD_MB of CSV (413 past it).
        """
        return synthesis.sample_dataset(
            store(),
            current_user_id(),
            model_id,
            body["n"],
            body["seed"],
            max_bytes=config().max_upload_bytes,
            quotas=dataset_quotas(),
        )


@blp.route("/<model_id>/evaluations")
class ModelEvaluations(MethodView):
    @blp.arguments(EvaluationCreateSchema)
    @blp.response(202, JobSchema)
    def post(self, body, model_id):
        """Start scoring a TimeGAN model: discriminative/predictive scores, PCA and t-SNE, distributions."""
        job = synthesis.start_evaluation(store(), job_queue(), current_user_id(), model_id, body)
        return accepted(job)
