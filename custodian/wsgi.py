import atexit
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "custodian.settings")
application = get_wsgi_application()


def _sign_the_access_log() -> None:
    """When a server process stops, the access log's head is signed (if it grew): the last reads before a
    shutdown are covered by a published head without waiting for the next hourly signing."""
    from custodian.audit.heads import head_sign_at_shutdown  # needs the app registry, loaded above

    head_sign_at_shutdown()


atexit.register(_sign_the_access_log)
