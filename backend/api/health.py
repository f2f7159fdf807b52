from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.context import store
from backend.errors import ServiceUnavailableError, StoreUnavailableError
from backend.schemas.health import HealthSchema
from backend.services import health

blp = Blueprint("health", __name__, url_prefix="/api/v1", description="Liveness and readiness")


@blp.route("/health")
class Health(MethodView):
    @blp.doc(security=[])
    @blp.response(200, HealthSchema)
    def get(self):
        """The process is up."""
        return {"status": "ok", "checks": {}}


@blp.route("/ready")
class Ready(MethodView):
    @blp.doc(security=[])
    @blp.response(200, HealthSchema)
    def get(self):
        """The store answers and the shipped model weights are present."""
        checks = health.readiness(store())
        if checks["store"] != "ok":
            raise StoreUnavailableError(f"Not ready: store: {checks['store']}")
        if any(value != "ok" for value in checks.values()):
            raise ServiceUnavailableError(
                "Not ready: " + ", ".join(f"{k}: {v}" for k, v in checks.items() if v != "ok")
            )
        return {"status": "ok", "checks": checks}
