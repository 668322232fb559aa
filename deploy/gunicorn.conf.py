"""Gunicorn's configuration for Custodian: `gunicorn -c deploy/gunicorn.conf.py custodian.wsgi`.

Every value can be changed from the environment (GUNICORN_*), see docs/operations.md. Logs are JSON lines on
stdout through the same scrubbing as the app's (custodian.operations.logs); gunicorn's own access log is off
because it writes the path and query string and the client's address: the app writes one line per request
without them. When the server stops, the access log's head is signed (`on_exit`).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Restart a worker now and then (bounded memory); the jitter keeps them from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))
# The proxy in front (TLS) is trusted for X-Forwarded-Proto only from these addresses.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Bodies are limited by Django (DATA_UPLOAD_MAX_MEMORY_SIZE); request lines and headers here.
limit_request_line = 4094
limit_request_fields = 100
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "custodian"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "custodian.operations.logs.PersonalDataFilter"}},
    "formatters": {"json": {"()": "custodian.operations.logs.JsonLinesFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["personal_data"],
        }
    },
    "root": {"handlers": ["stdout"], "level": "WARNING"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": [], "propagate": False},
    },
}


def on_exit(server):
    """The server is stopping: sign the access log's head, so the last reads before a shutdown are covered
    by a published head without waiting for the scheduled signing."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "custodian.settings")
    import django

    django.setup()
    from custodian.operations.scheduler import sign_at_shutdown

    sign_at_shutdown()
