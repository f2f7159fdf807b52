"""Sign-in throttling: failed attempts per account and per client address, in a sliding window.

Why the counters live in the store and not in process memory: gunicorn runs several workers
(and a Mongo deployment several machines), and connections are spread over them, so a
per-process counter would allow `limit x processes` guesses and forget them on every restart.
A limit that must mean "10 guesses per account per 15 minutes" has to be counted where every
process sees it. It costs little: a throttled attempt is two indexed reads (owner_id is the
hashed key; the newest `limit` documents are read), and only checked attempts are written,
at most the limits' worth per window, never the flood that follows.

What a throttled sign-in does not do is the point: it never checks (scrypt-hashes) the
password, the CPU cost that let a login flood slow every other request. An attempt is recorded
before its password is checked and removed if it succeeds, so attempts in flight count too.
Unknown usernames are throttled exactly like real ones, so a 429 says nothing about existence.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend.clock import iso, utc_now
from backend.errors import LoginThrottledError
from backend.services.common import new_id
from backend.storage import Store

DAY_S = 86_400
# Old failures are swept at most this often per process, in batches of this many.
SWEEP_EVERY_S = 600.0
SWEEP_BATCH = 5_000


@dataclass(frozen=True)
class LoginLimits:
    window_s: int
    max_per_account: int
    max_per_address: int


@dataclass(frozen=True)
class Key:
    """A hashed throttle key (usernames mistyped as passwords are not stored) and its limit."""

    id: str
    limit: int


def login_keys(username: str, address: str | None, limits: LoginLimits) -> list[Key]:
    keys = [Key(_hash("account", (username or "").strip().lower()), limits.max_per_account)]
    if address:
        keys.append(Key(_hash("address", client_network(address)), limits.max_per_address))
    return keys


def client_network(address: str) -> str:
    """The address a limit counts: IPv4 as is, IPv6 by its /64 (one host gets a whole /64)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def check(store: Store, keys: list[Key], window_s: int) -> None:
    """Raise LoginThrottledError if any key already has `limit` failures within the window."""
    now = time.time()
    wait_s = 0.0
    for key in keys:
        if key.limit <= 0:
            continue
        recent = store.login_failures.find_any({"owner_id": key.id}, limit=key.limit)
        in_window = [t for t in (_epoch(doc["created_at"]) for doc in recent) if t > now - window_s]
        if len(in_window) >= key.limit:
            # The window frees a place when the oldest of those `limit` failures leaves it.
            wait_s = max(wait_s, min(in_window) + window_s - now)
    if wait_s > 0:
        retry_after_s = max(1, math.ceil(wait_s))
        raise LoginThrottledError(
            f"Too many failed sign-ins for this account or from this address; try again in {retry_after_s} s.",
            retry_after_s=retry_after_s,
        )


def record_attempt(store: Store, keys: list[Key]) -> list[str]:
    """Count an attempt against every key (before its password is checked); the document ids."""
    moment = utc_now()
    ids: list[str] = []
    for key in keys:
        doc: dict[str, Any] = {
            "id": new_id(),
            "owner_id": key.id,
            "created_at": iso(moment),
            "day": int(moment.timestamp() // DAY_S),
        }
        store.login_failures.insert(doc)
        ids.append(doc["id"])
    _sweep_now_and_then(store)
    return ids


def forget(store: Store, attempt_ids: list[str], account: Key | None = None) -> None:
    """A sign-in succeeded: drop its attempt and, for `account`, the failures before it.

    Address failures stay: an attacker who owns one account must not be able to clear their
    address's count by signing in to it.
    """
    for doc_id in attempt_ids:
        store.login_failures.delete_any(doc_id)
    if account is not None:
        for doc in store.login_failures.find_any({"owner_id": account.id}):
            store.login_failures.delete_any(doc["id"])


_sweep_lock = threading.Lock()
_last_sweep = 0.0


def _sweep_now_and_then(store: Store) -> None:
    """Delete failures two or more days old (windows are at most a day), now and then."""
    global _last_sweep
    now = time.time()
    with _sweep_lock:
        if now - _last_sweep < SWEEP_EVERY_S:
            return
        _last_sweep = now
    today = int(now // DAY_S)
    old_days = list(range(today - 366, today - 1))
    for doc in store.login_failures.find_any({"day": old_days}, limit=SWEEP_BATCH):
        store.login_failures.delete_any(doc["id"])


def _hash(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def _epoch(moment: str) -> float:
    return datetime.fromisoformat(moment).timestamp()
