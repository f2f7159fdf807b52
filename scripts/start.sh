#!/usr/bin/env bash
# Start the API on a VM with nohup (and a Celery worker when JOB_RUNNER=celery).
# Settings come from the environment or from ./.env. Logs and pid files go to $RUN_DIR (default ./var/run).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .env ] && set -a && . ./.env && set +a
RUN_DIR=${RUN_DIR:-./var/run}
mkdir -p "$RUN_DIR"
make install >/dev/null

start() {  # name, command...
  local name=$1; shift
  local pidfile="$RUN_DIR/$name.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "$name already running (pid $(cat "$pidfile"))"; return
  fi
  nohup "$@" >>"$RUN_DIR/$name.log" 2>&1 &
  echo $! >"$pidfile"
  echo "$name started (pid $!, log $RUN_DIR/$name.log)"
}

start web .venv/bin/gunicorn -c gunicorn.conf.py "backend.app:create_app()"
if [ "${JOB_RUNNER:-pool}" = "celery" ]; then
  start worker .venv/bin/celery -A backend.worker worker --pool=solo --concurrency=1 --loglevel=INFO
fi
