"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py "backend.app:create_app()"`.

gthread workers: Server-Sent Events hold a connection (a thread) each, so every worker
has several threads. All settings can be overridden from the environment.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# Long uploads and SSE streams: a generous timeout, and keep-alive for the SPA.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "300"))
graceful_timeout = 30
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
