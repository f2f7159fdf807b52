"""Accounts and bearer tokens.

Passwords are hashed with scrypt (werkzeug's default, deliberately slow). Tokens are random,
shown to the user once, and stored only as their SHA-256, so a leaked database holds no
usable token; they expire after `token_ttl_s` and logout revokes them.

Sign-ins are throttled per account and per client address (backend/services/throttle.py).
Registration answers the same for a free and a taken username, so it cannot be used to find
accounts; the password policy is in `password_problems`.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from datetime import timedelta
from functools import cache
from importlib import resources
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash

from backend.clock import iso, now_iso, utc_now
from backend.errors import AuthenticationError, InvalidInputError
from backend.services import throttle
from backend.services.common import new_document
from backend.storage import DuplicateKey, Store

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")
MIN_PASSWORD_LENGTH = 8
# Checked against when the username is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def _token_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def public_user(user: dict[str, Any]) -> dict[str, Any]:
    return {"id": user["id"], "username": user["username"], "created_at": user["created_at"]}


def password_problems(
    password: str, username: str, min_length: int = MIN_PASSWORD_LENGTH
) -> list[str]:
    """Why a new password is refused (empty if it is fine): NIST SP 800-63B's rules, a minimum
    length and no commonly used, repetitive or sequential passwords or the username itself."""
    if len(password) < min_length:
        return [f"At least {min_length} characters."]
    folded = password.strip().lower()
    name = (username or "").strip().lower()
    if _is_trivial(folded):
        return [
            "Too easy to guess: spaces, one repeated pattern or a plain sequence (like 12345678)."
        ]
    if folded in common_passwords() or "".join(folded.split()) in common_passwords():
        return ["This is one of the most common passwords; choose another."]
    if name and (
        folded == name or (len(name) >= 4 and len(name) * 2 > len(folded) and name in folded)
    ):
        return ["The password must not be (mostly) the username."]
    return []


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list (backend/services/data/common_passwords.txt, source noted there)."""
    text = (
        resources.files("backend.services").joinpath("data/common_passwords.txt").read_text("utf-8")
    )
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _is_trivial(folded: str) -> bool:
    if not folded:
        return True  # all whitespace
    n = len(folded)
    # One short unit repeated: "aaaaaaaa", "abababab", "123123123".
    if any(n % k == 0 and folded == folded[:k] * (n // k) for k in range(1, n // 2 + 1)):
        return True
    steps = {ord(b) - ord(a) for a, b in zip(folded, folded[1:], strict=False)}
    return steps in ({1}, {-1})  # "12345678", "abcdefgh", "87654321"


def register(
    store: Store, username: str, password: str, *, min_length: int = MIN_PASSWORD_LENGTH
) -> dict[str, Any]:
    """Create the account, or, if the name is taken, do nothing and answer the same.

    The password is hashed either way, so the two cases also take the same time (up to one
    insert). Someone who took a taken name finds out when signing in fails, which is throttled.
    """
    errors = {}
    if not USERNAME_PATTERN.match(username or ""):
        errors["username"] = ["3-64 characters: letters, digits, '_', '.', '-'."]
    problems = password_problems(password or "", username, min_length)
    if problems:
        errors["password"] = problems
    if errors:
        raise InvalidInputError("The account details are not valid.", errors=errors)
    user = new_document(
        "", username=username.lower(), password_hash=generate_password_hash(password)
    )
    user["owner_id"] = user["id"]
    with contextlib.suppress(DuplicateKey):  # taken: nothing to do, and nothing to tell
        store.users.insert(user)
    return {"username": user["username"]}


def login(
    store: Store,
    username: str,
    password: str,
    ttl_s: int,
    *,
    address: str | None = None,
    limits: throttle.LoginLimits | None = None,
) -> dict[str, Any]:
    """A token for the right password; 401 otherwise, 429 (unchecked) past the `limits`."""
    keys = throttle.login_keys(username, address, limits) if limits else []
    attempt: list[str] = []
    if limits and keys:
        throttle.check(store, keys, limits.window_s)
        attempt = throttle.record_attempt(store, keys)
    matches = store.users.find_any({"username": (username or "").lower()}, limit=1)
    user = matches[0] if matches else None
    if (
        not check_password_hash(user["password_hash"] if user else _DUMMY_HASH, password or "")
        or user is None
    ):
        raise AuthenticationError("Wrong username or password.")
    if keys:
        throttle.forget(store, attempt, account=keys[0])
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
