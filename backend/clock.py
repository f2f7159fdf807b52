"""Timestamps every layer shares (jobs, services, storage): one clock, one string format."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    # Fixed width (microseconds, +00:00) so ISO strings sort like the instants they name.
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def now_iso() -> str:
    return iso(utc_now())
