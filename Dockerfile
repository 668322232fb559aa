# Custodian's image: the web server, the background worker and the scheduler all run from it (compose.yaml).
# Slim Python, the runtime dependencies only (requirements/runtime.lock, every file checked by its hash), the
# PostgreSQL client for `manage.py backup`/`restore`, and a user without privileges. No key and no secret is
# in the image: they are mounted at run time (docs/operations.md).
FROM python:3.13-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
COPY requirements/runtime.lock /tmp/runtime.lock
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --require-hashes -r /tmp/runtime.lock

FROM python:3.13-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 custodian \
    && useradd --system --uid 10001 --gid custodian --home-dir /var/lib/custodian --shell /usr/sbin/nologin custodian \
    && install -d -o custodian -g custodian -m 0750 /var/lib/custodian
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=root:root . /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DEBUG=0 \
    CUSTODIAN_VAR_DIR=/var/lib/custodian \
    GUNICORN_BIND=0.0.0.0:8000
USER custodian:custodian
EXPOSE 8000
# The web server's liveness: /healthz answers 200 while the process serves (the worker and the scheduler
# containers turn this check off in compose.yaml; /readyz is for monitoring, not for restarts).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
# Migrations and static files first (both safe to repeat), then the server.
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py collectstatic --noinput -v0 && exec gunicorn -c deploy/gunicorn.conf.py custodian.wsgi"]
