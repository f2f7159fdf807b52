"""Every setting, read from environment variables once (the only module that reads os.environ)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Config:
    """Service settings. `Config.from_env()` is what the app uses; tests build one directly."""

    data_dir: Path = Path("./var")
    mongo_uri: str | None = None
    host: str = "127.0.0.1"
    port: int = 5000
    cors_origins: tuple[str, ...] = ("http://localhost:5173", "http://127.0.0.1:5173")
    max_upload_mb: int = 200
    # Upload parsing caps: beyond them an upload answers 413 and nothing is stored. They keep
    # parsing linear and bounded (100k columns cost 29 CPU-s to type; a 150 MB line never ended).
    max_upload_columns: int = 1000
    max_upload_header_bytes: int = 64 * 1024
    max_upload_line_bytes: int = 4 * 1024 * 1024
    max_upload_cell_chars: int = 1024 * 1024
    token_ttl_s: int = 7 * 24 * 3600
    log_level: str = "INFO"
    # Jobs
    job_runner: str = "pool"  # "pool" (in-process threads) or "celery"
    job_pool_size: int = 2
    celery_broker_url: str = "redis://127.0.0.1:6379/0"
    max_jobs_per_user: int = 2
    max_jobs_total: int = 8
    job_heartbeat_s: float = 5.0
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

    def with_overrides(self, **changes: object) -> Config:
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
            max_upload_header_bytes=int(env.get("MAX_UPLOAD_HEADER_BYTES", d.max_upload_header_bytes)),
            max_upload_line_bytes=int(env.get("MAX_UPLOAD_LINE_BYTES", d.max_upload_line_bytes)),
            max_upload_cell_chars=int(env.get("MAX_UPLOAD_CELL_CHARS", d.max_upload_cell_chars)),
            token_ttl_s=int(env.get("TOKEN_TTL_S", d.token_ttl_s)),
            log_level=env.get("LOG_LEVEL", d.log_level).upper(),
            job_runner=env.get("JOB_RUNNER", d.job_runner).lower(),
            job_pool_size=int(env.get("JOB_POOL_SIZE", d.job_pool_size)),
            celery_broker_url=env.get("CELERY_BROKER_URL", d.celery_broker_url),
            max_jobs_per_user=int(env.get("MAX_JOBS_PER_USER", d.max_jobs_per_user)),
            max_jobs_total=int(env.get("MAX_JOBS_TOTAL", d.max_jobs_total)),
            job_heartbeat_s=float(env.get("JOB_HEARTBEAT_S", d.job_heartbeat_s)),
            job_extra_kinds=_list(env.get("JOB_EXTRA_KINDS", "")),
            render_workers=int(env.get("RENDER_WORKERS", d.render_workers)),
            render_memory_mb=int(env.get("RENDER_MEMORY_MB", d.render_memory_mb)),
            render_timeout_s=float(env.get("RENDER_TIMEOUT_S", d.render_timeout_s)),
            render_queue_wait_s=float(env.get("RENDER_QUEUE_WAIT_S", d.render_queue_wait_s)),
            frontend_dist=Path(env.get("FRONTEND_DIST", str(d.frontend_dist))),
            testing=_bool(env.get("TESTING", "0")),
        )
