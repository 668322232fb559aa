"""The bill run started from the console, in the background (django.tasks), with its progress recorded as it
goes (`BillRun`): the same `bill_run` as the command, named for the billing staff member who started it. Only
one run is queued or running at a time; a run that died is simply started again (billed accounts are
skipped)."""

import logging

from django.tasks import task

from custodian.background import run_outcome, run_queue, run_start
from custodian.billing.models import BillRun
from custodian.billing.notices import bill_notices_send
from custodian.billing.services import BillingError, accounts_to_bill, bill_run, cycle_ended_check, may_bill

log = logging.getLogger(__name__)


def bill_run_request(*, cycle: str, requested_by) -> BillRun:
    """Queue a bill run for `cycle`; refused (BillingError, saying why) for staff who don't bill, a bad
    cycle or one whose month has not ended, or while another run is queued or running."""
    if requested_by is None or not may_bill(requested_by):
        raise BillingError("only billing staff start a bill run")
    cycle_ended_check(cycle)
    busy = BillingError("a bill run is already queued or running; wait for it to finish")
    return run_queue(BillRun, bill_run_task, refused=busy, cycle=cycle, requested_by=requested_by)


@task()
def bill_run_task(*, run_id: int) -> str:
    run = run_start(BillRun, run_id)
    if run is None:
        return "nothing to do"
    run.stage, run.total, run.done = "billing accounts", accounts_to_bill(run.cycle).count(), 0
    run.save(update_fields=["stage", "total", "done"])

    def advance(n: int) -> None:
        run.done = min(run.total, run.done + n)
        BillRun.objects.filter(pk=run.pk).update(done=run.done)

    with run_outcome(run, log=log, what="bill run"):
        try:
            issued = bill_run(cycle=run.cycle, run=run, progress=advance, started_by=run.requested_by)
            accounts = run.total

            def to_tell(n: int) -> None:
                # The e-mail stage's bar counts its own: the bills to tell, counted before the first e-mail.
                run.total, run.done = n, 0
                BillRun.objects.filter(pk=run.pk).update(
                    stage="e-mailing paperless customers", total=n, done=0
                )

            told = bill_notices_send(
                cycle=run.cycle, by=run.requested_by, progress=advance, progress_total=to_tell
            )
            run.total = accounts  # the run ends counting what it billed
            run.status, run.stage, run.done, run.bills_issued = BillRun.Status.DONE, "done", run.total, issued
            run.summary = (
                f"{issued} bills issued; {run.total - issued} accounts already billed; "
                f"{told.emailed} bill-ready e-mails sent"
            )
        except BillingError as exc:
            run.status, run.summary = BillRun.Status.FAILED, f"refused: {exc}"[:400]
    return run.summary
