"""A head is signed when a process stops: the scheduler on SIGTERM, and the server's `on_exit` hook in
deploy/gunicorn.conf.py call the same function, which integrates the last reads and signs a head over them."""

import os
import runpy
import signal

import pytest
from django.conf import settings

from custodian.audit import heads
from custodian.audit.models import SignedHead
from custodian.operations.scheduler import Scheduler
from custodian.operations.tests.conftest import read_events


@pytest.fixture
def unsigned_reads(db, log_keys):
    read_events(5)
    assert SignedHead.objects.count() == 0


def test_the_scheduler_signs_the_head_when_it_gets_sigterm(unsigned_reads):
    queued = []
    scheduler = Scheduler(enqueue=queued.append)
    previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        scheduler.install_signal_handlers()
        os.kill(os.getpid(), signal.SIGTERM)  # what systemd or docker stop sends
        assert scheduler.stop.is_set()
        scheduler.run()  # the loop sees the stop at once, then signs
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    head = SignedHead.objects.get()
    assert head.tree_size == 5


def test_the_server_config_signs_the_head_on_exit(unsigned_reads):
    config = runpy.run_path(str(settings.BASE_DIR / "deploy" / "gunicorn.conf.py"))
    assert config["workers"] == 4 and config["accesslog"] is None
    config["on_exit"](server=None)
    assert SignedHead.objects.get().tree_size == 5


def test_a_failed_signing_at_shutdown_does_not_stop_the_shutdown(unsigned_reads, monkeypatch, caplog):
    def broken(**kwargs):
        raise heads.LogTampered("the tree does not extend the head published as 00000001.checkpoint")

    monkeypatch.setattr(heads, "head_sign", broken)
    scheduler = Scheduler(enqueue=lambda name: None)
    scheduler.stop.set()
    scheduler.run()  # no exception
    assert "could not sign the access log's head at shutdown" in caplog.text
