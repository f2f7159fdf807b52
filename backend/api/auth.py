from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.context import bearer_token, config, current_user, store
from backend.schemas.auth import CredentialsSchema, RegistrationSchema, TokenSchema, UserSchema
from backend.services import auth, throttle

blp = Blueprint(
    "auth", __name__, url_prefix="/api/v1/auth", description="Accounts and bearer tokens"
)


@blp.route("/register")
class Register(MethodView):
    @blp.doc(security=[])
    @blp.arguments(CredentialsSchema)
    @blp.response(201, RegistrationSchema)
    def post(self, body):
        """Create an account (the same answer whether or not the username was free; sign in to use it).

        The password needs PASSWORD_MIN_LENGTH characters and must not be a common, repetitive
        or sequential password or the username (422 with `errors.password`).
        """
        return auth.register(
            store(), body["username"], body["password"], min_length=config().password_min_length
        )


@blp.route("/login")
class Login(MethodView):
    @blp.doc(security=[])
    @blp.arguments(CredentialsSchema)
    @blp.response(200, TokenSchema)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, body):
        """Exchange a username and password for a bearer token (failed attempts are rate limited)."""
        return auth.login(
            store(),
            body["username"],
            body["password"],
            config().token_ttl_s,
            address=request.remote_addr,
            limits=_login_limits(),
        )


def _login_limits() -> throttle.LoginLimits:
    cfg = config()
    return throttle.LoginLimits(
        # The sweep of old failures assumes a window of at most a day.
        window_s=min(cfg.login_window_s, throttle.DAY_S),
        max_per_account=cfg.login_max_failures_per_account,
        max_per_address=cfg.login_max_failures_per_address,
    )


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
