"""Accounts under abuse: sign-in limits per account and per address, the password policy, and
registration that does not tell whether a username exists."""

from __future__ import annotations

import time

import pytest

from backend.app import create_app, shutdown
from backend.services import auth, throttle
from tests.conftest import make_store

# Each failed sign-in scrypt-hashes a password (the point of the limits), so the behaviour runs on
# the embedded store only; the first test runs on both (the store calls are the contract suite's).
SQLITE_ONLY = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

LOGIN = "/api/v1/auth/login"
REGISTER = "/api/v1/auth/register"
GOOD = "correct horse battery"  # tests.conftest.Session's


@pytest.fixture
def limited(store, config):  # noqa: ANN001
    """An app with small limits: 3 failures per account, 5 per address, in 60 s."""
    app = create_app(
        config.with_overrides(
            login_max_failures_per_account=3, login_max_failures_per_address=5, login_window_s=60
        ),
        store=store,
    )
    yield app
    shutdown(app)


def _login(client, username: str, password: str, address: str = "198.51.100.7"):  # noqa: ANN001, ANN202
    return client.post(
        LOGIN,
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def _register(client, username: str, password: str = GOOD):  # noqa: ANN001, ANN202
    response = client.post(REGISTER, json={"username": username, "password": password})
    assert response.status_code == 201, response.get_json()
    return response


@pytest.fixture
def hash_checks(monkeypatch) -> list[str]:  # noqa: ANN001
    """Every password the service checks (scrypt-hashes) is appended here."""
    checked: list[str] = []
    real = auth.check_password_hash

    def counting(pwhash: str, password: str) -> bool:
        checked.append(password)
        return real(pwhash, password)

    monkeypatch.setattr(auth, "check_password_hash", counting)
    return checked


def test_an_account_is_throttled_after_its_failures_without_hashing(limited, hash_checks):
    client = limited.test_client()
    _register(client, "alice")
    for guess in ("guess one", "guess two", "guess three"):
        assert _login(client, "alice", guess).status_code == 401
    assert len(hash_checks) == 3

    throttled = _login(client, "alice", "guess four")
    assert throttled.status_code == 429
    assert throttled.content_type == "application/problem+json"
    body = throttled.get_json()
    assert body["status"] == 429 and body["type"] == "/problems/too-many-login-attempts"
    assert 1 <= int(throttled.headers["Retry-After"]) <= 60
    # Even the right password is refused now, and no password was hashed for either attempt.
    assert _login(client, "alice", GOOD).status_code == 429
    assert len(hash_checks) == 3


@SQLITE_ONLY
def test_the_account_limit_holds_across_addresses_and_spares_other_accounts(limited):
    client = limited.test_client()
    _register(client, "alice")
    _register(client, "bob")
    for i in range(3):
        assert (
            _login(client, "alice", "wrong password", address=f"203.0.113.{i}").status_code == 401
        )
    assert _login(client, "alice", GOOD, address="203.0.113.99").status_code == 429
    assert _login(client, "bob", GOOD, address="203.0.113.0").status_code == 200


@SQLITE_ONLY
def test_an_address_is_throttled_across_usernames_and_spares_other_addresses(limited):
    client = limited.test_client()
    _register(client, "alice")
    for i in range(5):
        assert _login(client, f"user{i}", "wrong password", address="192.0.2.1").status_code == 401
    assert _login(client, "alice", GOOD, address="192.0.2.1").status_code == 429
    assert _login(client, "alice", GOOD, address="192.0.2.2").status_code == 200


@SQLITE_ONLY
def test_unknown_usernames_are_throttled_like_real_ones(limited):
    client = limited.test_client()
    _register(client, "alice")
    answers = {}
    for name, address in (("alice", "192.0.2.10"), ("nobody", "192.0.2.11")):
        answers[name] = [
            _login(client, name, "wrong password", address).status_code for _ in range(4)
        ]
    assert answers["alice"] == answers["nobody"] == [401, 401, 401, 429]


@SQLITE_ONLY
def test_a_successful_sign_in_clears_the_accounts_failures(limited):
    client = limited.test_client()
    _register(client, "alice")
    for _ in range(2):
        assert _login(client, "alice", "wrong password", address="192.0.2.20").status_code == 401
    assert _login(client, "alice", GOOD, address="192.0.2.20").status_code == 200
    # Two more failures would have reached the limit of 3 without the reset.
    for _ in range(2):
        assert _login(client, "alice", "wrong password", address="192.0.2.21").status_code == 401
    assert _login(client, "alice", GOOD, address="192.0.2.21").status_code == 200


@SQLITE_ONLY
def test_the_window_slides(store, config):  # noqa: ANN001
    app = create_app(
        config.with_overrides(login_max_failures_per_account=2, login_window_s=1), store=store
    )
    try:
        client = app.test_client()
        _register(client, "alice")
        assert [_login(client, "alice", "wrong password").status_code for _ in range(3)] == [
            401,
            401,
            429,
        ]
        time.sleep(1.1)
        assert _login(client, "alice", GOOD).status_code == 200
    finally:
        shutdown(app)


def test_limits_are_shared_by_processes_on_one_store(tmp_path, config):  # noqa: ANN001
    """Two gunicorn workers are two stores on one DATA_DIR: a guess on either counts for both."""
    limits = {"login_max_failures_per_account": 4, "login_max_failures_per_address": 100}
    stores = [make_store("sqlite", tmp_path / "shared"), make_store("sqlite", tmp_path / "shared")]
    apps = [create_app(config.with_overrides(**limits), store=s) for s in stores]
    try:
        one, two = (app.test_client() for app in apps)
        _register(one, "alice")
        for client in (one, two, one, two):
            assert _login(client, "alice", "wrong password").status_code == 401
        assert _login(one, "alice", GOOD).status_code == 429
        assert _login(two, "alice", GOOD).status_code == 429
    finally:
        for app, s in zip(apps, stores, strict=True):
            shutdown(app)
            s.close()


@SQLITE_ONLY
def test_throttle_keys_hide_usernames(store, limited):  # noqa: ANN001
    client = limited.test_client()
    _login(client, "Secret.Name", "wrong password")
    stored = str(store.login_failures.find_any())
    assert "secret" not in stored.lower() and "198.51.100.7" not in stored


@pytest.mark.parametrize(
    ("address", "counted"),
    [
        ("192.0.2.5", "192.0.2.5"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.5", "192.0.2.5"),
    ],
)
def test_ipv6_clients_are_counted_by_their_64(address: str, counted: str) -> None:
    assert throttle.client_network(address) == counted


WEAK = [
    "password",
    "12345678",
    "        ",
    "\t" * 8,
    "aaaaaaaaaa",
    "abcabcabc",
    "87654321",
    "abcdefgh",
    "Password1",
    "iloveyou",
    "alice1234",
    "short",
]


@SQLITE_ONLY
def test_weak_passwords_are_refused(client) -> None:  # noqa: ANN001
    for password in WEAK:
        response = client.post(REGISTER, json={"username": "alice", "password": password})
        assert response.status_code == 422, password
        assert response.content_type == "application/problem+json"
        assert list(response.get_json()["errors"]) == ["password"], password
    assert (
        client.post(LOGIN, json={"username": "alice", "password": "password"}).status_code == 401
    )  # no account


@SQLITE_ONLY
def test_reasonable_passwords_are_accepted(client) -> None:  # noqa: ANN001
    for i, password in enumerate([GOOD, "long password", "Tr0ub4dor&3x", "a long e2e password"]):
        _register(client, f"user{i}", password)
        assert (
            client.post(LOGIN, json={"username": f"user{i}", "password": password}).status_code
            == 200
        )


@SQLITE_ONLY
def test_the_minimum_length_is_a_setting(store, config):  # noqa: ANN001
    app = create_app(config.with_overrides(password_min_length=24), store=store)
    try:
        response = app.test_client().post(REGISTER, json={"username": "alice", "password": GOOD})
        assert response.status_code == 422
        assert response.get_json()["errors"]["password"] == ["At least 24 characters."]
    finally:
        shutdown(app)


def test_the_common_list_is_shipped_with_the_package() -> None:
    common = auth.common_passwords()
    assert len(common) >= 4000
    assert {"password", "12345678", "iloveyou", "trustno1"} <= common
    assert all(len(p) >= 8 for p in common)


@SQLITE_ONLY
def test_registration_reads_the_same_for_taken_and_free_names(client, alice):  # noqa: ANN001
    taken = client.post(REGISTER, json={"username": "alice", "password": "another password"})
    free = client.post(REGISTER, json={"username": "dora", "password": "another password"})
    assert (
        (taken.status_code, taken.content_type)
        == (free.status_code, free.content_type)
        == (201, "application/json")
    )
    assert set(taken.get_json()) == set(free.get_json()) == {"username"}
    assert sorted(taken.headers.keys()) == sorted(free.headers.keys())
