"""Accounts and bearer tokens.

Passwords are hashed with scrypt (werkzeug's default, deliberately slow). Tokens are random,
shown to the user once, and stored only as their SHA-256, so a leaked database holds no
usable token; they expire after `token_ttl_s` and logout revokes them.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash

from backend.errors import AuthenticationError, ConflictError, InvalidInputError
from backend.services.common import iso, new_document, now_iso, utc_now
from backend.storage import DuplicateKey, Store

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")
MIN_PASSWORD_LENGTH = 8
# Checked against when the username is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def _token_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def public_user(user: dict[str, Any]) -> dict[str, Any]:
    return {"id": user["id"], "username": user["username"], "created_at": user["created_at"]}


def register(store: Store, username: str, password: str) -> dict[str, Any]:
    errors = {}
    if not USERNAME_PATTERN.match(username or ""):
        errors["username"] = ["3-64 characters: letters, digits, '_', '.', '-'."]
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors["password"] = [f"At least {MIN_PASSWORD_LENGTH} characters."]
    if errors:
        raise InvalidInputError("The account details are not valid.", errors=errors)
    user = new_document("", username=username.lower(), password_hash=generate_password_hash(password))
    user["owner_id"] = user["id"]
    try:
        store.users.insert(user)
    except DuplicateKey as exc:
        raise ConflictError(f"The username '{username}' is taken.") from exc
    return public_user(user)


def login(store: Store, username: str, password: str, ttl_s: int) -> dict[str, Any]:
    matches = store.users.find_any({"username": (username or "").lower()}, limit=1)
    user = matches[0] if matches else None
    if not check_password_hash(user["password_hash"] if user else _DUMMY_HASH, password or "") or user is None:
        raise AuthenticationError("Wrong username or password.")
    token = secrets.token_urlsafe(32)
    expires_at = iso(utc_now() + timedelta(seconds=ttl_s))
    record = new_document(user["id"], expires_at=expires_at)
    record["id"] = _token_key(token)
    store.tokens.insert(record)
    return {"token": token, "expires_at": expires_at, "user": public_user(user)}


def authenticate(store: Store, token: str) -> dict[str, Any]:
    """The user a bearer token belongs to; 401 if unknown, revoked or expired."""
    record = store.tokens.get_any(_token_key(token)) if token else None
    if record is None or record["expires_at"] <= now_iso():
        raise AuthenticationError("The token is missing, expired or revoked; log in again.")
    user = store.users.get_any(record["owner_id"])
    if user is None:
        raise AuthenticationError("The account no longer exists.")
    return user


def logout(store: Store, token: str) -> None:
    store.tokens.delete_any(_token_key(token))
