"""Work started in a thread of its own, for the tests of writers that wait for each other (the interval
store's customer locks)."""

import threading

from django.db import connections


def in_a_thread(work):
    """`work` started in a thread of its own (with its own database connection, closed when it ends): the
    thread, and a dict that gets its result or error."""
    outcome = {}

    def run():
        try:
            outcome["result"] = work()
        except BaseException as error:  # the test reads it
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome
