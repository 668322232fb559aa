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


def progress_on(bar) -> dict:
    """A progress bar (tqdm's) driven by a service that counts as it goes (`progress`) and first says how many
    it will count (`progress_total`): the bar's total is the service's own, so the bar ends at 100 % when the
    work is done, never short of it or past it, whatever the command could have counted beforehand."""
    return {"progress": bar.update, "progress_total": lambda n: bar.reset(total=n)}
