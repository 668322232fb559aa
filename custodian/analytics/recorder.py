"""Batched writes of page views, so a page never waits for its statistics.

Views collect in memory and a background thread writes them in one insert when the batch fills or a few
seconds pass; `flush()` writes what is pending (tests, shutdown). A lost batch on a crash loses a few
statistics, never a visitor's data.
"""

import atexit
import threading
import time

from django.db import close_old_connections

from custodian.analytics.models import PageView

BATCH = 200
INTERVAL = 2.0


class Recorder:
    def __init__(self):
        self._lock = threading.Lock()
        self._pending: list[PageView] = []
        self._wake = threading.Event()
        self._thread = None
        self.synchronous = False  # tests write at once

    def add(self, view: PageView) -> None:
        if self.synchronous:
            view.save()
            return
        with self._lock:
            self._pending.append(view)
            full = len(self._pending) >= BATCH
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="analytics-writer", daemon=True)
                self._thread.start()
        if full:
            self._wake.set()

    def flush(self) -> int:
        with self._lock:
            batch, self._pending = self._pending, []
        if batch:
            PageView.objects.bulk_create(batch)
        return len(batch)

    def _run(self) -> None:
        while True:
            self._wake.wait(INTERVAL)
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # noqa: BLE001 (statistics must never take the site down)
                time.sleep(INTERVAL)
            finally:
                close_old_connections()


RECORDER = Recorder()
atexit.register(lambda: RECORDER.flush())
