# The API (and, with another command, a Celery worker). CPU build by default;
# for a GPU image build FROM an nvidia/cuda base and install the CUDA torch wheel (README, "GPU").

# The SPA, built once and served by Flask at "/".
FROM node:20-slim AS frontend
WORKDIR /frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
COPY frontend ./
RUN npx vite build

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DATA_DIR=/data HOST=0.0.0.0 PORT=5000
WORKDIR /app
# Pango and a font for WeasyPrint (report PDFs).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md ./
COPY backend ./backend
COPY models ./models
RUN pip install --upgrade pip && pip install . gunicorn

COPY gunicorn.conf.py Procfile ./
COPY --from=frontend /frontend/dist ./frontend/dist
ARG GIT_COMMIT=nogit
ENV GIT_COMMIT=${GIT_COMMIT}

RUN useradd --create-home --uid 10001 app && mkdir -p /data && chown app /data
USER app
VOLUME ["/data"]
EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/health')"
CMD ["gunicorn", "-c", "gunicorn.conf.py", "backend.app:create_app()"]
