"""What the management commands share: a service's refusal ends the command with the service's own words
(Django prints a CommandError as one line, without a traceback), whatever the service calls its error."""

from contextlib import contextmanager

from django.core.management.base import CommandError
from tqdm import tqdm


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


@contextmanager
def progress_once_counted(**bar_options):
    """`progress_on`'s keywords for a bar (tqdm's, with `bar_options`) drawn only once the service says how
    many it will count, and only when that is some: a run with nothing to do draws no bar, and the command
    says so in its own words."""
    bar = None

    def total(n: int) -> None:
        nonlocal bar
        if bar is not None:
            bar.reset(total=n)
        elif n:
            bar = tqdm(total=n, **bar_options)

    def update(n: int) -> None:
        if bar is not None:
            bar.update(n)

    try:
        yield {"progress": update, "progress_total": total}
    finally:
        if bar is not None:
            bar.close()
