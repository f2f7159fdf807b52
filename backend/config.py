"""Every setting, read from environment variables once (the only module that reads os.environ)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _seconds_by_name(value: str) -> tuple[tuple[str, float], ...]:
    """ "imputation=7200, timegan_training=21600" -> (("imputation", 7200.0), ...)."""
    out = []
    for name, _, seconds in (part.partition("=") for part in _list(value)):
        if not seconds.strip():
            raise ValueError(f"expected kind=seconds, got {name!r}")
        out.append((name.strip(), float(seconds)))
    return tuple(out)


@dataclass(frozen=True)
class Config:
    """Service settings. `Config.from_env()` is what the app uses; tests build one directly."""

    data_dir: Path = Path("./var")
    mongo_uri: str | None = None
    host: str = "127.0.0.1"
    port: int = 5000
    # No cross-origin callers by default: the SPA is served from the API's own origin, and the
    # Vite dev server proxies /api. List origins here only for a front end served elsewhere.
    cors_origins: tuple[str, ...] = ()
    # Reverse proxies in front of the app whose X-Forwarded-For is trusted (0: use the peer
    # address). Login limits per address count the client address this yields.
    trusted_proxy_hops: int = 0
    max_upload_mb: int = 200
    # Upload parsing caps: beyond them an upload answers 413 and nothing is stored. They keep
    # parsing linear and bounded (100k columns cost 29 CPU-s to type; a 150 MB line never ended).
    max_upload_columns: int = 1000
    max_upload_header_bytes: int = 64 * 1024
    max_upload_line_bytes: int = 4 * 1024 * 1024
    max_upload_cell_chars: int = 1024 * 1024
    token_ttl_s: int = 7 * 24 * 3600
    # Accounts: failed logins allowed per account and per client address within a sliding window;
    # past them a login answers 429 with Retry-After, without checking (hashing) the password.
    login_window_s: int = 900
    login_max_failures_per_account: int = 10
    login_max_failures_per_address: int = 30
    password_min_length: int = 8
    # Per-user quotas over uploaded and derived datasets (imputed, synthetic).
    max_datasets_per_user: int = 1000
    max_storage_mb_per_user: int = 2048
    max_reports_per_user: int = 200
    log_level: str = "INFO"
    # Jobs
    job_runner: str = "pool"  # "pool" (in-process threads) or "celery"
    job_pool_size: int = 2
    celery_broker_url: str = "redis://127.0.0.1:6379/0"
    # Admission: queued + running jobs per user and on the whole server; past them 429.
    max_jobs_per_user: int = 4
    max_jobs_total: int = 64
    # Running at once: server-wide, and per user (below the server-wide cap, so one user never
    # holds every slot); queued jobs start fewest-running-user first, oldest first.
    max_running_jobs: int = 8
    max_running_jobs_per_user: int = 2
    # Wall-clock limit of one run, per job kind ("kind=seconds,..."); unnamed kinds keep their default.
    job_time_limits: tuple[tuple[str, float], ...] = ()
    job_heartbeat_s: float = 5.0
    # Job event streams (SSE) one user may hold open per server process; past it 429.
    max_streams_per_user: int = 4
    # Extra modules that register job kinds at start-up (comma-separated; tests use this).
    job_extra_kinds: tuple[str, ...] = ()
    # Chart rendering: a pool of sandboxed vl-convert processes per API process (backend.charts).
    render_workers: int = 2
    render_memory_mb: int = 2048  # writable memory per render worker (RLIMIT_DATA)
    render_timeout_s: float = 30.0  # a 100k-point scatter PNG takes 17 s on 2 busy cores
    render_queue_wait_s: float = 10.0  # waiting for a free worker before answering 503
    # Front end: the built SPA served at "/" when this folder exists.
    frontend_dist: Path = Path("frontend/dist")
    testing: bool = False

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def max_storage_bytes_per_user(self) -> int:
        return self.max_storage_mb_per_user * 1024 * 1024

    def with_overrides(self, **changes: Any) -> Config:
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        env = os.environ if env is None else env
        d = cls()
        return cls(
            data_dir=Path(env.get("DATA_DIR", str(d.data_dir))),
            mongo_uri=env.get("MONGO_URI") or None,
            host=env.get("HOST", d.host),
            port=int(env.get("PORT", d.port)),
            cors_origins=_list(env["CORS_ORIGINS"]) if "CORS_ORIGINS" in env else d.cors_origins,
            max_upload_mb=int(env.get("MAX_UPLOAD_MB", d.max_upload_mb)),
            max_upload_columns=int(env.get("MAX_UPLOAD_COLUMNS", d.max_upload_columns)),
            max_upload_header_bytes=int(
                env.get("MAX_UPLOAD_HEADER_BYTES", d.max_upload_header_bytes)
            ),
            max_upload_line_bytes=int(env.get("MAX_UPLOAD_LINE_BYTES", d.max_upload_line_bytes)),
            max_upload_cell_chars=int(env.get("MAX_UPLOAD_CELL_CHARS", d.max_upload_cell_chars)),
            trusted_proxy_hops=int(env.get("TRUSTED_PROXY_HOPS", d.trusted_proxy_hops)),
            token_ttl_s=int(env.get("TOKEN_TTL_S", d.token_ttl_s)),
            login_window_s=int(env.get("LOGIN_WINDOW_S", d.login_window_s)),
            login_max_failures_per_account=int(
                env.get("LOGIN_MAX_FAILURES_PER_ACCOUNT", d.login_max_failures_per_account)
            ),
            login_max_failures_per_address=int(
                env.get("LOGIN_MAX_FAILURES_PER_ADDRESS", d.login_max_failures_per_address)
            ),
            password_min_length=int(env.get("PASSWORD_MIN_LENGTH", d.password_min_length)),
            max_datasets_per_user=int(env.get("MAX_DATASETS_PER_USER", d.max_datasets_per_user)),
            max_storage_mb_per_user=int(
                env.get("MAX_STORAGE_MB_PER_USER", d.max_storage_mb_per_user)
            ),
            max_reports_per_user=int(env.get("MAX_REPORTS_PER_USER", d.max_reports_per_user)),
            log_level=env.get("LOG_LEVEL", d.log_level).upper(),
            job_runner=env.get("JOB_RUNNER", d.job_runner).lower(),
            job_pool_size=int(env.get("JOB_POOL_SIZE", d.job_pool_size)),
            celery_broker_url=env.get("CELERY_BROKER_URL", d.celery_broker_url),
            max_jobs_per_user=int(env.get("MAX_JOBS_PER_USER", d.max_jobs_per_user)),
            max_jobs_total=int(env.get("MAX_JOBS_TOTAL", d.max_jobs_total)),
            max_running_jobs=int(env.get("MAX_RUNNING_JOBS", d.max_running_jobs)),
            max_running_jobs_per_user=int(
                env.get("MAX_RUNNING_JOBS_PER_USER", d.max_running_jobs_per_user)
            ),
            job_time_limits=_seconds_by_name(env.get("JOB_TIME_LIMITS", "")),
            max_streams_per_user=int(env.get("MAX_STREAMS_PER_USER", d.max_streams_per_user)),
            job_heartbeat_s=float(env.get("JOB_HEARTBEAT_S", d.job_heartbeat_s)),
            job_extra_kinds=_list(env.get("JOB_EXTRA_KINDS", "")),
            render_workers=int(env.get("RENDER_WORKERS", d.render_workers)),
            render_memory_mb=int(env.get("RENDER_MEMORY_MB", d.render_memory_mb)),
            render_timeout_s=float(env.get("RENDER_TIMEOUT_S", d.render_timeout_s)),
            render_queue_wait_s=float(env.get("RENDER_QUEUE_WAIT_S", d.render_queue_wait_s)),
            frontend_dist=Path(env.get("FRONTEND_DIST", str(d.frontend_dist))),
            testing=_bool(env.get("TESTING", "0")),
        )
