"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py "backend.app:create_app()"`.

gthread workers (threads answer requests) with a hub thread each for job event streams.
All settings can be overridden from the environment.
"""

import multiprocessing
import os

from backend.servers import ensure_port_free, install_gunicorn_problem_errors

# Requests gunicorn refuses itself (a request line over limit_request_line: 414; bad headers:
# 400/431) get an HTML page by default; the API answers every error as problem+json.
install_gunicorn_problem_errors()

# Loopback by default, like `python -m backend`: exposing the API is a choice (HOST=0.0.0.0 in the
# image, or a reverse proxy in front), never an accident.
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
# One worker per core: requests are short and CPU-bound (measured on 2 cores with 50 clients:
# 2 workers x 4 threads gave p99 86-90 ms for GET /datasets; 5 workers x 8 threads 158 ms).
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count())))
# gthread, except that job event streams (SSE) leave the thread pool once their head is sent:
# one hub thread per worker serves them all (backend/jobs/stream_hub.py), so open streams
# never hold the threads that answer other requests.
worker_class = "backend.jobs.stream_hub.EventStreamWorker"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Each worker listens on its own socket (SO_REUSEPORT) and the kernel spreads new connections
# over them. On one shared socket the first worker awake accepted nearly all of a burst of
# keep-alive connections (3 or 6 of 50 on one worker, 44-47 on the other, measured with
# scripts/bench_api.py), and those clients queued behind one core while the other worker's few
# were answered at once: GET /datasets p50 14-18 ms but p95 130-140 ms. Spread by the kernel,
# 25/25 or 19/31, every connection's median within 1.6x of another's. Costs: a second server
# started on the same port by the same user would share it instead of failing to bind
# (on_starting refuses to start when the port already answers), and connections still
# queued at a worker that dies are reset. GUNICORN_REUSE_PORT=0 turns it off.
reuse_port = os.environ.get("GUNICORN_REUSE_PORT", "1") != "0"
# Long uploads and SSE streams: a generous timeout, and keep-alive for the SPA.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "300"))
graceful_timeout = 30
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


def on_starting(server) -> None:  # noqa: ANN001 - gunicorn's Arbiter
    """Once per boot, in the master before it forks the workers: the store sweep (finishes
    deletes a crash cut short, removes orphaned blobs; backend/storage/sweep.py). Workers do
    not sweep, so N workers are not N sweeps reading the whole store at every start."""
    from backend.config import Config
    from backend.storage.sweep import sweep_at_boot

    if server.cfg.reuse_port:
        ensure_port_free(server.cfg.address)

    report = sweep_at_boot(Config.from_env())
    server.log.info("store sweep at boot: %s", report.summary() if report else "not run")
