from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.context import config, current_user_id, dataset_quotas, job_queue, store
from backend.api.responses import accepted
from backend.schemas.common import page_schema
from backend.schemas.datasets import DatasetSchema
from backend.schemas.jobs import JobSchema
from backend.schemas.models import ModelListArgs, ModelSchema
from backend.schemas.synthesis import EvaluationCreateSchema, SampleCreateSchema
from backend.services import models, synthesis

blp = Blueprint(
    "models", __name__, url_prefix="/api/v1/models", description="Registry of trained models"
)


@blp.route("")
class Models(MethodView):
    @blp.arguments(ModelListArgs, location="query")
    @blp.response(200, page_schema(ModelSchema))
    def get(self, args):
        """The caller's trained models, newest first."""
        return models.list_models(
            store(),
            current_user_id(),
            kind=args.get("kind"),
            page_number=args["page"],
            page_size=args["page_size"],
        )


@blp.route("/<model_id>")
class Model(MethodView):
    @blp.response(200, ModelSchema)
    def get(self, model_id):
        """One model: kind, version, params, training data, metrics, artifacts."""
        return models.get_model(store(), current_user_id(), model_id)

    @blp.response(204)
    def delete(self, model_id):
        """Delete a model and its artifact blobs."""
        models.delete_model(store(), current_user_id(), model_id)


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
