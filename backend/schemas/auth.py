from marshmallow import Schema, fields, validate

from backend.schemas.common import StrictSchema


class CredentialsSchema(StrictSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=1024)
    )


class UserSchema(Schema):
    id = fields.String(dump_only=True)
    username = fields.String()
    created_at = fields.String(dump_only=True)


class RegistrationSchema(Schema):
    """The same for a new account and for a taken username, so registering finds no accounts."""

    username = fields.String(
        required=True, metadata={"description": "The username, lower-cased; sign in with it."}
    )


class TokenSchema(Schema):
    token = fields.String(required=True)
    expires_at = fields.String(required=True)
    user = fields.Nested(UserSchema)
