from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.context import current_user_id, store
from backend.schemas.common import page_schema
from backend.schemas.models import ModelListArgs, ModelSchema
from backend.services import models

blp = Blueprint("models", __name__, url_prefix="/api/v1/models", description="Registry of trained models")


@blp.route("")
class Models(MethodView):
    @blp.arguments(ModelListArgs, location="query")
    @blp.response(200, page_schema(ModelSchema))
    def get(self, args):
        """The caller's trained models, newest first."""
        return models.list_models(
            store(), current_user_id(), kind=args.get("kind"), page_number=args["page"], page_size=args["page_size"]
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
