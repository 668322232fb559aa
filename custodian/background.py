"""Runs in the background, one at a time (bill runs, report runs): a run's row is queued only while no other
is queued or running, then its task is enqueued; the latest runs are listed with whether one is still going.
The models have a `status` with QUEUED and RUNNING (custodian.billing.models.BillRun,
custodian.usage.models.ReportRun)."""

from django.db import transaction


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
