from __future__ import annotations

from backend.app import create_app, shutdown


def test_register_login_me(client, alice):
    me = alice.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.get_json()["username"] == "alice"
    assert "password_hash" not in me.get_json()


def test_login_answers_token_and_expiry(client, alice):
    response = client.post(
        "/api/v1/auth/login", json={"username": "alice", "password": "correct horse battery"}
    )
    body = response.get_json()
    assert set(body) >= {"token", "expires_at"}
    assert body["token"] != alice.token


def test_a_taken_username_is_not_revealed_and_not_taken_over(client, alice):
    taken = client.post(
        "/api/v1/auth/register", json={"username": "ALICE", "password": "another password"}
    )
    free = client.post(
        "/api/v1/auth/register", json={"username": "carol", "password": "another password"}
    )
    assert taken.status_code == free.status_code == 201
    assert taken.get_json() == {"username": "alice"} and free.get_json() == {"username": "carol"}
    # Nothing changed for the real alice: her password still works, the newcomer's does not.
    assert (
        client.post(
            "/api/v1/auth/login", json={"username": "alice", "password": "another password"}
        ).status_code
        == 401
    )
    assert (
        client.post(
            "/api/v1/auth/login", json={"username": "alice", "password": "correct horse battery"}
        ).status_code
        == 200
    )


def test_weak_registration_is_rejected_with_field_errors(client):
    response = client.post("/api/v1/auth/register", json={"username": "x", "password": "short"})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"username", "password"}


def test_wrong_password_and_unknown_user_read_the_same(client, alice):
    wrong = client.post(
        "/api/v1/auth/login", json={"username": "alice", "password": "nope nope nope"}
    )
    unknown = client.post(
        "/api/v1/auth/login", json={"username": "nobody", "password": "nope nope nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json()["detail"] == unknown.get_json()["detail"]


def test_routes_need_a_valid_token(client):
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/datasets", headers=headers)
        assert response.status_code == 401
        assert response.content_type == "application/problem+json"


def test_logout_revokes_the_token(alice):
    assert alice.post("/api/v1/auth/logout").status_code == 204
    assert alice.get("/api/v1/auth/me").status_code == 401


def test_tokens_expire(store, config, tmp_path):
    app = create_app(config.with_overrides(token_ttl_s=-1), store=store)
    try:
        client = app.test_client()
        client.post("/api/v1/auth/register", json={"username": "carol", "password": "long enough"})
        token = client.post(
            "/api/v1/auth/login", json={"username": "carol", "password": "long enough"}
        ).get_json()["token"]
        assert (
            client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code
            == 401
        )
    finally:
        shutdown(app)  # its job threads would otherwise outlive the store


def test_passwords_are_stored_hashed(store, alice):
    user = store.users.find_any({"username": "alice"})[0]
    assert "correct horse battery" not in str(user)
    assert user["password_hash"].startswith(("scrypt:", "pbkdf2:"))
