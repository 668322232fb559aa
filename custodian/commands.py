"""What the management commands share: a service's refusal ends the command with the service's own words
(Django prints a CommandError as one line, without a traceback), whatever the service calls its error."""

from contextlib import contextmanager

from django.core.management.base import CommandError


@contextmanager
def refusal_told(*errors: type[Exception]):
    """Inside the block, any of `errors` becomes a CommandError saying what the service said."""
    try:
        yield
    except errors as exc:
        raise CommandError(str(exc)) from None
