"""Work done once the answer has been sent: the person waiting gets the same answer, in the same time,
whatever that work finds (a password reset's e-mail goes only to an address that signs in; looking the
address up and sending the e-mail after the response keeps the response's timing from telling which).

The WSGI server calls a response's `close()` once its body has been sent (PEP 3333; Django's test client
does the same); the work runs there, before Django's own end-of-request handling closes the database
connection. A failure is logged, never shown: the answer has already gone."""

import logging
from collections.abc import Callable

from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url

logger = logging.getLogger(__name__)


class _RedirectThenWork(HttpResponseRedirect):
    def __init__(self, to: str, work: Callable[[], object]):
        super().__init__(to)
        self._work = work

    def close(self):
        work, self._work = self._work, None
        if work is not None:
            try:
                work()
            except Exception:  # the response is sent: nothing to tell the person; the operators are told
                logger.exception("work after the response failed")
        super().close()


def redirect_then(to: str, work: Callable[[], object]) -> HttpResponseRedirect:
    """A redirect to `to` (a URL or a URL pattern's name) that does `work` after it has been sent."""
    return _RedirectThenWork(resolve_url(to), work)
