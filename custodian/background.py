"""Runs in the background, one at a time (bill runs, report runs): a run's row is queued only while no other
is queued or running, then its task is enqueued; the latest runs are listed with whether one is still going.
The models are `Run`s (custodian.billing.models.BillRun, custodian.usage.models.ReportRun): who asked and
when, the status, the stage and progress the console shows, and the outcome. And what a long run does with
the garbage collector (`objects_held_frozen`)."""

import gc
import logging
from contextlib import contextmanager

from django.db import models, transaction
from django.utils import timezone


class Run(models.Model):
    """What every run in the background records; its model adds what its own work counts or produces."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    requested_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=60, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.CharField(max_length=400, blank=True)

    class Meta:
        abstract = True

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def run_queue(model, task, *, refused: Exception, **fields):
    """Create a run of `model` with `fields` and enqueue `task` for it; raise `refused` while another run is
    queued or running (checked under a lock, so two clicks can't queue two)."""
    going = [model.Status.QUEUED, model.Status.RUNNING]
    with transaction.atomic():
        if model.objects.select_for_update().filter(status__in=going).exists():
            raise refused
        run = model.objects.create(**fields)
    task.enqueue(run_id=run.pk)
    run.refresh_from_db()
    return run


def runs_latest(model, *, limit: int = 10, related=("requested_by",)) -> tuple[list, bool]:
    """The latest runs, newest first, and whether one of them is queued or running."""
    runs = list(model.objects.select_related(*related).order_by("-pk")[:limit])
    return runs, any(r.status in (model.Status.QUEUED, model.Status.RUNNING) for r in runs)


def run_start(model, run_id: int):
    """The queued run `run_id` of `model`, marked running from now; None when it is not queued (a task
    delivered twice, or a run cancelled): there is nothing to do."""
    run = model.objects.filter(pk=run_id, status=model.Status.QUEUED).first()
    if run is not None:
        run.status, run.started_at = model.Status.RUNNING, timezone.now()
        run.save(update_fields=["status", "started_at"])
    return run


@contextmanager
def run_outcome(run, *, log: logging.Logger, what: str):
    """Around a run's work: a crash is logged and recorded as FAILED with the exception named (the work
    sets DONE, or a refusal in its own words, itself), and the run is saved with its finishing time."""
    try:
        yield run
    except Exception as exc:
        log.exception("%s %s failed", what, run.pk)
        run.status, run.summary = run.Status.FAILED, f"failed: {exc.__class__.__name__}: {exc}"[:400]
    run.finished_at = timezone.now()
    run.save()


@contextmanager
def objects_held_frozen():
    """While a long run (a bill run, a vendor export) goes on, the collector's full collections leave out the
    objects the process held before it (modules, settings, caches: some 160,000), which they would otherwise
    walk again and again for nothing while the run's chunks pile up. They go back to the collector when the
    run ends, whichever way it ends; a process that froze its objects itself (a server preloading the
    application before forking) keeps them frozen."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
