from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.context import bearer_token, config, current_user, store
from backend.schemas.auth import CredentialsSchema, TokenSchema, UserSchema
from backend.services import auth

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Accounts and bearer tokens")


@blp.route("/register")
class Register(MethodView):
    @blp.doc(security=[])
    @blp.arguments(CredentialsSchema)
    @blp.response(201, UserSchema)
    def post(self, body):
        """Create an account."""
        return auth.register(store(), body["username"], body["password"])


@blp.route("/login")
class Login(MethodView):
    @blp.doc(security=[])
    @blp.arguments(CredentialsSchema)
    @blp.response(200, TokenSchema)
    def post(self, body):
        """Exchange a username and password for a bearer token."""
        return auth.login(store(), body["username"], body["password"], config().token_ttl_s)


@blp.route("/logout")
class Logout(MethodView):
    @blp.response(204)
    def post(self):
        """Revoke the token used for this request."""
        auth.logout(store(), bearer_token())


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, UserSchema)
    def get(self):
        """The signed-in user."""
        return auth.public_user(current_user())
